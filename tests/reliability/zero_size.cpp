// Zero-size tensors are valid input: a model holding tensors with a zero dimension, of every rank and
// floating dtype (and an integer one), opens, reads, quantizes (the empty tensors are kept as they are), exports
// and compares; a model made only of empty tensors quantizes too.
#define BOOST_TEST_MODULE zero_size
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/safetensors.hpp"
#include "reliability_util.hpp"

namespace st = aq::st;
using reltest::TempDir;

namespace {

struct Empty {
  const char* name;
  st::DType dtype;
  std::vector<uint64_t> shape;
};
const std::vector<Empty> kEmpty = {
    {"blocks.0.attn.qkv.weight", st::DType::F32, {0, 64}},
    {"blocks.0.mlp.fc1.weight", st::DType::F16, {64, 0}},
    {"blocks.0.mlp.fc2.weight", st::DType::BF16, {0, 0, 8}},
    {"scalar_list", st::DType::F32, {0}},
    {"position_ids", st::DType::I64, {1, 0}},
};

void write_model(const std::string& path, bool with_weight) {
  st::Writer w(path);
  for (const auto& e : kEmpty) w.declare(e.name, e.dtype, e.shape);
  if (with_weight) w.declare("blocks.1.linear.weight", st::DType::F32, {8, 128});
  w.begin();
  if (with_weight) {
    const auto v = aqtest::gaussian(8 * 128, 0.02, 5);
    w.write("blocks.1.linear.weight", v.data(), v.size() * 4);
  }
  w.commit();
}

const char* kDummy = "x";  // a valid pointer for zero-byte buffers

}  // namespace

BOOST_AUTO_TEST_CASE(empty_tensors_open_and_read) {
  TempDir d("zero");
  const std::string in = d / "in.safetensors";
  write_model(in, true);
  aq_model* m = nullptr;
  BOOST_TEST_REQUIRE(aq_model_open(in.c_str(), &m) == AQ_OK, aq_last_error_message());
  BOOST_TEST(aq_model_tensor_count(m) == kEmpty.size() + 1);
  for (const auto& e : kEmpty) {
    uint64_t n = 99;
    BOOST_TEST(aq_model_tensor_elements(m, e.name, &n) == AQ_OK);
    BOOST_TEST(n == 0u);
    const char* info = nullptr;
    uint64_t bytes = 0;
    BOOST_TEST(aq_model_tensor_info(m, e.name, &info, &bytes) == AQ_OK);
    if (e.dtype != st::DType::I64)
      BOOST_TEST(aq_model_read_tensor(m, e.name, AQ_DTYPE_F32, const_cast<char*>(kDummy), 0) == AQ_OK,
                 e.name << ": " << aq_last_error_message());
  }
  const char* info = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST(aq_model_info(m, &info, &bytes) == AQ_OK);
  aq_model_free(m);
}

BOOST_AUTO_TEST_CASE(quantize_keeps_empty_tensors_and_the_output_reads_back) {
  aq_set_num_threads(2);
  TempDir d("zero_q");
  const std::string in = d / "in.safetensors", out = d / "out.safetensors";
  write_model(in, true);
  aq_report* rep = nullptr;
  BOOST_TEST_REQUIRE(aq_quantize_model(in.c_str(), out.c_str(), nullptr, nullptr, nullptr, &rep) == AQ_OK,
                     aq_last_error_message());
  const char* json = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST_REQUIRE(aq_report_text(rep, &json, &bytes) == AQ_OK);
  const boost::json::value r = boost::json::parse(std::string(json, bytes));
  BOOST_TEST(r.at("totals").at("quantized_tensors").to_number<uint64_t>() == 1u);
  aq_report_free(rep);

  // The empty tensors are in the output with their dtype and shape.
  const st::Reader rd = st::Reader::open(out);
  for (const auto& e : kEmpty) {
    const st::TensorInfo* t = rd.find(e.name);
    BOOST_TEST_REQUIRE(t != nullptr, e.name);
    BOOST_TEST(int(t->dtype) == int(e.dtype));
    BOOST_TEST(t->shape == e.shape);
    BOOST_TEST(t->nbytes == 0u);
  }
  aq_model* m = nullptr;
  BOOST_TEST_REQUIRE(aq_model_open(out.c_str(), &m) == AQ_OK);
  std::vector<float> w(8 * 128);
  BOOST_TEST(aq_model_read_tensor(m, "blocks.1.linear.weight", AQ_DTYPE_F32, w.data(), w.size() * 4) == AQ_OK);
  aq_model_free(m);

  const std::string f32 = d / "f32.safetensors";
  BOOST_TEST(aq_export_dequantized(out.c_str(), f32.c_str(), AQ_DTYPE_F32) == AQ_OK, aq_last_error_message());
  BOOST_TEST(st::Reader::open(f32).find("blocks.0.mlp.fc1.weight")->shape == (std::vector<uint64_t>{64, 0}));
  aq_report* cmp = nullptr;
  BOOST_TEST(aq_compare_models(in.c_str(), out.c_str(), &cmp) == AQ_OK, aq_last_error_message());
  aq_report_free(cmp);
}

BOOST_AUTO_TEST_CASE(model_of_only_empty_tensors_quantizes) {
  TempDir d("zero_only");
  const std::string in = d / "in.safetensors", out = d / "out.safetensors";
  write_model(in, false);
  BOOST_TEST_REQUIRE(aq_quantize_model(in.c_str(), out.c_str(), nullptr, nullptr, nullptr, nullptr) == AQ_OK,
                     aq_last_error_message());
  aq_model* m = nullptr;
  BOOST_TEST_REQUIRE(aq_model_open(out.c_str(), &m) == AQ_OK);
  BOOST_TEST(aq_model_tensor_count(m) == kEmpty.size());
  aq_model_free(m);
}

BOOST_AUTO_TEST_CASE(tensor_entry_point_refuses_zero_rows_with_a_message) {
  aq_quantized* q = nullptr;
  BOOST_TEST(aq_quantize(kDummy, 0, AQ_DTYPE_F32, 0, 64, 4, 32, AQ_MODE_RTN, &q) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(q == nullptr);
  BOOST_TEST(std::string(aq_last_error_message()).find("rows") != std::string::npos, aq_last_error_message());
}
