// The runtime side of the time-aware activation parameters: map a sampler's time to a timestep index, look a
// quantized tensor's parameters up at that index, and quantize (or fake-quantize) activations with them
// (docs/time-aware.md "Using the parameters at inference").
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aq {

class ModelView;

// Index of continuous time t on an axis of num_timesteps points, index 0 at t_clean and num_timesteps - 1 at
// t_noise: round((t - t_clean) / (t_noise - t_clean) * (num_timesteps - 1)), half away from zero, in binary64.
// t_clean > t_noise is allowed (an axis that runs the other way). Throws invalid_argument for non-finite
// values, t_clean == t_noise, num_timesteps == 0 or t outside [min(t_clean, t_noise), max(...)].
uint64_t timestep_index(double t, double t_clean, double t_noise, uint64_t num_timesteps);

// codes[i] = clamp(round(x[i] / scale + zero_point), 0, 2^bits - 1), bits 2..8 (more is unsupported: codes are
// bytes). NaN/Inf in x, scale <= 0 or non-finite, non-finite zero_point: invalid_argument.
void quantize_activations(const float* x, std::size_t n, float scale, float zero_point, int bits, uint8_t* codes);
// dst[i] = (code_i - zero_point) * scale with code_i as above, bits 2..16.
void fake_quantize_activations(const float* x, std::size_t n, float scale, float zero_point, int bits, float* dst);

// The integer zero point of an engine that needs one (ONNX QuantizeLinear): zero_point rounded half to even and
// clamped to [0, 2^bits - 1]. Throws invalid_argument for a non-finite zero_point or bits outside 2..16.
int32_t integer_zero_point(float zero_point, int bits);

// The time-aware parameters stored with one quantized tensor (NAME.tg_params and its metadata).
struct ActivationParams {
  std::string tensor;
  std::string module;              // the calibration entry whose input these parameters quantize
  std::string calibration_source;  // "recorded" or "data-free"
  bool synthetic = false;          // true for data-free (simulated) statistics
  int activation_bits = 8;
  uint64_t num_timesteps = 0;
  std::vector<uint64_t> start, end;  // group g covers timesteps [start[g], end[g])
  std::vector<float> scale, zero_point;
  // Index of the group holding timestep index (< num_timesteps; otherwise invalid_argument naming both).
  std::size_t group_of(uint64_t timestep_index) const;
};

// Names of the quantized tensors of a model that carry time-aware parameters, sorted.
std::vector<std::string> time_aware_tensors(const ModelView& model);
// The parameters of tensor name. A tensor without them is invalid_argument naming it; a malformed table or
// metadata (or a file written before the metadata carried activation_bits) is format.
ActivationParams read_activation_params(const ModelView& model, const std::string& name);

// The table as JSON for engines and `arrowquant inspect --time-aware --json`: {"tensor", "module",
// "calibration_source", "synthetic", "activation_bits", "num_timesteps", "timestep_order", "groups": [{"start",
// "end", "scale", "zero_point", "integer_zero_point"}]} (integer_zero_point: integer_zero_point() of the group).
std::string activation_params_json(const ActivationParams& params);

}  // namespace aq
