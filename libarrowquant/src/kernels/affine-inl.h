// Per-target code of the affine weight kernels (see kernels.hpp for the contract of each function).
// Included once per Highway target by affine.cpp through foreach_target.h.
#if defined(AQ_KERNELS_AFFINE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AQ_KERNELS_AFFINE_INL_H_
#undef AQ_KERNELS_AFFINE_INL_H_
#else
#define AQ_KERNELS_AFFINE_INL_H_
#endif

#include <cmath>
#include <cstring>

#include "hwy/highway.h"
#include "kernels/kernels.hpp"

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

bool MinMax(const float* HWY_RESTRICT x, size_t n, float* mn, float* mx) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  auto vmin = hn::Set(d, HUGE_VALF);
  auto vmax = hn::Set(d, -HUGE_VALF);
  auto vbad = hn::Zero(d);  // x * 0 is NaN exactly for NaN and infinite x
  const auto zero = hn::Zero(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, x + i);
    vmin = hn::Min(vmin, v);
    vmax = hn::Max(vmax, v);
    vbad = hn::Add(vbad, hn::Mul(v, zero));
  }
  float lo = hn::GetLane(hn::MinOfLanes(d, vmin));
  float hi = hn::GetLane(hn::MaxOfLanes(d, vmax));
  float bad = hn::GetLane(hn::SumOfLanes(d, vbad));
  for (; i < n; ++i) {
    const float v = x[i];
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    bad = bad + v * 0.0f;
  }
  *mn = lo + 0.0f;  // -0 -> +0, so the sign of zero never depends on lane order
  *mx = hi + 0.0f;
  return bad == 0.0f;
}

void Encode(const float* HWY_RESTRICT x, size_t n, float offset, float scale, float inv, uint32_t maxq,
            uint8_t* HWY_RESTRICT codes, StatLanes* HWY_RESTRICT lanes, float* max_abs) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<int32_t, decltype(d)> di;
  const hn::Rebind<uint8_t, decltype(d)> du8;
  const size_t N = hn::Lanes(d);
  const auto voff = hn::Set(d, offset);
  const auto vsc = hn::Set(d, scale);
  const auto vinv = hn::Set(d, inv);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto vzero = hn::Zero(d);
  const auto vmagic = hn::Set(d, kMagic);
  auto vmaxabs = hn::Zero(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto w = hn::LoadU(d, x + i);
    auto t = hn::Mul(hn::Sub(w, voff), vinv);
    t = hn::Min(hn::Max(t, vzero), vmaxq);
    const auto qf = hn::Sub(hn::Add(t, vmagic), vmagic);
    hn::StoreU(hn::DemoteTo(du8, hn::ConvertTo(di, qf)), du8, codes + i);
    const auto wh = hn::Add(voff, hn::Mul(qf, vsc));
    const auto e = hn::Sub(w, wh);
    const size_t l = i % kVLanes;
    hn::StoreU(hn::Add(hn::LoadU(d, lanes->sse + l), hn::Mul(e, e)), d, lanes->sse + l);
    hn::StoreU(hn::Add(hn::LoadU(d, lanes->energy + l), hn::Mul(w, w)), d, lanes->energy + l);
    hn::StoreU(hn::Add(hn::LoadU(d, lanes->recon + l), hn::Mul(wh, wh)), d, lanes->recon + l);
    hn::StoreU(hn::Add(hn::LoadU(d, lanes->dot + l), hn::Mul(w, wh)), d, lanes->dot + l);
    vmaxabs = hn::Max(vmaxabs, hn::Abs(e));
  }
  float m = hn::GetLane(hn::MaxOfLanes(d, vmaxabs));
  for (; i < n; ++i) {
    const float w = x[i];
    const float qf = ScalarCode(w, offset, inv, static_cast<float>(maxq));
    codes[i] = static_cast<uint8_t>(qf);
    const float wh = offset + qf * scale;
    const float e = w - wh;
    const size_t l = i % kVLanes;
    lanes->sse[l] = lanes->sse[l] + e * e;
    lanes->energy[l] = lanes->energy[l] + w * w;
    lanes->recon[l] = lanes->recon[l] + wh * wh;
    lanes->dot[l] = lanes->dot[l] + w * wh;
    const float ae = std::fabs(e);
    m = ae > m ? ae : m;
  }
  if (m > *max_abs) *max_abs = m;
}

void FitSumsImpl(const float* HWY_RESTRICT x, size_t n, float offset, float inv, uint32_t maxq,
                 FitSums* HWY_RESTRICT out) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto voff = hn::Set(d, offset);
  const auto vinv = hn::Set(d, inv);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto vzero = hn::Zero(d);
  const auto vmagic = hn::Set(d, kMagic);
  for (size_t l = 0; l < kVLanes; ++l) out->xl[l] = 0.0f;
  auto vl = hn::Zero(d);
  auto vll = hn::Zero(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto w = hn::LoadU(d, x + i);
    auto t = hn::Mul(hn::Sub(w, voff), vinv);
    t = hn::Min(hn::Max(t, vzero), vmaxq);
    const auto qf = hn::Sub(hn::Add(t, vmagic), vmagic);
    vl = hn::Add(vl, qf);                 // integers below 2^24: exact in any order
    vll = hn::Add(vll, hn::Mul(qf, qf));
    const size_t l = i % kVLanes;
    hn::StoreU(hn::Add(hn::LoadU(d, out->xl + l), hn::Mul(w, qf)), d, out->xl + l);
  }
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
