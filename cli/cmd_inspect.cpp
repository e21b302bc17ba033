// arrowquant inspect FILE [--json]: tensors, dtypes, shapes, bits, sizes and metadata of a model (input or
// quantized), from aq_model_info.
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

// Per-tensor descriptions live in the metadata under this prefix; the table shows them, so the metadata
// listing leaves them out.
constexpr const char* kTensorMetaPrefix = "arrowquant.tensor.";

std::string shape_text(const bj::value* shape) {
  if (!shape || !shape->is_array()) return "-";
  return to_display(*shape);
}

// Product of the shape (the original shape for a quantized tensor); a scalar has one element.
double elements_of(const bj::value* shape) {
  if (!shape || !shape->is_array()) return 0;
  double n = 1;
  for (const auto& d : shape->get_array()) {
    if (d.is_uint64()) n *= static_cast<double>(d.get_uint64());
    else if (d.is_int64()) n *= static_cast<double>(d.get_int64());
  }
  return n;
}

// Strings longer than this are cut in the metadata listing (--json prints everything).
std::string clip(std::string s, std::size_t n) {
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  if (s.size() > n) s = s.substr(0, n - 3) + "...";
  return s;
}

void print_human(const std::string& path, const bj::value& info) {
  std::printf("model: %s\n", path.c_str());

  const bj::value* meta = at_path(info, "metadata");
  std::size_t hidden = 0;
  if (meta && meta->is_object() && !meta->get_object().empty()) {
    std::printf("metadata:\n");
    for (const auto& kv : meta->get_object()) {
      std::string key(kv.key());
      if (key.rfind(kTensorMetaPrefix, 0) == 0) {
        ++hidden;
        continue;
      }
      std::printf("  %s: %s\n", key.c_str(), clip(to_display(kv.value()), 240).c_str());
    }
    if (hidden)
      std::printf("  (%zu per-tensor %s* entries: see the table, or --json)\n", hidden, kTensorMetaPrefix);
  } else {
    std::printf("metadata: (none)\n");
  }

  const bj::value* tensors = at_path(info, "tensors");
  Table table({"NAME", "DTYPE", "SHAPE", "BITS", "FORMAT", "GROUP", "TIME_GROUPS", "SIZE"},
              {false, false, false, true, false, true, true, true});
  double params = 0, bytes = 0;
  std::size_t count = 0, quantized = 0;
  if (tensors && tensors->is_array()) {
    for (const auto& t : tensors->get_array()) {
      ++count;
      const bool q = at_path(t, "quantized") && at_path(t, "quantized")->is_bool() && at_path(t, "quantized")->get_bool();
      if (q) ++quantized;
      auto size = number_at(t, "stored_bytes");
      params += elements_of(at_path(t, "shape"));
      if (size) bytes += *size;
      auto bits = number_at(t, "bits");
      auto group = number_at(t, "group_size");
      auto time_groups = number_at(t, "time_aware.num_groups");
      table.add({string_at(t, "name").value_or("?"), string_at(t, "dtype").value_or("-"),
                 shape_text(at_path(t, "shape")), q && bits ? fixed(*bits, 0) : "-",
                 q ? string_at(t, "format").value_or("-") : "-", q && group ? fixed(*group, 0) : "-",
                 time_groups ? fixed(*time_groups, 0) : "-",
                 size ? human_bytes(*size) : "-"});
    }
  }
  std::printf("tensors: %zu (%zu quantized), parameters: %s, stored size: %s\n\n", count, quantized,
              human_count(params).c_str(), human_bytes(bytes).c_str());
  table.print(stdout);
}

}  // namespace

int run_inspect(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {{"json", {}, false}};
  ParsedArgs args = parse_args("inspect", argc, argv, first, specs, 1, 1, {"FILE"});
  if (args.help) {
    std::fputs(kInspectHelp, stdout);
    return kExitOk;
  }
  const std::string& path = args.positionals[0];
  aq_model* raw = nullptr;
  check(aq_model_open(path.c_str(), &raw));
  ModelPtr model(raw);

  const char* data = nullptr;
  uint64_t bytes = 0;
  check(aq_model_info(model.get(), &data, &bytes));
  const std::string text(data, bytes);
  if (args.has("json")) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
    return kExitOk;
  }
  print_human(path, parse_json(text, "model info"));
  return kExitOk;
}

}  // namespace aqcli
