// Phase 3 chain solver: the dynamic programme along the time groups (Viterbi). Exact over the candidate grid
// for the jump constraint and fixed weights; sequential along the groups, and the per-boundary kernel gives the
// same bits on every SIMD target (kernels/viterbi_step.hpp), so the result depends on neither threads nor SIMD.
#include <cmath>
#include <limits>

#include "kernels/viterbi_step.hpp"
#include "thermo/chain_solver.hpp"

namespace aq::chain {

namespace {
// The coupling term sw * ((ln s_b - ln s_a)^2 + ((z_b - z_a) / 255)^2); 0 when sw is 0.
double coupling(const Candidates& c, size_t ia, size_t ib, double sw) {
  if (!(sw > 0.0)) return 0.0;
  const double du = c.log_scale[ib] - c.log_scale[ia];
  const double dz = (static_cast<double>(c.zero_point[ib]) - static_cast<double>(c.zero_point[ia])) / 255.0;
  return sw * (du * du + dz * dz);
}
}  // namespace

double pair_cost(const Candidates& c, size_t g, size_t a, size_t b, const PairWeights& w) {
  const size_t ia = g * c.k + a, ib = (g + 1) * c.k + b;
  const float sj = scale_jump(c.scale[ia], c.scale[ib]);
  if (sj > w.threshold) return std::numeric_limits<double>::infinity();
  const float jump = sj + zero_point_jump(c.zero_point[ia], c.zero_point[ib]);
  return w.multiplier * static_cast<double>(jump) + coupling(c, ia, ib, w.smoothness_weight);
}

PairTable pair_table(const Candidates& c, const PairWeights& w) {
  const size_t K = c.k, G = c.groups;
  PairTable t;
  const size_t n = G > 1 ? (G - 1) * K * K : 0;
  t.jump.resize(n);
  t.coupling.resize(n);
  for (size_t g = 0; g + 1 < G; ++g)
    for (size_t b = 0; b < K; ++b)
      for (size_t a = 0; a < K; ++a) {
        const size_t ia = g * K + a, ib = (g + 1) * K + b, e = g * K * K + b * K + a;
        const float sj = scale_jump(c.scale[ia], c.scale[ib]);
        t.jump[e] = sj > w.threshold ? std::numeric_limits<float>::infinity()
                                     : sj + zero_point_jump(c.zero_point[ia], c.zero_point[ib]);
        t.coupling[e] = coupling(c, ia, ib, w.smoothness_weight);
      }
  return t;
}

Path viterbi(const Candidates& c, const PairWeights& w, const PairTable* table) {
  const double inf = std::numeric_limits<double>::infinity();
  const size_t G = c.groups, K = c.k;
  Path p;
  if (G == 0 || K == 0) return p;
  std::vector<double> prev(c.unary.begin(), c.unary.begin() + K), cur(K);
  std::vector<uint32_t> back(G * K, 0);
  std::vector<double> val(K);
  const kernels::ViterbiStepFn step = kernels::viterbi_step_simd();
  for (size_t g = 0; g + 1 < G; ++g) {
    if (table) {
      // An infeasible pair has jump +inf, which makes its value +inf or NaN (0 * inf), and neither wins,
      // exactly like the skipped pairs of the other branch.
      step(prev.data(), &table->jump[g * K * K], &table->coupling[g * K * K], w.multiplier,
           &c.unary[(g + 1) * K], K, cur.data(), &back[(g + 1) * K], val.data());
      prev.swap(cur);
      continue;
    }
    for (size_t b = 0; b < K; ++b) {
      double best = inf;
      uint32_t arg = 0;
      for (size_t a = 0; a < K; ++a) {
        if (!(prev[a] < inf)) continue;
        const double v = prev[a] + pair_cost(c, g, a, b, w);
        if (v < best) {
          best = v;
          arg = static_cast<uint32_t>(a);
        }
      }
      cur[b] = best < inf ? best + c.unary[(g + 1) * K + b] : inf;
      back[(g + 1) * K + b] = arg;
    }
    prev.swap(cur);
  }
  size_t end = 0;
  for (size_t b = 1; b < K; ++b)
    if (prev[b] < prev[end]) end = b;
  if (!(prev[end] < inf)) return p;
  p.feasible = true;
  p.cost = prev[end];
  p.index.assign(G, 0);
  p.index[G - 1] = static_cast<uint32_t>(end);
  for (size_t g = G - 1; g > 0; --g) p.index[g - 1] = back[g * K + p.index[g]];
  return p;
}

}  // namespace aq::chain
