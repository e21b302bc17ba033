// Per-target code of one dynamic-programme boundary of the chain solver (see viterbi_step.hpp). Included once per
// Highway target by viterbi_step.cpp through foreach_target.h.
#if defined(AQ_KERNELS_VITERBI_STEP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AQ_KERNELS_VITERBI_STEP_INL_H_
#undef AQ_KERNELS_VITERBI_STEP_INL_H_
#else
#define AQ_KERNELS_VITERBI_STEP_INL_H_
#endif

#include <limits>

#include "hwy/highway.h"
#include "kernels/viterbi_step.hpp"

HWY_BEFORE_NAMESPACE();
namespace aq::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void ViterbiStep(const double* HWY_RESTRICT prev, const float* HWY_RESTRICT jump,
                 const double* HWY_RESTRICT coupling, double multiplier, const double* HWY_RESTRICT unary_next,
                 size_t k, double* HWY_RESTRICT cur, uint32_t* HWY_RESTRICT back, double* HWY_RESTRICT val) {
  const hn::ScalableTag<double> d;
  const hn::Rebind<float, decltype(d)> df;
  const size_t N = hn::Lanes(d);
  const double inf = std::numeric_limits<double>::infinity();
  const auto vm = hn::Set(d, multiplier);
  HWY_ALIGN double lanes[HWY_MAX_BYTES / sizeof(double)];
  for (size_t b = 0; b < k; ++b) {
    const float* j = jump + b * k;
    const double* c = coupling + b * k;
    auto vmin = hn::Set(d, inf);
    size_t a = 0;
    for (; a + N <= k; a += N) {
      const auto v = hn::Add(hn::LoadU(d, prev + a),
                             hn::Add(hn::Mul(vm, hn::PromoteTo(d, hn::LoadU(df, j + a))), hn::LoadU(d, c + a)));
      hn::StoreU(v, d, val + a);
      vmin = hn::IfThenElse(hn::Lt(v, vmin), v, vmin);  // NaN never replaces
    }
    double best = inf;
    for (; a < k; ++a) {
      val[a] = prev[a] + (multiplier * static_cast<double>(j[a]) + c[a]);
      best = val[a] < best ? val[a] : best;
    }
    hn::Store(vmin, d, lanes);
    for (size_t l = 0; l < N; ++l) best = lanes[l] < best ? lanes[l] : best;
    uint32_t arg = 0;
    if (best < inf) {
      // The lowest index holding the minimum (== also matches a zero of the other sign).
      const auto vbest = hn::Set(d, best);
      size_t i = 0;
      intptr_t hit = -1;
      for (; i + N <= k && hit < 0; i += N) {
        hit = hn::FindFirstTrue(d, hn::Eq(hn::LoadU(d, val + i), vbest));
        if (hit >= 0) hit += static_cast<intptr_t>(i);
      }
      if (hit < 0)
        for (hit = static_cast<intptr_t>(i); !(val[hit] == best);) ++hit;
      arg = static_cast<uint32_t>(hit);
      best = val[arg];  // the first such value, as a strict scan keeps it (also for a signed zero)
    }
    cur[b] = best < inf ? best + unary_next[b] : inf;
    back[b] = arg;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace aq::kernels
HWY_AFTER_NAMESPACE();

#endif  // include guard
