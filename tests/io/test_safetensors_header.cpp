// Safetensors header parsing: valid headers and a corpus of malformed ones, each with its status and a message
// naming the file, the tensor and the offending field.
#define BOOST_TEST_MODULE safetensors_header
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "arrowquant/safetensors.hpp"
#include "io_test_util.hpp"

using aq::Status;
using iotest::expect_error;
using iotest::make_st;
namespace st = aq::st;

namespace {

st::Header parse(const std::vector<uint8_t>& f) { return st::parse_header(f.data(), f.size(), "m.safetensors"); }

void expect_bad(const std::vector<uint8_t>& f, Status status, std::initializer_list<const char*> needles) {
  expect_error([&] { parse(f); }, status, needles);
}

std::vector<uint8_t> bytes(std::size_t n) { return iotest::pattern(n); }

}  // namespace

BOOST_AUTO_TEST_CASE(valid_header_gives_sorted_tensors_offsets_and_metadata) {
  const std::string h =
      R"({"__metadata__":{"format":"pt","b":"x"},"z":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("a":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},"e":{"dtype":"I64","shape":[0,5],"data_offsets":[32,32]},)"
      R"("s":{"dtype":"U8","shape":[],"data_offsets":[32,33]}}    )";
  const auto f = make_st(h, bytes(33));
  const st::Header hd = parse(f);
  BOOST_TEST(hd.header_bytes == h.size());
  BOOST_TEST(hd.data_start == 8 + h.size());
  BOOST_TEST_REQUIRE(hd.tensors.size() == 4u);
  BOOST_TEST(hd.tensors[0].name == "a");
  BOOST_TEST(hd.tensors[1].name == "e");
  BOOST_TEST(hd.tensors[2].name == "s");
  BOOST_TEST(hd.tensors[3].name == "z");
  BOOST_TEST(int(hd.tensors[0].dtype) == int(st::DType::BF16));
  BOOST_TEST(hd.tensors[0].file_offset == hd.data_start + 24);
  BOOST_TEST(hd.tensors[1].numel == 0u);  // zero-size tensor is valid
  BOOST_TEST(hd.tensors[1].nbytes == 0u);
  BOOST_TEST(hd.tensors[2].numel == 1u);  // scalar
  BOOST_TEST(hd.tensors[3].nbytes == 24u);
  BOOST_TEST((hd.tensors[3].shape == std::vector<uint64_t>{2, 3}));
  BOOST_TEST(hd.metadata.at("format") == "pt");
  BOOST_TEST(hd.metadata.size() == 2u);
}

BOOST_AUTO_TEST_CASE(empty_header_object_is_a_valid_file_without_tensors) {
  const auto f = make_st("{}      ", {});
  BOOST_TEST(parse(f).tensors.empty());
}

BOOST_AUTO_TEST_CASE(every_known_dtype_has_its_size) {
  const std::pair<const char*, uint32_t> expected[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2},  {"BF16", 2}, {"I64", 8},     {"I32", 4},     {"I16", 2},     {"I8", 1},
      {"U64", 8}, {"U32", 4}, {"U16", 2},  {"U8", 1},   {"BOOL", 1},    {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1},
      {"C64", 8}};
  for (const auto& [name, size] : expected) {
    st::DType d;
    BOOST_TEST_REQUIRE(st::lookup_dtype(name, &d), name);
    BOOST_TEST(st::dtype_size(d) == size, name);
    BOOST_TEST(std::string(st::dtype_name(d)) == name);
    const std::string h = std::string(R"({"t":{"dtype":")") + name + R"(","shape":[3],"data_offsets":[0,)" +
                          std::to_string(3 * size) + "]}}";
    BOOST_TEST(parse(make_st(h, bytes(3 * size))).tensors.at(0).nbytes == 3u * size, name);
  }
}

// ---- malformed inputs ------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(truncated_file_shorter_than_the_length_field) {
  expect_bad({1, 0, 0}, Status::format, {"m.safetensors", "header length", "fewer than the 8-byte"});
}

BOOST_AUTO_TEST_CASE(header_length_past_the_end_of_the_file) {
  auto f = make_st(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", bytes(1));
  f.resize(f.size() - 10);  // truncated inside the header
  expect_bad(f, Status::format, {"m.safetensors", "header length", "runs past the end"});
}

BOOST_AUTO_TEST_CASE(header_length_above_the_cap) {
  auto f = iotest::le64(st::kMaxHeaderBytes + 1);
  f.resize(64, ' ');
  expect_bad(f, Status::format, {"header length", "100000001", "exceeds the cap"});
  auto g = iotest::le64(UINT64_MAX);
  g.resize(16, ' ');
  expect_bad(g, Status::format, {"header length", "exceeds the cap"});
}

BOOST_AUTO_TEST_CASE(header_that_is_not_json) {
  expect_bad(make_st("{not json}", {}), Status::format, {"m.safetensors: header", "invalid JSON", "at byte"});
  expect_bad(make_st("{\"a\":1} trailing", {}), Status::format, {"invalid JSON"});
  expect_bad(make_st(std::string("{\"\xff\":1}"), {}), Status::format, {"invalid JSON"});  // invalid UTF-8
}

BOOST_AUTO_TEST_CASE(header_json_of_the_wrong_shape) {
  expect_bad(make_st("[1,2,3] ", {}), Status::format, {"header: must be a JSON object", "an array"});
  expect_bad(make_st(R"({"t":5})", {}), Status::format, {"tensor 't'", "entry must be an object"});
  expect_bad(make_st(R"({"__metadata__":[1]})", {}), Status::format, {"__metadata__", "must be an object"});
  expect_bad(make_st(R"({"__metadata__":{"k":1}})", {}), Status::format, {"__metadata__", "\"k\"", "must be a string"});
  std::string deep = "{\"t\":" + std::string(40, '[') + std::string(40, ']') + "}";
  expect_bad(make_st(deep, {}), Status::format, {"nesting deeper than 8"});
}

BOOST_AUTO_TEST_CASE(wrong_json_types_in_a_tensor_entry) {
  expect_bad(make_st(R"({"t":{"dtype":5,"shape":[1],"data_offsets":[0,1]}})", bytes(1)), Status::format,
             {"tensor 't'", "dtype: must be a string", "an integer"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":"1","data_offsets":[0,1]}})", bytes(1)), Status::format,
             {"tensor 't'", "shape: must be an array"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":{"a":0}}})", bytes(1)), Status::format,
             {"tensor 't'", "data_offsets: must be an array [begin, end]"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", bytes(1)), Status::format,
             {"data_offsets", "an array of 3 elements"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,"1"]}})", bytes(1)), Status::format,
             {"data_offsets[1]: must be a non-negative integer"});
  expect_bad(make_st(R"({"t":{"shape":[1],"data_offsets":[0,1]}})", bytes(1)), Status::format, {"dtype: missing"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","data_offsets":[0,1]}})", bytes(1)), Status::format, {"shape: missing"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[1]}})", bytes(1)), Status::format, {"data_offsets: missing"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":0}})", bytes(1)), Status::format,
             {"tensor 't'", "unknown field \"x\""});
  expect_bad(make_st(R"({"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", bytes(1)), Status::format,
             {"empty name"});
}

BOOST_AUTO_TEST_CASE(duplicate_tensor_names_are_rejected_not_silently_merged) {
  const std::string h = R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                        R"("t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})";
  expect_bad(make_st(h, bytes(2)), Status::format, {"m.safetensors", "duplicate key \"t\""});
  // also inside an entry: which dtype would be meant?
  expect_bad(make_st(R"({"t":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}})", bytes(1)),
             Status::format, {"duplicate key \"dtype\""});
}

BOOST_AUTO_TEST_CASE(overlapping_offsets) {
  const std::string h = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  expect_bad(make_st(h, bytes(12)), Status::format, {"tensor 'b'", "data_offsets", "overlaps tensor 'a'"});
  const std::string same = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  expect_bad(make_st(same, bytes(8)), Status::format, {"overlaps"});
}

BOOST_AUTO_TEST_CASE(out_of_range_offsets) {
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", bytes(4)), Status::format,
             {"tensor 't'", "data_offsets: end 8 is past the data section (4 bytes)"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[9,8]}})", bytes(8)), Status::format,
             {"tensor 't'", "data_offsets: begin 9 is after end 8"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", bytes(4)), Status::format,
             {"data_offsets[0]: must be a non-negative integer, got -4"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551615]}})",
                     bytes(4)),
             Status::format, {"past the data section"});
}

BOOST_AUTO_TEST_CASE(holes_and_trailing_bytes_are_rejected_as_the_format_requires) {
  const std::string gap = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                          R"("b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})";
  expect_bad(make_st(gap, bytes(6)), Status::format, {"tensor 'b'", "hole of 2 bytes after tensor 'a'"});
  expect_bad(make_st(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", bytes(5)), Status::format,
             {"data section has 5 bytes but the tensors cover 2", "3 trailing bytes"});
}

BOOST_AUTO_TEST_CASE(byte_length_must_equal_dtype_size_times_shape) {
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", bytes(8)), Status::format,
             {"tensor 't'", "data_offsets: span 8 bytes != 12 bytes of dtype F32"});
  expect_bad(make_st(R"({"t":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,16]}})", bytes(16)), Status::format,
             {"span 16 bytes != 8 bytes"});
}

BOOST_AUTO_TEST_CASE(shapes_whose_byte_size_overflows_64_bits) {
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", {}),
             Status::format, {"tensor 't'", "shape", "overflows 64 bits"});
  expect_bad(make_st(R"({"t":{"dtype":"U8","shape":[18446744073709551615,2],"data_offsets":[0,0]}})", {}),
             Status::format, {"overflows 64 bits at dim 1"});
}

BOOST_AUTO_TEST_CASE(negative_non_integer_and_oversized_dimensions) {
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,0]}})", {}), Status::format,
             {"tensor 't'", "shape[1]: must be a non-negative integer, got -1"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[2.5],"data_offsets":[0,10]}})", bytes(10)), Status::format,
             {"shape[0]", "got 2.5"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", bytes(8)), Status::format,
             {"shape[0]", "got 2.0"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,0]}})", {}),
             Status::format, {"shape[0]: must be a non-negative integer"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[1e400],"data_offsets":[0,0]}})", {}), Status::format,
             {"invalid JSON", "out of range"});
  expect_bad(make_st(R"({"t":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}})", bytes(4)),
             Status::format, {"shape: rank 9 exceeds the cap of 8"});
}

BOOST_AUTO_TEST_CASE(unknown_dtype_is_a_format_error_naming_tensor_and_dtype) {
  expect_bad(make_st(R"({"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", bytes(16)), Status::format,
             {"m.safetensors", "tensor 'w'", "unknown dtype \"F128\""});
  expect_bad(make_st(R"({"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", bytes(4)), Status::format,
             {"unknown dtype \"f32\""});
  // sub-byte types of newer safetensors versions are known but unsupported
  expect_bad(make_st(R"({"w":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}})", bytes(1)), Status::unsupported,
             {"tensor 'w'", "F4", "not supported"});
}

BOOST_AUTO_TEST_CASE(very_long_names_are_capped) {
  const std::string name(st::kMaxNameBytes + 1, 'n');
  expect_bad(make_st("{\"" + name + R"(":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", bytes(1)),
             Status::format, {"name is 4097 bytes (cap 4096)"});
}

BOOST_AUTO_TEST_CASE(tensor_bytes_checks_overflow) {
  BOOST_TEST(st::tensor_bytes(st::DType::F32, {3, 5}, "x") == 60u);
  BOOST_TEST(st::tensor_bytes(st::DType::F32, {}, "x") == 4u);
  BOOST_TEST(st::tensor_bytes(st::DType::F32, {0, 1ull << 62}, "x") == 0u);
  expect_error([] { st::tensor_bytes(st::DType::F64, {1ull << 61}, "x"); }, Status::format, {"x: shape", "overflows"});
}

BOOST_AUTO_TEST_CASE(index_json_is_checked) {
  const auto idx = st::parse_index(
      R"({"metadata":{"total_size":12},"weight_map":{"b":"s2.safetensors","a":"s1.safetensors","c":"s1.safetensors"}})",
      "i.json");
  BOOST_TEST(idx.has_total_size);
  BOOST_TEST(idx.total_size == 12u);
  BOOST_TEST(idx.weight_map.size() == 3u);
  BOOST_TEST((idx.shards == std::vector<std::string>{"s1.safetensors", "s2.safetensors"}));
  expect_error([] { st::parse_index(R"({"metadata":{}})", "i.json"); }, Status::format, {"i.json: weight_map: missing"});
  expect_error([] { st::parse_index(R"({"weight_map":{"a":3}})", "i.json"); }, Status::format,
               {"tensor 'a'", "shard must be a string"});
  expect_error([] { st::parse_index(R"({"weight_map":{"a":"../x.safetensors"}})", "i.json"); }, Status::format,
               {"not a plain file name"});
  expect_error([] { st::parse_index(R"({"weight_map":{"a":"x","a":"y"}})", "i.json"); }, Status::format,
               {"duplicate key \"a\""});
  expect_error([] { st::parse_index(R"({"metadata":{"total_size":-1},"weight_map":{}})", "i.json"); }, Status::format,
               {"metadata.total_size"});
  expect_error([] { st::parse_index("not json", "i.json"); }, Status::format, {"i.json", "invalid JSON"});
}

BOOST_AUTO_TEST_CASE(temporary_names_are_recognised) {
  BOOST_TEST(st::is_temporary_name(".model.safetensors.aqtmp-AbC123"));
  BOOST_TEST(st::is_temporary_name(".out.aqtmp-old-xyz"));
  BOOST_TEST(!st::is_temporary_name("model.safetensors"));
  BOOST_TEST(!st::is_temporary_name(".hidden"));
}
