// Per-target code of the affine weight kernels (see kernels.hpp for the contract of each function).
// Included once per Highway target by affine.cpp through foreach_target.h.
#if defined(AQ_KERNELS_AFFINE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AQ_KERNELS_AFFINE_INL_H_
#undef AQ_KERNELS_AFFINE_INL_H_
#else
#define AQ_KERNELS_AFFINE_INL_H_
#endif

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "arrowquant/fp16.hpp"
#include "hwy/highway.h"
#include "kernels/f16_round.hpp"
#include "kernels/kernels.hpp"
#include "kernels/quantize_impl.hpp"
#include "kernels/search.hpp"

HWY_BEFORE_NAMESPACE();
namespace aq::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Rounding to nearest even is done with the 1.5 * 2^23 "magic number" on values already clamped to
// [0, maxq], identically in the vector body and in the scalar tails (Highway 1.0.3's scalar NearestInt rounds
// 0.49999997 up, so it is not used).
constexpr float kMagic = 12582912.0f;

static inline float ScalarCode(float x, float offset, float inv, float maxq) {
  float t = (x - offset) * inv;
  t = t > 0.0f ? t : 0.0f;
  t = t < maxq ? t : maxq;
  return (t + kMagic) - kMagic;
}

// Two accumulators per extreme (min and max are exact in any order; the sign of a zero result is fixed at the
// end). NaN is caught by "not x == x" (Highway 1.0.3's x != x is an ordered compare on AVX2/AVX-512, false for
// NaN), infinities by the extremes themselves.
HWY_INLINE bool MinMax(const float* HWY_RESTRICT x, size_t n, float* mn, float* mx) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  auto vmin0 = hn::Set(d, HUGE_VALF), vmin1 = vmin0;
  auto vmax0 = hn::Set(d, -HUGE_VALF), vmax1 = vmax0;
  auto vnan = hn::Zero(d);
  size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto v0 = hn::LoadU(d, x + i), v1 = hn::LoadU(d, x + i + N);
    vmin0 = hn::Min(vmin0, v0);
    vmin1 = hn::Min(vmin1, v1);
    vmax0 = hn::Max(vmax0, v0);
    vmax1 = hn::Max(vmax1, v1);
    vnan = hn::Or(vnan, hn::Or(hn::VecFromMask(d, hn::Not(v0 == v0)), hn::VecFromMask(d, hn::Not(v1 == v1))));
  }
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, x + i);
    vmin0 = hn::Min(vmin0, v);
    vmax0 = hn::Max(vmax0, v);
    vnan = hn::Or(vnan, hn::VecFromMask(d, hn::Not(v == v)));
  }
  float lo = hn::GetLane(hn::MinOfLanes(d, hn::Min(vmin0, vmin1)));
  float hi = hn::GetLane(hn::MaxOfLanes(d, hn::Max(vmax0, vmax1)));
  bool nan = !hn::AllFalse(d, hn::MaskFromVec(vnan));
  for (; i < n; ++i) {
    const float v = x[i];
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    nan = nan || v != v;
  }
  *mn = lo + 0.0f;  // -0 -> +0, so the sign of zero never depends on lane order
  *mx = hi + 0.0f;
  return !nan && lo != -HUGE_VALF && hi != HUGE_VALF && lo != HUGE_VALF && hi != -HUGE_VALF;
}

// K = 16 / lanes accumulators per statistic keep the 16 virtual lanes in registers for a whole group (x86
// vectors have a compile-time lane count; arrays of Highway vectors are fine on these targets).
template <size_t K, class D, class V = hn::Vec<D>>
struct VLaneAcc {
  V v[K];
  HWY_INLINE void load(D d, const float* lanes) {
    for (size_t k = 0; k < K; ++k) v[k] = hn::LoadU(d, lanes + k * hn::Lanes(d));
  }
  HWY_INLINE void store(D d, float* lanes) const {
    for (size_t k = 0; k < K; ++k) hn::StoreU(v[k], d, lanes + k * hn::Lanes(d));
  }
};

// kScaled: statistics multiplied by stat_scale; without it (stat_scale == 1, every ordinary group) the three
// multiplications by 1 are left out, which changes no bit.
template <bool kScaled>
HWY_INLINE void EncodeT(const float* HWY_RESTRICT x, size_t n, float offset, float scale, float inv, uint32_t maxq,
                        float stat_scale, uint8_t* HWY_RESTRICT codes, StatLanes* HWY_RESTRICT lanes,
                        float* max_abs) {
  using D = hn::ScalableTag<float>;
  const D d;
  const hn::Rebind<uint32_t, D> du32;
  const hn::Rebind<uint8_t, D> du8;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  static_assert(kN * K == kVLanes, "virtual lanes must be a multiple of the vector length");
  const size_t N = hn::Lanes(d);
  const auto voff = hn::Set(d, offset);
  const auto vsc = hn::Set(d, scale);
  const auto vinv = hn::Set(d, inv);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto vzero = hn::Zero(d);
  const auto vmagic = hn::Set(d, kMagic);
  const auto vlow = hn::Set(du32, 0xFFu);
  const auto vss = hn::Set(d, stat_scale);
  auto vmaxabs = hn::Zero(d);
  VLaneAcc<K, D> sse, energy, recon, dot;
  sse.load(d, lanes->sse);
  energy.load(d, lanes->energy);
  recon.load(d, lanes->recon);
  dot.load(d, lanes->dot);
  size_t i = 0;
  // Whole chunks of 16 elements: vector k of a chunk feeds accumulator k (virtual lanes k*N .. k*N+N-1).
  for (; i + kVLanes <= n && N == kN; i += kVLanes) {
    for (size_t k = 0; k < K; ++k) {
      const auto w = hn::LoadU(d, x + i + k * kN);
      auto t = hn::Mul(hn::Sub(w, voff), vinv);
      t = hn::Min(hn::Max(t, vzero), vmaxq);
      const auto tm = hn::Add(t, vmagic);  // the code in its low mantissa bits (see EncodeRunRtn)
      const auto qf = hn::Sub(tm, vmagic);
      hn::StoreU(hn::U8FromU32(hn::And(hn::BitCast(du32, tm), vlow)), du8, codes + i + k * kN);
      const auto wh = hn::Add(voff, hn::Mul(qf, vsc));
      const auto e = hn::Sub(w, wh);
      vmaxabs = hn::Max(vmaxabs, hn::Abs(e));
      const auto es = kScaled ? hn::Mul(e, vss) : e;
      const auto ws = kScaled ? hn::Mul(w, vss) : w;
      const auto whs = kScaled ? hn::Mul(wh, vss) : wh;
      sse.v[k] = hn::Add(sse.v[k], hn::Mul(es, es));
      energy.v[k] = hn::Add(energy.v[k], hn::Mul(ws, ws));
      recon.v[k] = hn::Add(recon.v[k], hn::Mul(whs, whs));
      dot.v[k] = hn::Add(dot.v[k], hn::Mul(ws, whs));
    }
  }
  sse.store(d, lanes->sse);
  energy.store(d, lanes->energy);
  recon.store(d, lanes->recon);
  dot.store(d, lanes->dot);
  float m = hn::GetLane(hn::MaxOfLanes(d, vmaxabs));
  // Tail (shorter last group, or a target whose vectors are wider than 16 lanes): scalar, same arithmetic.
  for (; i < n; ++i) {
    const float w = x[i];
    const float qf = ScalarCode(w, offset, inv, static_cast<float>(maxq));
    codes[i] = static_cast<uint8_t>(qf);
    const float wh = offset + qf * scale;
    const float e = w - wh;
    const float es = e * stat_scale, ws = w * stat_scale, whs = wh * stat_scale;
    const size_t l = i % kVLanes;
    lanes->sse[l] = lanes->sse[l] + es * es;
    lanes->energy[l] = lanes->energy[l] + ws * ws;
    lanes->recon[l] = lanes->recon[l] + whs * whs;
    lanes->dot[l] = lanes->dot[l] + ws * whs;
    const float ae = std::fabs(e);
    m = ae > m ? ae : m;
  }
  if (m > *max_abs) *max_abs = m;
}

HWY_INLINE void Encode(const float* HWY_RESTRICT x, size_t n, float offset, float scale, float inv, uint32_t maxq,
            float stat_scale, uint8_t* HWY_RESTRICT codes, StatLanes* HWY_RESTRICT lanes, float* max_abs) {
  if (stat_scale == 1.0f) {
    EncodeT<false>(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs);
  } else {
    EncodeT<true>(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs);
  }
}

void FitSumsImpl(const float* HWY_RESTRICT x, size_t n, float offset, float inv, uint32_t maxq,
                 FitSums* HWY_RESTRICT out) {
  using D = hn::ScalableTag<float>;
  const D d;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  const size_t N = hn::Lanes(d);
  const auto voff = hn::Set(d, offset);
  const auto vinv = hn::Set(d, inv);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto vzero = hn::Zero(d);
  const auto vmagic = hn::Set(d, kMagic);
  VLaneAcc<K, D> xl;
  for (size_t k = 0; k < K; ++k) xl.v[k] = hn::Zero(d);
  auto vl = hn::Zero(d);
  auto vll = hn::Zero(d);
  size_t i = 0;
  for (; i + kVLanes <= n && N == kN; i += kVLanes) {
    for (size_t k = 0; k < K; ++k) {
      const auto w = hn::LoadU(d, x + i + k * kN);
      auto t = hn::Mul(hn::Sub(w, voff), vinv);
      t = hn::Min(hn::Max(t, vzero), vmaxq);
      const auto qf = hn::Sub(hn::Add(t, vmagic), vmagic);
      vl = hn::Add(vl, qf);  // integers below 2^24: exact in any order
      vll = hn::Add(vll, hn::Mul(qf, qf));
      xl.v[k] = hn::Add(xl.v[k], hn::Mul(w, qf));
    }
  }
  xl.store(d, out->xl);
  float sl = hn::GetLane(hn::SumOfLanes(d, vl));
  float sll = hn::GetLane(hn::SumOfLanes(d, vll));
  for (; i < n; ++i) {
    const float w = x[i];
    const float qf = ScalarCode(w, offset, inv, static_cast<float>(maxq));
    sl = sl + qf;
    sll = sll + qf * qf;
    const size_t l = i % kVLanes;
    out->xl[l] = out->xl[l] + w * qf;
  }
  out->sum_l = sl;
  out->sum_ll = sll;
}

// Encode of G consecutive groups of n elements (n a multiple of 16) with statistics scale 1, the accumulators
// carried in registers from one group to the next: the same additions in the same order as G calls of Encode,
// without reloading the lanes and reducing the largest error once per group (short sub-groups of the
// hierarchical format are 16 or 32 elements, where that overhead is as large as the work).
template <class P>
HWY_INLINE void EncodeRun(const float* HWY_RESTRICT x, size_t n, size_t G, const P* eff, const float* inv,
                          uint32_t maxq, uint8_t* HWY_RESTRICT codes, StatLanes* HWY_RESTRICT lanes, float* max_abs) {
  using D = hn::ScalableTag<float>;
  const D d;
  const hn::Rebind<uint32_t, D> du32;
  const hn::Rebind<uint8_t, D> du8;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  if (hn::Lanes(d) != kN || n % kVLanes != 0) {
    for (size_t g = 0; g < G; ++g)
      EncodeT<false>(x + g * n, n, eff[g].offset, eff[g].scale, inv[g], maxq, 1.0f, codes + g * n, lanes, max_abs);
    return;
  }
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto vzero = hn::Zero(d);
  const auto vmagic = hn::Set(d, kMagic);
  const auto vlow = hn::Set(du32, 0xFFu);
  auto vmaxabs = hn::Zero(d);
  VLaneAcc<K, D> sse, energy, recon, dot;
  sse.load(d, lanes->sse);
  energy.load(d, lanes->energy);
  recon.load(d, lanes->recon);
  dot.load(d, lanes->dot);
  for (size_t g = 0; g < G; ++g) {
    const auto voff = hn::Set(d, eff[g].offset);
    const auto vsc = hn::Set(d, eff[g].scale);
    const auto vinv = hn::Set(d, inv[g]);
    const float* xg = x + g * n;
    uint8_t* cg = codes + g * n;
    for (size_t i = 0; i < n; i += kVLanes) {
      for (size_t k = 0; k < K; ++k) {
        const auto w = hn::LoadU(d, xg + i + k * kN);
        auto t = hn::Mul(hn::Sub(w, voff), vinv);
        t = hn::Min(hn::Max(t, vzero), vmaxq);
        const auto tm = hn::Add(t, vmagic);  // the code in its low mantissa bits (see EncodeRunRtn)
        const auto qf = hn::Sub(tm, vmagic);
        hn::StoreU(hn::U8FromU32(hn::And(hn::BitCast(du32, tm), vlow)), du8, cg + i + k * kN);
        const auto wh = hn::Add(voff, hn::Mul(qf, vsc));
        const auto e = hn::Sub(w, wh);
        vmaxabs = hn::Max(vmaxabs, hn::Abs(e));
        sse.v[k] = hn::Add(sse.v[k], hn::Mul(e, e));
        energy.v[k] = hn::Add(energy.v[k], hn::Mul(w, w));
        recon.v[k] = hn::Add(recon.v[k], hn::Mul(wh, wh));
        dot.v[k] = hn::Add(dot.v[k], hn::Mul(w, wh));
      }
    }
  }
  sse.store(d, lanes->sse);
  energy.store(d, lanes->energy);
  recon.store(d, lanes->recon);
  dot.store(d, lanes->dot);
  const float m = hn::GetLane(hn::MaxOfLanes(d, vmaxabs));
  if (m > *max_abs) *max_abs = m;
}

#include "kernels/search-inl.h"

void Search(const float* HWY_RESTRICT x, size_t n, float mn, float mx, uint32_t maxq, float* scale, float* offset) {
  // A lambda: a type of its own per target, so SearchGroup is instantiated here with the fit inlined.
  SearchGroup([](const float* p, size_t m, float off, float inv, uint32_t mq, FitSums* out) {
                FitSumsImpl(p, m, off, inv, mq, out);
              },
              x, n, mn, mx, maxq, scale, offset);
}

#include "kernels/search_batch-inl.h"

// Canonical packing (docs/format.md) of n codes: INT4 pairs read as 16-bit words c0 | c1 << 8 become
// (w | w >> 4) & 0xFF; INT2 quadruples read as 32-bit words become, after w |= w >> 6 and w |= w >> 12, their
// low byte. Tails as in detail::pack_codes.
void PackCodes(const uint8_t* HWY_RESTRICT c, uint64_t n, int bits, uint8_t* HWY_RESTRICT out) {
  if (bits == 8) {
    std::memcpy(out, c, n);
    return;
  }
  uint64_t i = 0;  // codes done
  if (bits == 4) {
    const hn::ScalableTag<int16_t> d16;
    const hn::Rebind<uint8_t, decltype(d16)> d8;
    const size_t N = hn::Lanes(d16);
    const auto mask = hn::Set(d16, 0xFF);
    for (; i + 2 * N <= n; i += 2 * N) {
      const auto w = hn::BitCast(d16, hn::LoadU(hn::RebindToUnsigned<decltype(d16)>(),
                                                reinterpret_cast<const uint16_t*>(c + i)));
      const auto p = hn::And(hn::Or(w, hn::ShiftRight<4>(w)), mask);
      hn::StoreU(hn::DemoteTo(d8, p), d8, out + i / 2);
    }
    for (; i + 2 <= n; i += 2) out[i / 2] = static_cast<uint8_t>(c[i] | (c[i + 1] << 4));
    if (i < n) out[i / 2] = c[i];
    return;
  }
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<uint8_t, decltype(d32)> d8;
  const size_t N = hn::Lanes(d32);
  const auto mask = hn::Set(d32, 0xFF);
  for (; i + 4 * N <= n; i += 4 * N) {
    auto w = hn::BitCast(d32, hn::LoadU(hn::RebindToUnsigned<decltype(d32)>(), reinterpret_cast<const uint32_t*>(c + i)));
    w = hn::Or(w, hn::ShiftRight<6>(w));
    w = hn::And(hn::Or(w, hn::ShiftRight<12>(w)), mask);
    hn::StoreU(hn::DemoteTo(d8, w), d8, out + i / 4);
  }
  for (; i + 4 <= n; i += 4)
    out[i / 4] = static_cast<uint8_t>(c[i] | (c[i + 1] << 2) | (c[i + 2] << 4) | (c[i + 3] << 6));
  if (i < n) {
    uint8_t b = 0;
    for (uint64_t k = 0; i + k < n; ++k) b = static_cast<uint8_t>(b | (c[i + k] << (2 * k)));
    out[i / 4] = b;
  }
}

// The primitives the row driver calls, inlined into it.
static HWY_INLINE bool RowMinMax(const float* x, size_t n, float* mn, float* mx) { return MinMax(x, n, mn, mx); }
static HWY_INLINE void RowEncode(const float* x, size_t n, float offset, float scale, float inv, uint32_t maxq,
                                 float stat_scale, uint8_t* codes, StatLanes* lanes, float* max_abs) {
  Encode(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs);
}
static HWY_INLINE void RowSearchOne(const float* x, size_t n, float mn, float mx, uint32_t maxq, float* scale,
                                    float* offset) {
  Search(x, n, mn, mx, maxq, scale, offset);
}
template <class P>
static HWY_INLINE void RowEncodeRun(const float* x, size_t n, size_t G, const P* eff, const float* inv, uint32_t maxq,
                                   uint8_t* codes, StatLanes* lanes, float* max_abs) {
  EncodeRun(x, n, G, eff, inv, maxq, codes, lanes, max_abs);
}
static HWY_INLINE void RowPack(const uint8_t* codes, uint64_t n, int bits, uint8_t* out) {
  PackCodes(codes, n, bits, out);
}

#include "kernels/super_params-inl.h"
#include "kernels/rtn_flat-inl.h"
#define AQ_ROW_SUPER_VECTOR
#define AQ_ROW_RTN_FLAT
#include "kernels/row_driver-inl.h"
#undef AQ_ROW_RTN_FLAT
#undef AQ_ROW_SUPER_VECTOR

int QuantizeRow(const RowJob& j, uint64_t r, const float* x, uint8_t* codes_row, ErrorStats* stats) {
  return RowQuantize(j, r, x, codes_row, stats);
}

void Dequant(const uint8_t* HWY_RESTRICT codes, size_t n, float offset, float scale, float* HWY_RESTRICT dst) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<int32_t, decltype(d)> di;
  const hn::Rebind<uint8_t, decltype(d)> du8;
  const size_t N = hn::Lanes(d);
  const auto voff = hn::Set(d, offset);
  const auto vsc = hn::Set(d, scale);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto q = hn::ConvertTo(d, hn::PromoteTo(di, hn::LoadU(du8, codes + i)));
    hn::StoreU(hn::Add(voff, hn::Mul(q, vsc)), d, dst + i);
  }
  for (; i < n; ++i) dst[i] = offset + static_cast<float>(codes[i]) * scale;
}

void F16ToF32(const uint16_t* HWY_RESTRICT src, size_t n, float* HWY_RESTRICT dst) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<hwy::float16_t, decltype(d)> dh;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    hn::StoreU(hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(src + i))), d, dst + i);
  }
  for (; i < n; ++i) {
    // Same exact conversion as the vector path for finite values (non-finite inputs are rejected earlier).
    const uint16_t h = src[i];
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
    float v;
    if (e == 0) {
      v = static_cast<float>(m) * 5.9604644775390625e-08f;
      uint32_t u;
      std::memcpy(&u, &v, 4);
      u |= sign;
      std::memcpy(&v, &u, 4);
    } else {
      const uint32_t u = sign | ((e + 112u) << 23) | (m << 13);
      std::memcpy(&v, &u, 4);
    }
    dst[i] = v;
  }
}

void BF16ToF32(const uint16_t* HWY_RESTRICT src, size_t n, float* HWY_RESTRICT dst) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<uint32_t, decltype(d)> du32;
  const hn::Rebind<uint16_t, decltype(d)> du16;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto wide = hn::ShiftLeft<16>(hn::PromoteTo(du32, hn::LoadU(du16, src + i)));
    hn::StoreU(hn::BitCast(d, wide), d, dst + i);
  }
  for (; i < n; ++i) {
    const uint32_t u = uint32_t(src[i]) << 16;
    std::memcpy(dst + i, &u, 4);
  }
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace aq::kernels
HWY_AFTER_NAMESPACE();

#endif  // include guard
