// C ABI: Phase 3 optimization and the layer entry point.
#include "timeaware_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;

extern "C" {

aq_status aq_optimize_params(const aq_tg_params* initial, const aq_calib_stats* stats,
                             const aq_timeaware_config* config, uint64_t seed, aq_optimization** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(initial, "initial");
    require_nonnull(stats, "stats");
    require_nonnull(config, "config");
    require_nonnull(out, "out");
    const auto samples = aq::group_samples(stats->stats, initial->params, seed);
    *out = new aq_optimization(
        aq::optimize_params(initial->params, samples, stats->stats.num_timesteps(), config->config));
  });
}

aq_status aq_optimization_params(const aq_optimization* result, const aq_tg_params** params) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(params, "params");
    *params = &result->params;
  });
}

aq_status aq_optimization_result(const aq_optimization* result, float* initial_loss, float* final_loss,
                                 uint64_t* iterations, int* converged) {
  return guard([&] {
    require_nonnull(result, "result");
    const aq::OptimizationResult& r = result->result;
    if (initial_loss) *initial_loss = r.initial_loss;
    if (final_loss) *final_loss = r.final_loss;
    if (iterations) *iterations = r.iterations;
    if (converged) *converged = r.converged ? 1 : 0;
  });
}

aq_status aq_optimization_loss_history(const aq_optimization* result, const float** data, uint64_t* count) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(data, "data");
    require_nonnull(count, "count");
    *data = result->result.loss_history.data();
    *count = result->result.loss_history.size();
  });
}

aq_status aq_optimization_cache_stats(const aq_optimization* result, uint64_t* hits, uint64_t* misses) {
  return guard([&] {
    require_nonnull(result, "result");
    if (hits) *hits = result->result.cache_hits;
    if (misses) *misses = result->result.cache_misses;
  });
}

void aq_optimization_free(aq_optimization* result) { delete result; }

aq_status aq_optimization_optimizer(const aq_optimization* result, const char** optimizer) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(optimizer, "optimizer");
    *optimizer = aq::optimizer_name(result->result.optimizer);
  });
}

aq_status aq_optimization_chain(const aq_optimization* result, double* multiplier, int* target_bound,
                                uint64_t* candidates) {
  return guard([&] {
    require_nonnull(result, "result");
    const aq::OptimizationResult& r = result->result;
    if (multiplier) *multiplier = r.multiplier;
    if (target_bound) *target_bound = r.target_bound ? 1 : 0;
    if (candidates) *candidates = r.candidates;
  });
}

aq_status aq_optimization_price(const aq_optimization* result, float* mse, float* unconstrained_mse) {
  return guard([&] {
    require_nonnull(result, "result");
    if (mse) *mse = result->result.mse;
    if (unconstrained_mse) *unconstrained_mse = result->result.unconstrained_mse;
  });
}

aq_status aq_optimization_unconstrained_params(const aq_optimization* result, const aq_tg_params** params) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(params, "params");
    *params = &result->unconstrained;
  });
}

aq_status aq_timeaware_layer(const aq_calib_stats* stats, const aq_timeaware_config* config, uint64_t seed,
                             aq_layer_result** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(stats, "stats");
    require_nonnull(config, "config");
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_layer_result>();
    h->result = aq::process_layer(stats->stats, config->config, seed);
    aq::LayerResult& r = h->result;
    h->final_params = std::make_unique<aq_tg_params>(r.params);
    for (int s = 0; s < 3; ++s)
      if (r.stages[s].ran) h->stage_params[s] = std::make_unique<aq_tg_params>(r.stages[s].params);
    if (r.optimization) h->optimization = std::make_unique<aq_optimization>(*r.optimization);
    for (int s = 0; s < 3; ++s)
      if (r.stages[s].ran && r.stages[s].report)
        h->stage_reports[s] = std::make_unique<aq_markov_report>(aq_markov_report{*r.stages[s].report});
    *out = h.release();
  });
}

aq_status aq_layer_result_params(const aq_layer_result* result, const aq_tg_params** params) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(params, "params");
    *params = result->final_params.get();
  });
}

aq_status aq_layer_result_stage_params(const aq_layer_result* result, aq_stage stage, const aq_tg_params** params) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(params, "params");
    *params = result->stage_params[static_cast<int>(aq::capi::to_stage(stage))].get();
  });
}

int aq_layer_result_stage_ran(const aq_layer_result* result, aq_stage stage) {
  const long long s = aq::capi::enum_value(stage);
  if (!result || s < 0 || s > 2) return 0;
  return result->result.stages[s].ran ? 1 : 0;
}

aq_status aq_layer_result_stage_report(const aq_layer_result* result, aq_stage stage,
                                       const aq_markov_report** report) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(report, "report");
    *report = result->stage_reports[static_cast<int>(aq::capi::to_stage(stage))].get();
  });
}

aq_status aq_layer_result_stage_loss(const aq_layer_result* result, aq_stage stage, int* available, float* mse,
                                     float* markov, float* entropy, float* coupling, float* total) {
  return guard([&] {
    require_nonnull(result, "result");
    const aq::StageMetrics& m = result->result.stages[static_cast<int>(aq::capi::to_stage(stage))];
    const bool have = m.ran && m.loss.has_value();
    if (available) *available = have ? 1 : 0;
    const aq::LossBreakdown l = have ? *m.loss : aq::LossBreakdown{};
    if (mse) *mse = l.mse;
    if (markov) *markov = l.markov;
    if (entropy) *entropy = l.entropy;
    if (coupling) *coupling = l.coupling;
    if (total) *total = l.total;
  });
}

aq_status aq_layer_result_optimization(const aq_layer_result* result, const aq_optimization** optimization) {
  return guard([&] {
    require_nonnull(result, "result");
    require_nonnull(optimization, "optimization");
    *optimization = result->optimization.get();
  });
}

aq_status aq_layer_result_timings(const aq_layer_result* result, double* validate_before_seconds,
                                  double* smooth_seconds, double* optimize_seconds, double* validate_after_seconds) {
  return guard([&] {
    require_nonnull(result, "result");
    const aq::PhaseTimings& t = result->result.timings;
    if (validate_before_seconds) *validate_before_seconds = t.validate_before;
    if (smooth_seconds) *smooth_seconds = t.smooth;
    if (optimize_seconds) *optimize_seconds = t.optimize;
    if (validate_after_seconds) *validate_after_seconds = t.validate_after;
  });
}

const char* aq_layer_result_calibration_source(const aq_layer_result* result) {
  return result ? result->result.calibration_source.c_str() : "";
}

void aq_layer_result_free(aq_layer_result* result) { delete result; }

}  // extern "C"
