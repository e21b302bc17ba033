// Scalar IEEE binary16 / bfloat16 conversions with explicit rounding, identical on every CPU.
// (Highway 1.0.3's F32->F16 DemoteTo rounds differently per target, so parameters never go through it.)
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace aq {

inline uint32_t f32_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float f32_from_bits(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t man = h & 0x3FFu;
  if (exp == 0) {
    if (man == 0) return f32_from_bits(sign);
    // subnormal: value = man * 2^-24, exact in binary32
    float v = float(man) * 5.9604644775390625e-08f;
    return sign ? -v : v;
  }
  if (exp == 31) return f32_from_bits(sign | 0x7F800000u | (man << 13));
  return f32_from_bits(sign | ((exp + 112u) << 23) | (man << 13));
}

// Round to nearest, ties to even; overflow gives infinity.
inline uint16_t f32_to_f16(float f) {
  const uint32_t u = f32_bits(f);
  const uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  const uint32_t absu = u & 0x7FFFFFFFu;
  if (absu >= 0x7F800000u) return uint16_t(sign | (absu > 0x7F800000u ? 0x7E00u : 0x7C00u));
  if (absu >= 0x477FF000u) return uint16_t(sign | 0x7C00u);  // rounds to >= 65520 -> inf
  if (absu < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    // value * 2^24 rounded to nearest even integer gives the subnormal mantissa
    const float scaled = f32_from_bits(absu) * 16777216.0f;  // exact (power of two)
    const float r = std::nearbyint(scaled);                   // default mode: ties to even
    return uint16_t(sign | uint16_t(r));
  }
  uint32_t mant = absu & 0x7FFFFFu;
  uint32_t exp = (absu >> 23) - 112u;
  uint32_t h = (exp << 10) | (mant >> 13);
  const uint32_t rest = mant & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // carry into exponent is correct rounding
  return uint16_t(sign | h);
}

// Next representable half toward +inf / -inf (h finite).
inline uint16_t f16_next_up(uint16_t h) {
  if (h == 0x8000u) return 0x0001u;
  return (h & 0x8000u) ? uint16_t(h - 1) : uint16_t(h + 1);
}
inline uint16_t f16_next_down(uint16_t h) {
  if (h == 0x0000u) return 0x8001u;
  return (h & 0x8000u) ? uint16_t(h + 1) : uint16_t(h - 1);
}
// Largest half <= f, smallest half >= f (f finite and within the half range).
inline uint16_t f32_to_f16_down(float f) {
  uint16_t h = f32_to_f16(f);
  if (f16_to_f32(h) > f) h = f16_next_down(h);
  return h;
}
inline uint16_t f32_to_f16_up(float f) {
  uint16_t h = f32_to_f16(f);
  if (f16_to_f32(h) < f) h = f16_next_up(h);
  return h;
}
inline bool f16_bits_finite(uint16_t h) { return (h & 0x7C00u) != 0x7C00u; }

inline float bf16_to_f32(uint16_t b) { return f32_from_bits(uint32_t(b) << 16); }
inline uint16_t f32_to_bf16(float f) {  // nearest even; NaN stays NaN
  uint32_t u = f32_bits(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((u >> 16) | 0x40u);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}
inline bool bf16_bits_finite(uint16_t b) { return (b & 0x7F80u) != 0x7F80u; }

}  // namespace aq
