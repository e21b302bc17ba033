// The layer plan: which tensors are quantized, at how many bits, and why the others are kept.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"

namespace aq::pipeline {

struct LayerPlan {
  const st::TensorInfo* tensor = nullptr;
  bool quantize = false;
  int bits = 0;              // planned bits (before fallback); 0 when kept
  std::string keep_reason;   // why a tensor is kept as it is ("1-D", "norm", "sensitive", "dtype I64", ...)
  std::string bits_rule;     // which rule chose `bits`: "bit_width", "layer_bit_widths[\"KEY\"]", ...
  uint64_t rows = 0, cols = 0;
};

// Tensors in name order. Throws invalid_argument for a malformed regex (naming the config key).
std::vector<LayerPlan> plan_layers(const std::vector<st::TensorInfo>& tensors, const PipelineConfig& config);

bool is_norm_or_bias(const std::string& name);
bool is_embedding_or_head(const std::string& name);

}  // namespace aq::pipeline
