// Internal entry points of the tensor quantizer that take the kernel table explicitly, so tests can run the
// same driver on the Highway kernels of each target and on the scalar reference.
#pragma once
#include "arrowquant/quantize.hpp"
#include "kernels/kernels.hpp"
#include "kernels/packing.hpp"  // tests reach the packing through this header too

namespace aq::detail {

QuantizedTensor quantize_with(const kernels::Table& k, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                              const QuantSpec& spec, int num_threads);
void quantize_into_with(const kernels::Table& k, QuantizedTensor& q, const void* src, DType dtype, uint64_t rows,
                        uint64_t cols, const QuantSpec& spec, int num_threads);
void dequantize_with(const kernels::Table& k, const QuantizedTensor& q, DType dtype, void* dst, int num_threads);

}  // namespace aq::detail
