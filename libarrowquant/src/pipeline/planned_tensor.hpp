// A planned tensor's weights as the quantizer reads them, and the one call that quantizes them (used by the size
// plan, the quantize stage with its fallback, and the second pass of a streaming write).
#pragma once
#include <cstdint>
#include <vector>

#include "arrowquant/quantize.hpp"
#include "arrowquant/safetensors.hpp"
#include "io/direct_reader.hpp"
#include "pipeline/layer_plan.hpp"

namespace aq::pipeline {

// The tensor's bytes in the mapping, or an aligned copy when the mapping is not aligned for the element type.
// With a DirectReader, a tensor of kDirectReadMin bytes or more whose pages are mostly not in the page cache is
// read with O_DIRECT into the reader's reused buffer instead (valid until the reader's next read).
constexpr uint64_t kDirectReadMin = uint64_t(8) << 20;

class TensorWeights {
 public:
  TensorWeights(const st::Reader& reader, const st::TensorInfo& tensor, io::DirectReader* direct = nullptr);
  const void* data() const { return data_; }

 private:
  std::vector<uint8_t> copy_;
  const uint8_t* data_;
};

// The planned tensor (p.rows x p.cols) quantized with `spec`; errors propagate unchanged.
QuantizedTensor quantize_planned(const TensorWeights& weights, const LayerPlan& p, const QuantSpec& spec,
                                 int num_threads);
// The same into q, reusing its buffers (aq::quantize_into).
void quantize_planned_into(QuantizedTensor& q, const TensorWeights& weights, const LayerPlan& p,
                           const QuantSpec& spec, int num_threads);

}  // namespace aq::pipeline
