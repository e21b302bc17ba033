// Fuzz target: the safetensors header and tensor table (st::parse_header, a pure function of the file bytes).
// Invariants checked on every accepted input: tensors sorted by unique name, each tensor's bytes lie inside the
// file after the header, sizes agree with dtype x shape, and the tensors tile the data section exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "arrowquant/safetensors.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace st = aq::st;
  st::Header h;
  try {
    h = st::parse_header(data, size, "fuzz.safetensors");
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() == aq::Status::format || e.status() == aq::Status::unsupported, "status %d: %s",
               int(e.status()), e.what());
    return 0;
  }
  FUZZ_CHECK(h.data_start == 8 + h.header_bytes && h.data_start <= size, "data_start %llu, size %zu",
             (unsigned long long)h.data_start, size);
  uint64_t covered = 0;
  for (std::size_t i = 0; i < h.tensors.size(); ++i) {
    const st::TensorInfo& t = h.tensors[i];
    if (i) FUZZ_CHECK(h.tensors[i - 1].name < t.name, "tensors not sorted by unique name");
    FUZZ_CHECK(!t.name.empty() && t.name.size() <= st::kMaxNameBytes, "bad name length %zu", t.name.size());
    FUZZ_CHECK(t.shape.size() <= st::kMaxRank, "rank %zu", t.shape.size());
    uint64_t numel = 1;
    for (uint64_t d : t.shape) numel *= d;  // checked below against nbytes, which the parser bounded
    FUZZ_CHECK(numel == t.numel, "numel");
    FUZZ_CHECK(t.nbytes == st::tensor_bytes(t.dtype, t.shape, "check"), "nbytes");
    FUZZ_CHECK(t.file_offset == h.data_start + t.begin, "file_offset");
    FUZZ_CHECK(t.file_offset <= size && t.nbytes <= size - t.file_offset, "tensor %s outside the file",
               t.name.c_str());
    covered += t.nbytes;
  }
  FUZZ_CHECK(covered == size - h.data_start, "tensors cover %llu of %llu data bytes", (unsigned long long)covered,
             (unsigned long long)(size - h.data_start));
  return 0;
}
