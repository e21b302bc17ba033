// One quantized layer of a run: its plan, the quantized tensor at the bits finally chosen, and its time-aware
// parameters; and the deterministic description of it stored in the model's metadata.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "arrowquant/quantize.hpp"
#include "arrowquant/thermo.hpp"
#include "pipeline/layer_plan.hpp"

namespace aq::pipeline {

// Index 0 of every tg_params table is the clean end of the diffusion (t = 0); a sampler walks from
// num_timesteps - 1 down to 0 (docs/time-aware.md).
inline constexpr const char* kTimestepOrder = "index 0 = clean end, num_timesteps - 1 = noise end";

struct QuantizedLayer {
  LayerPlan plan;
  QuantizedTensor q;
  int bits_chosen = 0;
  std::vector<int> fallback;  // bits tried before the chosen one
  bool below_min_accuracy = false;
  double quantize_s = 0;
  std::optional<LayerResult> time_aware;
  // What an engine needs to apply time_aware (written with it): the module whose input the parameters quantize,
  // the timestep axis they index, and whether they come from simulated statistics.
  std::string module;
  uint64_t num_timesteps = 0;
  int activation_bits = 8;
  bool synthetic = false;
};

// The per-tensor description stored in the model's __metadata__ (no timings, no paths).
boost::json::object tensor_meta(const QuantizedLayer& l, const std::vector<uint64_t>& shape, const char* orig_dtype);
// An upper bound of the length of to_text(tensor_meta(...)) for this tensor, whatever its quantization gives:
// every number at its longest, the longest choices of the text fields, two fallback steps.
uint64_t tensor_meta_bound(const std::string& name, const std::vector<uint64_t>& shape, const char* orig_dtype,
                           bool time_aware);

}  // namespace aq::pipeline
