// Bad input through the C ABI: each case returns AQ_ERR_INVALID_ARGUMENT with a message naming the argument,
// never a NaN result, never a crash.
#define BOOST_TEST_MODULE bad_input
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

#define ARROWQUANT_REFERENCE_METRICS  // declares the conformance oracles (aq_affine_u8, aq_total_loss, ...)
#include "arrowquant.h"

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// The call failed with AQ_ERR_INVALID_ARGUMENT and the message names `what`.
void expect_invalid(aq_status st, const std::string& what) {
  BOOST_TEST(st == AQ_ERR_INVALID_ARGUMENT);
  const std::string msg = aq_last_error_message();
  BOOST_TEST(msg.find(what) != std::string::npos, "message \"" << msg << "\" should name " << what);
}

aq_calib_stats* stats_of(uint64_t t, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> mn(t, lo), mx(t, hi), me(t, 0.0f), sd(t, 0.5f);
  aq_calib_stats* s = nullptr;
  BOOST_REQUIRE(aq_calib_stats_create(mn.data(), t, mx.data(), t, me.data(), t, sd.data(), t, &s) == AQ_OK);
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(scale_not_positive_or_not_finite) {
  const float z[3] = {0, 0, 0};
  aq_markov_report* r = nullptr;
  for (float bad : {0.0f, -1.0f, kNaN, kInf}) {
    const float s[3] = {1.0f, bad, 1.0f};
    expect_invalid(aq_markov_validate(s, 3, z, 3, 0.3f, &r), "scales[1]");
    BOOST_TEST(r == nullptr);
    aq_tg_params* p = nullptr;
    expect_invalid(aq_tg_params_create(nullptr, 0, s, 3, z, 3, &p), "params[1].scale");
    const float w[2] = {1, 2};
    expect_invalid(aq_affine_u8(w, 2, bad, 0.0f, nullptr, 0, nullptr, 0), "scale");
  }
}

BOOST_AUTO_TEST_CASE(zero_point_not_finite) {
  const float s[2] = {1, 1};
  aq_markov_report* r = nullptr;
  for (float bad : {kNaN, kInf}) {
    const float z[2] = {bad, 0};
    expect_invalid(aq_markov_validate(s, 2, z, 2, 0.3f, &r), "zero_points[0]");
    const float w[1] = {1};
    expect_invalid(aq_affine_u8(w, 1, 1.0f, bad, nullptr, 0, nullptr, 0), "zero_point");
  }
}

BOOST_AUTO_TEST_CASE(statistics_not_finite_or_inconsistent) {
  std::vector<float> mn{-1, -1, -1}, mx{1, 1, 1}, me{0, 0, 0}, sd{1, 1, 1};
  aq_calib_stats* s = nullptr;
  me[2] = kNaN;
  expect_invalid(aq_calib_stats_create(mn.data(), 3, mx.data(), 3, me.data(), 3, sd.data(), 3, &s), "mean[2]");
  me[2] = 0;
  mx[1] = kInf;
  expect_invalid(aq_calib_stats_create(mn.data(), 3, mx.data(), 3, me.data(), 3, sd.data(), 3, &s), "max[1]");
  mx[1] = -2;
  expect_invalid(aq_calib_stats_create(mn.data(), 3, mx.data(), 3, me.data(), 3, sd.data(), 3, &s), "min[1]");
  mx[1] = 1;
  sd[0] = -1;
  expect_invalid(aq_calib_stats_create(mn.data(), 3, mx.data(), 3, me.data(), 3, sd.data(), 3, &s), "std[0]");
  sd[0] = 1;
  expect_invalid(aq_calib_stats_create(mn.data(), 3, mx.data(), 2, me.data(), 3, sd.data(), 3, &s), "max");
  BOOST_TEST(s == nullptr);
  aq_calib_stats* ok = stats_of(3);
  const float samples[2] = {0.5f, kNaN};
  expect_invalid(aq_calib_stats_set_samples(ok, 1, samples, 2), "src[1]");
  expect_invalid(aq_calib_stats_set_samples(ok, 3, samples, 1), "timestep");
  aq_calib_stats_free(ok);
}

BOOST_AUTO_TEST_CASE(empty_sequences) {
  aq_markov_report* r = nullptr;
  expect_invalid(aq_markov_validate(nullptr, 0, nullptr, 0, 0.3f, &r), "scales");
  double d[1];
  expect_invalid(aq_smooth_boundaries(nullptr, 0, 1, AQ_INTERPOLATION_LINEAR, d, 1), "src");
  float out = 0;
  expect_invalid(aq_quantization_loss(nullptr, 0, nullptr, 0, &out), "original");
  expect_invalid(aq_entropy_regularization(nullptr, 0, &out), "src");
  expect_invalid(aq_cosine_similarity(nullptr, 0, nullptr, 0, &out), "a");
  expect_invalid(aq_markov_constraint_loss(nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0, &out), "original_means");
  float m, sd;
  expect_invalid(aq_transition(nullptr, 0, AQ_BETA_SCHEDULE_LINEAR, 10, 1e-4f, 0.02f, 0, &m, &sd), "empty");
  aq_calib_stats* s = nullptr;
  expect_invalid(aq_calib_stats_create(nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0, &s), "min");
  aq_tg_params* p = nullptr;
  expect_invalid(aq_tg_params_create(nullptr, 0, nullptr, 0, nullptr, 0, &p), "scales");
}

BOOST_AUTO_TEST_CASE(zero_groups_or_timesteps) {
  uint64_t b[4];
  expect_invalid(aq_group_timesteps(10, 0, b, 4), "num_groups");
  expect_invalid(aq_group_timesteps(0, 3, b, 4), "num_timesteps");
  expect_invalid(aq_group_timesteps(10, 3, b, 3), "dst_count");
  aq_calib_stats* s = stats_of(10);
  aq_tg_params* p = nullptr;
  expect_invalid(aq_params_from_stats(s, 0, 8, &p), "num_groups");
  expect_invalid(aq_params_from_stats(s, 3, 1, &p), "activation_bits");
  BOOST_TEST(p == nullptr);
  aq_calib_stats_free(s);
}

BOOST_AUTO_TEST_CASE(window_outside_1_to_20) {
  const double src[3] = {1, 2, 3};
  double dst[3];
  for (int w : {0, -1, 21, 1000}) expect_invalid(aq_smooth_boundaries(src, 3, w, AQ_INTERPOLATION_CUBIC, dst, 3), "window");
  // 3 is the only invalid value a C++ caller can form without undefined behaviour (the enum's range is 0..3).
  expect_invalid(aq_smooth_boundaries(src, 3, 2, static_cast<aq_interpolation>(3), dst, 3), "method");
  expect_invalid(aq_smooth_boundaries(src, 3, 2, AQ_INTERPOLATION_LINEAR, dst, 2), "dst_count");
  const double nan_src[2] = {1, std::nan("")};
  expect_invalid(aq_smooth_boundaries(nan_src, 2, 2, AQ_INTERPOLATION_LINEAR, dst, 2), "values[1]");
}

BOOST_AUTO_TEST_CASE(linear_schedule_needs_two_timesteps_and_betas_in_range) {
  float b[4];
  expect_invalid(aq_beta_schedule(AQ_BETA_SCHEDULE_LINEAR, 1, 1e-4f, 0.02f, b, 4), "num_timesteps");
  BOOST_TEST(aq_beta_schedule(AQ_BETA_SCHEDULE_COSINE, 1, 1e-4f, 0.02f, b, 4) == AQ_OK);
  expect_invalid(aq_beta_schedule(AQ_BETA_SCHEDULE_LINEAR, 4, 0.02f, 1e-4f, b, 4), "beta_start");
  expect_invalid(aq_beta_schedule(AQ_BETA_SCHEDULE_LINEAR, 4, 1e-4f, 1.5f, b, 4), "beta_end");
  expect_invalid(aq_beta_schedule(AQ_BETA_SCHEDULE_LINEAR, 4, kNaN, 0.02f, b, 4), "beta_start");
  expect_invalid(aq_beta_schedule(AQ_BETA_SCHEDULE_LINEAR, 5, 1e-4f, 0.02f, b, 4), "dst_count");
}

BOOST_AUTO_TEST_CASE(timestep_outside_the_schedule) {
  const float w[3] = {1, 2, 3};
  float m = 0, sd = 0;
  expect_invalid(aq_transition(w, 3, AQ_BETA_SCHEDULE_LINEAR, 10, 1e-4f, 0.02f, 10, &m, &sd), "timestep");
  aq_transition_computer* tc = nullptr;
  BOOST_TEST_REQUIRE(aq_transition_computer_create(AQ_BETA_SCHEDULE_COSINE, 10, 1e-4f, 0.02f, 4, &tc) == AQ_OK);
  expect_invalid(aq_transition_computer_compute(tc, w, 3, 11, &m, &sd), "timestep");
  uint64_t misses = 9;
  BOOST_TEST(aq_transition_computer_stats(tc, nullptr, &misses, nullptr, nullptr, nullptr) == AQ_OK);
  BOOST_TEST(misses == 0u);  // a rejected call is not counted
  aq_transition_computer_free(tc);
}

BOOST_AUTO_TEST_CASE(time_group_without_calibration_samples) {
  aq_calib_stats* s = stats_of(10);
  const float x[3] = {0.1f, -0.2f, 0.3f};
  BOOST_TEST_REQUIRE(aq_calib_stats_set_samples(s, 0, x, 3) == AQ_OK);  // only group 0 gets samples
  aq_tg_params* p = nullptr;
  BOOST_TEST_REQUIRE(aq_params_from_stats(s, 2, 8, &p) == AQ_OK);
  aq_timeaware_config* cfg = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_config_create(&cfg) == AQ_OK);
  aq_optimization* opt = nullptr;
  expect_invalid(aq_optimize_params(p, s, cfg, 0, &opt), "time group 1");
  BOOST_TEST(opt == nullptr);
  BOOST_TEST_REQUIRE(aq_timeaware_config_set_number(cfg, "num_time_groups", 2) == AQ_OK);
  aq_layer_result* r = nullptr;
  expect_invalid(aq_timeaware_layer(s, cfg, 0, &r), "has no calibration samples");
  aq_timeaware_config_free(cfg);
  aq_tg_params_free(p);
  aq_calib_stats_free(s);
}

BOOST_AUTO_TEST_CASE(mismatched_lengths_and_other_rejected_values) {
  const float a[3] = {1, 2, 3}, zero[3] = {0, 0, 0};
  float out = 0;
  expect_invalid(aq_quantization_loss(a, 3, a, 2, &out), "quantized_count");
  expect_invalid(aq_cosine_similarity(a, 3, a, 2, &out), "b_count");
  expect_invalid(aq_cosine_similarity(a, 3, zero, 3, &out), "b is a zero vector");
  expect_invalid(aq_markov_constraint_loss(a, 3, a, 2, a, 3, a, 3, &out), "original_stds_count");
  expect_invalid(aq_total_loss(a, 3, a, 3, a, 1, a, 1, a, 1, a, 1, -0.1f, 0.0f, &out), "markov_weight");
  expect_invalid(aq_total_loss(a, 3, a, 3, a, 1, a, 1, a, 1, a, 1, 0.1f, kNaN, &out), "entropy_weight");
  aq_markov_report* r = nullptr;
  expect_invalid(aq_markov_validate(a, 3, zero, 2, 0.3f, &r), "zero_points");
  expect_invalid(aq_markov_validate(a, 3, zero, 3, 1.5f, &r), "threshold");
  expect_invalid(aq_markov_validate(a, 3, zero, 3, kNaN, &r), "threshold");
  expect_invalid(aq_gaussian_kl(kNaN, 1, 0, 1, &out), "mu1");
  expect_invalid(aq_gaussian_kl(0, 1, 0, kInf, &out), "sigma2");
  const float w[2] = {kInf, 1};
  expect_invalid(aq_entropy_regularization(w, 2, &out), "weights[0]");
  aq_baseline_report* br = nullptr;
  const double scores[2] = {1.0, 0.5};
  const uint64_t idx[1] = {2};
  const double jumps[1] = {0.6};
  const int32_t sev[1] = {AQ_SEVERITY_HIGH};
  expect_invalid(aq_baseline_summary(scores, 2, idx, 1, jumps, 1, sev, 1, &br), "boundary_idx");
  const int32_t bad_sev[1] = {5};
  const uint64_t idx0[1] = {0};
  expect_invalid(aq_baseline_summary(scores, 2, idx0, 1, jumps, 1, bad_sev, 1, &br), "violation_severities[0]");
}

BOOST_AUTO_TEST_CASE(null_pointers_are_named) {
  float out = 0;
  expect_invalid(aq_gaussian_kl(0, 1, 0, 1, nullptr), "kl");
  const float a[2] = {1, 2};
  expect_invalid(aq_quantization_loss(nullptr, 2, a, 2, &out), "original");
  expect_invalid(aq_timeaware_layer(nullptr, nullptr, 0, nullptr), "stats");
  expect_invalid(aq_markov_report_result(nullptr, nullptr, nullptr, nullptr), "report");
  expect_invalid(aq_group_count(10, 2, nullptr), "count");
  // Free functions accept NULL.
  aq_markov_report_free(nullptr);
  aq_tg_params_free(nullptr);
  aq_calib_stats_free(nullptr);
  aq_layer_result_free(nullptr);
  aq_optimization_free(nullptr);
  aq_baseline_report_free(nullptr);
  aq_transition_computer_free(nullptr);
  aq_timeaware_config_free(nullptr);
}

BOOST_AUTO_TEST_CASE(extreme_but_finite_values_never_give_nan) {
  const float s[3] = {1e-30f, 3e38f, 1e-30f}, z[3] = {-3e38f, 3e38f, 0};
  aq_markov_report* r = nullptr;
  BOOST_TEST_REQUIRE(aq_markov_validate(s, 3, z, 3, 0.3f, &r) == AQ_OK);
  float score = -1;
  BOOST_TEST(aq_markov_report_result(r, nullptr, &score, nullptr) == AQ_OK);
  BOOST_TEST(!std::isnan(score));
  aq_markov_report_free(r);
  const float big[2] = {3e38f, -3e38f};
  float out = 0;
  const aq_status st = aq_quantization_loss(big, 2, big + 1, 2 - 1 + 0, &out);
  BOOST_TEST(st == AQ_ERR_INVALID_ARGUMENT);  // lengths differ
  const aq_status cs = aq_cosine_similarity(big, 2, big, 2, &out);
  BOOST_TEST((cs == AQ_OK ? !std::isnan(out) : cs == AQ_ERR_INVALID_ARGUMENT));
  std::vector<float> mn{-3e38f}, mx{3e38f}, me{0}, sd{1};
  aq_calib_stats* st2 = nullptr;
  BOOST_TEST_REQUIRE(aq_calib_stats_create(mn.data(), 1, mx.data(), 1, me.data(), 1, sd.data(), 1, &st2) == AQ_OK);
  aq_tg_params* p = nullptr;
  expect_invalid(aq_params_from_stats(st2, 1, 8, &p), "time group 0");  // range overflows binary32
  aq_calib_stats_free(st2);
}
