// arrowquant validate ORIGINAL QUANTIZED [--json]: per-layer cosine, SQNR, MSE and max error of the quantized
// model against the original, and totals (aq_compare_models).
#include <cstdio>
#include <string>

#include <boost/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "json_read.hpp"
#include "table.hpp"

namespace aqcli {
namespace {

namespace bj = boost::json;

std::string opt_fixed(std::optional<double> v, int decimals) { return v ? fixed(*v, decimals) : "-"; }
std::string opt_sci(std::optional<double> v) { return v ? sci(*v, 3) : "-"; }

void print_human(const bj::value& rep) {
  Table table({"LAYER", "ELEMENTS", "COSINE", "SQNR_DB", "MSE", "MAX_ERROR"},
              {false, true, true, true, true, true});
  const bj::value* layers = at_path(rep, "layers");
  double cos_sum = 0, cos_min = 2;
  std::string worst;
  std::size_t n = 0;
  if (layers && layers->is_array()) {
    for (const auto& l : layers->get_array()) {
      auto elements = number_at(l, "elements");
      auto cosine = number_at(l, "cosine");
      const std::string name = string_at(l, "name").value_or("?");
      if (cosine) {
        cos_sum += *cosine;
        ++n;
        if (*cosine < cos_min) {
          cos_min = *cosine;
          worst = name;
        }
      }
      table.add({name, elements ? fixed(*elements, 0) : "-", opt_fixed(cosine, 6),
                 opt_fixed(number_at(l, "sqnr_db", true), 2), opt_sci(number_at(l, "mse")),
                 opt_sci(number_at(l, "max_abs_error"))});
    }
  }
  auto total_elements = number_at(rep, "totals.elements");
  table.add({"TOTAL", total_elements ? fixed(*total_elements, 0) : "-", opt_fixed(number_at(rep, "totals.cosine"), 6),
             opt_fixed(number_at(rep, "totals.sqnr_db", true), 2), opt_sci(number_at(rep, "totals.mse")),
             opt_sci(number_at(rep, "totals.max_abs_error"))});
  table.print(stdout);
  if (n)
    std::printf("\n%zu quantized layers: mean cosine %s, lowest %s (%s)\n", n, fixed(cos_sum / double(n), 6).c_str(),
                fixed(cos_min, 6).c_str(), worst.c_str());
  else
    std::printf("\nno quantized layers to compare\n");
}

}  // namespace

int run_validate(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {{"json", {}, false}};
  ParsedArgs args = parse_args("validate", argc, argv, first, specs, 2, 2, {"ORIGINAL", "QUANTIZED"});
  if (args.help) {
    std::fputs(kValidateHelp, stdout);
    return kExitOk;
  }
  aq_report* raw = nullptr;
  check(aq_compare_models(args.positionals[0].c_str(), args.positionals[1].c_str(), &raw));
  ReportPtr report(raw);
  const std::string text = report_text(report.get());
  if (args.has("json")) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
    return kExitOk;
  }
  print_human(parse_json(text, "comparison report"));
  return kExitOk;
}

}  // namespace aqcli
