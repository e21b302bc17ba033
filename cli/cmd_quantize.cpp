// arrowquant quantize INPUT OUTPUT [options]: the model pipeline with the configuration built from the profile,
// a config file, the environment and the flags (highest precedence, source "cli").
#include <climits>
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "config_flags.hpp"
#include "html_report.hpp"
#include "json_read.hpp"
#include "progress.hpp"
#include "quantize_run.hpp"
#include "summary.hpp"

namespace aqcli {
namespace {

const char* const kCommand = "quantize";

}  // namespace

int run_quantize(int argc, char** argv, int first) {
  std::vector<OptionSpec> specs = {{"config", {}, true}, {"profile", {}, true}};
  for (auto& s : schema_flag_specs()) specs.push_back(std::move(s));  // --bits, --group-size, ... (key table)
  for (const char* s : {"report", "html-report"}) specs.push_back({s, {}, true});
  specs.push_back({"quiet", {}, false});
  ParsedArgs args = parse_args(kCommand, argc, argv, first, specs, 2, 2, {"INPUT", "OUTPUT"});
  if (args.help) {
    std::fputs(kQuantizeHelp, stdout);
    std::fputs(schema_flag_help().c_str(), stdout);
    std::fputs(kQuantizeHelpTail, stdout);
    return kExitOk;
  }
  const std::string& input = args.positionals[0];
  const std::string& output = args.positionals[1];

  ConfigRequest request = base_request(kCommand, args);
  // Settings in the key table's order; each flag is one key, so the order does not change the result.
  add_schema_flag_settings(kCommand, args, request);

  ConfigPtr config = build_config(request);

  const std::optional<std::string> report_path = args.value("report");
  const bool quiet = args.has("quiet");
  const std::string report = quantize_with_progress(
      input, output, config.get(), Progress::style_for_stderr(quiet), [&](const std::string& text) {
        // A stopped run (fail_fast) still leaves its report: it names the layer that failed.
        if (!report_path) return;
        try {
          write_text_file(*report_path, text, "report");
        } catch (const LibraryError& e) {  // the run's own error is the one to report; this one is a warning
          std::fprintf(stderr, "arrowquant: warning: %s\n", e.what());
        }
      });
  if (report_path) write_text_file(*report_path, report, "report");
  const std::optional<std::string> html_path = args.value("html-report");
  if (html_path) write_html_report(report, *html_path);

  if (!quiet) {
    print_quantize_summary(parse_json(report, "quality report"), model_parameter_count(output));
    std::printf("  %-12s %s\n", "output", output.c_str());
    if (report_path) std::printf("  %-12s %s\n", "report", report_path->c_str());
    if (html_path) std::printf("  %-12s %s\n", "html report", html_path->c_str());
  }
  return kExitOk;
}

}  // namespace aqcli
