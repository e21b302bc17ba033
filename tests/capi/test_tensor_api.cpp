// The C ABI of tensor quantization: statuses and messages for bad input, views, statistics, version.
#define BOOST_TEST_MODULE tensor_api
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "test_data.hpp"

namespace {
bool message_has(const char* needle) { return std::string(aq_last_error_message()).find(needle) != std::string::npos; }
}

BOOST_AUTO_TEST_CASE(version_macros_match_runtime_version) {
  BOOST_TEST(aq_version_number() == unsigned(ARROWQUANT_VERSION_NUMBER));
  BOOST_TEST(std::string(aq_version_string()) == ARROWQUANT_VERSION_STRING);
  BOOST_TEST(std::string(aq_status_name(AQ_ERR_FORMAT)) == "AQ_ERR_FORMAT");
  BOOST_TEST(std::string(aq_status_name(static_cast<aq_status>(99))) == "AQ_ERR_UNKNOWN");
}

BOOST_AUTO_TEST_CASE(round_trip_through_the_c_abi) {
  auto x = aqtest::gaussian(4 * 128, 0.02, 1);
  aq_quantized* q = nullptr;
  BOOST_TEST_REQUIRE(aq_quantize(x.data(), x.size() * 4, AQ_DTYPE_F32, 4, 128, 4, 64, AQ_MODE_RTN, &q) == AQ_OK);
  BOOST_TEST(std::string(aq_last_error_message()).empty());
  const uint8_t* codes = nullptr;
  uint64_t nbytes = 0;
  BOOST_TEST(aq_quantized_codes(q, &codes, &nbytes) == AQ_OK);
  BOOST_TEST(nbytes == 4u * 64u);
  BOOST_TEST(aq_quantized_bits_per_weight(q) == 4.5);
  std::vector<float> y(x.size());
  BOOST_TEST(aq_dequantize(q, AQ_DTYPE_F32, y.data(), y.size() * 4) == AQ_OK);
  double cosine = 0, sqnr = 0;
  BOOST_TEST(aq_quantized_error(q, nullptr, nullptr, &cosine, &sqnr, nullptr) == AQ_OK);
  BOOST_TEST(cosine > 0.99);
  BOOST_TEST(sqnr > 15.0);
  aq_quantized_free(q);
  aq_quantized_free(nullptr);  // no-op
}

BOOST_AUTO_TEST_CASE(bad_arguments_give_status_and_message_naming_the_problem) {
  std::vector<float> x(64, 1.0f);
  aq_quantized* q = reinterpret_cast<aq_quantized*>(0x1);
  BOOST_TEST(aq_quantize(nullptr, 256, AQ_DTYPE_F32, 1, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(q == nullptr);
  BOOST_TEST(message_has("src is NULL"));
  BOOST_TEST(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 1, 64, 4, 32, AQ_MODE_RTN, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("out is NULL"));
  BOOST_TEST(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 1, 64, 3, 32, AQ_MODE_RTN, &q) == AQ_ERR_UNSUPPORTED);
  BOOST_TEST(message_has("bits must be 2, 4 or 8, got 3"));
  BOOST_TEST(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 1, 64, 4, 48, AQ_MODE_RTN, &q) == AQ_ERR_UNSUPPORTED);
  BOOST_TEST(message_has("group_size"));
  BOOST_TEST(aq_quantize(x.data(), 0, AQ_DTYPE_F32, 0, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("rows=0"));
  BOOST_TEST(aq_quantize(x.data(), 255, AQ_DTYPE_F32, 1, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("src_bytes is 255"));
  BOOST_TEST(aq_quantize(x.data(), 256, static_cast<aq_dtype>(7), 1, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("dtype"));
  BOOST_TEST(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 1, 64, 4, 32, static_cast<aq_mode>(5), &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantize_format(x.data(), 256, AQ_DTYPE_F32, 1, 64, 8, 32, AQ_MODE_SEARCH, AQ_FORMAT_HIERARCHICAL, &q) ==
             AQ_ERR_UNSUPPORTED);
  x[3] = INFINITY;
  BOOST_TEST(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 1, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("infinite weight at index 3"));
  BOOST_TEST(aq_set_num_threads(-1) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("num_threads"));
}

BOOST_AUTO_TEST_CASE(undersized_destination_and_null_handles_are_rejected) {
  std::vector<float> x(64, 0.25f);
  aq_quantized* q = nullptr;
  BOOST_TEST_REQUIRE(aq_quantize(x.data(), 256, AQ_DTYPE_F32, 2, 32, 8, 32, AQ_MODE_RTN, &q) == AQ_OK);
  std::vector<float> y(63);
  BOOST_TEST(aq_dequantize(q, AQ_DTYPE_F32, y.data(), 63 * 4) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("dst_bytes is 252"));
  BOOST_TEST(aq_dequantize(nullptr, AQ_DTYPE_F32, y.data(), 256) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("q is NULL"));
  BOOST_TEST(aq_dequantize(q, AQ_DTYPE_F32, nullptr, 256) == AQ_ERR_INVALID_ARGUMENT);
  const uint8_t* d;
  BOOST_TEST(aq_quantized_codes(q, &d, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_quantized_bits_per_weight(nullptr) == 0.0);
  aq_quantized_free(q);
}

BOOST_AUTO_TEST_CASE(thread_count_setting_is_process_wide) {
  BOOST_TEST(aq_set_num_threads(2) == AQ_OK);
  BOOST_TEST(aq_get_num_threads() == 2);
  BOOST_TEST(aq_set_num_threads(0) == AQ_OK);
  BOOST_TEST(std::string(aq_simd_target()).size() > 0u);
}
