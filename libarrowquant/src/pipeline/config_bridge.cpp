// From the layered configuration (config/) to the pipeline's resolved settings.
#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"

namespace aq {

PipelineConfig pipeline_config_from(const Config& c) {
  c.validate();  // rules between keys (beta_end >= beta_start, ...) are checked here, not per key
  const QuantConfig& v = c.values();
  PipelineConfig p;
  p.bit_width = v.bit_width;
  p.group_size = v.group_size;
  p.mode = v.mode;
  p.min_accuracy = v.min_accuracy;
  p.fail_fast = v.fail_fast;
  p.num_threads = v.num_threads;
  p.enable_time_aware = v.enable_time_aware;
  p.skip_sensitive_layers = v.skip_sensitive_layers;
  p.sensitive_layer_names = v.sensitive_layer_names;
  p.sensitive_layer_patterns = v.sensitive_layer_patterns;
  p.layer_bit_widths = v.layer_bit_widths;
  p.target_model_size_mb = v.target_model_size_mb.value_or(0.0);
  p.max_shard_size_mb = v.max_shard_size_mb.value_or(0);
  p.enable_streaming = v.enable_streaming;
  p.max_memory_limit_mb = v.max_memory_limit_mb.value_or(0);
  p.calibration_file = v.calibration_file.value_or("");
  TimeAwareConfig& t = p.time_aware;
  t.num_timesteps = static_cast<uint64_t>(v.num_timesteps);
  t.num_time_groups = static_cast<uint64_t>(v.num_time_groups);
  t.activation_bits = v.activation_bits;
  t.beta_schedule = parse_beta_schedule(v.beta_schedule, "beta_schedule");
  t.beta_start = static_cast<float>(v.beta_start);
  t.beta_end = static_cast<float>(v.beta_end);
  t.calibration_samples = static_cast<uint64_t>(v.calibration_samples);
  t.calibration_data_std = static_cast<float>(v.calibration_data_std);
  auto& th = t.thermodynamic;
  th.validation.enabled = v.validation.enabled;
  th.validation.smoothness_threshold = static_cast<float>(v.validation.smoothness_threshold);
  th.validation.log_violations = v.validation.log_violations;
  th.boundary_smoothing.enabled = v.boundary_smoothing.enabled;
  th.boundary_smoothing.window_size = v.boundary_smoothing.window_size;
  th.boundary_smoothing.interpolation =
      parse_interpolation(v.boundary_smoothing.interpolation, "thermodynamic.boundary_smoothing.interpolation");
  auto& to = th.transition_optimization;
  const auto& vo = v.transition_optimization;
  to.enabled = vo.enabled;
  to.markov_weight = static_cast<float>(vo.markov_weight);
  to.entropy_weight = static_cast<float>(vo.entropy_weight);
  to.learning_rate = static_cast<float>(vo.learning_rate);
  to.max_iterations = vo.max_iterations;
  to.convergence_threshold = static_cast<float>(vo.convergence_threshold);
  to.beta_schedule = parse_beta_schedule(vo.beta_schedule, "thermodynamic.transition_optimization.beta_schedule");
  to.gradient_clip = static_cast<float>(vo.gradient_clip);
  to.smoothness_weight = static_cast<float>(vo.smoothness_weight);
  // Phase 3 chain solver
  to.optimizer = parse_optimizer(vo.optimizer, "thermodynamic.transition_optimization.optimizer");
  to.target_smoothness = static_cast<float>(vo.target_smoothness);
  to.candidates = vo.candidates;
  p.effective_config_json = json::to_text(c.report_json());
  return p;
}

}  // namespace aq
