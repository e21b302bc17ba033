#include "summary.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common.hpp"
#include "json_read.hpp"

namespace aqcli {

namespace bj = boost::json;

std::optional<double> model_parameter_count(const std::string& path) {
  aq_model* raw = nullptr;
  if (aq_model_open(path.c_str(), &raw) != AQ_OK) return std::nullopt;
  ModelPtr model(raw);
  double total = 0;
  const uint64_t n = aq_model_tensor_count(model.get());
  for (uint64_t i = 0; i < n; ++i) {
    const char* name = nullptr;
    uint64_t e = 0;
    if (aq_model_tensor_name(model.get(), i, &name) != AQ_OK ||
        aq_model_tensor_elements(model.get(), name, &e) != AQ_OK)
      return std::nullopt;
    total += static_cast<double>(e);
  }
  return total;
}

namespace {

// Bits per weight of the quantized layers, per bit width and overall, and of the whole file per parameter; the
// parameter format of each bit width, with what the hierarchical (K-quant-like) one costs.
template <class Row>
void print_bits_and_format(const bj::value& rep, std::optional<double> model_params, const Row& row) {
  struct Width {
    double weights = 0, bits = 0;
    std::size_t layers = 0;
    std::map<std::string, std::size_t> formats;
  };
  std::map<int, Width> widths;
  double all_weights = 0, all_bits = 0;
  if (const bj::value* ls = at_path(rep, "layers"); ls && ls->is_array()) {
    for (const auto& l : ls->get_array()) {
      const double n = number_at(l, "rows").value_or(0) * number_at(l, "cols").value_or(0);
      const double bpw = number_at(l, "bits_per_weight").value_or(0);
      Width& w = widths[int(number_at(l, "bits").value_or(0))];
      w.weights += n;
      w.bits += n * bpw;
      ++w.layers;
      ++w.formats[string_at(l, "format").value_or("?")];
      all_weights += n;
      all_bits += n * bpw;
    }
  }
  if (all_weights <= 0) return;
  std::string text = fixed(all_bits / all_weights, 3) + " bits per quantized weight";
  if (auto after = number_at(rep, "totals.bytes_after"); after && model_params && *model_params > 0)
    text += ", " + fixed(*after * 8 / *model_params, 3) + " per parameter of the whole file (kept tensors included)";
  row("bits/weight", text);
  for (const auto& [bits, w] : widths) {
    std::string line = "INT" + std::to_string(bits) + ": " + std::to_string(w.layers) + " layers, " +
                       fixed(w.bits / w.weights, 3) + " bits per weight, ";
    bool first = true;
    for (const auto& [format, count] : w.formats) {
      if (!first) line += " + ";
      first = false;
      line += format == "hierarchical"
                  ? "hierarchical (K-quant-like super-blocks: F16 d, dmin + packed sub-group codes)"
                  : format == "flat" ? "flat (one scale and offset per group)" : format;
      if (w.formats.size() > 1) line += " x" + std::to_string(count);
    }
    row("format", line);
  }
}

}  // namespace

void print_quantize_summary(const bj::value& rep, std::optional<double> model_params) {
  auto row = [](const char* label, const std::string& text) { std::printf("  %-12s %s\n", label, text.c_str()); };

  // Per-layer figures the totals do not carry: mean and lowest cosine, fallbacks.
  double cos_sum = 0, cos_min = 2;
  std::string worst;
  std::size_t layers = 0, fallbacks = 0, below = 0;
  std::vector<std::string> fallback_names;
  if (const bj::value* ls = at_path(rep, "layers"); ls && ls->is_array()) {
    for (const auto& l : ls->get_array()) {
      if (auto c = number_at(l, "metrics.cosine")) {
        cos_sum += *c;
        ++layers;
        if (*c < cos_min) {
          cos_min = *c;
          worst = string_at(l, "name").value_or("?");
        }
      }
      if (const bj::value* f = at_path(l, "fallback_from_bits"); f && f->is_array() && !f->get_array().empty()) {
        ++fallbacks;
        std::string from;
        for (const auto& b : f->get_array()) from += (from.empty() ? "" : ", ") + to_display(b);
        fallback_names.push_back(string_at(l, "name").value_or("?") + " (" + from + " -> " +
                                 fixed(number_at(l, "bits").value_or(0), 0) + " bits)");
      }
      if (const bj::value* b = at_path(l, "below_min_accuracy"); b && b->is_bool() && b->get_bool()) ++below;
    }
  }

  std::printf("Summary:\n");
  auto tensors = number_at(rep, "totals.tensors");
  auto quantized = number_at(rep, "totals.quantized_tensors");
  if (tensors && quantized)
    row("tensors", fixed(*tensors, 0) + " (" + fixed(*quantized, 0) + " quantized, " +
                       fixed(*tensors - *quantized, 0) + " kept as they were)");
  auto qparams = number_at(rep, "totals.quantized_params");
  if (model_params || qparams) {
    std::string text = model_params ? human_count(*model_params) : std::string("?");
    if (qparams) text += " (" + human_count(*qparams) + " quantized)";
    row("parameters", text);
  }
  auto before = number_at(rep, "totals.bytes_before");
  auto after = number_at(rep, "totals.bytes_after");
  auto ratio = number_at(rep, "totals.compression_ratio");
  if (before && after)
    row("size", human_bytes(*before) + " -> " + human_bytes(*after) +
                    (ratio ? " (compression " + fixed(*ratio, 2) + "x)" : std::string()));
  if (layers) {
    std::string text = fixed(cos_sum / double(layers), 6) + " mean over layers, lowest " + fixed(cos_min, 6) + " (" +
                       worst + ")";
    row("cosine", text);
  }
  if (auto c = number_at(rep, "totals.cosine")) row("", fixed(*c, 6) + " whole model");
  if (auto s = number_at(rep, "totals.sqnr_db", true)) row("SQNR", fixed(*s, 2) + " dB (whole model)");
  auto sb = number_at(rep, "totals.smoothness_score_before");
  auto sa = number_at(rep, "totals.smoothness_score_after");
  if (sb && sa) {
    std::string text = fixed(*sb, 4) + " -> " + fixed(*sa, 4) + " (Markov smoothness score, mean over layers";
    auto vb = number_at(rep, "totals.violations_before");
    auto va = number_at(rep, "totals.violations_after");
    if (vb && va) text += "; violations " + fixed(*vb, 0) + " -> " + fixed(*va, 0);
    row("smoothness", text + ")");
  } else if (sa) {
    row("smoothness", fixed(*sa, 4) + " (Markov smoothness score, mean over layers)");
  }
  print_bits_and_format(rep, model_params, row);
  if (auto syn = number_at(rep, "totals.synthetic_calibration_layers"); syn && *syn > 0) {
    auto ql = number_at(rep, "totals.quantized_tensors");
    row("calibration", "synthetic: " + fixed(*syn, 0) + (ql ? " of " + fixed(*ql, 0) : std::string()) +
                           " layers use the data-free simulation, so their activation parameters and smoothness "
                           "describe the simulation, not this model (record one: --calibration FILE)");
  }
  if (fallbacks) {
    std::string text = std::to_string(fallbacks) + " layers got more bits to reach min_accuracy: ";
    for (std::size_t i = 0; i < fallback_names.size(); ++i) {
      if (i == 5) {
        text += ", and " + std::to_string(fallback_names.size() - 5) + " more (see the report)";
        break;
      }
      text += (i ? ", " : "") + fallback_names[i];
    }
    row("fallback", text);
  }
  if (below) row("warning", std::to_string(below) + " layers stay below min_accuracy even at 8 bits");
}

}  // namespace aqcli
