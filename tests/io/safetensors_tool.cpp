// Test helper for the Python interoperability test (python_interop.py), not a user tool:
//   aq_io_safetensors_tool dump PATH             -> JSON: metadata and every tensor (dtype, shape, FNV-1a of bytes)
//   aq_io_safetensors_tool write PATH [SHARD_B]  -> writes the fixed sample model with our writer
// Exit status 0 on success; on failure the message and the status number on stderr, exit 1.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "arrowquant/json_util.hpp"
#include "arrowquant/safetensors.hpp"

namespace st = aq::st;
namespace bj = boost::json;

namespace {

uint64_t fnv1a(const uint8_t* p, uint64_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

int dump(const std::string& path) {
  const st::Reader r = st::Reader::open(path);
  bj::object out;
  bj::object md;
  for (const auto& kv : r.metadata()) md[kv.first] = kv.second;
  out["metadata"] = std::move(md);
  out["sharded"] = r.sharded();
  bj::array ts;
  for (const auto& t : r.tensors()) {
    bj::object o;
    o["name"] = t.name;
    o["dtype"] = st::dtype_name(t.dtype);
    bj::array shape;
    for (uint64_t d : t.shape) shape.emplace_back(d);
    o["shape"] = std::move(shape);
    o["nbytes"] = t.nbytes;
    // Through both paths: the zero-copy view and pread must agree.
    std::vector<uint8_t> buf(t.nbytes);
    r.read(t, 0, buf.data(), t.nbytes);
    const uint64_t h = fnv1a(buf.data(), t.nbytes);
    if (t.nbytes && fnv1a(r.data(t), t.nbytes) != h) {
      std::fprintf(stderr, "view and pread differ for %s\n", t.name.c_str());
      return 1;
    }
    r.release(t);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    o["fnv1a64"] = hex;
    ts.emplace_back(std::move(o));
  }
  out["tensors"] = std::move(ts);
  std::fputs(aq::json::to_text(out).c_str(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

// The sample model. python_interop.py holds the same table and the same byte rule (independently written).
struct Sample {
  const char* name;
  const char* dtype;
  std::vector<uint64_t> shape;
};
const std::vector<Sample> kSample = {
    {"a.weight", "F32", {3, 4}},  {"b.bias", "F16", {5}},          {"c.bf16", "BF16", {2, 3}},
    {"d.f64", "F64", {2}},        {"e.position_ids", "I64", {1, 7}}, {"f.i32", "I32", {3}},
    {"g.i16", "I16", {3}},        {"h.i8", "I8", {4}},             {"i.u8", "U8", {4}},
    {"j.bool", "BOOL", {3}},      {"k.u16", "U16", {2}},           {"l.u32", "U32", {2}},
    {"m.u64", "U64", {2}},        {"n.empty", "F32", {0, 3}},      {"o.scalar", "F32", {}},
    {"p.f8", "F8_E4M3", {4}},     {"q.big", "F32", {64, 64}},      {"\xc3\xbc.unicode", "F32", {2}},
};

std::vector<uint8_t> sample_bytes(std::size_t k, uint64_t n, bool boolean) {
  std::vector<uint8_t> v(n);
  for (uint64_t j = 0; j < n; ++j) v[j] = boolean ? uint8_t(j % 2) : uint8_t((j * 7 + k * 13 + 1) % 251);
  return v;
}

int write(const std::string& path, uint64_t shard_bytes) {
  st::WriterOptions o;
  o.max_shard_bytes = shard_bytes;
  st::Writer w(path, o);
  w.set_metadata(st::kFormatKey, st::kFormatVersion);
  w.set_metadata(st::kVersionKey, "0.1.0");
  w.set_metadata("note", "quote \" backslash \\ newline \n \xc3\xbc" "n\xc3\xaf" "code");
  for (const auto& s : kSample) w.declare(s.name, s.dtype, s.shape);
  w.set_tensor_metadata("q.big", "q.big.info", R"({"bits":4,"format":"flat"})");
  w.begin();
  // Write in reverse order and in chunks: the layout must not depend on it.
  for (std::size_t k = kSample.size(); k-- > 0;) {
    st::DType d;
    st::lookup_dtype(kSample[k].dtype, &d);
    const auto bytes = sample_bytes(k, st::tensor_bytes(d, kSample[k].shape, kSample[k].name), d == st::DType::BOOL);
    for (std::size_t off = 0; off < bytes.size(); off += 1000)
      w.write(kSample[k].name, bytes.data() + off, std::min<std::size_t>(1000, bytes.size() - off));
  }
  w.commit();
  return 0;
}

// The streaming layout (a reserved header, tensors declared after begin() in reverse name order, so the data
// section is not in name order), written through O_DIRECT where the file system takes it.
int write_streamed(const std::string& path) {
  st::WriterOptions o;
  o.header_reserve = 4096;
  o.io_mode = aq::IoMode::direct;
  st::Writer w(path, o);
  w.begin();
  for (std::size_t k = kSample.size(); k-- > 0;) {
    st::DType d;
    st::lookup_dtype(kSample[k].dtype, &d);
    w.declare(kSample[k].name, d, kSample[k].shape);
    const auto bytes = sample_bytes(k, st::tensor_bytes(d, kSample[k].shape, kSample[k].name), d == st::DType::BOOL);
    w.write(kSample[k].name, bytes.data(), bytes.size());
  }
  w.set_metadata(st::kFormatKey, st::kFormatVersion);
  w.set_metadata(st::kVersionKey, "0.1.0");
  w.set_metadata("note", "quote \" backslash \\ newline \n \xc3\xbc" "n\xc3\xaf" "code");
  w.set_tensor_metadata("q.big", "q.big.info", R"({"bits":4,"format":"flat"})");
  w.commit();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 3 && std::strcmp(argv[1], "dump") == 0) return dump(argv[2]);
    if (argc >= 3 && std::strcmp(argv[1], "write-streamed") == 0) return write_streamed(argv[2]);
    if (argc >= 3 && std::strcmp(argv[1], "write") == 0)
      return write(argv[2], argc >= 4 ? std::strtoull(argv[3], nullptr, 10) : 0);
    std::fprintf(stderr, "usage: %s dump PATH | write PATH [SHARD_BYTES] | write-streamed PATH\n", argv[0]);
    return 2;
  } catch (const aq::Error& e) {
    std::fprintf(stderr, "error (status %d): %s\n", int(e.status()), e.what());
    return 1;
  }
}
