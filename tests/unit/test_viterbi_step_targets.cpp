// The chain solver's dynamic-programme boundary kernel on every compiled target the CPU runs against its scalar
// reference (a strict `<` scan): the same values bit for bit and the same predecessors, with infeasible pairs
// (+inf jumps, 0 * inf = NaN at multiplier 0), infeasible predecessors, ties and signed zeros.
#define BOOST_TEST_MODULE viterbi_step_targets
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <hwy/highway.h>
#include <hwy/targets.h>

#include "kernels/viterbi_step.hpp"

namespace {

struct Case {
  std::vector<double> prev, coupling, unary;
  std::vector<float> jump;
  double multiplier = 0;
  size_t k = 0;
};

// Coarse values (multiples of 1/16): many exact ties between candidates.
Case make_case(size_t k, double multiplier, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double inf = std::numeric_limits<double>::infinity();
  Case c;
  c.multiplier = multiplier;
  c.k = k;
  for (size_t a = 0; a < k; ++a) c.prev.push_back(u(rng) < 0.1 ? inf : std::floor(u(rng) * 8.0) / 4.0);
  for (size_t b = 0; b < k; ++b) c.unary.push_back(u(rng));
  for (size_t i = 0; i < k * k; ++i) {
    c.jump.push_back(u(rng) < 0.3 ? std::numeric_limits<float>::infinity()
                                  : static_cast<float>(std::floor(u(rng) * 4.0) / 8.0));
    c.coupling.push_back(std::floor(u(rng) * 4.0) / 16.0);
  }
  return c;
}

struct Out {
  std::vector<double> cur;
  std::vector<uint32_t> back;
};

Out run(const Case& c, aq::kernels::ViterbiStepFn fn) {
  Out o{std::vector<double>(c.k, -1.0), std::vector<uint32_t>(c.k, 7)};
  std::vector<double> scratch(c.k);
  fn(c.prev.data(), c.jump.data(), c.coupling.data(), c.multiplier, c.unary.data(), c.k, o.cur.data(),
     o.back.data(), scratch.data());
  return o;
}

bool same(const Out& a, const Out& b) {
  return a.back == b.back && std::memcmp(a.cur.data(), b.cur.data(), a.cur.size() * sizeof(double)) == 0;
}

void check_on_every_target(const Case& c) {
  const Out ref = run(c, aq::kernels::viterbi_step_reference());
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(t);
    BOOST_TEST_CONTEXT("target " << hwy::TargetName(t) << ", k " << c.k << ", multiplier " << c.multiplier) {
      BOOST_TEST(same(run(c, aq::kernels::viterbi_step_simd()), ref));
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_target_matches_the_strict_scan_bit_for_bit) {
  uint32_t seed = 1;
  for (size_t k : {1u, 2u, 3u, 5u, 8u, 17u, 64u, 67u})
    for (double m : {0.0, 0.5, 3.0}) check_on_every_target(make_case(k, m, seed++));
}

BOOST_AUTO_TEST_CASE(the_first_of_equal_minima_wins_including_signed_zeros) {
  Case c = make_case(16, 0.0, 99);
  for (size_t i = 0; i < 16 * 16; ++i) {
    c.jump[i] = 0.0f;
    c.coupling[i] = 0.0;
  }
  for (size_t a = 0; a < 16; ++a) c.prev[a] = 1.0;
  c.prev[3] = 0.0;
  c.prev[9] = -0.0;
  c.prev[12] = 0.0;
  const Out ref = run(c, aq::kernels::viterbi_step_reference());
  for (uint32_t b : ref.back) BOOST_TEST(b == 3u);
  check_on_every_target(c);
}

BOOST_AUTO_TEST_CASE(a_row_without_a_finite_value_gives_infinity_and_predecessor_zero) {
  Case c = make_case(9, 0.0, 5);
  for (float& j : c.jump) j = std::numeric_limits<float>::infinity();  // 0 * inf: NaN everywhere
  const Out ref = run(c, aq::kernels::viterbi_step_reference());
  for (size_t b = 0; b < 9; ++b) {
    BOOST_TEST(std::isinf(ref.cur[b]));
    BOOST_TEST(ref.back[b] == 0u);
  }
  check_on_every_target(c);
}
