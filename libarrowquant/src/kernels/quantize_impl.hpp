// Internal entry points of the tensor quantizer that take the kernel table explicitly, so tests can run the
// same driver on the Highway kernels of each target and on the scalar reference.
#pragma once
#include "arrowquant/quantize.hpp"
#include "kernels/kernels.hpp"

namespace aq::detail {

QuantizedTensor quantize_with(const kernels::Table& k, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                              const QuantSpec& spec, int num_threads);
void dequantize_with(const kernels::Table& k, const QuantizedTensor& q, DType dtype, void* dst, int num_threads);

// Canonical packing (docs/format.md): INT4 element 2k in bits 0-3, 2k+1 in bits 4-7; INT2 element 4k+j in
// bits 2j..2j+1; INT8 one byte per element.
void pack_codes(const uint8_t* codes, uint64_t n, int bits, uint8_t* out);
void unpack_codes(const uint8_t* packed, uint64_t n, int bits, uint8_t* codes);

// Hierarchical sub-parameter codes: 16 six-bit values in 12 bytes, value k in bits 6k..6k+5 of the
// little-endian bit stream (k = 0..7 group scales, 8..15 group offsets).
void pack_sub_params(const uint8_t* six_bit_values /*16*/, uint8_t* out /*12*/);
void unpack_sub_params(const uint8_t* in /*12*/, uint8_t* six_bit_values /*16*/);

}  // namespace aq::detail
