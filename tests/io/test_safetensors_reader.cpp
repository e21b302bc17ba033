// Opening models from disk: single files, sharded indexes, directories; streaming reads; bad shard sets.
#define BOOST_TEST_MODULE safetensors_reader
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "arrowquant/safetensors.hpp"
#include "io_test_util.hpp"

using aq::Status;
using iotest::expect_error;
using iotest::make_st;
using iotest::TempDir;
namespace st = aq::st;

namespace {

// a: F32 [2,2] (16 bytes), b: U8 [3], empty: F16 [0]
std::string header_ab(const std::string& meta = "") {
  return "{" + (meta.empty() ? std::string() : "\"__metadata__\":" + meta + ",") +
         R"("a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"U8","shape":[3],"data_offsets":[16,19]},)"
         R"("empty":{"dtype":"F16","shape":[0],"data_offsets":[19,19]}})";
}

}  // namespace

BOOST_AUTO_TEST_CASE(single_file_views_and_pread_give_the_same_bytes) {
  TempDir d;
  const auto data = iotest::pattern(19);
  iotest::write_file(d / "m.safetensors", make_st(header_ab(R"({"k":"v"})"), data));
  const st::Reader r = st::Reader::open(d / "m.safetensors");
  BOOST_TEST(!r.sharded());
  BOOST_TEST(r.tensors().size() == 3u);
  BOOST_TEST(r.metadata().at("k") == "v");
  BOOST_TEST(r.total_tensor_bytes() == 19u);
  const st::TensorInfo& a = r.at("a");
  BOOST_TEST(std::memcmp(r.data(a), data.data(), 16) == 0);
  std::vector<uint8_t> part(5);
  r.read(a, 3, part.data(), 5);
  BOOST_TEST(std::memcmp(part.data(), data.data() + 3, 5) == 0);
  r.release(a);  // dropping pages never changes what is read next
  BOOST_TEST(std::memcmp(r.data(a), data.data(), 16) == 0);
  const st::TensorInfo& e = r.at("empty");
  BOOST_TEST(r.data(e) == nullptr);
  r.read(e, 0, nullptr, 0);
  BOOST_TEST(r.find("missing") == nullptr);
  expect_error([&] { r.at("missing"); }, Status::invalid_argument, {"no tensor named 'missing'"});
  expect_error([&] { r.read(a, 10, part.data(), 7); }, Status::invalid_argument,
               {"tensor 'a'", "outside its 16 bytes"});
}

BOOST_AUTO_TEST_CASE(missing_and_unreadable_paths_are_io_errors) {
  TempDir d;
  expect_error([&] { st::Reader::open(d / "nope.safetensors"); }, Status::io, {"nope.safetensors", "no such file"});
}

BOOST_AUTO_TEST_CASE(malformed_file_on_disk_names_the_file) {
  TempDir d;
  iotest::write_file(d / "bad.safetensors", make_st("{oops", {}));
  expect_error([&] { st::Reader::open(d / "bad.safetensors"); }, Status::format, {"bad.safetensors", "invalid JSON"});
  iotest::write_file(d / "empty.safetensors", {});
  expect_error([&] { st::Reader::open(d / "empty.safetensors"); }, Status::format, {"empty.safetensors", "0 bytes"});
}

namespace {

// Two shards: s1 holds a (F32 [2]), c (U8 [1]); s2 holds b (I64 [1]).
void write_shards(const TempDir& d, const std::string& meta1 = R"({"g":"1"})", const std::string& meta2 = R"({"g":"1"})") {
  iotest::write_file(d / "s1.safetensors",
                     make_st(R"({"__metadata__":)" + meta1 +
                                 R"(,"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"c":{"dtype":"U8","shape":[1],"data_offsets":[8,9]}})",
                             iotest::pattern(9, 1)));
  iotest::write_file(d / "s2.safetensors",
                     make_st(R"({"__metadata__":)" + meta2 + R"(,"b":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})",
                             iotest::pattern(8, 2)));
}

const char* kIndex =
    R"({"metadata":{"total_size":17},"weight_map":{"a":"s1.safetensors","b":"s2.safetensors","c":"s1.safetensors"}})";

}  // namespace

BOOST_AUTO_TEST_CASE(sharded_model_opens_through_its_index_and_its_directory) {
  TempDir d;
  write_shards(d, R"({"g":"1","only1":"x"})", R"({"g":"1","only2":"y"})");
  iotest::write_text(d / "model.safetensors.index.json", kIndex);
  iotest::write_text(d / ".model.safetensors.aqtmp-k3J9qZ", "leftover temporary: ignored");
  for (const std::string& p : {d / "model.safetensors.index.json", d.path}) {
    const st::Reader r = st::Reader::open(p);
    BOOST_TEST(r.sharded());
    BOOST_TEST(r.files().size() == 2u);
    BOOST_TEST_REQUIRE(r.tensors().size() == 3u);
    BOOST_TEST(r.tensors()[1].name == "b");
    BOOST_TEST(r.tensors()[1].file == 1u);
    BOOST_TEST(std::memcmp(r.data(r.at("b")), iotest::pattern(8, 2).data(), 8) == 0);
    std::vector<uint8_t> c(1);
    r.read(r.at("c"), 0, c.data(), 1);
    BOOST_TEST(c[0] == iotest::pattern(9, 1)[8]);
    BOOST_TEST(r.metadata().size() == 3u);  // merged over shards
    BOOST_TEST(r.metadata().at("only2") == "y");
  }
}

BOOST_AUTO_TEST_CASE(index_pointing_at_a_missing_shard_is_an_io_error) {
  TempDir d;
  write_shards(d);
  iotest::write_text(d / "m.safetensors.index.json",
                     R"({"weight_map":{"a":"s1.safetensors","b":"gone.safetensors","c":"s1.safetensors"}})");
  expect_error([&] { st::Reader::open(d / "m.safetensors.index.json"); }, Status::io,
               {"m.safetensors.index.json", "gone.safetensors", "does not exist"});
}

BOOST_AUTO_TEST_CASE(index_and_shards_must_agree) {
  TempDir d;
  write_shards(d);
  iotest::write_text(d / "x.safetensors.index.json",
                     R"({"weight_map":{"a":"s1.safetensors","b":"s2.safetensors","c":"s1.safetensors","z":"s2.safetensors"}})");
  expect_error([&] { st::Reader::open(d / "x.safetensors.index.json"); }, Status::format,
               {"weight_map: tensor 'z' is not in shard", "s2.safetensors"});
  iotest::write_text(d / "x.safetensors.index.json", R"({"weight_map":{"a":"s1.safetensors","b":"s2.safetensors"}})");
  expect_error([&] { st::Reader::open(d / "x.safetensors.index.json"); }, Status::format,
               {"s1.safetensors", "tensor 'c' is not listed in the weight_map"});
  iotest::write_text(d / "x.safetensors.index.json",
                     R"({"weight_map":{"a":"s2.safetensors","b":"s2.safetensors","c":"s1.safetensors"}})");
  expect_error([&] { st::Reader::open(d / "x.safetensors.index.json"); }, Status::format,
               {"s1.safetensors", "tensor 'a' is mapped to shard 's2.safetensors'"});
}

BOOST_AUTO_TEST_CASE(conflicting_metadata_between_shards_is_a_format_error) {
  TempDir d;
  write_shards(d, R"({"g":"1"})", R"({"g":"2"})");
  iotest::write_text(d / "m.safetensors.index.json", kIndex);
  expect_error([&] { st::Reader::open(d / "m.safetensors.index.json"); }, Status::format,
               {"s2.safetensors", "__metadata__: key \"g\" differs", "s1.safetensors"});
}

BOOST_AUTO_TEST_CASE(a_malformed_shard_is_reported_with_its_own_name) {
  TempDir d;
  write_shards(d);
  iotest::write_file(d / "s2.safetensors", make_st(R"({"b":{"dtype":"X9","shape":[1],"data_offsets":[0,8]}})",
                                                   iotest::pattern(8)));
  iotest::write_text(d / "m.safetensors.index.json", kIndex);
  expect_error([&] { st::Reader::open(d.path); }, Status::format, {"s2.safetensors", "tensor 'b'", "unknown dtype \"X9\""});
}

BOOST_AUTO_TEST_CASE(directories_must_say_unambiguously_what_to_open) {
  TempDir d;
  expect_error([&] { st::Reader::open(d.path); }, Status::invalid_argument, {"no .safetensors file"});
  iotest::write_file(d / "one.safetensors", make_st("{}      ", {}));
  BOOST_TEST(st::Reader::open(d.path).files().at(0) == d / "one.safetensors");
  iotest::write_file(d / "two.safetensors", make_st("{}      ", {}));
  expect_error([&] { st::Reader::open(d.path); }, Status::invalid_argument,
               {"several .safetensors files", "one.safetensors", "two.safetensors"});
  iotest::write_text(d / "a.safetensors.index.json", R"({"weight_map":{}})");
  BOOST_TEST(st::Reader::open(d.path).sharded());  // an index decides
  iotest::write_text(d / "b.safetensors.index.json", R"({"weight_map":{}})");
  expect_error([&] { st::Reader::open(d.path); }, Status::invalid_argument, {"several index files"});
}
