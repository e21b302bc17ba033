// Enum arguments outside their enumeration, passed from C (tests/common/int_enum_shim.c), are refused with
// AQ_ERR_INVALID_ARGUMENT (or the documented "unknown"/0 answers) — and without undefined behaviour: in C++,
// reading an unscoped enum without a fixed underlying type that holds a value outside its range is undefined
// (UBSan's -fsanitize=enum reports it; with -fstrict-enums a compiler may delete the range check itself). The
// ASan + UBSan job of .ci/stage-2-sanitizers.sh is where this test means most: there, a check such as
// `mode != AQ_MODE_RTN && mode != AQ_MODE_SEARCH` on the enum-typed argument is itself reported.
#define BOOST_TEST_MODULE enum_arguments
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "arrowquant.h"
#include "int_enum_shim.h"
#include "reliability_util.hpp"


namespace {
const std::vector<float> kX = aqtest::gaussian(4 * 64, 0.02, 3);
bool message_has(const char* needle) { return std::string(aq_last_error_message()).find(needle) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(quantize_refuses_an_unknown_mode) {
  aq_quantized* q = nullptr;
  BOOST_TEST(aq_int_quantize_format(kX.data(), kX.size() * 4, AQ_DTYPE_F32, 4, 64, 4, 32, 2, AQ_FORMAT_AUTO, &q) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(q == nullptr);
  BOOST_TEST(message_has("mode"), aq_last_error_message());
}

BOOST_AUTO_TEST_CASE(quantize_refuses_an_unknown_dtype_and_format) {
  aq_quantized* q = nullptr;
  BOOST_TEST(aq_int_quantize_format(kX.data(), kX.size() * 4, 7, 4, 64, 4, 32, AQ_MODE_RTN, AQ_FORMAT_AUTO, &q) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("dtype"), aq_last_error_message());
  BOOST_TEST(aq_int_quantize_format(kX.data(), kX.size() * 4, AQ_DTYPE_F32, 4, 64, 4, 32, AQ_MODE_RTN, 9, &q) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("format"), aq_last_error_message());
  BOOST_TEST(q == nullptr);
  BOOST_TEST(aq_int_dtype_size(9) == 0u);
}

BOOST_AUTO_TEST_CASE(dequantize_and_model_reads_refuse_an_unknown_dtype) {
  aq_quantized* q = nullptr;
  BOOST_TEST_REQUIRE(aq_quantize(kX.data(), kX.size() * 4, AQ_DTYPE_F32, 4, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_OK);
  std::vector<float> y(kX.size());
  BOOST_TEST(aq_int_dequantize(q, 5, y.data(), y.size() * 4) == AQ_ERR_INVALID_ARGUMENT);
  aq_quantized_free(q);

  const std::string model = std::string(AQ_SOURCE_DIR) + "/tests/data/malformed/quantized_valid.safetensors";
  aq_model* m = nullptr;
  BOOST_TEST_REQUIRE(aq_model_open(model.c_str(), &m) == AQ_OK);
  BOOST_TEST(aq_int_model_read_tensor(m, "w", 5, y.data(), y.size() * 4) == AQ_ERR_INVALID_ARGUMENT);
  aq_model_free(m);
  reltest::TempDir d("enum");
  BOOST_TEST(aq_int_export_dequantized(model.c_str(), (d / "x.safetensors").c_str(), 6) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(reltest::TempDir::list(d.path).empty());
}

BOOST_AUTO_TEST_CASE(names_of_unknown_enum_values_are_unknown) {
  BOOST_TEST(std::string(aq_int_interpolation_name(99)) == "unknown");
  BOOST_TEST(std::string(aq_int_beta_schedule_name(-3)) == "unknown");
  BOOST_TEST(std::string(aq_int_severity_name(7)) == "unknown");
}
