// The documented caps (docs/reliability.md "Limits", docs/format.md "Limits"): each is enforced with a clear
// error that names the cap, the value at the cap is accepted, and the writer refuses to produce what the reader
// would refuse.
#define BOOST_TEST_MODULE limits
#include <fcntl.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/config.hpp"
#include "arrowquant/safetensors.hpp"
#include "reliability_util.hpp"

namespace st = aq::st;
using reltest::TempDir;

namespace {

// 8-byte little-endian length + header text (+ data).
std::vector<uint8_t> file_of(const std::string& header, const std::string& data = "") {
  std::vector<uint8_t> f(8);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) f[i] = uint8_t(n >> (8 * i));
  f.insert(f.end(), header.begin(), header.end());
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

// Run f; it must throw aq::Error with `status` and a message containing every needle.
template <class F>
void expect_error(F&& f, aq::Status status, std::initializer_list<const char*> needles) {
  try {
    f();
    BOOST_ERROR("no error thrown");
  } catch (const aq::Error& e) {
    BOOST_TEST(int(e.status()) == int(status), e.what());
    for (const char* n : needles) BOOST_TEST(std::string(e.what()).find(n) != std::string::npos, e.what());
  }
}

std::string zero_tensor(const std::string& name) {
  return "\"" + name + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
}

std::string dims(std::size_t rank) {
  std::string s = "[";
  for (std::size_t i = 0; i < rank; ++i) s += i ? ",1" : "1";
  return s + "]";
}

}  // namespace

BOOST_AUTO_TEST_CASE(header_length_cap) {
  std::vector<uint8_t> f = file_of("{}");
  uint64_t n = st::kMaxHeaderBytes + 1;
  for (int i = 0; i < 8; ++i) f[i] = uint8_t(n >> (8 * i));
  expect_error([&] { st::parse_header(f.data(), f.size(), "f"); }, aq::Status::format,
               {"header length", "exceeds the cap of 100000000"});
  // At the cap, the length is checked against the file instead (no allocation of N bytes happens).
  n = st::kMaxHeaderBytes;
  for (int i = 0; i < 8; ++i) f[i] = uint8_t(n >> (8 * i));
  expect_error([&] { st::parse_header(f.data(), f.size(), "f"); }, aq::Status::format, {"runs past the end"});
}

BOOST_AUTO_TEST_CASE(rank_cap) {
  const auto at_cap = file_of("{\"w\":{\"dtype\":\"F32\",\"shape\":" + dims(st::kMaxRank) +
                              ",\"data_offsets\":[0,4]}}", std::string(4, '\0'));
  BOOST_TEST(st::parse_header(at_cap.data(), at_cap.size(), "f").tensors.at(0).shape.size() == st::kMaxRank);
  const auto over = file_of("{\"w\":{\"dtype\":\"F32\",\"shape\":" + dims(st::kMaxRank + 1) +
                            ",\"data_offsets\":[0,4]}}", std::string(4, '\0'));
  expect_error([&] { st::parse_header(over.data(), over.size(), "f"); }, aq::Status::format,
               {"tensor 'w'", "rank 9 exceeds the cap of 8"});
}

BOOST_AUTO_TEST_CASE(name_length_cap) {
  const std::string at(st::kMaxNameBytes, 'n'), over(st::kMaxNameBytes + 1, 'n');
  const auto ok = file_of("{" + zero_tensor(at) + "}");
  BOOST_TEST(st::parse_header(ok.data(), ok.size(), "f").tensors.at(0).name.size() == st::kMaxNameBytes);
  const auto bad = file_of("{" + zero_tensor(over) + "}");
  expect_error([&] { st::parse_header(bad.data(), bad.size(), "f"); }, aq::Status::format,
               {"name is 4097 bytes (cap 4096)"});
}

BOOST_AUTO_TEST_CASE(json_nesting_cap) {
  // Depth 8 parses (and then fails on the type of the value); depth 9 is refused by the parser itself.
  auto nested = [](int depth) {  // {"__metadata__": {"k": [[...]]}}: depth counts every object and array
    return "{\"__metadata__\":{\"k\":" + std::string(std::size_t(depth - 2), '[') + std::string(std::size_t(depth - 2), ']') + "}}";
  };
  const auto eight = file_of(nested(8)), nine = file_of(nested(9));
  expect_error([&] { st::parse_header(eight.data(), eight.size(), "f"); }, aq::Status::format,
               {"value must be a string, got an array"});
  expect_error([&] { st::parse_header(nine.data(), nine.size(), "f"); }, aq::Status::format,
               {"nesting deeper than 8 levels"});
}

BOOST_AUTO_TEST_CASE(tensor_count_cap) {
  // kMaxTensors + 1 zero-byte tensors (about 55 MB of header): refused, naming the cap.
  std::string h = "{";
  for (uint64_t i = 0; i <= st::kMaxTensors; ++i) {
    if (i) h += ',';
    h += zero_tensor("t" + std::to_string(i));
  }
  h += "}";
  const auto f = file_of(h);
  expect_error([&] { st::parse_header(f.data(), f.size(), "f"); }, aq::Status::format,
               {"1000001 entries exceed the cap of 1000000 tensors"});
}

BOOST_AUTO_TEST_CASE(metadata_entry_cap) {
  std::string h = "{\"__metadata__\":{";
  for (uint64_t i = 0; i <= st::kMaxMetadataEntries; ++i) {
    if (i) h += ',';
    h += "\"k" + std::to_string(i) + "\":\"\"";
  }
  h += "}}";
  const auto f = file_of(h);
  expect_error([&] { st::parse_header(f.data(), f.size(), "f"); }, aq::Status::format,
               {"__metadata__", "2000001 entries exceed the cap of 2000000"});
}

BOOST_AUTO_TEST_CASE(index_caps) {
  // More distinct shards than kMaxShards.
  std::string j = "{\"weight_map\":{";
  for (uint64_t i = 0; i <= st::kMaxShards; ++i) {
    if (i) j += ',';
    j += "\"t" + std::to_string(i) + "\":\"s" + std::to_string(i) + ".safetensors\"";
  }
  j += "}}";
  expect_error([&] { st::parse_index(j, "i.json"); }, aq::Status::format,
               {"100001 shard files, more than the cap of 100000"});
  // An index file larger than kMaxIndexBytes is refused before it is read (a sparse file: no disk used).
  TempDir d("limits");
  const std::string path = d / "m.safetensors.index.json";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::ftruncate(fd, off_t(st::kMaxIndexBytes + 1)) == 0);
  ::close(fd);
  aq_model* m = nullptr;
  BOOST_TEST(aq_model_open(path.c_str(), &m) == AQ_ERR_FORMAT);
  BOOST_TEST(std::string(aq_last_error_message()).find("100000001 bytes exceeds the cap of 100000000") !=
                 std::string::npos,
             aq_last_error_message());
  BOOST_TEST(m == nullptr);
}

BOOST_AUTO_TEST_CASE(writer_refuses_what_readers_refuse) {
  TempDir d("limits_w");
  st::Writer w(d / "x.safetensors");
  expect_error([&] { w.declare(std::string(st::kMaxNameBytes + 1, 'n'), st::DType::F32, {1}); },
               aq::Status::invalid_argument, {"cap of 4096"});
  expect_error([&] { w.declare("w", st::DType::F32, std::vector<uint64_t>(st::kMaxRank + 1, 1)); },
               aq::Status::invalid_argument, {"rank"});
  expect_error([&] { w.declare("huge", st::DType::F32, {uint64_t(1) << 62, 8}); }, aq::Status::invalid_argument,
               {"overflows 64 bits"});
  w.abort();
  BOOST_TEST(TempDir::list(d.path).empty());
}

BOOST_AUTO_TEST_CASE(tensor_entry_points_refuse_sizes_that_overflow) {
  float x[4] = {1, 2, 3, 4};
  aq_quantized* q = nullptr;
  // rows * cols * 4 overflows 64 bits: refused by the size check, never allocated.
  BOOST_TEST(aq_quantize(x, sizeof x, AQ_DTYPE_F32, uint64_t(1) << 40, uint64_t(1) << 40, 4, 32, AQ_MODE_RTN, &q) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(q == nullptr);
  BOOST_TEST(std::string(aq_last_error_message()).size() > 0);
}

BOOST_AUTO_TEST_CASE(memory_budget_setting_is_range_checked) {
  aq::Config c;
  expect_error([&] { c.set_text("max_memory_limit_mb", "0"); }, aq::Status::invalid_argument, {"max_memory_limit_mb"});
  expect_error([&] { c.apply_env([](const char* n) -> const char* {
                 return std::strcmp(n, "ARROW_QUANT_MAX_MEMORY_MB") == 0 ? "-5" : nullptr;
               }); },
               aq::Status::invalid_argument, {"ARROW_QUANT_MAX_MEMORY_MB"});
  c.set_text("max_memory_limit_mb", "512");
  BOOST_TEST(c.values().max_memory_limit_mb == 512u);
}
