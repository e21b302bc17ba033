// The activation fake-quantization kernel of Phase 3's unary costs gives the scalar formula's values and the
// same squared-error lanes on every compiled Highway target.
#define BOOST_TEST_MODULE fake_quant_targets
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <hwy/highway.h>
#include <hwy/targets.h>

#include "arrowquant/thermo.hpp"
#include "kernels/fake_quant.hpp"
#include "kernels/kernels.hpp"
#include "test_data.hpp"

BOOST_AUTO_TEST_CASE(fake_quant_kernel_matches_the_scalar_formula_on_every_target) {
  std::vector<float> x = aqtest::gaussian(1000, 0.7, 3);
  // Exact halves of the code grid (round half away from zero), zeros of both signs, clamped values.
  const float scale = 0.25f, zp = 7.0f;
  x[0] = 0.125f;                 // code 7.5
  x[1] = -0.125f;                // code 6.5
  x[2] = -1.875f;                // code -0.5 -> clamped
  x[3] = -0.0f;
  x[4] = 0.0f;
  x[5] = 1e6f;
  x[6] = -1e6f;
  x[7] = 0.0625f;                // code 7.25
  x[8] = scale * 0.49999997f;    // just below a half
  for (float levels : {3.0f, 15.0f, 255.0f})
    for (size_t n : {size_t(0), size_t(1), size_t(15), size_t(16), size_t(17), size_t(100), x.size()}) {
      std::vector<float> ref(n), got(n), ref_bins(n), got_bins(n);
      aq::kernels::SseLanes lr, lg;
      aq::kernels::fake_quant_sse_reference()(x.data(), n, scale, zp, levels, ref.data(), &lr, ref_bins.data());
      for (size_t i = 0; i < n; ++i) {
        BOOST_TEST_REQUIRE(ref[i] == aq::fake_quantize(x[i], scale, zp, levels));
        BOOST_TEST_REQUIRE(ref_bins[i] == std::round(ref[i] * 100.0f));  // in range here: no clamp
      }
      std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
      BOOST_TEST_REQUIRE(!targets.empty());
      for (int64_t t : targets) {
        hwy::SetSupportedTargetsForTest(t);
        BOOST_TEST_CONTEXT("target " << hwy::TargetName(t) << " levels " << levels << " n " << n) {
          BOOST_TEST(std::string(aq::kernels::simd_target()) == hwy::TargetName(t));
          aq::kernels::fake_quant_sse_simd()(x.data(), n, scale, zp, levels, got.data(), &lg, got_bins.data());
          for (size_t i = 0; i < n; ++i) BOOST_TEST_REQUIRE(got[i] == ref[i]);
          for (size_t i = 0; i < n; ++i) BOOST_TEST_REQUIRE(got_bins[i] == ref_bins[i]);
          // Without bins the values and lanes are the same.
          aq::kernels::SseLanes l2;
          aq::kernels::fake_quant_sse_simd()(x.data(), n, scale, zp, levels, got.data(), &l2, nullptr);
          BOOST_TEST(std::memcmp(l2.v, lr.v, sizeof lr.v) == 0);
          BOOST_TEST(std::memcmp(lg.v, lr.v, sizeof lr.v) == 0);
          BOOST_TEST(aq::kernels::fold_lanes(lg) == aq::kernels::fold_lanes(lr));
        }
      }
      hwy::SetSupportedTargetsForTest(0);
    }
}

BOOST_AUTO_TEST_CASE(entropy_bins_are_clamped_like_the_reference_bins_on_every_target) {
  // Values whose bins leave int64's range: the reference saturates them, the kernel clamps to +-9.2e18.
  std::vector<float> x = {1e17f, -1e17f, 3e30f, -3e30f, 0.005f, -0.005f, 0.015f, 1e16f, 2.5e-3f, 0.0f};
  const float scale = 1.0f, zp = 0.0f, levels = 65535.0f;
  std::vector<float> ref(x.size()), rb(x.size()), got(x.size()), gb(x.size());
  aq::kernels::SseLanes l;
  aq::kernels::fake_quant_sse_reference()(x.data(), x.size(), 1e15f, zp, levels, ref.data(), &l, rb.data());
  for (float b : rb) BOOST_TEST(std::fabs(b) <= aq::kernels::kBinLimit);
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(t);
    BOOST_TEST_CONTEXT("target " << hwy::TargetName(t)) {
      aq::kernels::fake_quant_sse_simd()(x.data(), x.size(), 1e15f, zp, levels, got.data(), &l, gb.data());
      for (size_t i = 0; i < x.size(); ++i) BOOST_TEST(gb[i] == rb[i]);
    }
  }
  hwy::SetSupportedTargetsForTest(0);
  (void)scale;
}
