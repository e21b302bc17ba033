// The activation kernels (aq_quantize_activations / aq_fake_quantize_activations) on every compiled Highway
// target against the scalar formula, bit for bit, and their bad-input errors through the C ABI.
#define BOOST_TEST_MODULE activation_kernels
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <hwy/highway.h>
#include <hwy/targets.h>
#include <limits>
#include <string>
#include <vector>

#define ARROWQUANT_REFERENCE_METRICS  // declares the conformance oracles (aq_affine_u8, aq_total_loss, ...)
#include "arrowquant.h"
#include "kernels/activation_kernels.hpp"
#include "kernels/kernels.hpp"
#include "test_data.hpp"

namespace {

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

// Values that probe the rounding and clamping: exact ties of x/scale + zero_point at every half integer, the
// float just below 0.5, zeros of both signs, denormals, values far outside the code range and a quotient that
// overflows to infinity; then Gaussian values.
std::vector<float> probe_values(float scale, float zero_point) {
  std::vector<float> v;
  for (int k = -4; k <= 70000; k += (k < 300 ? 1 : 997)) v.push_back((static_cast<float>(k) + 0.5f - zero_point) * scale);
  v.push_back(0.0f);
  v.push_back(-0.0f);
  v.push_back(0.49999997f * scale);
  v.push_back(-0.49999997f * scale);
  v.push_back(1e-40f);
  v.push_back(-1e-40f);
  v.push_back(3e38f);
  v.push_back(-3e38f);
  for (float g : aqtest::gaussian(301, 40.0 * scale, 5)) v.push_back(g);
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(quantize_and_fake_quantize_match_scalar_formula_bit_for_bit_on_every_target) {
  const auto& R = aq::kernels::activation_reference();
  struct P {
    float scale, zero_point;
  };
  const P params[] = {{0.01f, 128.0f}, {0.037f, 3.3f}, {1e-6f, 0.0f}, {2.5f, -7.25f}, {1e-30f, 12.5f}};
  for_each_target([&] {
    const auto& S = aq::kernels::activation_simd();
    for (const P& p : params) {
      const std::vector<float> x = probe_values(p.scale, p.zero_point);
      for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{33}, x.size()}) {
        for (int bits = 2; bits <= 16; ++bits) {
          const float levels = static_cast<float>((1u << bits) - 1u);
          BOOST_TEST_CONTEXT("scale " << p.scale << " zero_point " << p.zero_point << " n " << n << " bits " << bits) {
            if (bits <= 8) {
              std::vector<uint8_t> c1(n), c2(n);
              BOOST_TEST(R.quantize(x.data(), n, p.scale, p.zero_point, levels, c1.data()));
              BOOST_TEST(S.quantize(x.data(), n, p.scale, p.zero_point, levels, c2.data()));
              BOOST_TEST(c1 == c2);
            }
            std::vector<float> d1(n), d2(n);
            BOOST_TEST(R.fake_quantize(x.data(), n, p.scale, p.zero_point, levels, d1.data()));
            BOOST_TEST(S.fake_quantize(x.data(), n, p.scale, p.zero_point, levels, d2.data()));
            BOOST_TEST(same_bits(d1, d2));
          }
        }
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(eight_bit_codes_and_values_equal_aq_affine_u8_on_every_target) {
  const float scale = 0.013f, zero_point = 117.4f;
  const std::vector<float> x = probe_values(scale, zero_point);
  std::vector<uint8_t> ref_codes(x.size());
  std::vector<float> ref_dst(x.size());
  BOOST_REQUIRE(aq_affine_u8(x.data(), x.size(), scale, zero_point, ref_codes.data(), ref_codes.size(), ref_dst.data(),
                             ref_dst.size()) == AQ_OK);
  for_each_target([&] {
    std::vector<uint8_t> codes(x.size());
    std::vector<float> dst(x.size());
    BOOST_TEST(aq_quantize_activations(x.data(), x.size(), scale, zero_point, 8, codes.data(), codes.size()) == AQ_OK);
    BOOST_TEST(aq_fake_quantize_activations(x.data(), x.size(), scale, zero_point, 8, dst.data(), dst.size()) == AQ_OK);
    BOOST_TEST(codes == ref_codes);
    BOOST_TEST(same_bits(dst, ref_dst));
    // In place gives the same values.
    std::vector<float> inplace = x;
    BOOST_TEST(aq_fake_quantize_activations(inplace.data(), inplace.size(), scale, zero_point, 8, inplace.data(),
                                            inplace.size()) == AQ_OK);
    BOOST_TEST(same_bits(inplace, ref_dst));
  });
}

BOOST_AUTO_TEST_CASE(nan_or_infinite_input_is_invalid_argument_naming_the_index_on_every_target) {
  for_each_target([&] {
    for (std::size_t bad_at : {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{99}}) {
      for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                        -std::numeric_limits<float>::infinity()}) {
        std::vector<float> x = aqtest::gaussian(100, 1.0, 3);
        x[bad_at] = bad;
        std::vector<uint8_t> codes(x.size());
        std::vector<float> dst(x.size());
        BOOST_TEST(aq_quantize_activations(x.data(), x.size(), 0.1f, 128.0f, 8, codes.data(), codes.size()) ==
                   AQ_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(aq_last_error_message()).find("src[" + std::to_string(bad_at) + "]") !=
                   std::string::npos);
        BOOST_TEST(aq_fake_quantize_activations(x.data(), x.size(), 0.1f, 128.0f, 4, dst.data(), dst.size()) ==
                   AQ_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(aq_last_error_message()).find("src[" + std::to_string(bad_at) + "]") !=
                   std::string::npos);
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_clear_errors) {
  std::vector<float> x(10, 0.5f);
  std::vector<uint8_t> codes(10);
  std::vector<float> dst(10);
  // Codes are bytes: more than 8 bits is unsupported for codes but fine for fake quantization.
  BOOST_TEST(aq_quantize_activations(x.data(), 10, 0.1f, 0.0f, 9, codes.data(), 10) == AQ_ERR_UNSUPPORTED);
  BOOST_TEST(aq_quantize_activations(x.data(), 10, 0.1f, 0.0f, 16, codes.data(), 10) == AQ_ERR_UNSUPPORTED);
  BOOST_TEST(aq_fake_quantize_activations(x.data(), 10, 0.1f, 0.0f, 16, dst.data(), 10) == AQ_OK);
  for (int bits : {-1, 0, 1, 17, 32}) {
    BOOST_TEST(aq_quantize_activations(x.data(), 10, 0.1f, 0.0f, bits, codes.data(), 10) == AQ_ERR_INVALID_ARGUMENT);
    BOOST_TEST(aq_fake_quantize_activations(x.data(), 10, 0.1f, 0.0f, bits, dst.data(), 10) == AQ_ERR_INVALID_ARGUMENT);
  }
  for (float scale : {0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    BOOST_TEST(aq_quantize_activations(x.data(), 10, scale, 0.0f, 8, codes.data(), 10) == AQ_ERR_INVALID_ARGUMENT);
    BOOST_TEST(std::string(aq_last_error_message()).find("scale") != std::string::npos);
  }
  BOOST_TEST(aq_fake_quantize_activations(x.data(), 10, 0.1f, std::numeric_limits<float>::quiet_NaN(), 8, dst.data(),
                                          10) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantize_activations(x.data(), 10, 0.1f, 0.0f, 8, codes.data(), 9) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("codes_count") != std::string::npos);
  BOOST_TEST(aq_fake_quantize_activations(x.data(), 10, 0.1f, 0.0f, 8, dst.data(), 3) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantize_activations(nullptr, 10, 0.1f, 0.0f, 8, codes.data(), 10) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantize_activations(x.data(), 10, 0.1f, 0.0f, 8, nullptr, 10) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantize_activations(nullptr, 0, 0.1f, 0.0f, 8, nullptr, 0) == AQ_OK);
}

BOOST_AUTO_TEST_CASE(integer_zero_point_rounds_half_to_even_and_clamps_to_the_code_range) {
  int32_t z = -1;
  const std::pair<float, int32_t> cases8[] = {{2.5f, 2}, {3.5f, 4}, {127.49f, 127}, {-0.7f, 0}, {-3.0f, 0},
                                              {255.4f, 255}, {300.0f, 255}, {0.5f, 0}, {1.5f, 2}};
  for (auto [zp, want] : cases8) {
    BOOST_TEST(aq_integer_zero_point(zp, 8, &z) == AQ_OK);
    BOOST_TEST(z == want, "zero_point " << zp);
  }
  BOOST_TEST(aq_integer_zero_point(9.0f, 2, &z) == AQ_OK);
  BOOST_TEST(z == 3);
  BOOST_TEST(aq_integer_zero_point(40000.5f, 16, &z) == AQ_OK);
  BOOST_TEST(z == 40000);
  BOOST_TEST(aq_integer_zero_point(std::numeric_limits<float>::quiet_NaN(), 8, &z) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_integer_zero_point(1.0f, 1, &z) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_integer_zero_point(1.0f, 8, nullptr) == AQ_ERR_INVALID_ARGUMENT);
}
