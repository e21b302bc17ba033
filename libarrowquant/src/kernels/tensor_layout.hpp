// The layout of a quantized tensor (groups per row, super-blocks, packed row bytes) from its shape and spec,
// shared by the quantizer and by from_parts(), which rebuilds a tensor from stored bytes.
#pragma once
#include <cstdint>

#include "arrowquant/quantize.hpp"

namespace aq::detail {

// rows and cols positive, rows*cols at most 2^40 (invalid_argument otherwise).
void check_shape(uint64_t rows, uint64_t cols);
// Sets q's shape, spec and layout fields; spec.format must be resolved (flat or hierarchical).
void init_layout(QuantizedTensor& q, uint64_t rows, uint64_t cols, const QuantSpec& spec);

}  // namespace aq::detail
