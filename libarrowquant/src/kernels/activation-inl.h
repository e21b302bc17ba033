// Per-target code of the activation kernels (contract in activation_kernels.hpp). Included once per Highway
// target by activation.cpp through foreach_target.h.
#if defined(AQ_KERNELS_ACTIVATION_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AQ_KERNELS_ACTIVATION_INL_H_
#undef AQ_KERNELS_ACTIVATION_INL_H_
#else
#define AQ_KERNELS_ACTIVATION_INL_H_
#endif

#include <algorithm>
#include <cmath>

#include "hwy/highway.h"
#include "kernels/activation_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace aq::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The reference formula, used for the tails: bit-equal to the vector body by construction.
static inline float ActCodeScalar(float w, float scale, float zero_point, float levels) {
  float x = w / scale;
  x = x + zero_point;
  const float r = std::round(x);
  return std::min(std::max(r, 0.0f), levels);
}

// round-half-away-from-zero then clamp, with std::round / std::max / std::min semantics lane by lane:
// trunc(x) + sign(x) when |x - trunc(x)| >= 0.5 (x - trunc(x) is exact in binary32, so 0.49999997 stays 0,
// unlike trunc(x + 0.5)); the clamps are selects, so a -0 result stays -0 as std::max(-0, 0) keeps it.
template <class D, class V>
HWY_INLINE V ActCode(D d, V w, V vscale, V vzp, V vlevels) {
  const auto x = hn::Add(hn::Div(w, vscale), vzp);
  const auto t = hn::Trunc(x);
  const auto up = hn::Ge(hn::Abs(hn::Sub(x, t)), hn::Set(d, 0.5f));
  const auto r = hn::IfThenElse(up, hn::Add(t, hn::CopySign(hn::Set(d, 1.0f), x)), t);
  const auto lo = hn::IfThenElse(hn::Lt(r, hn::Zero(d)), hn::Zero(d), r);
  return hn::IfThenElse(hn::Lt(vlevels, lo), vlevels, lo);
}

// The code as integers for the U8 store. A NaN input (the call fails for it) gives a NaN code, whose conversion is
// undefined on emulated targets: such lanes become 0 first.
template <class D, class V>
HWY_INLINE V FiniteCode(D d, V q) {
  return hn::IfThenElseZero(hn::Eq(q, q), q);
}

bool ActQuantize(const float* HWY_RESTRICT x, size_t n, float scale, float zero_point, float levels,
                 uint8_t* HWY_RESTRICT codes) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<int32_t, decltype(d)> di;
  const hn::Rebind<uint8_t, decltype(d)> du8;
  const size_t N = hn::Lanes(d);
  const auto vscale = hn::Set(d, scale), vzp = hn::Set(d, zero_point), vlevels = hn::Set(d, levels);
  const auto zero = hn::Zero(d);
  auto vbad = hn::Zero(d);  // x * 0 is NaN exactly for NaN and infinite x
  auto vbad2 = hn::Zero(d);
  size_t i = 0;
  // Two vectors per iteration with their own NaN accumulators (independent chains); lanes are independent, so
  // the unrolling cannot change a result.
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto w0 = hn::LoadU(d, x + i), w1 = hn::LoadU(d, x + i + N);
    vbad = hn::Add(vbad, hn::Mul(w0, zero));
    vbad2 = hn::Add(vbad2, hn::Mul(w1, zero));
    hn::StoreU(hn::DemoteTo(du8, hn::ConvertTo(di, FiniteCode(d, ActCode(d, w0, vscale, vzp, vlevels)))), du8, codes + i);
    hn::StoreU(hn::DemoteTo(du8, hn::ConvertTo(di, FiniteCode(d, ActCode(d, w1, vscale, vzp, vlevels)))), du8, codes + i + N);
  }
  vbad = hn::Add(vbad, vbad2);
  for (; i + N <= n; i += N) {
    const auto w = hn::LoadU(d, x + i);
    vbad = hn::Add(vbad, hn::Mul(w, zero));
    const auto q = FiniteCode(d, ActCode(d, w, vscale, vzp, vlevels));
    hn::StoreU(hn::DemoteTo(du8, hn::ConvertTo(di, q)), du8, codes + i);
  }
  float bad = hn::GetLane(hn::SumOfLanes(d, vbad));
  for (; i < n; ++i) {
    bad = bad + x[i] * 0.0f;
    // A NaN code would be undefined in the conversion; the call fails for it anyway (bad), so write 0.
    const float c = ActCodeScalar(x[i], scale, zero_point, levels);
    codes[i] = c == c ? static_cast<uint8_t>(c) : 0;
  }
  return bad == 0.0f;
}

bool ActFakeQuantize(const float* x, size_t n, float scale, float zero_point, float levels,
                     float* dst) {  // no restrict: dst may be x (in place)
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto vscale = hn::Set(d, scale), vzp = hn::Set(d, zero_point), vlevels = hn::Set(d, levels);
  const auto zero = hn::Zero(d);
  auto vbad = hn::Zero(d);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto w = hn::LoadU(d, x + i);
    vbad = hn::Add(vbad, hn::Mul(w, zero));
    const auto q = ActCode(d, w, vscale, vzp, vlevels);
    hn::StoreU(hn::Mul(hn::Sub(q, vzp), vscale), d, dst + i);
  }
  float bad = hn::GetLane(hn::SumOfLanes(d, vbad));
  for (; i < n; ++i) {
    bad = bad + x[i] * 0.0f;
    dst[i] = (ActCodeScalar(x[i], scale, zero_point, levels) - zero_point) * scale;
  }
  return bad == 0.0f;
}

}  // namespace HWY_NAMESPACE
}  // namespace aq::kernels
HWY_AFTER_NAMESPACE();

#endif  // include guard
