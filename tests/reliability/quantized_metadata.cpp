// The description of a quantized tensor in a model's __metadata__ is input like any other: every field is
// checked before use. Here: an original shape whose element count overflows 64 bits (and so can wrap around to
// rows x cols) is refused with AQ_ERR_FORMAT naming the tensor, when the tensor is read and when the model is
// exported; it is never taken as a shape of 2^62 x 4 for a 128-element tensor.
#define BOOST_TEST_MODULE quantized_metadata
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::TempDir;

namespace {

// A valid INT4 flat quantized tensor "w" of 2 x 64 (layout of docs/format.md) with the given shape field.
std::vector<uint8_t> quantized_file(const std::string& shape_json) {
  const std::string meta = "{\\\"bits\\\":4,\\\"format\\\":\\\"flat\\\",\\\"group_size\\\":32,\\\"shape\\\":" +
                           shape_json + ",\\\"rows\\\":2,\\\"cols\\\":64,\\\"dtype\\\":\\\"F32\\\",\\\"mode\\\":" +
                           "\\\"rtn\\\",\\\"params_dtype\\\":\\\"F16\\\"}";
  std::string h = "{\"__metadata__\":{\"arrowquant.format\":\"1\",\"arrowquant.tensor.w\":\"" + meta + "\"}," +
                  "\"w.offsets\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]}," +
                  "\"w.qweight\":{\"dtype\":\"U8\",\"shape\":[2,32],\"data_offsets\":[8,72]}," +
                  "\"w.scales\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[72,80]}}";
  while ((8 + h.size()) % 8) h += ' ';
  std::vector<uint8_t> f(8);
  for (int i = 0; i < 8; ++i) f[std::size_t(i)] = uint8_t(uint64_t(h.size()) >> (8 * i));
  f.insert(f.end(), h.begin(), h.end());
  for (int i = 0; i < 8; ++i) f.push_back(0);                // offsets: 0.0
  for (int i = 0; i < 64; ++i) f.push_back(uint8_t(i * 37));  // codes
  for (int i = 0; i < 4; ++i) {                              // scales: fp16 0.001 = 0x1419
    f.push_back(0x19);
    f.push_back(0x14);
  }
  return f;
}

std::string write(const TempDir& d, const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string p = d / name;
  std::FILE* f = std::fopen(p.c_str(), "wb");
  BOOST_REQUIRE(f);
  BOOST_REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
  return p;
}

aq_status read_w(const std::string& path) {
  aq_model* m = nullptr;
  BOOST_REQUIRE(aq_model_open(path.c_str(), &m) == AQ_OK);
  uint64_t e = 0;
  aq_status s = aq_model_tensor_elements(m, "w", &e);
  if (s == AQ_OK) {
    std::vector<float> y(e ? e : 1);
    s = aq_model_read_tensor(m, "w", AQ_DTYPE_F32, y.data(), e * 4);
  }
  aq_model_free(m);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_description_reads) {
  TempDir d("qmeta");
  BOOST_TEST(read_w(write(d, "ok.safetensors", quantized_file("[2,64]"))) == AQ_OK, aq_last_error_message());
}

BOOST_AUTO_TEST_CASE(shape_whose_element_count_overflows_is_refused) {
  TempDir d("qmeta_wrap");
  // (2^62 + 32) * 4 = 2^64 + 128: wraps around to rows * cols = 128 in 64-bit arithmetic.
  const std::string p = write(d, "wrap.safetensors", quantized_file("[4611686018427387936,4]"));
  const aq_status r = read_w(p);
  const std::string rmsg = aq_last_error_message();
  BOOST_TEST(r == AQ_ERR_FORMAT, aq_status_name(r) << ": " << rmsg);
  BOOST_TEST(rmsg.find("shape") != std::string::npos, rmsg);
  const std::string out = d / "f32.safetensors";
  const aq_status s = aq_export_dequantized(p.c_str(), out.c_str(), AQ_DTYPE_F32);
  const std::string msg = aq_last_error_message();
  BOOST_TEST(s == AQ_ERR_FORMAT, aq_status_name(s) << ": " << msg);
  BOOST_TEST(!reltest::exists(out));
}
