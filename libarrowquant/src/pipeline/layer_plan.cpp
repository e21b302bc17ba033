// Layer plan rules (docs/pipeline.md): 1-D tensors, norms and biases are kept; with
// skip_sensitive_layers embeddings and output heads too; sensitive names/patterns are kept; layer_bit_widths
// overrides the bit width per layer (exact names first, then patterns in order; 16 = keep).
#include "pipeline/layer_plan.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"

namespace aq::pipeline {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has_part(const std::string& name, const char* part) { return lower(name).find(part) != std::string::npos; }

std::regex compile(const std::string& pattern, const std::string& key) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    invalid(key + ": invalid regular expression '" + pattern + "': " + e.what());
  }
}

}  // namespace

bool is_norm_or_bias(const std::string& name) {
  const std::string n = lower(name);
  if (n.size() >= 5 && n.compare(n.size() - 5, 5, ".bias") == 0) return true;
  return n.find("norm") != std::string::npos || n.find(".ln_") != std::string::npos ||
         n.find("layernorm") != std::string::npos;
}

bool is_embedding_or_head(const std::string& name) {
  return has_part(name, "embed") || has_part(name, "wte") || has_part(name, "lm_head") ||
         has_part(name, "final_layer") || lower(name).rfind("head.", 0) == 0;  // not attention out-projections
}

std::vector<LayerPlan> plan_layers(const std::vector<st::TensorInfo>& tensors, const PipelineConfig& config) {
  std::vector<std::regex> sensitive;
  for (const auto& p : config.sensitive_layer_patterns) sensitive.push_back(compile(p, "sensitive_layer_patterns"));
  std::vector<std::pair<std::regex, int>> bit_patterns;
  for (const auto& [p, b] : config.layer_bit_widths) bit_patterns.emplace_back(compile(p, "layer_bit_widths"), b);

  std::vector<LayerPlan> out;
  out.reserve(tensors.size());
  for (const st::TensorInfo& t : tensors) {
    LayerPlan p;
    p.tensor = &t;
    const bool floating = t.dtype == st::DType::F32 || t.dtype == st::DType::F16 || t.dtype == st::DType::BF16;
    if (!floating) {
      p.keep_reason = std::string("dtype ") + st::dtype_name(t.dtype);
    } else if (t.shape.size() < 2) {
      p.keep_reason = t.shape.empty() ? "scalar" : "1-D";
    } else if (t.numel == 0) {
      p.keep_reason = "empty";
    } else if (is_norm_or_bias(t.name)) {
      p.keep_reason = "norm or bias";
    } else if (config.skip_sensitive_layers && is_embedding_or_head(t.name)) {
      p.keep_reason = "sensitive (embedding or output head)";
    } else if (std::find(config.sensitive_layer_names.begin(), config.sensitive_layer_names.end(), t.name) !=
               config.sensitive_layer_names.end()) {
      p.keep_reason = "sensitive_layer_names";
    } else if (std::any_of(sensitive.begin(), sensitive.end(),
                           [&](const std::regex& r) { return std::regex_search(t.name, r); })) {
      p.keep_reason = "sensitive_layer_patterns";
    } else {
      int bits = config.bit_width;
      std::string rule = "bit_width";
      bool matched = false;
      for (const auto& [n, b] : config.layer_bit_widths)
        if (n == t.name) {
          bits = b;
          rule = "layer_bit_widths[" + json::quote(n) + "] (exact name)";
          matched = true;
          break;
        }
      if (!matched)
        for (std::size_t k = 0; k < bit_patterns.size(); ++k)
          if (std::regex_search(t.name, bit_patterns[k].first)) {
            bits = bit_patterns[k].second;
            rule = "layer_bit_widths[" + json::quote(config.layer_bit_widths[k].first) + "]";
            break;
          }
      p.bits_rule = rule;
      if (bits == 16) {
        p.keep_reason = rule + " = 16";
      } else {
        p.quantize = true;
        p.bits = bits;
        p.rows = t.shape[0];
        p.cols = t.numel / t.shape[0];
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace aq::pipeline
