// Fuzz target: the quantized-model reader (ModelView::open, tensor_info_json, info_json, elements, and read of
// every tensor as F32, F16 and BF16), on a file written to a scratch directory.
//
// The first input byte selects how the rest is used:
//  * even: the rest is the whole file (any safetensors container, including real quantized models of the
//    fuzz corpus, whose headers and parts the mutator then changes);
//  * odd: structured mode, which keeps the container valid so that the fuzzer reaches the quantized-tensor
//    decoder (read_quantized / from_parts): the rest is `META \0 counts[5] flags payload`, where META becomes
//    the arrowquant.tensor.w metadata JSON, counts (u16 LE) size the parts w.qweight (U8), w.scales and
//    w.offsets (F16, or F32 with flags bit 0), w.super (F16) and w.subparams (U8), flags bits 1..5 drop a part,
//    bit 6 changes arrowquant.format, and the payload fills the data section cyclically.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "fuzz_util.hpp"

namespace {

// Largest tensor the harness itself allocates an output buffer for (elements); the reader bounds elements by the
// file size anyway (codes bytes x 8 / bits), so this only keeps the harness fast.
constexpr uint64_t kMaxReadElements = uint64_t(1) << 22;

std::vector<uint8_t> structured_file(const uint8_t* data, size_t size) {
  const uint8_t* end = data + size;
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const uint8_t* p = nul ? nul + 1 : end;
  const std::string meta(reinterpret_cast<const char*>(data), size_t((nul ? nul : end) - data));
  uint64_t counts[5] = {0, 0, 0, 0, 0};
  for (auto& c : counts) {
    if (end - p >= 2) {
      c = uint64_t(p[0]) | uint64_t(p[1]) << 8;
      p += 2;
    }
  }
  const uint8_t flags = p < end ? *p++ : 0;
  const bool f32 = flags & 1;
  struct Part {
    const char* suffix;
    const char* dtype;
    uint64_t elem_bytes;
  };
  const Part parts[5] = {{".offsets", f32 ? "F32" : "F16", f32 ? 4u : 2u},
                         {".qweight", "U8", 1},
                         {".scales", f32 ? "F32" : "F16", f32 ? 4u : 2u},
                         {".subparams", "U8", 1},
                         {".super", "F16", 2}};
  const int count_of[5] = {2, 0, 1, 4, 3};  // counts[] order: qweight, scales, offsets, super, subparams
  std::string header = "{\"__metadata__\":{\"arrowquant.format\":";
  header += (flags & 64) ? "\"2\"" : "\"1\"";
  header += ",\"arrowquant.tensor.w\":" + aq::json::quote(meta) + "}";
  uint64_t offset = 0;
  for (int i = 0; i < 5; ++i) {
    if (flags & (2 << count_of[i])) continue;  // part dropped
    const uint64_t n = counts[count_of[i]];
    const uint64_t bytes = n * parts[i].elem_bytes;
    header += ",\"w" + std::string(parts[i].suffix) + "\":{\"dtype\":\"" + parts[i].dtype + "\",\"shape\":[" +
              std::to_string(n) + "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  std::vector<uint8_t> file(8 + header.size() + offset);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) file[i] = uint8_t(n >> (8 * i));
  std::memcpy(file.data() + 8, header.data(), header.size());
  const size_t payload = size_t(end - p);
  for (uint64_t i = 0; i < offset; ++i) file[8 + header.size() + i] = payload ? p[i % payload] : 0;
  return file;
}

void exercise(const aq::ModelView& v) {
  try {
    (void)v.info_json();
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() != aq::Status::internal, "internal error: %s", e.what());
  }
  std::vector<uint8_t> buf;
  for (const auto& name : v.names()) {
    try {
      (void)v.tensor_info_json(name);
      const uint64_t e = v.elements(name);
      if (e > kMaxReadElements) continue;
      for (aq::DType dt : {aq::DType::f32, aq::DType::f16, aq::DType::bf16}) {
        buf.assign(e * aq::dtype_size(dt), 0);
        // A zero-size tensor is read with dst == NULL (what an empty std::vector gives): valid, nothing written.
        void* dst = buf.empty() ? nullptr : static_cast<void*>(buf.data());
        v.read(name, dt, dst, buf.size());
      }
      // A too-small destination must be refused, never overrun.
      if (e > 0) {
        buf.assign(e * 4 - 1, 0);
        bool refused = false;
        try {
          v.read(name, aq::DType::f32, buf.data(), buf.size());
        } catch (const aq::Error& err) {
          refused = err.status() == aq::Status::invalid_argument;
        }
        FUZZ_CHECK(refused, "read of %s into %zu bytes was not refused", name.c_str(), buf.size());
      }
    } catch (const aq::Error& e) {
      FUZZ_CHECK(e.status() != aq::Status::internal, "internal error: %s", e.what());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string path;
  if (data[0] & 1) {
    const std::vector<uint8_t> file = structured_file(data + 1, size - 1);
    path = aqfuzz::write_scratch("model.safetensors", file.data(), file.size());
  } else {
    path = aqfuzz::write_scratch("model.safetensors", data + 1, size - 1);
  }
  try {
    aq::ModelView v = aq::ModelView::open(path);
    exercise(v);
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() != aq::Status::internal, "internal error: %s", e.what());
  }
  return 0;
}
