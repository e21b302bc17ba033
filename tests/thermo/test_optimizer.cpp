// Phase 3 gradient optimizer: its properties and determinism across thread counts.
#define BOOST_TEST_MODULE optimizer
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#define ARROWQUANT_REFERENCE_METRICS  // declares the conformance oracles (aq_affine_u8, aq_total_loss, ...)
#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

using namespace aq;

namespace {

TimeAwareConfig optimizing_config(float smoothness_weight = 0.1f) {
  TimeAwareConfig c;
  c.num_timesteps = 200;
  c.num_time_groups = 5;
  c.calibration_samples = 64;
  c.thermodynamic.transition_optimization.enabled = true;
  c.thermodynamic.transition_optimization.smoothness_weight = smoothness_weight;
  c.thermodynamic.transition_optimization.optimizer = TransitionOptimizer::gradient;  // the chain: test_chain_solver
  return c;
}

// Statistics with recorded samples whose range jumps between groups (so the coupling term has work to do).
CalibrationStats jumpy_stats(uint64_t t_count, uint64_t seed) {
  CalibrationStats s;
  s.samples.resize(t_count);
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (uint64_t t = 0; t < t_count; ++t) {
    const float amp = (t * 5 / t_count) % 2 == 0 ? 1.0f : 3.0f;
    float mn = 1e30f, mx = -1e30f;
    for (int i = 0; i < 8; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const float u = static_cast<float>(state >> 40) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
      const float v = amp * u * u * u + 0.1f;
      s.samples[t].push_back(v);
      mn = std::min(mn, v);
      mx = std::max(mx, v);
    }
    s.min.push_back(mn);
    s.max.push_back(mx);
    s.mean.push_back(0.1f);
    s.std.push_back(amp * 0.4f);
  }
  s.validate();
  return s;
}

struct Setup {
  CalibrationStats stats;
  std::vector<TimeGroupParam> params;
  std::vector<std::vector<float>> samples;
};

Setup make_setup(const TimeAwareConfig& c, uint64_t seed = 1) {
  Setup s{jumpy_stats(c.num_timesteps, seed), {}, {}};
  s.params = params_from_stats(s.stats, c.num_time_groups, c.activation_bits);
  s.samples = group_samples(s.stats, s.params, seed);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(final_loss_is_at_most_the_initial_loss_and_the_minimum_of_the_history) {
  for (float sw : {0.0f, 0.1f, 1.0f}) {
    const TimeAwareConfig c = optimizing_config(sw);
    const Setup s = make_setup(c);
    const OptimizationResult r = optimize_params(s.params, s.samples, c.num_timesteps, c);
    const float initial = evaluate_objective(s.params, s.samples, c.num_timesteps, c).total;
    BOOST_TEST_REQUIRE(!r.loss_history.empty());
    BOOST_TEST(r.loss_history.front() == initial);
    BOOST_TEST(r.initial_loss == initial);
    BOOST_TEST(r.final_loss <= initial);
    BOOST_TEST(r.final_loss == *std::min_element(r.loss_history.begin(), r.loss_history.end()));
    // The returned point is the one whose loss was recorded.
    BOOST_TEST(evaluate_objective(r.params, s.samples, c.num_timesteps, c).total == r.final_loss);
    BOOST_TEST(r.iterations == r.loss_history.size());
  }
}

BOOST_AUTO_TEST_CASE(converged_means_the_last_two_losses_differ_by_less_than_the_threshold) {
  int converged_runs = 0;
  for (float thr : {1e-2f, 1e-4f, 1e-7f}) {
    TimeAwareConfig c = optimizing_config();
    c.thermodynamic.transition_optimization.convergence_threshold = thr;
    const Setup s = make_setup(c);
    const OptimizationResult r = optimize_params(s.params, s.samples, c.num_timesteps, c);
    if (r.converged) {
      ++converged_runs;
      BOOST_TEST_REQUIRE(r.loss_history.size() >= 2u);
      const size_t n = r.loss_history.size();
      BOOST_TEST(std::fabs(r.loss_history[n - 1] - r.loss_history[n - 2]) < thr);
    } else {
      BOOST_TEST(r.iterations == static_cast<uint64_t>(c.thermodynamic.transition_optimization.max_iterations));
    }
  }
  BOOST_TEST(converged_runs >= 1);  // the loose threshold converges
}

BOOST_AUTO_TEST_CASE(without_coupling_the_objective_is_the_reference_total_loss) {
  TimeAwareConfig c = optimizing_config(0.0f);
  const Setup s = make_setup(c);
  const float levels = 255.0f;
  // Rebuild the reference loss's inputs independently and evaluate them with the conformance total_loss (C ABI).
  std::vector<float> original, quantized, om, os, qm, qs;
  const auto betas = beta_schedule(BetaScheduleKind::linear, c.num_timesteps, c.beta_start, c.beta_end);
  for (size_t g = 0; g < s.params.size(); ++g) {
    std::vector<float> q;
    for (float x : s.samples[g]) q.push_back(fake_quantize(x, s.params[g].scale, s.params[g].zero_point, levels));
    const uint64_t t = (s.params[g].start + s.params[g].end - 1) / 2;
    const Transition to = transition_for_beta(s.samples[g].data(), s.samples[g].size(), betas[t]);
    const Transition tq = transition_for_beta(q.data(), q.size(), betas[t]);
    om.push_back(to.mean);
    os.push_back(to.std);
    qm.push_back(tq.mean);
    qs.push_back(tq.std);
    original.insert(original.end(), s.samples[g].begin(), s.samples[g].end());
    quantized.insert(quantized.end(), q.begin(), q.end());
  }
  float seed_loss = 0;
  BOOST_TEST_REQUIRE(aq_total_loss(original.data(), original.size(), quantized.data(), quantized.size(), om.data(),
                                   om.size(), os.data(), os.size(), qm.data(), qm.size(), qs.data(), qs.size(), 0.1f,
                                   0.05f, &seed_loss) == AQ_OK);
  const LossBreakdown l = evaluate_objective(s.params, s.samples, c.num_timesteps, c);
  BOOST_TEST(l.coupling == 0.0f);
  BOOST_TEST(l.total == seed_loss);
  BOOST_TEST(l.reference_loss == seed_loss);
  const OptimizationResult r = optimize_params(s.params, s.samples, c.num_timesteps, c);
  BOOST_TEST(r.loss_history.front() == seed_loss);
}

BOOST_AUTO_TEST_CASE(coupling_term_pulls_neighbouring_scales_together) {
  TimeAwareConfig c = optimizing_config(1.0f);
  c.thermodynamic.transition_optimization.learning_rate = 0.1f;
  c.thermodynamic.transition_optimization.convergence_threshold = 1e-7f;
  const Setup s = make_setup(c);
  const OptimizationResult r = optimize_params(s.params, s.samples, c.num_timesteps, c);
  const auto before = markov_validate(s.params, 0.3f), after = markov_validate(r.params, 0.3f);
  BOOST_TEST(after.max_scale_jump() < before.max_scale_jump());
  BOOST_TEST(evaluate_objective(r.params, s.samples, c.num_timesteps, c).coupling <
             evaluate_objective(s.params, s.samples, c.num_timesteps, c).coupling);
}

BOOST_AUTO_TEST_CASE(each_step_moves_ln_scale_by_at_most_learning_rate_times_clip) {
  TimeAwareConfig c = optimizing_config(5.0f);
  c.thermodynamic.transition_optimization.max_iterations = 2;
  c.thermodynamic.transition_optimization.gradient_clip = 0.5f;
  c.thermodynamic.transition_optimization.learning_rate = 0.2f;
  c.thermodynamic.transition_optimization.convergence_threshold = 1e-12f;
  const Setup s = make_setup(c);
  const OptimizationResult r = optimize_params(s.params, s.samples, c.num_timesteps, c);
  for (size_t g = 0; g < s.params.size(); ++g) {
    const double du = std::log(static_cast<double>(r.params[g].scale)) - std::log(static_cast<double>(s.params[g].scale));
    BOOST_TEST(std::fabs(du) <= 0.2 * 0.5 + 1e-6);
    BOOST_TEST(std::fabs(r.params[g].zero_point - s.params[g].zero_point) <= 0.2f * 0.5f + 1e-4f);
  }
}

BOOST_AUTO_TEST_CASE(optimizer_runs_on_statistics_without_samples) {
  TimeAwareConfig c = optimizing_config();
  c.num_timesteps = 100;
  const CalibrationStats stats = data_free_calibration(c, 3);
  const auto params = params_from_stats(stats, c.num_time_groups);
  const auto samples = group_samples(stats, params, 3);
  const OptimizationResult r = optimize_params(params, samples, stats.num_timesteps(), c);
  BOOST_TEST(r.final_loss <= r.initial_loss);
  BOOST_TEST(r.cache_misses > 0u);
  for (const auto& p : r.params) {
    BOOST_TEST(std::isfinite(p.scale));
    BOOST_TEST(p.scale > 0.0f);
    BOOST_TEST(std::isfinite(p.zero_point));
  }
}

BOOST_AUTO_TEST_CASE(layers_give_identical_bytes_for_any_thread_count) {
  TimeAwareConfig c = optimizing_config();
  c.thermodynamic.boundary_smoothing.enabled = true;
  std::vector<CalibrationStats> stats;
  for (uint64_t i = 0; i < 7; ++i) {
    TimeAwareConfig d = c;
    d.calibration_data_std = 0.2f + 0.15f * static_cast<float>(i);
    stats.push_back(i % 2 ? data_free_calibration(d, 100 + i) : jumpy_stats(c.num_timesteps, i));
  }
  std::vector<LayerInput> in;
  for (uint64_t i = 0; i < stats.size(); ++i) in.push_back(LayerInput{&stats[i], 1000 + i});
  auto bytes = [](const std::vector<LayerResult>& rs) {
    std::vector<uint8_t> out;
    auto put = [&](const void* p, size_t n) {
      const auto* b = static_cast<const uint8_t*>(p);
      out.insert(out.end(), b, b + n);
    };
    for (const auto& r : rs) {
      for (const auto& p : r.params) {
        put(&p.scale, 4);
        put(&p.zero_point, 4);
      }
      put(r.optimization->loss_history.data(), r.optimization->loss_history.size() * 4);
      put(&r.final_stage().loss->total, 4);
      put(&r.final_stage().report->smoothness_score, 4);
    }
    return out;
  };
  const auto one = bytes(process_layers(in, c, 1));
  for (int threads : {2, 3, 8}) BOOST_TEST((bytes(process_layers(in, c, threads)) == one));
}

BOOST_AUTO_TEST_CASE(parallel_layers_report_the_lowest_index_failure) {
  TimeAwareConfig c = optimizing_config();
  CalibrationStats good = jumpy_stats(c.num_timesteps, 1);
  CalibrationStats bad1 = good, bad2 = good;
  bad1.samples[10].clear();  // group 0 keeps other samples: still fine
  for (uint64_t t = 40; t < 80; ++t) bad1.samples[t].clear();  // group 1 has none
  for (uint64_t t = 120; t < 160; ++t) bad2.samples[t].clear();  // group 3 has none
  std::vector<LayerInput> in{{&good, 1}, {&bad2, 2}, {&bad1, 3}};
  try {
    process_layers(in, c, 4);
    BOOST_FAIL("expected an error");
  } catch (const aq::Error& e) {
    BOOST_TEST(std::string(e.what()).find("time group 3") != std::string::npos);
  }
}
