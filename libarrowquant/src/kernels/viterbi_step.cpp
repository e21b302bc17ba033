// Runtime dispatch of one dynamic-programme boundary of the chain solver (viterbi_step-inl.h) and its scalar
// reference.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/viterbi_step.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/viterbi_step-inl.h"

#if HWY_ONCE
#include <limits>

namespace aq::kernels {

HWY_EXPORT(ViterbiStep);

namespace {
void DViterbiStep(const double* prev, const float* jump, const double* coupling, double multiplier,
                  const double* unary_next, std::size_t k, double* cur, uint32_t* back, double* scratch) {
  HWY_DYNAMIC_DISPATCH(ViterbiStep)(prev, jump, coupling, multiplier, unary_next, k, cur, back, scratch);
}
void RefViterbiStep(const double* prev, const float* jump, const double* coupling, double multiplier,
                    const double* unary_next, std::size_t k, double* cur, uint32_t* back, double* /*scratch*/) {
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t b = 0; b < k; ++b) {
    double best = inf;
    uint32_t arg = 0;
    for (std::size_t a = 0; a < k; ++a) {
      const double v = prev[a] + (multiplier * static_cast<double>(jump[b * k + a]) + coupling[b * k + a]);
      if (v < best) {  // strict: the lowest index wins ties
        best = v;
        arg = static_cast<uint32_t>(a);
      }
    }
    cur[b] = best < inf ? best + unary_next[b] : inf;
    back[b] = arg;
  }
}
}  // namespace

ViterbiStepFn viterbi_step_simd() { return DViterbiStep; }
ViterbiStepFn viterbi_step_reference() { return RefViterbiStep; }

}  // namespace aq::kernels
#endif  // HWY_ONCE
