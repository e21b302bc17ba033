// Phase 2: the sum-of-ramps definition, its convexity, and the metric effects docs/time-aware.md describes.
#define BOOST_TEST_MODULE boundary_smoothing
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "arrowquant/thermo.hpp"

using namespace aq;

namespace {
double shape(double a, Interpolation m) {
  if (m == Interpolation::linear) return a;
  if (m == Interpolation::cubic) return -2 * a * a * a + 3 * a * a;
  return 1.0 / (1.0 + std::exp(-10.0 * (a - 0.5)));
}
// The definition written literally: P_0 + sum over every boundary of its ramp, O(n^2).
std::vector<double> literal(const std::vector<double>& p, int w, Interpolation m) {
  const int n = static_cast<int>(p.size());
  std::vector<double> q(n, p[0]);
  for (int idx = 0; idx < n; ++idx)
    for (int b = 0; b + 1 < n; ++b) {
      const int lw = std::min(w, b + 1), rw = std::min(w, n - b - 1), width = lw + rw;
      double r;
      if (idx < b - lw + 1) r = 0;
      else if (idx > b + rw) r = 1;
      else r = shape(static_cast<double>(idx - b + lw) / (width + 1), m);
      q[idx] += (p[b + 1] - p[b]) * r;
    }
  return q;
}
const Interpolation kMethods[] = {Interpolation::linear, Interpolation::cubic, Interpolation::sigmoid};
}  // namespace

BOOST_AUTO_TEST_CASE(every_output_is_a_convex_combination_of_the_inputs) {
  std::mt19937_64 rng(1234);  // test data only; the library never uses <random>
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 40);
    std::vector<double> p(n);
    for (auto& v : p) v = std::exp(u(rng));
    const double lo = *std::min_element(p.begin(), p.end()), hi = *std::max_element(p.begin(), p.end());
    for (auto m : kMethods)
      for (int w = 1; w <= 20; w += (w < 4 ? 1 : 5)) {
        const auto q = smooth_sequence(p, w, m);
        BOOST_TEST_REQUIRE(q.size() == p.size());
        for (double v : q) {
          BOOST_TEST(v >= lo);
          BOOST_TEST(v <= hi);
        }
      }
  }
}

BOOST_AUTO_TEST_CASE(the_fast_form_equals_the_literal_sum_of_ramps) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(-5.0, 5.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 30);
    std::vector<double> p(n);
    for (auto& v : p) v = u(rng);
    const int w = 1 + static_cast<int>(rng() % 20);
    for (auto m : kMethods) {
      const auto a = smooth_sequence(p, w, m), b = literal(p, w, m);
      for (int i = 0; i < n; ++i) BOOST_TEST(a[i] == b[i], boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(two_groups_match_the_reference_smoother) {
  for (auto m : kMethods) {
    const auto q = smooth_sequence({1.0, 4.0}, 7, m);
    BOOST_TEST(q[0] == 1.0 + 3.0 * shape(1.0 / 3.0, m), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(q[1] == 1.0 + 3.0 * shape(2.0 / 3.0, m), boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(isolated_jump_is_smoothed_without_reading_rewritten_values) {
  // conformance README §5.4 example: linear, w = 1, [1, 2, 2, 2] -> [1.3333, 1.6667, 2, 2] (reference: ... 1.963).
  const auto q = smooth_sequence({1, 2, 2, 2}, 1, Interpolation::linear);
  BOOST_TEST(q[0] == 4.0 / 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(q[1] == 5.0 / 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(q[2] == 2.0);
  BOOST_TEST(q[3] == 2.0);
}

BOOST_AUTO_TEST_CASE(constant_sequences_and_single_groups_are_unchanged) {
  for (auto m : kMethods) {
    const auto q = smooth_sequence(std::vector<double>(9, 0.25), 20, m);
    for (double v : q) BOOST_TEST(v == 0.25);
    BOOST_TEST(smooth_sequence({3.0}, 5, m) == std::vector<double>{3.0}, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(spreading_a_downward_step_lowers_the_score_and_adds_a_violation) {
  // docs/time-aware.md: scales [4, 4, 4, 1, 1, 1], linear, window 1. The single 75 % drop becomes two drops of
  // 25 % and 50 % of the (smaller) left scale: the largest jump falls, yet the sum of relative jumps and the
  // number of violations above 0.3 grow.
  std::vector<TimeGroupParam> p;
  for (float s : {4.0f, 4.0f, 4.0f, 1.0f, 1.0f, 1.0f}) p.push_back(TimeGroupParam{0, 1, s, 0.0f, 64});
  const auto before = markov_validate(p, 0.3f);
  const auto q = smooth_boundaries(p, 1, Interpolation::linear);
  const auto after = markov_validate(q, 0.3f);
  BOOST_TEST(before.violations.size() == 1u);
  BOOST_TEST(after.violations.size() == 2u);
  BOOST_TEST(after.smoothness_score < before.smoothness_score);
  BOOST_TEST(after.max_scale_jump() < before.max_scale_jump());
}

BOOST_AUTO_TEST_CASE(sigmoid_ramps_can_make_the_largest_jump_worse) {
  // docs/time-aware.md: geometric scales 0.5 .. 8 with a sigmoid window of 3 concentrate the change mid-ramp.
  std::vector<TimeGroupParam> p;
  for (float s : {0.5f, 1.0f, 2.0f, 4.0f, 8.0f}) p.push_back(TimeGroupParam{0, 1, s, 0.0f, 64});
  const auto before = markov_validate(p, 0.3f);
  const auto after = markov_validate(smooth_boundaries(p, 3, Interpolation::sigmoid), 0.3f);
  BOOST_TEST(after.max_scale_jump() > before.max_scale_jump());
}

BOOST_AUTO_TEST_CASE(smoothing_params_keeps_time_ranges_and_positive_scales) {
  std::vector<TimeGroupParam> p{{0, 10, 0.01f, 100.0f, 256}, {10, 20, 0.5f, 3.0f, 64}, {20, 30, 0.02f, 250.0f, 64}};
  const auto q = smooth_boundaries(p, 2, Interpolation::cubic);
  for (size_t i = 0; i < p.size(); ++i) {
    BOOST_TEST(q[i].start == p[i].start);
    BOOST_TEST(q[i].end == p[i].end);
    BOOST_TEST(q[i].group_size == p[i].group_size);
    BOOST_TEST(q[i].scale >= 0.01f);
    BOOST_TEST(q[i].scale <= 0.5f);
  }
}
