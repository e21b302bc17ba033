// Layer entry point (order of docs/time-aware.md): validate → smooth → optimize → validate again, with the metrics of
// every stage and the time each phase took. Layers run in parallel; each writes only its own result slot, so
// the output is the same for any thread count.
#include <chrono>
#include <exception>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "arrowquant/error.hpp"
#include "arrowquant/quantize.hpp"
#include "arrowquant/thermo.hpp"

namespace aq {

const StageMetrics& LayerResult::final_stage() const {
  for (int s = 2; s > 0; --s)
    if (stages[s].ran) return stages[s];
  return stages[0];
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void measure(StageMetrics& m, const std::vector<TimeGroupParam>& params,
             const std::vector<std::vector<float>>& samples, uint64_t t_count, const TimeAwareConfig& config) {
  m.ran = true;
  m.params = params;
  if (config.thermodynamic.validation.enabled)
    m.report = markov_validate(params, config.thermodynamic.validation.smoothness_threshold);
  const bool schedule_defined =
      !(config.thermodynamic.transition_optimization.beta_schedule == BetaScheduleKind::linear && t_count < 2);
  if (schedule_defined) m.loss = evaluate_objective(params, samples, t_count, config);
}

}  // namespace

LayerResult process_layer(const CalibrationStats& stats, const TimeAwareConfig& config, uint64_t seed) {
  validate_config(config);
  stats.validate();
  const uint64_t t_count = stats.num_timesteps();
  const ThermodynamicConfig& th = config.thermodynamic;
  LayerResult r;
  r.calibration_source = stats.source;
  r.initial_params = params_from_stats(stats, config.num_time_groups, config.activation_bits);
  // Group time ranges never change, so one set of samples serves every stage and Phase 3.
  const std::vector<std::vector<float>> samples = group_samples(stats, r.initial_params, seed);

  auto t0 = Clock::now();
  measure(r.stages[static_cast<int>(Stage::initial)], r.initial_params, samples, t_count, config);
  r.timings.validate_before = seconds_since(t0);

  std::vector<TimeGroupParam> cur = r.initial_params;
  std::vector<TimeGroupParam> smoothed;
  if (th.boundary_smoothing.enabled) {
    t0 = Clock::now();
    cur = smooth_boundaries(cur, th.boundary_smoothing.window_size, th.boundary_smoothing.interpolation);
    r.timings.smooth = seconds_since(t0);
    smoothed = cur;
  }
  if (th.transition_optimization.enabled) {
    t0 = Clock::now();
    r.optimization = optimize_params(cur, samples, t_count, config);
    cur = r.optimization->params;
    r.timings.optimize = seconds_since(t0);
  }
  t0 = Clock::now();
  if (th.boundary_smoothing.enabled)
    measure(r.stages[static_cast<int>(Stage::smoothed)], smoothed, samples, t_count, config);
  if (th.transition_optimization.enabled)
    measure(r.stages[static_cast<int>(Stage::optimized)], cur, samples, t_count, config);
  r.timings.validate_after = seconds_since(t0);
  r.params = std::move(cur);
  return r;
}

std::vector<LayerResult> process_layers(const std::vector<LayerInput>& layers, const TimeAwareConfig& config,
                                        int num_threads) {
  validate_config(config);
  for (size_t i = 0; i < layers.size(); ++i)
    if (!layers[i].stats) invalid("layers[" + std::to_string(i) + "].stats is NULL");
  std::vector<LayerResult> out(layers.size());
  std::vector<std::exception_ptr> errors(layers.size());
  tbb::task_arena arena(effective_threads(num_threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, layers.size(), 1), [&](const tbb::blocked_range<size_t>& range) {
      for (size_t i = range.begin(); i != range.end(); ++i) {
        try {
          out[i] = process_layer(*layers[i].stats, config, layers[i].seed);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    });
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);  // the lowest-index failure, whatever the scheduling
  return out;
}

}  // namespace aq
