// Canonical bit packing (kernels/packing.hpp) and the packed size of a row.
#include "kernels/packing.hpp"

#include <cstring>

#include "arrowquant/quantize.hpp"

namespace aq {

uint64_t packed_row_bytes(uint64_t cols, int bits) { return (cols * static_cast<uint64_t>(bits) + 7) / 8; }

namespace detail {

void pack_codes(const uint8_t* c, uint64_t n, int bits, uint8_t* out) {
  if (bits == 8) {
    std::memcpy(out, c, n);
  } else if (bits == 4) {
    const uint64_t full = n / 2;
    for (uint64_t k = 0; k < full; ++k) out[k] = static_cast<uint8_t>(c[2 * k] | (c[2 * k + 1] << 4));
    if (n & 1) out[full] = c[n - 1];
  } else {
    const uint64_t full = n / 4;
    for (uint64_t k = 0; k < full; ++k)
      out[k] = static_cast<uint8_t>(c[4 * k] | (c[4 * k + 1] << 2) | (c[4 * k + 2] << 4) | (c[4 * k + 3] << 6));
    if (n & 3) {
      uint8_t b = 0;
      for (uint64_t j = 0; j < (n & 3); ++j) b = static_cast<uint8_t>(b | (c[4 * full + j] << (2 * j)));
      out[full] = b;
    }
  }
}

void unpack_codes(const uint8_t* packed, uint64_t n, int bits, uint8_t* c) {
  if (bits == 8) {
    std::memcpy(c, packed, n);
  } else if (bits == 4) {
    for (uint64_t i = 0; i < n; ++i) c[i] = static_cast<uint8_t>((packed[i >> 1] >> ((i & 1) * 4)) & 0xF);
  } else {
    for (uint64_t i = 0; i < n; ++i) c[i] = static_cast<uint8_t>((packed[i >> 2] >> ((i & 3) * 2)) & 0x3);
  }
}

void pack_sub_params(const uint8_t* v, int count, int bits, uint8_t* out, uint64_t out_bytes) {
  std::memset(out, 0, out_bytes);
  const uint32_t mask = (1u << bits) - 1u;
  for (int k = 0; k < count; ++k) {
    const int bit = bits * k;
    const uint32_t val = (v[k] & mask) << (bit & 7);  // at most 13 bits: spans two bytes
    out[bit >> 3] = static_cast<uint8_t>(out[bit >> 3] | (val & 0xFF));
    if ((val >> 8) != 0) out[(bit >> 3) + 1] = static_cast<uint8_t>(out[(bit >> 3) + 1] | (val >> 8));
  }
}

void unpack_sub_params(const uint8_t* in, int count, int bits, uint8_t* v) {
  const uint32_t mask = (1u << bits) - 1u;
  const int total_bytes = (count * bits + 7) / 8;
  for (int k = 0; k < count; ++k) {
    const int bit = bits * k;
    uint32_t word = in[bit >> 3];
    if ((bit >> 3) + 1 < total_bytes) word |= static_cast<uint32_t>(in[(bit >> 3) + 1]) << 8;
    v[k] = static_cast<uint8_t>((word >> (bit & 7)) & mask);
  }
}

}  // namespace detail
}  // namespace aq
