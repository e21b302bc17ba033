#include "pipeline/planned_tensor.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace aq::pipeline {

namespace {
DType to_dtype(st::DType d) {
  switch (d) {
    case st::DType::F16: return DType::f16;
    case st::DType::BF16: return DType::bf16;
    default: return DType::f32;
  }
}
// Whether most pages of [p, p + n) of the mapping are in the page cache (mincore: nothing is read or faulted).
// A cached input is read from memory through the mapping; O_DIRECT would go to the disk instead.
bool mostly_cached(const uint8_t* p, uint64_t n) {
  const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
  const uintptr_t first = reinterpret_cast<uintptr_t>(p) / page * page;
  const uint64_t len = reinterpret_cast<uintptr_t>(p) + n - first;
  std::vector<unsigned char> v((len + page - 1) / page);
  if (::mincore(reinterpret_cast<void*>(first), len, v.data()) != 0) return true;
  uint64_t resident = 0;
  for (unsigned char c : v) resident += c & 1u;
  return 2 * resident >= v.size();
}

}  // namespace

TensorWeights::TensorWeights(const st::Reader& reader, const st::TensorInfo& tensor, io::DirectReader* direct) {
  if (direct && tensor.nbytes >= kDirectReadMin && !mostly_cached(reader.data(tensor), tensor.nbytes)) {
    const uint8_t* p = direct->read(reader.files().at(tensor.file), tensor.file_offset, tensor.nbytes);
    if (p && reinterpret_cast<uintptr_t>(p) % 4 == 0) {
      data_ = p;
      return;
    }
  }
  data_ = reader.data(tensor);
  if (reinterpret_cast<uintptr_t>(data_) % 4 != 0) {
    copy_.assign(data_, data_ + tensor.nbytes);
    data_ = copy_.data();
  }
}

QuantizedTensor quantize_planned(const TensorWeights& weights, const LayerPlan& p, const QuantSpec& spec,
                                 int num_threads) {
  return quantize(weights.data(), to_dtype(p.tensor->dtype), p.rows, p.cols, spec, num_threads);
}

void quantize_planned_into(QuantizedTensor& q, const TensorWeights& weights, const LayerPlan& p,
                           const QuantSpec& spec, int num_threads) {
  quantize_into(q, weights.data(), to_dtype(p.tensor->dtype), p.rows, p.cols, spec, num_threads);
}

}  // namespace aq::pipeline
