// Canonical bit packing of codes and hierarchical sub-parameters (docs/format.md). Scalar and independent of the
// SIMD target: the stored bytes are the same on every CPU.
#pragma once
#include <cstdint>

namespace aq::detail {

// INT4 element 2k in bits 0-3, 2k+1 in bits 4-7; INT2 element 4k+j in bits 2j..2j+1; INT8 one byte per element.
void pack_codes(const uint8_t* codes, uint64_t n, int bits, uint8_t* out);
void unpack_codes(const uint8_t* packed, uint64_t n, int bits, uint8_t* codes);

// Hierarchical sub-parameter codes of one super-block: `count` values of `bits` bits, value k in bits
// bits*k .. bits*k+bits-1 of the little-endian bit stream (the n scales first, then the n offsets);
// out_bytes = ceil(count * bits / 8).
void pack_sub_params(const uint8_t* values, int count, int bits, uint8_t* out, uint64_t out_bytes);
void unpack_sub_params(const uint8_t* in, int count, int bits, uint8_t* values);

}  // namespace aq::detail
