// One boundary of the Phase 3 chain solver's dynamic programme (thermo/chain_viterbi.cpp), as a Highway kernel
// compiled for every target (viterbi_step.cpp + viterbi_step-inl.h) and a scalar reference.
//
// For every candidate b of the next group, over the candidates a of this group:
//   val[a] = prev[a] + (multiplier * jump[b * k + a] + coupling[b * k + a])
//   arg    = the lowest a holding the minimum of val (NaN never wins; +inf when no value is below +inf)
//   cur[b] = val[arg] + unary_next[b] (or +inf), back[b] = arg (0 when no value is finite).
// Element-wise binary64 operations in the same order on every target (no contraction) and a minimum that does
// not depend on the order it is taken in: the same bits on every target.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aq::kernels {

using ViterbiStepFn = void (*)(const double* prev, const float* jump, const double* coupling, double multiplier,
                               const double* unary_next, std::size_t k, double* cur, uint32_t* back, double* scratch);

ViterbiStepFn viterbi_step_simd();       // dispatched at call time (SetSupportedTargetsForTest switches it)
ViterbiStepFn viterbi_step_reference();  // scalar: a strict `<` scan

}  // namespace aq::kernels
