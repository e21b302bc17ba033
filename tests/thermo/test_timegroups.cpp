// Time grouping, params from statistics, data-free calibration and per-group calibration samples.
#define BOOST_TEST_MODULE timegroups
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>

#include "arrowquant/timegroups.hpp"

using namespace aq;

namespace {
CalibrationStats constant_stats(uint64_t t, float lo, float hi) {
  return make_calibration_stats(std::vector<float>(t, lo), std::vector<float>(t, hi), std::vector<float>(t, 0.0f),
                                std::vector<float>(t, 1.0f));
}
}  // namespace

BOOST_AUTO_TEST_CASE(boundaries_cover_all_timesteps_in_near_equal_contiguous_groups) {
  for (uint64_t t : {1, 2, 7, 10, 999, 1000, 1967}) {
    for (uint64_t g : {1, 2, 3, 5, 10, 20, 2000}) {
      const auto b = group_timesteps(t, g);
      const uint64_t e = std::min(g, t);
      BOOST_TEST_REQUIRE(b.size() == e + 1);
      BOOST_TEST(b.front() == 0u);
      BOOST_TEST(b.back() == t);
      uint64_t lo = t, hi = 0;
      for (size_t i = 0; i + 1 < b.size(); ++i) {
        BOOST_TEST(b[i + 1] > b[i]);
        lo = std::min(lo, b[i + 1] - b[i]);
        hi = std::max(hi, b[i + 1] - b[i]);
      }
      BOOST_TEST(hi - lo <= 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(more_groups_than_timesteps_gives_one_group_per_timestep) {
  const auto b = group_timesteps(3, 5);
  BOOST_TEST(b == (std::vector<uint64_t>{0, 1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(large_timestep_counts_do_not_overflow_the_product) {
  const uint64_t t = uint64_t{1} << 62;
  const auto b = group_timesteps(t, 4);
  BOOST_TEST(b[1] == t / 4);
  BOOST_TEST(b[3] == 3 * (t / 4));
}

BOOST_AUTO_TEST_CASE(params_follow_the_reference_formula_in_binary32) {
  const auto p = params_from_stats(constant_stats(100, -2.0f, 2.0f), 2);
  BOOST_TEST_REQUIRE(p.size() == 2u);
  const float expected_scale = 4.0f / 255.0f;
  BOOST_TEST(p[0].scale == expected_scale);
  const float neg_min = 2.0f;
  BOOST_TEST(p[0].zero_point == neg_min / expected_scale);  // 127.49999 in binary32, not 127.5
  BOOST_TEST(p[0].zero_point != 127.5f);
  BOOST_TEST(p[0].start == 0u);
  BOOST_TEST(p[0].end == 50u);
  BOOST_TEST(p[0].group_size == 256u);
  BOOST_TEST(p[1].group_size == 64u);
}

BOOST_AUTO_TEST_CASE(group_range_is_the_plain_min_and_max_of_its_timesteps) {
  CalibrationStats s = make_calibration_stats({-1, -3, -2, -1}, {1, 2, 5, 1}, {0, 0, 0, 0}, {1, 1, 1, 1});
  const auto p = params_from_stats(s, 2);
  BOOST_TEST(p[0].scale == (2.0f - -3.0f) / 255.0f);
  BOOST_TEST(p[1].scale == (5.0f - -2.0f) / 255.0f);
}

BOOST_AUTO_TEST_CASE(mean_and_std_do_not_influence_the_params) {
  CalibrationStats a = constant_stats(40, -1.5f, 3.0f);
  CalibrationStats b = a;
  for (size_t i = 0; i < b.mean.size(); ++i) {
    b.mean[i] = static_cast<float>(i) * 0.1f;
    b.std[i] = 7.0f;
  }
  const auto pa = params_from_stats(a, 4), pb = params_from_stats(b, 4);
  for (size_t g = 0; g < pa.size(); ++g) {
    BOOST_TEST(pa[g].scale == pb[g].scale);
    BOOST_TEST(pa[g].zero_point == pb[g].zero_point);
  }
}

BOOST_AUTO_TEST_CASE(zero_range_uses_the_1e6_scale_and_activation_bits_set_the_grid) {
  const auto p = params_from_stats(constant_stats(10, 5.0f, 5.0f), 1);
  BOOST_TEST(p[0].scale == 1e-6f);
  BOOST_TEST(p[0].zero_point == -5.0f / 1e-6f);
  const auto p4 = params_from_stats(constant_stats(10, -1.0f, 2.0f), 1, 4);
  BOOST_TEST(p4[0].scale == 3.0f / 15.0f);
}

BOOST_AUTO_TEST_CASE(data_free_calibration_is_deterministic_in_its_seed) {
  TimeAwareConfig c;
  c.num_timesteps = 200;
  c.calibration_samples = 64;
  const auto a = data_free_calibration(c, 42), b = data_free_calibration(c, 42), d = data_free_calibration(c, 43);
  BOOST_TEST(a.source == "data-free");
  BOOST_TEST(std::memcmp(a.min.data(), b.min.data(), a.min.size() * 4) == 0);
  BOOST_TEST(std::memcmp(a.max.data(), b.max.data(), a.max.size() * 4) == 0);
  BOOST_TEST(std::memcmp(a.min.data(), d.min.data(), a.min.size() * 4) != 0);
}

BOOST_AUTO_TEST_CASE(data_free_std_is_the_closed_form_and_the_range_grows_with_noise) {
  TimeAwareConfig c;
  c.num_timesteps = 1000;
  c.calibration_samples = 128;
  c.calibration_data_std = 0.5f;
  const auto s = data_free_calibration(c, 7);
  s.validate();
  BOOST_TEST_REQUIRE(s.num_timesteps() == 1000u);
  // abar from the same linear schedule: std_t = sqrt(abar s0^2 + 1 - abar).
  double abar = 1.0;
  for (uint64_t t = 0; t < 1000; ++t) {
    const double beta = static_cast<float>(1e-4f + (0.02f - 1e-4f) * (static_cast<float>(t) / 999.0f));
    abar *= 1.0 - beta;
    BOOST_TEST(s.std[t] == static_cast<float>(std::sqrt(abar * 0.25 + 1.0 - abar)), boost::test_tools::tolerance(1e-6f));
    BOOST_TEST(s.mean[t] == 0.0f);
    BOOST_TEST(s.min[t] <= s.max[t]);
  }
  // std 0.5 at t = 0 and about 1 at the end.
  BOOST_TEST(s.std[0] < 0.51f);
  BOOST_TEST(s.std[999] > 0.99f);
}

BOOST_AUTO_TEST_CASE(data_free_range_really_changes_with_t) {
  // The extremes are sampled, so look at several layers: the last timestep's range (pure noise, std 1) is
  // clearly wider than the first one's (heavy-tailed x_0, std 0.5) for most of them.
  TimeAwareConfig c;
  c.num_timesteps = 1000;
  int wider = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const auto s = data_free_calibration(c, seed);
    if (s.max[999] - s.min[999] > 1.2f * (s.max[0] - s.min[0])) ++wider;
  }
  BOOST_TEST(wider >= 7);
}

BOOST_AUTO_TEST_CASE(data_free_stats_change_smoothly_between_neighbouring_timesteps) {
  TimeAwareConfig c;
  c.num_timesteps = 1000;
  const auto s = data_free_calibration(c, 11);
  for (uint64_t t = 1; t < 1000; ++t) BOOST_TEST(std::fabs(s.max[t] - s.max[t - 1]) < 0.05f);
}

BOOST_AUTO_TEST_CASE(drawn_samples_stay_in_range_include_the_extremes_and_are_deterministic) {
  CalibrationStats s = make_calibration_stats({-1, -2, -1, -1}, {1, 1, 3, 1}, {0, 0, 0.5f, 0}, {0.5f, 1, 1, 0.2f});
  const auto p = params_from_stats(s, 2);
  const auto a = group_samples(s, p, 5), b = group_samples(s, p, 5);
  BOOST_TEST_REQUIRE(a.size() == 2u);
  BOOST_TEST(a[0].size() == 256u);
  BOOST_TEST(a[0][0] == -2.0f);
  BOOST_TEST(a[0][1] == 1.0f);
  BOOST_TEST(a[1][1] == 3.0f);
  for (size_t g = 0; g < 2; ++g) {
    BOOST_TEST(std::memcmp(a[g].data(), b[g].data(), a[g].size() * 4) == 0);
    for (float v : a[g]) {
      BOOST_TEST(v >= (g == 0 ? -2.0f : -1.0f));
      BOOST_TEST(v <= (g == 0 ? 1.0f : 3.0f));
    }
  }
}

BOOST_AUTO_TEST_CASE(recorded_samples_follow_the_group_extremes_in_timestep_order_thinned_to_the_cap) {
  CalibrationStats s = constant_stats(4, -1.0f, 4000.0f);
  s.samples.resize(4);
  for (int t = 0; t < 4; ++t)
    for (int i = 0; i < 200; ++i) s.samples[t].push_back(static_cast<float>(t * 1000 + i));
  const auto p = params_from_stats(s, 2);
  const auto g = group_samples(s, p, 0);
  BOOST_TEST(g[0].size() == 256u);
  // The recorded extremes first (a clipped range must pay for the tail the kept samples may miss).
  BOOST_TEST(g[0][0] == -1.0f);
  BOOST_TEST(g[0][1] == 4000.0f);
  BOOST_TEST(g[0][2] == 0.0f);
  BOOST_TEST(g[1][2] == 2000.0f);
  for (size_t i = 3; i < g[0].size(); ++i) BOOST_TEST(g[0][i] > g[0][i - 1]);
  s.samples[1].clear();
  s.samples[0] = {1.5f};
  const auto h = group_samples(s, p, 0);
  BOOST_TEST(h[0] == (std::vector<float>{-1.0f, 4000.0f, 1.5f}), boost::test_tools::per_element());
}
