// Every Highway target compiled into the library gives bit-identical results to the scalar reference kernels,
// for the whole quantize / dequantize driver and for each primitive.
#define BOOST_TEST_MODULE kernels_targets
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <hwy/highway.h>
#include <hwy/targets.h>

#include "arrowquant/fp16.hpp"
#include "kernels/f16_round.hpp"
#include "kernels/kernels.hpp"
#include "kernels/quantize_impl.hpp"
#include "test_data.hpp"

namespace {

struct Case {
  uint64_t rows, cols;
  int bits, gs;
  aq::Mode mode;
  aq::ParamFormat fmt;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (int bits : {2, 4, 8})
    for (int gs : {32, 64, 128, 256})
      for (aq::Mode m : {aq::Mode::rtn, aq::Mode::search})
        for (aq::ParamFormat f : {aq::ParamFormat::flat, aq::ParamFormat::hierarchical}) {
          if (f == aq::ParamFormat::hierarchical && bits == 8) continue;
          out.push_back({5, 300, bits, gs, m, f});   // 300: a short last group for every group size
          out.push_back({3, 1, bits, gs, m, f});     // one column
          out.push_back({4, 1024, bits, gs, m, f});  // whole groups only (the rtn fast path's rows)
          if (f == aq::ParamFormat::hierarchical) out.push_back({8, 1100, bits, gs, m, f});  // runs of super-blocks
        }
  return out;
}

void require_same(const aq::QuantizedTensor& a, const aq::QuantizedTensor& b, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(a.codes == b.codes);
    BOOST_TEST(std::memcmp(a.scales.data(), b.scales.data(), a.scales.size() * 4) == 0);
    BOOST_TEST(std::memcmp(a.offsets.data(), b.offsets.data(), a.offsets.size() * 4) == 0);
    BOOST_TEST(a.super_params == b.super_params);
    BOOST_TEST(a.sub_params == b.sub_params);
    BOOST_TEST(a.params_f32 == b.params_f32);
    BOOST_TEST(std::memcmp(&a.stats, &b.stats, sizeof(a.stats)) == 0);
  }
}

template <class F>
void for_each_target(F&& f) {
  std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  BOOST_TEST_REQUIRE(!targets.empty());
  for (int64_t t : targets) {
    hwy::SetSupportedTargetsForTest(t);
    BOOST_TEST_MESSAGE("checking target " << hwy::TargetName(t));
    BOOST_TEST_CONTEXT("target " << hwy::TargetName(t)) {
      BOOST_TEST(std::string(aq::kernels::simd_target()) == hwy::TargetName(t));
      f();
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(quantize_driver_matches_scalar_reference_on_every_target) {
  // Heavy tails, an outlier, zeros of both signs, denormals and a constant run in the data.
  std::vector<float> x = aqtest::gaussian(8 * 1100, 0.02, 42);
  x[7] = 0.9f;
  x[8] = -0.0f;
  x[9] = 0.0f;
  x[10] = 1e-40f;
  for (int i = 320; i < 420; ++i) x[i] = 0.125f;
  // From element 1100 on (rows 2-8 of the 1100-column cases), heavy tails of a ratio of uniforms: super-
  // blocks whose sub-group scales and offsets spread widely, where the refitted super-parameter is not always
  // the better one.
  uint64_t lcg = 3;
  auto uni = [&lcg] {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(lcg >> 11) / 9007199254740992.0;
  };
  for (std::size_t i = 1100; i < x.size(); ++i) {
    const double u = uni(), w = uni();
    x[i] = static_cast<float>(0.002 * (u - 0.5) / (w + 0.01));
  }
  // Zero and constant sub-groups among them: super-parameter fits that tie exactly.
  for (std::size_t i = 2200 + 256; i < 2200 + 320; ++i) x[i] = 0.0f;
  for (std::size_t i = 3300 + 512; i < 3300 + 560; ++i) x[i] = -0.25f;
  for (std::size_t i = 1; i < 40; ++i) x[4400 + 29 * i] = 0.0f;
  std::vector<uint16_t> h(x.size()), b(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    h[i] = aq::f32_to_f16(x[i]);
    b[i] = aq::f32_to_bf16(x[i]);
  }
  for_each_target([&] {
    for (const Case& c : cases()) {
      aq::QuantSpec spec{c.bits, c.gs, c.mode, c.fmt};
      const uint64_t n = c.rows * c.cols;
      for (aq::DType dt : {aq::DType::f32, aq::DType::f16, aq::DType::bf16}) {
        const void* src = dt == aq::DType::f32 ? static_cast<const void*>(x.data())
                          : dt == aq::DType::f16 ? static_cast<const void*>(h.data())
                                                 : static_cast<const void*>(b.data());
        auto ref = aq::detail::quantize_with(aq::kernels::reference(), src, dt, c.rows, c.cols, spec, 1);
        auto got = aq::detail::quantize_with(aq::kernels::simd(), src, dt, c.rows, c.cols, spec, 2);
        require_same(ref, got, "bits " + std::to_string(c.bits) + " gs " + std::to_string(c.gs) + " mode " +
                                   aq::mode_name(c.mode) + " fmt " + aq::format_name(c.fmt) + " dtype " +
                                   aq::dtype_name(dt) + " cols " + std::to_string(c.cols));
        std::vector<float> d1(n), d2(n);
        aq::detail::dequantize_with(aq::kernels::reference(), ref, aq::DType::f32, d1.data(), 1);
        aq::detail::dequantize_with(aq::kernels::simd(), got, aq::DType::f32, d2.data(), 2);
        BOOST_TEST(std::memcmp(d1.data(), d2.data(), n * 4) == 0);
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(primitives_match_scalar_reference_on_every_target) {
  std::vector<float> x = aqtest::gaussian(257, 1.0, 7);
  const auto& R = aq::kernels::reference();
  for_each_target([&] {
    const auto& S = aq::kernels::simd();
    for (std::size_t n : {1u, 3u, 15u, 16u, 17u, 33u, 64u, 100u, 257u}) {
      float mn1, mx1, mn2, mx2;
      BOOST_TEST(R.min_max(x.data(), n, &mn1, &mx1) == S.min_max(x.data(), n, &mn2, &mx2));
      BOOST_TEST(mn1 == mn2);
      BOOST_TEST(mx1 == mx2);
      aq::kernels::StatLanes l1{}, l2{};
      std::vector<uint8_t> c1(n), c2(n);
      float m1 = 0, m2 = 0;
      const float scale = (mx1 - mn1) / 15.0f;
      R.encode(x.data(), n, mn1, scale, 1.0f / scale, 15, 0.5f, c1.data(), &l1, &m1);
      S.encode(x.data(), n, mn1, scale, 1.0f / scale, 15, 0.5f, c2.data(), &l2, &m2);
      BOOST_TEST(c1 == c2);
      BOOST_TEST(std::memcmp(&l1, &l2, sizeof(l1)) == 0);
      BOOST_TEST(m1 == m2);
      aq::kernels::FitSums f1{}, f2{};
      R.fit_sums(x.data(), n, mn1, 3.0f / (mx1 - mn1), 3, &f1);
      S.fit_sums(x.data(), n, mn1, 3.0f / (mx1 - mn1), 3, &f2);
      BOOST_TEST(std::memcmp(&f1, &f2, sizeof(f1)) == 0);
    }
    // A NaN or an infinity anywhere (vector body or scalar tail) makes min_max fail on every target.
    for (float bad : {std::nanf(""), HUGE_VALF, -HUGE_VALF}) {
      for (std::size_t pos : {0u, 5u, 31u, 40u, 99u}) {
        std::vector<float> y(x.begin(), x.begin() + 100);
        y[pos] = bad;
        float a, b, c, e;
        BOOST_TEST(!R.min_max(y.data(), y.size(), &a, &b));
        BOOST_TEST(!S.min_max(y.data(), y.size(), &c, &e));
      }
    }
    // Halfway cases round to even in both: t = k + 0.5 exactly.
    std::vector<float> halves;
    for (int k = 0; k < 40; ++k) halves.push_back(0.5f * static_cast<float>(k));
    halves.push_back(0.49999997f);
    aq::kernels::StatLanes l1{}, l2{};
    std::vector<uint8_t> c1(halves.size()), c2(halves.size());
    float m1 = 0, m2 = 0;
    R.encode(halves.data(), halves.size(), 0.0f, 1.0f, 1.0f, 255, 1.0f, c1.data(), &l1, &m1);
    S.encode(halves.data(), halves.size(), 0.0f, 1.0f, 1.0f, 255, 1.0f, c2.data(), &l2, &m2);
    BOOST_TEST(c1 == c2);
    BOOST_TEST(c1[1] == 0);   // 0.5 -> 0
    BOOST_TEST(c1[3] == 2);   // 1.5 -> 2
    BOOST_TEST(c1[5] == 2);   // 2.5 -> 2
    BOOST_TEST(c1.back() == 0);  // 0.49999997 -> 0
  });
}

BOOST_AUTO_TEST_CASE(scaled_statistics_of_huge_groups_match_on_every_target) {
  std::vector<float> x = aqtest::gaussian(3 * 300, 0.02, 11);
  for (int i = 340; i < 400; ++i) x[i] = 1e25f * x[i];  // squares overflow binary32: the scaled-statistics path
  for_each_target([&] {
    for (aq::Mode m : {aq::Mode::rtn, aq::Mode::search}) {
      aq::QuantSpec spec{4, 64, m, aq::ParamFormat::automatic};
      auto ref = aq::detail::quantize_with(aq::kernels::reference(), x.data(), aq::DType::f32, 3, 300, spec, 1);
      auto got = aq::detail::quantize_with(aq::kernels::simd(), x.data(), aq::DType::f32, 3, 300, spec, 2);
      require_same(ref, got, std::string("huge group, mode ") + aq::mode_name(m));
      BOOST_TEST(std::isfinite(got.stats.energy));
      BOOST_TEST(std::isfinite(got.stats.sse));
    }
  });
}

BOOST_AUTO_TEST_CASE(binary32_rounding_to_fp16_values_matches_the_16_bit_conversions) {
  // Every binary16 value, its neighbours in binary32, and the binary32 values between: the fast rounding of the
  // rtn parameters must give exactly what rounding through the 16-bit encoding gives.
  uint64_t checked = 0, mismatches = 0;
  auto check = [&](float v) {
    if (!(std::fabs(v) <= 65504.0f)) return;
    ++checked;
    const float down = aq::f16_to_f32(aq::f32_to_f16_down(v));
    const float up = aq::f16_to_f32(aq::f32_to_f16_up(v));
    if (aq::f32_bits(aq::kernels::f16_round_down(v)) != aq::f32_bits(down)) ++mismatches;
    if (aq::f32_bits(aq::kernels::f16_round_up(v)) != aq::f32_bits(up)) ++mismatches;
    const uint16_t h = aq::f32_to_f16(v);
    if (aq::f32_bits(aq::kernels::f16_round_nearest(v)) != aq::f32_bits(aq::f16_to_f32(h))) ++mismatches;
    if (aq::kernels::f16_bits_of(aq::f16_to_f32(h)) != h) ++mismatches;
  };
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    if (!aq::f16_bits_finite(static_cast<uint16_t>(h))) continue;
    const float v = aq::f16_to_f32(static_cast<uint16_t>(h));
    check(v);
    check(std::nextafter(v, HUGE_VALF));
    check(std::nextafter(v, -HUGE_VALF));
    check(aq::f32_from_bits(aq::f32_bits(v) + 0x1000u));  // half way to the next binary16 value (normal range)
  }
  for (float v : {1e-40f, -1e-40f, 1e-45f, 3e-8f, 2.98023224e-08f, 65504.0f, 65503.99f}) check(v);
  BOOST_TEST(checked > 200000u);
  BOOST_TEST(mismatches == 0u);
  BOOST_TEST(aq::kernels::f16_round_up(65504.5f) == HUGE_VALF);
  BOOST_TEST(aq::kernels::f16_round_nearest(65519.99f) == 65504.0f);
  BOOST_TEST(aq::kernels::f16_round_nearest(-65520.0f) == -HUGE_VALF);
}
