// Per-target code of the activation fake-quantization kernel (see fake_quant.hpp). Included once per Highway
// target by fake_quant.cpp through foreach_target.h.
#if defined(AQ_KERNELS_FAKE_QUANT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AQ_KERNELS_FAKE_QUANT_INL_H_
#undef AQ_KERNELS_FAKE_QUANT_INL_H_
#else
#define AQ_KERNELS_FAKE_QUANT_INL_H_
#endif

#include "arrowquant/thermo.hpp"
#include "hwy/highway.h"
#include "kernels/fake_quant.hpp"

HWY_BEFORE_NAMESPACE();
namespace aq::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Round half away from zero exactly as std::round: the fraction v - trunc(v) is exact in binary32, so
// comparing it with 0.5 never suffers the double rounding of floor(v + 0.5).
template <class D, class V>
HWY_INLINE V RoundHalfAway(D d, V v) {
  const V t = hn::Trunc(v);
  const V frac = hn::Sub(v, t);
  const V step = hn::CopySign(hn::Set(d, 1.0f), v);
  return hn::IfThenElse(hn::Ge(hn::Abs(frac), hn::Set(d, 0.5f)), hn::Add(t, step), t);
}

void FakeQuantSse(const float* HWY_RESTRICT x, size_t n, float scale, float zero_point, float levels,
                  float* HWY_RESTRICT xhat, SseLanes* HWY_RESTRICT lanes, float* HWY_RESTRICT bins) {
  using D = hn::ScalableTag<float>;
  const D d;
  constexpr size_t kMax = 16;
  const size_t N = hn::Lanes(d);
  const size_t K = kMax / N;  // vectors per 16 virtual lanes (N divides 16 on every x86 target)
  for (size_t j = 0; j < kMax; ++j) lanes->v[j] = 0.0f;
  const auto vs = hn::Set(d, scale);
  const auto vz = hn::Set(d, zero_point);
  const auto vl = hn::Set(d, levels);
  const auto zero = hn::Zero(d);
  const auto hundred = hn::Set(d, 100.0f);
  const auto bin_hi = hn::Set(d, kBinLimit), bin_lo = hn::Set(d, -kBinLimit);
  size_t i = 0;
  if (N <= kMax && kMax % N == 0) {
    for (; i + kMax <= n; i += kMax) {
      for (size_t k = 0; k < K; ++k) {
        const auto xv = hn::LoadU(d, x + i + k * N);
        auto v = hn::Add(hn::Div(xv, vs), vz);
        const auto q = hn::Min(hn::Max(RoundHalfAway(d, v), zero), vl);
        const auto xh = hn::Mul(hn::Sub(q, vz), vs);
        hn::StoreU(xh, d, xhat + i + k * N);
        if (bins) {
          // |v| >= 2^23 is integral and Trunc keeps it, so RoundHalfAway is exact for every finite value.
          const auto b = hn::Min(hn::Max(RoundHalfAway(d, hn::Mul(xh, hundred)), bin_lo), bin_hi);
          hn::StoreU(b, d, bins + i + k * N);
        }
        const auto e = hn::Sub(xv, xh);
        float* acc = lanes->v + k * N;
        hn::StoreU(hn::Add(hn::LoadU(d, acc), hn::Mul(e, e)), d, acc);
      }
    }
  }
  for (; i < n; ++i) {
    xhat[i] = fake_quantize(x[i], scale, zero_point, levels);
    if (bins) bins[i] = entropy_bin_reference(xhat[i]);
    const float e = x[i] - xhat[i];
    lanes->v[i % kMax] = lanes->v[i % kMax] + e * e;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace aq::kernels
HWY_AFTER_NAMESPACE();

#endif  // include guard
