// arrowquant inspect FILE [--json]: tensors, dtypes, shapes, bits, sizes and metadata of a model (input or
// quantized), from aq_model_info.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

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

// --time-aware[=LAYER]: the per-layer activation parameter tables (aq_model_activation_json). Without LAYER,
// every quantized tensor that has them.
int print_time_aware(const std::string& path, aq_model* model, const std::string& layer, bool json) {
  std::vector<std::string> names;
  if (!layer.empty()) {
    names.push_back(layer);
  } else {
    for (uint64_t i = 0; i < aq_model_tensor_count(model); ++i) {
      const char* n = nullptr;
      check(aq_model_tensor_name(model, i, &n));
      if (aq_model_activation_info(model, n, nullptr, nullptr, nullptr, nullptr) == AQ_OK) names.push_back(n);
    }
  }
  bj::array tables;
  std::string raw;  // the library's texts as they are (its number format), for --json
  for (const auto& n : names) {
    const char* data = nullptr;
    uint64_t bytes = 0;
    check(aq_model_activation_json(model, n.c_str(), &data, &bytes));
    raw += (raw.empty() ? "" : ",") + std::string(data, bytes);
    if (!json) tables.push_back(parse_json(std::string(data, bytes), "time-aware table"));
  }
  if (json) {
    std::printf("{\"model\":%s,\"time_aware\":[%s]}\n", bj::serialize(bj::value(path)).c_str(), raw.c_str());
    return kExitOk;
  }
  std::printf("model: %s\n", path.c_str());
  if (tables.empty()) std::printf("no tensor has time-aware activation parameters\n");
  for (const auto& t : tables) {
    const bool synthetic = at_path(t, "synthetic") && at_path(t, "synthetic")->is_bool() && at_path(t, "synthetic")->get_bool();
    std::printf("\n%s (input of %s): %s calibration%s, %s-bit activations, %s timesteps (index 0 = clean end)\n",
                string_at(t, "tensor").value_or("?").c_str(), string_at(t, "module").value_or("?").c_str(),
                string_at(t, "calibration_source").value_or("?").c_str(),
                synthetic ? " (synthetic: describes the simulation, not the model)" : "",
                fixed(number_at(t, "activation_bits").value_or(0), 0).c_str(),
                fixed(number_at(t, "num_timesteps").value_or(0), 0).c_str());
    Table table({"GROUP", "TIMESTEPS", "SCALE", "ZERO_POINT", "INT_ZERO_POINT"}, {true, false, true, true, true});
    if (const bj::value* gs = at_path(t, "groups"); gs && gs->is_array()) {
      std::size_t g = 0;
      for (const auto& row : gs->get_array()) {
        char scale[32], zp[32];
        std::snprintf(scale, sizeof scale, "%.9g", number_at(row, "scale").value_or(0));
        std::snprintf(zp, sizeof zp, "%.9g", number_at(row, "zero_point").value_or(0));
        table.add({std::to_string(g++),
                   "[" + fixed(number_at(row, "start").value_or(0), 0) + ", " + fixed(number_at(row, "end").value_or(0), 0) + ")",
                   scale, zp, fixed(number_at(row, "integer_zero_point").value_or(0), 0)});
      }
    }
    table.print(stdout);
  }
  return kExitOk;
}

}  // namespace

int run_inspect(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {{"json", {}, false}};
  // --time-aware takes an optional value (--time-aware=LAYER), which the option parser does not model: take it
  // out of the arguments first.
  std::vector<char*> rest(argv, argv + argc);
  std::optional<std::string> time_aware;
  for (std::size_t i = static_cast<std::size_t>(first); i < rest.size();) {
    const std::string a = rest[i];
    if (a == "--") break;
    if (a == "--time-aware" || a.rfind("--time-aware=", 0) == 0) {
      time_aware = a.size() > 12 ? a.substr(13) : std::string();
      if (a.size() > 12 && time_aware->empty()) throw UsageError("inspect", "--time-aware= needs a LAYER name");
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  ParsedArgs args = parse_args("inspect", static_cast<int>(rest.size()), rest.data(), first, specs, 1, 1, {"FILE"});
  if (args.help) {
    std::fputs(kInspectHelp, stdout);
    return kExitOk;
  }
  const std::string& path = args.positionals[0];
  aq_model* raw = nullptr;
  check(aq_model_open(path.c_str(), &raw));
  ModelPtr model(raw);
  if (time_aware) return print_time_aware(path, model.get(), *time_aware, args.has("json"));

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
