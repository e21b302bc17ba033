// Weights near the ends of the binary32 range are valid input (docs/quantized-layouts.md: the stored form stays
// exact for very large and very small weights). Their quantization succeeds, dequantizes to finite values, and its error
// statistics are finite and meaningful: no NaN SQNR, a cosine that reflects the reconstruction. (The statistics
// are accumulated per fixed block; squares of weights above ~1.8e19 do not fit binary32, so the accumulators must
// be wider than the weights, or scaled.)
#define BOOST_TEST_MODULE numeric_extremes
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

namespace {

struct Result {
  aq_status status;
  double sse = 0, energy = 0, cosine = 0, sqnr = 0, max_abs = 0;
  std::vector<float> y;
};

Result run(const std::vector<float>& x, uint64_t rows, uint64_t cols) {
  Result r;
  aq_quantized* q = nullptr;
  r.status = aq_quantize(x.data(), x.size() * 4, AQ_DTYPE_F32, rows, cols, 8, 64, AQ_MODE_RTN, &q);
  if (r.status != AQ_OK) return r;
  aq_quantized_error(q, &r.sse, &r.energy, &r.cosine, &r.sqnr, &r.max_abs);
  r.y.resize(x.size());
  aq_dequantize(q, AQ_DTYPE_F32, r.y.data(), r.y.size() * 4);
  aq_quantized_free(q);
  return r;
}

// A smooth signal scaled to `magnitude`.
std::vector<float> scaled(double magnitude) {
  auto x = aqtest::gaussian(4 * 256, 1.0, 9);
  for (auto& v : x) v = static_cast<float>(v * magnitude);
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(statistics_of_huge_weights_are_finite) {
  for (double m : {1e18, 1e20, 1e30, 1e37}) {
    BOOST_TEST_CONTEXT("magnitude " << m) {
      const Result r = run(scaled(m), 4, 256);
      BOOST_TEST_REQUIRE(r.status == AQ_OK, aq_last_error_message());
      for (float v : r.y) BOOST_TEST_REQUIRE(std::isfinite(v));
      BOOST_TEST(std::isfinite(r.sse));
      BOOST_TEST(std::isfinite(r.energy));
      BOOST_TEST(!std::isnan(r.sqnr));
      BOOST_TEST(r.sqnr > 30.0);  // 8 bits on a smooth signal: the same SQNR at every scale
      BOOST_TEST(r.cosine > 0.999);
      BOOST_TEST(r.cosine <= 1.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(statistics_of_tiny_weights_are_meaningful) {
  for (double m : {1e-20, 1e-30, 1e-38}) {
    BOOST_TEST_CONTEXT("magnitude " << m) {
      const Result r = run(scaled(m), 4, 256);
      BOOST_TEST_REQUIRE(r.status == AQ_OK, aq_last_error_message());
      BOOST_TEST(!std::isnan(r.sqnr));
      BOOST_TEST(r.cosine > 0.999);  // squares underflow binary32 below ~1e-19: the ratio must survive
    }
  }
}
