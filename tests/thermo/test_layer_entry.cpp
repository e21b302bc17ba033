// The layer entry point: phase order, switches, metrics before/after, timings; and the C ABI view of it.
#define BOOST_TEST_MODULE layer_entry
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>

#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

using namespace aq;

namespace {
TimeAwareConfig small_config() {
  TimeAwareConfig c;
  c.num_timesteps = 100;
  c.num_time_groups = 6;
  c.calibration_samples = 32;
  return c;
}
}  // namespace

BOOST_AUTO_TEST_CASE(defaults_validate_only_and_keep_the_params_from_statistics) {
  const TimeAwareConfig c = small_config();
  const CalibrationStats s = data_free_calibration(c, 9);
  const LayerResult r = process_layer(s, c, 9);
  BOOST_TEST(r.calibration_source == "data-free");
  BOOST_TEST(r.stages[0].ran);
  BOOST_TEST(!r.stages[1].ran);
  BOOST_TEST(!r.stages[2].ran);
  BOOST_TEST(!r.optimization.has_value());
  BOOST_TEST_REQUIRE(r.stages[0].report.has_value());
  BOOST_TEST_REQUIRE(r.params.size() == 6u);
  const auto direct = params_from_stats(s, 6);
  for (size_t g = 0; g < 6; ++g) {
    BOOST_TEST(r.params[g].scale == direct[g].scale);
    BOOST_TEST(r.params[g].zero_point == direct[g].zero_point);
  }
  BOOST_TEST(r.timings.smooth == 0.0);
  BOOST_TEST(r.timings.optimize == 0.0);
  BOOST_TEST(&r.final_stage() == &r.stages[0]);
}

BOOST_AUTO_TEST_CASE(phases_run_in_order_smooth_then_optimize_and_report_every_stage) {
  TimeAwareConfig c = small_config();
  c.thermodynamic.boundary_smoothing.enabled = true;
  c.thermodynamic.boundary_smoothing.window_size = 2;
  c.thermodynamic.transition_optimization.enabled = true;
  const CalibrationStats s = data_free_calibration(c, 4);
  const LayerResult r = process_layer(s, c, 4);
  BOOST_TEST(r.stages[1].ran);
  BOOST_TEST(r.stages[2].ran);
  BOOST_TEST_REQUIRE(r.optimization.has_value());
  // Phase 2 acted on the initial params; Phase 3 started from the smoothed ones.
  const auto smoothed = smooth_boundaries(r.initial_params, 2, Interpolation::linear);
  for (size_t g = 0; g < smoothed.size(); ++g) BOOST_TEST(r.stages[1].params[g].scale == smoothed[g].scale);
  const auto samples = group_samples(s, r.initial_params, 4);
  const auto again = optimize_params(smoothed, samples, s.num_timesteps(), c);
  BOOST_TEST(again.loss_history == r.optimization->loss_history, boost::test_tools::per_element());
  BOOST_TEST(r.stages[2].loss->total == r.optimization->final_loss);
  BOOST_TEST(r.stages[0].loss->total == evaluate_objective(r.initial_params, samples, s.num_timesteps(), c).total);
  for (int st = 0; st < 3; ++st) BOOST_TEST(r.stages[st].report.has_value());
  BOOST_TEST(&r.final_stage() == &r.stages[2]);
  BOOST_TEST(r.timings.optimize >= 0.0);
}

BOOST_AUTO_TEST_CASE(validation_switch_removes_the_reports_but_not_the_parameters) {
  TimeAwareConfig c = small_config();
  c.thermodynamic.validation.enabled = false;
  c.thermodynamic.boundary_smoothing.enabled = true;
  const CalibrationStats s = data_free_calibration(c, 4);
  const LayerResult r = process_layer(s, c, 4);
  BOOST_TEST(!r.stages[0].report.has_value());
  BOOST_TEST(!r.stages[1].report.has_value());
  BOOST_TEST(r.stages[1].ran);
  BOOST_TEST(r.timings.validate_before >= 0.0);
}

BOOST_AUTO_TEST_CASE(a_single_timestep_layer_works_without_a_defined_linear_schedule) {
  TimeAwareConfig c = small_config();
  const CalibrationStats s = make_calibration_stats({-1.0f}, {2.0f}, {0.0f}, {1.0f});
  const LayerResult r = process_layer(s, c, 0);
  BOOST_TEST(r.params.size() == 1u);
  BOOST_TEST(!r.stages[0].loss.has_value());
  c.thermodynamic.transition_optimization.enabled = true;
  BOOST_CHECK_THROW(process_layer(s, c, 0), aq::Error);  // linear schedule needs two timesteps
}

BOOST_AUTO_TEST_CASE(c_abi_layer_result_exposes_stages_reports_losses_and_timings) {
  aq_timeaware_config* cfg = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_config_create(&cfg) == AQ_OK);
  BOOST_TEST_REQUIRE(aq_timeaware_config_set_json(
                         cfg, R"({"num_timesteps": 100, "num_time_groups": 4, "calibration_samples": 16,
                                  "thermodynamic": {"boundary_smoothing": {"enabled": true, "window_size": 1},
                                                    "transition_optimization": {"enabled": true}}})") == AQ_OK);
  aq_calib_stats* stats = nullptr;
  BOOST_TEST_REQUIRE(aq_calib_stats_data_free(cfg, 5, &stats) == AQ_OK);
  BOOST_TEST(std::string(aq_calib_stats_source(stats)) == "data-free");
  aq_layer_result* r = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_layer(stats, cfg, 5, &r) == AQ_OK);
  for (aq_stage st : {AQ_STAGE_INITIAL, AQ_STAGE_SMOOTHED, AQ_STAGE_OPTIMIZED}) {
    BOOST_TEST(aq_layer_result_stage_ran(r, st) == 1);
    const aq_markov_report* rep = nullptr;
    BOOST_TEST(aq_layer_result_stage_report(r, st, &rep) == AQ_OK);
    BOOST_TEST(rep != nullptr);
    int available = 0;
    float total = -1;
    BOOST_TEST(aq_layer_result_stage_loss(r, st, &available, nullptr, nullptr, nullptr, nullptr, &total) == AQ_OK);
    BOOST_TEST(available == 1);
    const aq_tg_params* p = nullptr;
    BOOST_TEST(aq_layer_result_stage_params(r, st, &p) == AQ_OK);
    BOOST_TEST(aq_tg_params_count(p) == 4u);
  }
  const aq_optimization* opt = nullptr;
  BOOST_TEST_REQUIRE(aq_layer_result_optimization(r, &opt) == AQ_OK);
  BOOST_TEST_REQUIRE(opt != nullptr);
  float initial = 0, final_loss = 0;
  uint64_t iterations = 0;
  int converged = -1;
  BOOST_TEST(aq_optimization_result(opt, &initial, &final_loss, &iterations, &converged) == AQ_OK);
  // The chain solver (the default) minimises its own objective under the constraints, not the reported total
  // loss (docs/time-aware.md), so what it promises is the constraints: met, and said so.
  BOOST_TEST(std::isfinite(initial));
  BOOST_TEST(std::isfinite(final_loss));
  BOOST_TEST(converged == 1);
  const aq_markov_report* optimized = nullptr;
  BOOST_TEST_REQUIRE(aq_layer_result_stage_report(r, AQ_STAGE_OPTIMIZED, &optimized) == AQ_OK);
  BOOST_TEST(aq_markov_report_violation_count(optimized) == 0u);
  float score = 0.0f;
  int valid = 0;
  BOOST_TEST(aq_markov_report_result(optimized, &valid, &score, nullptr) == AQ_OK);
  BOOST_TEST(score >= 0.9f);
  const float* hist = nullptr;
  uint64_t nh = 0;
  BOOST_TEST(aq_optimization_loss_history(opt, &hist, &nh) == AQ_OK);
  BOOST_TEST(nh == iterations);
  const aq_tg_params* fin = nullptr;
  const aq_tg_params* optp = nullptr;
  BOOST_TEST(aq_layer_result_params(r, &fin) == AQ_OK);
  BOOST_TEST(aq_optimization_params(opt, &optp) == AQ_OK);
  const float *a = nullptr, *b = nullptr;
  uint64_t na = 0, nb = 0;
  BOOST_TEST(aq_tg_params_table(fin, &a, &na) == AQ_OK);
  BOOST_TEST(aq_tg_params_table(optp, &b, &nb) == AQ_OK);
  BOOST_TEST_REQUIRE(na == 16u);
  BOOST_TEST(std::memcmp(a, b, na * sizeof(float)) == 0);
  BOOST_TEST(a[0] == 0.0f);
  BOOST_TEST(a[1] == 25.0f);
  double tb = -1, ts = -1, to = -1, ta = -1;
  BOOST_TEST(aq_layer_result_timings(r, &tb, &ts, &to, &ta) == AQ_OK);
  BOOST_TEST(tb >= 0.0);
  BOOST_TEST(to >= 0.0);
  aq_layer_result_free(r);
  aq_calib_stats_free(stats);
  aq_timeaware_config_free(cfg);
}

BOOST_AUTO_TEST_CASE(c_abi_disabled_stages_return_null_views) {
  aq_timeaware_config* cfg = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_config_create(&cfg) == AQ_OK);
  BOOST_TEST_REQUIRE(aq_timeaware_config_set_number(cfg, "num_timesteps", 50) == AQ_OK);
  aq_calib_stats* stats = nullptr;
  BOOST_TEST_REQUIRE(aq_calib_stats_data_free(cfg, 1, &stats) == AQ_OK);
  aq_layer_result* r = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_layer(stats, cfg, 1, &r) == AQ_OK);
  const aq_markov_report* rep = reinterpret_cast<const aq_markov_report*>(1);
  BOOST_TEST(aq_layer_result_stage_report(r, AQ_STAGE_SMOOTHED, &rep) == AQ_OK);
  BOOST_TEST(rep == nullptr);
  const aq_optimization* opt = reinterpret_cast<const aq_optimization*>(1);
  BOOST_TEST(aq_layer_result_optimization(r, &opt) == AQ_OK);
  BOOST_TEST(opt == nullptr);
  BOOST_TEST(aq_layer_result_stage_ran(r, AQ_STAGE_OPTIMIZED) == 0);
  aq_layer_result_free(r);
  aq_calib_stats_free(stats);
  aq_timeaware_config_free(cfg);
}
