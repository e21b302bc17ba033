// The streaming writer: round trips, deterministic bytes, atomic replacement, sharding, misuse, injected faults.
#define BOOST_TEST_MODULE safetensors_writer
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "arrowquant/safetensors.hpp"
#include "io_test_util.hpp"

using aq::Status;
using iotest::expect_error;
using iotest::TempDir;
namespace st = aq::st;

namespace {

struct Spec {
  std::string name;
  std::string dtype;
  std::vector<uint64_t> shape;
  uint64_t bytes;
};

const std::vector<Spec> kSpecs = {
    {"z.weight", "F32", {4, 8}, 128}, {"a.bias", "F16", {5}, 10},     {"m.bf16", "BF16", {2, 3}, 12},
    {"ids", "I64", {1, 7}, 56},       {"flags", "BOOL", {3}, 3},      {"empty", "F32", {0, 4}, 0},
    {"scalar", "F64", {}, 8},         {"ünï.name", "U8", {3}, 3},      {"q\"uote", "I8", {2}, 2},
};

std::vector<uint8_t> data_of(std::size_t i) { return iotest::pattern(kSpecs[i].bytes, unsigned(i + 3)); }

// Declares kSpecs in `order`, writes them in `write_order`, in chunks of `chunk` bytes.
void write_model(const std::string& path, const std::vector<std::size_t>& order,
                 const std::vector<std::size_t>& write_order, std::size_t chunk, st::WriterOptions opt = {}) {
  st::Writer w(path, opt);
  w.set_metadata("arrowquant.format", "1");
  w.set_metadata("note", "line\nbreak \"quoted\" \\ ünï");
  for (std::size_t i : order) w.declare(kSpecs[i].name, kSpecs[i].dtype, kSpecs[i].shape);
  w.set_tensor_metadata("z.weight", "z.weight.info", R"({"bits":4})");
  w.begin();
  for (std::size_t i : write_order) {
    const auto d = data_of(i);
    for (std::size_t off = 0; off < d.size(); off += chunk) w.write(kSpecs[i].name, d.data() + off, std::min(chunk, d.size() - off));
  }
  w.commit();
}

std::vector<std::size_t> iota(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

void check_model(const st::Reader& r) {
  BOOST_TEST_REQUIRE(r.tensors().size() == kSpecs.size());
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    const st::TensorInfo& t = r.at(kSpecs[i].name);
    BOOST_TEST(std::string(st::dtype_name(t.dtype)) == kSpecs[i].dtype);
    BOOST_TEST(t.shape == kSpecs[i].shape);
    BOOST_TEST_REQUIRE(t.nbytes == kSpecs[i].bytes);
    std::vector<uint8_t> got(t.nbytes);
    r.read(t, 0, got.data(), t.nbytes);
    BOOST_TEST((got == data_of(i)), kSpecs[i].name);
  }
  BOOST_TEST(r.metadata().at("arrowquant.format") == "1");
  BOOST_TEST(r.metadata().at("note") == "line\nbreak \"quoted\" \\ ünï");
  BOOST_TEST(r.metadata().at("z.weight.info") == R"({"bits":4})");
}

bool no_temporaries(const std::string& dir) {
  for (const auto& n : TempDir::list(dir))
    if (st::is_temporary_name(n)) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_through_writer_and_reader) {
  TempDir d;
  write_model(d / "m.safetensors", iota(kSpecs.size()), iota(kSpecs.size()), 1u << 20);
  check_model(st::Reader::open(d / "m.safetensors"));
  BOOST_TEST(no_temporaries(d.path));
}

BOOST_AUTO_TEST_CASE(bytes_do_not_depend_on_declaration_or_write_order_or_chunking) {
  TempDir d;
  const auto fwd = iota(kSpecs.size());
  std::vector<std::size_t> rev(fwd.rbegin(), fwd.rend());
  write_model(d / "a.safetensors", fwd, fwd, 1u << 20);
  write_model(d / "b.safetensors", rev, rev, 3);
  const auto a = iotest::read_file(d / "a.safetensors");
  BOOST_TEST((a == iotest::read_file(d / "b.safetensors")));
  // Layout: header padded with spaces to a multiple of 8, tensors in name order, __metadata__ first.
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | a[std::size_t(i)];
  BOOST_TEST((8 + n) % 8 == 0u);
  const std::string header(a.begin() + 8, a.begin() + 8 + std::ptrdiff_t(n));
  BOOST_TEST(header.rfind("{\"__metadata__\":{\"arrowquant.format\":\"1\",\"note\":", 0) == 0u);
  BOOST_TEST(header.find("\"a.bias\"") < header.find("\"empty\""));
  BOOST_TEST(header.find("\"scalar\"") < header.find("\"z.weight\""));
  BOOST_TEST(header.find("\"z.weight\"") < header.find("\"ünï.name\""));  // bytewise order (UTF-8 after ASCII)
  const auto hdr = st::parse_header(a.data(), a.size(), "a");
  BOOST_TEST(hdr.tensors.at(0).file_offset == 8 + n);
}

BOOST_AUTO_TEST_CASE(uncommitted_writer_leaves_nothing_behind) {
  TempDir d;
  {
    st::Writer w(d / "m.safetensors");
    w.declare("t", "F32", {4});
    w.begin();
    const float x[2] = {1, 2};
    w.write("t", x, sizeof x);
    BOOST_TEST(TempDir::list(d.path).size() == 1u);  // the temporary, under a recognisable name
    BOOST_TEST(st::is_temporary_name(TempDir::list(d.path).at(0)));
    BOOST_TEST(TempDir::list(d.path).at(0).rfind(".m.safetensors.aqtmp-", 0) == 0u);
  }
  BOOST_TEST(TempDir::list(d.path).empty());
}

BOOST_AUTO_TEST_CASE(commit_with_missing_bytes_fails_and_removes_the_temporary) {
  TempDir d;
  st::Writer w(d / "m.safetensors");
  w.declare("t", "F32", {4});
  w.declare("u", "U8", {2});
  w.begin();
  const float x[4] = {1, 2, 3, 4};
  w.write("t", x, sizeof x);
  expect_error([&] { w.commit(); }, Status::invalid_argument, {"tensor 'u'", "only 0 of 2 bytes"});
  BOOST_TEST(TempDir::list(d.path).empty());
  expect_error([&] { w.write("u", x, 2); }, Status::invalid_argument, {"not allowed", "aborted"});
}

BOOST_AUTO_TEST_CASE(misuse_is_rejected_with_the_tensor_named) {
  TempDir d;
  st::Writer w(d / "m.safetensors");
  w.declare("t", "F32", {2});
  expect_error([&] { w.declare("t", "F32", {2}); }, Status::invalid_argument, {"tensor 't'", "declared twice"});
  expect_error([&] { w.declare("x", "F128", {2}); }, Status::invalid_argument, {"tensor 'x'", "unknown dtype \"F128\""});
  expect_error([&] { w.declare("__metadata__", "F32", {2}); }, Status::invalid_argument, {"reserved"});
  expect_error([&] { w.declare("", "F32", {2}); }, Status::invalid_argument, {"empty"});
  expect_error([&] { w.declare("bad\xff", "F32", {2}); }, Status::invalid_argument, {"not valid UTF-8"});
  expect_error([&] { w.declare("r", "F32", {1, 1, 1, 1, 1, 1, 1, 1, 1}); }, Status::invalid_argument, {"rank 9"});
  expect_error([&] { w.declare("o", "F32", {1ull << 40, 1ull << 40}); }, Status::invalid_argument,
               {"tensor 'o'", "overflows"});
  expect_error([&] { w.write("t", "abcd", 4); }, Status::invalid_argument, {"write is not allowed", "begin() not called"});
  w.set_tensor_metadata("nope", "k", "v");
  expect_error([&] { w.begin(); }, Status::invalid_argument, {"undeclared tensor 'nope'"});
}

BOOST_AUTO_TEST_CASE(a_metadata_key_must_have_one_owner_so_that_shards_agree) {
  TempDir d;
  {
    st::Writer w(d / "m.safetensors");
    w.declare("t", "U8", {1});
    w.declare("u", "U8", {1});
    w.set_metadata("k", "global");
    w.set_tensor_metadata("t", "k", "mine");
    expect_error([&] { w.begin(); }, Status::invalid_argument, {"\"k\"", "both globally and for tensor 't'"});
  }
  st::Writer w(d / "m.safetensors");
  w.declare("t", "U8", {1});
  w.declare("u", "U8", {1});
  w.set_tensor_metadata("t", "k", "1");
  w.set_tensor_metadata("u", "k", "2");
  expect_error([&] { w.begin(); }, Status::invalid_argument, {"\"k\"", "tensors 't' and 'u'"});
}

BOOST_AUTO_TEST_CASE(writing_more_than_declared_or_to_unknown_tensors_fails) {
  TempDir d;
  st::Writer w(d / "m.safetensors");
  w.declare("t", "U8", {3});
  w.begin();
  expect_error([&] { w.write("t", "abcd", 4); }, Status::invalid_argument, {"tensor 't'", "exceeds its 3 bytes"});
  expect_error([&] { w.write("s", "a", 1); }, Status::invalid_argument, {"undeclared tensor 's'"});
  expect_error([&] { w.begin(); }, Status::invalid_argument, {"begin is not allowed"});
  w.write("t", "abc", 3);
  w.commit();
  expect_error([&] { w.commit(); }, Status::invalid_argument, {"committed"});
  BOOST_TEST(st::Reader::open(d / "m.safetensors").at("t").nbytes == 3u);
}

BOOST_AUTO_TEST_CASE(existing_output_is_kept_unless_overwrite_is_requested) {
  TempDir d;
  iotest::write_text(d / "m.safetensors", "old");
  {
    st::Writer w(d / "m.safetensors");
    w.declare("t", "U8", {1});
    expect_error([&] { w.begin(); }, Status::invalid_argument, {"m.safetensors", "already exists"});
  }
  BOOST_TEST(iotest::read_file(d / "m.safetensors").size() == 3u);
  st::WriterOptions o;
  o.overwrite = true;
  st::Writer w(d / "m.safetensors", o);
  w.declare("t", "U8", {1});
  w.begin();
  w.write("t", "x", 1);
  w.commit();
  BOOST_TEST(st::Reader::open(d / "m.safetensors").tensors().size() == 1u);
  BOOST_TEST(no_temporaries(d.path));
}

BOOST_AUTO_TEST_CASE(missing_parent_directory_is_an_io_error) {
  TempDir d;
  st::Writer w(d / "no/such/m.safetensors");
  w.declare("t", "U8", {1});
  expect_error([&] { w.begin(); }, Status::io, {"parent directory", "does not exist"});
}

BOOST_AUTO_TEST_CASE(large_models_are_sharded_into_a_directory_with_an_index) {
  TempDir d;
  st::WriterOptions o;
  o.max_shard_bytes = 64;  // z.weight (128 bytes) alone in its shard; the rest grouped by name order
  {
    st::Writer w(d / "out", o);
    w.set_metadata("arrowquant.format", "1");
    w.set_metadata("note", "line\nbreak \"quoted\" \\ ünï");
    for (const auto& s : kSpecs) w.declare(s.name, s.dtype, s.shape);
    w.set_tensor_metadata("z.weight", "z.weight.info", R"({"bits":4})");
    w.begin();
    BOOST_TEST(w.sharded());
    for (std::size_t i = 0; i < kSpecs.size(); ++i) {
      const auto b = data_of(i);
      w.write(kSpecs[i].name, b.data(), b.size());
    }
    w.commit();
    const auto files = w.output_files();
    BOOST_TEST(files.back() == d / "out/model.safetensors.index.json");
    for (const auto& f : files) BOOST_TEST(iotest::exists(f), f);
  }
  const auto names = TempDir::list(d / "out");
  BOOST_TEST_REQUIRE(names.size() >= 4u);
  BOOST_TEST(names.front() == "model-00001-of-0000" + std::to_string(names.size() - 1) + ".safetensors");
  BOOST_TEST(names.back() == "model.safetensors.index.json");
  BOOST_TEST(no_temporaries(d.path));

  const st::Reader r = st::Reader::open(d / "out");
  BOOST_TEST(r.sharded());
  check_model(r);
  const auto idx = st::parse_index(
      std::string(reinterpret_cast<const char*>(iotest::read_file(d / "out/model.safetensors.index.json").data()),
                  iotest::read_file(d / "out/model.safetensors.index.json").size()),
      "index");
  uint64_t total = 0;
  for (const auto& s : kSpecs) total += s.bytes;
  BOOST_TEST(idx.total_size == total);
  BOOST_TEST(idx.weight_map.size() == kSpecs.size());
  // every shard: data within the limit unless one tensor alone is larger; global metadata everywhere, tensor
  // metadata only next to its tensor
  for (const auto& shard : idx.shards) {
    const st::Reader s = st::Reader::open(d / ("out/" + shard));
    BOOST_TEST((s.total_tensor_bytes() <= 64u || s.tensors().size() == 1u), shard);
    BOOST_TEST(s.metadata().at("arrowquant.format") == "1");
    const bool has_z = s.find("z.weight") != nullptr;
    BOOST_TEST(s.metadata().count("z.weight.info") == (has_z ? 1u : 0u), shard);
  }
}

BOOST_AUTO_TEST_CASE(sharding_limit_above_the_model_size_gives_one_file) {
  TempDir d;
  st::WriterOptions o;
  o.max_shard_bytes = 1u << 20;
  write_model(d / "m.safetensors", iota(kSpecs.size()), iota(kSpecs.size()), 64, o);
  BOOST_TEST(!st::Reader::open(d / "m.safetensors").sharded());
}

BOOST_AUTO_TEST_CASE(a_sharded_output_replaces_an_existing_file_and_vice_versa_when_asked) {
  TempDir d;
  st::WriterOptions o;
  o.overwrite = true;
  o.max_shard_bytes = 64;
  iotest::write_text(d / "out", "a plain file in the way");
  write_model(d / "out", iota(kSpecs.size()), iota(kSpecs.size()), 1u << 20, o);
  BOOST_TEST(st::Reader::open(d / "out").sharded());
  o.max_shard_bytes = 0;
  write_model(d / "out", iota(kSpecs.size()), iota(kSpecs.size()), 1u << 20, o);
  const st::Reader r = st::Reader::open(d / "out");
  BOOST_TEST(!r.sharded());
  check_model(r);
  BOOST_TEST(no_temporaries(d.path));
}

BOOST_AUTO_TEST_CASE(zero_size_tensors_only_and_no_tensors_at_all) {
  TempDir d;
  {
    st::Writer w(d / "e.safetensors");
    w.declare("e", "BF16", {0});
    w.begin();
    w.commit();
  }
  BOOST_TEST(st::Reader::open(d / "e.safetensors").at("e").nbytes == 0u);
  {
    st::Writer w(d / "n.safetensors");
    w.begin();
    w.commit();
  }
  BOOST_TEST(st::Reader::open(d / "n.safetensors").tensors().empty());
  BOOST_TEST(iotest::read_file(d / "n.safetensors").size() == 16u);  // length + "{}" padded to 8
}

#ifdef AQ_FAULT_INJECTION
constexpr bool kFaults = true;
#else
constexpr bool kFaults = false;
#endif

namespace {
struct FaultEnv {
  FaultEnv(const char* after, const char* err) {
    ::setenv("AQ_FAULT_WRITE_AFTER_BYTES", after, 1);
    ::setenv("AQ_FAULT_ERRNO", err, 1);
  }
  ~FaultEnv() {
    ::unsetenv("AQ_FAULT_WRITE_AFTER_BYTES");
    ::unsetenv("AQ_FAULT_ERRNO");
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(injected_write_faults_leave_no_output_and_no_temporary,
                     *boost::unit_test::enable_if<kFaults>()) {
  for (uint64_t shard : {uint64_t(0), uint64_t(64)}) {
    st::WriterOptions o;
    o.max_shard_bytes = shard;
    uint64_t total = 0;  // bytes of a complete output: faults below cut it in the header, the data, the index
    {
      TempDir ok;
      write_model(ok / "out", iota(kSpecs.size()), iota(kSpecs.size()), 16, o);
      const auto r = st::Reader::open(ok / "out");
      for (const auto& f : r.files()) total += iotest::read_file(f).size();
      if (r.sharded()) total += iotest::read_file(ok / "out/model.safetensors.index.json").size();
    }
    for (const char* err : {"ENOSPC", "EIO"}) {
      for (uint64_t after : {uint64_t(0), uint64_t(7), total / 2, total - 100, total - 1}) {
        TempDir d;
        FaultEnv env(std::to_string(after).c_str(), err);
        const std::string msg = expect_error(
            [&] { write_model(d / "out", iota(kSpecs.size()), iota(kSpecs.size()), 16, o); }, Status::io,
            {"out", "injected fault", std::strcmp(err, "EIO") == 0 ? "Input/output error" : "No space left"});
        BOOST_TEST(TempDir::list(d.path).empty(), "after " << after << " " << err << " shard " << shard << ": " << msg);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(fault_limit_beyond_the_output_size_changes_nothing, *boost::unit_test::enable_if<kFaults>()) {
  TempDir d;
  FaultEnv env("100000000", "ENOSPC");
  write_model(d / "m.safetensors", iota(kSpecs.size()), iota(kSpecs.size()), 16);
  check_model(st::Reader::open(d / "m.safetensors"));
}
