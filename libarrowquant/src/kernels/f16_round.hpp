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

}  // namespace aq::kernels
