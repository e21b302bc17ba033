// Directed rounding to binary16 values, computed in binary32 without going through the 16-bit encoding: the
// same values as f16_to_f32(f32_to_f16_down/up(x)) (arrowquant/fp16.hpp), several times cheaper, so the rtn
// parameters of a group cost a few instructions. x * 2^k, its floor/ceil and the scaling back are all exact, with
// 2^-k the spacing of binary16 values at |x| (2^-24 below the normal range).
#pragma once
#include <cmath>
#include <cstdint>

#include "arrowquant/fp16.hpp"

namespace aq::kernels {

// 2^k for the binary16 spacing at x (|x| <= 65504 finite): k = 24 below 2^-14, else 10 - exponent(x).
inline int f16_quantum_exp(float x) {
  const int e = static_cast<int>((f32_bits(x) >> 23) & 0xFFu) - 127;  // exponent of a normal binary32
  return e < -14 ? 24 : 10 - e;
}
inline float pow2f(int k) { return f32_from_bits(static_cast<uint32_t>(k + 127) << 23); }  // |k| <= 126

// Largest binary16 value <= x (x finite, |x| <= 65504).
inline float f16_round_down(float x) {
  const int k = f16_quantum_exp(x);
  return std::floor(x * pow2f(k)) * pow2f(-k);
}
// Smallest binary16 value >= x (x finite, x >= -65504); +infinity above 65504.
inline float f16_round_up(float x) {
  if (x > 65504.0f) return HUGE_VALF;
  const int k = f16_quantum_exp(x);
  return std::ceil(x * pow2f(k)) * pow2f(-k);
}

// Nearest binary16 value (ties to even) of x (x finite); +-infinity where binary16 overflows (|x| >= 65520).
// The 1.5 * 2^23 addition rounds |x * 2^k| < 2^11 to an integer, ties to even.
inline float f16_round_nearest(float x) {
  if (std::fabs(x) >= 65520.0f) return x > 0.0f ? HUGE_VALF : -HUGE_VALF;
  const int k = f16_quantum_exp(x);
  const float t = x * pow2f(k);
  const float r = (t + 12582912.0f) - 12582912.0f;
  return (r == 0.0f ? 0.0f * x : r) * pow2f(-k);  // a zero keeps the sign of x, as the 16-bit conversion does
}

// The binary16 encoding of a binary16 value given as binary32 (finite, exactly representable).
inline uint16_t f16_bits_of(float v) {
  const uint32_t u = f32_bits(v);
  const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  const uint32_t absu = u & 0x7FFFFFFFu;
  if (absu < 0x38800000u) return static_cast<uint16_t>(sign | static_cast<uint16_t>(f32_from_bits(absu) * 16777216.0f));
  return static_cast<uint16_t>(sign | (((absu >> 23) - 112u) << 10) | ((absu >> 13) & 0x3FFu));
}

}  // namespace aq::kernels
