#include "pipeline/planned_tensor.hpp"

namespace aq::pipeline {

namespace {
DType to_dtype(st::DType d) {
  switch (d) {
    case st::DType::F16: return DType::f16;
    case st::DType::BF16: return DType::bf16;
    default: return DType::f32;
  }
}
}  // namespace

TensorWeights::TensorWeights(const st::Reader& reader, const st::TensorInfo& tensor, io::DirectReader* direct) {
  if (direct && tensor.nbytes >= kDirectReadMin) {
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
