// Phase 3 chain solver: the multiplier search around the dynamic programme (chain_viterbi.cpp) over the
// candidates (chain_candidates.cpp).
//
// 1. Solve with multiplier 0. If the Phase 1 score of the result (markov_validate, binary32) reaches
//    target_smoothness, that is the answer: the target does not bind.
// 2. Otherwise the multiplier lambda on sum(scale jump + zero-point jump) is searched. Upper end: with
//    R = sum_g (U_g(common) - min_j U_g(j)), any lambda-optimal sequence has total jump <= R / lambda (the
//    common-range sequence has jump 0 and pair cost 0), so lambda_hi = 2R / J_max with
//    J_max = 2 (G - 1)(1 - target) meets the target up to rounding. Then kBisectionSteps halvings of
//    [0, lambda_hi]; the answer is the sequence of the smallest multiplier seen that meets the target.
// 3. If lambda_hi does not meet it (target 1, or rounding), the common-range sequence (score 1) is returned.
// The jump limit is a hard constraint in every solve, so the answer never has a violation. With a multiplier
// the answer is feasible but may be off the grid optimum of the constrained problem by a duality gap.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "arrowquant/error.hpp"
#include "thermo/chain_solver.hpp"

namespace aq {

namespace {

std::vector<TimeGroupParam> params_of(const chain::Candidates& c, const std::vector<uint32_t>& index,
                                      const std::vector<TimeGroupParam>& incoming) {
  std::vector<TimeGroupParam> out = incoming;
  for (size_t g = 0; g < out.size(); ++g) {
    out[g].scale = c.scale[g * c.k + index[g]];
    out[g].zero_point = c.zero_point[g * c.k + index[g]];
  }
  return out;
}

float mse_of(const chain::Candidates& c, const std::vector<uint32_t>& index) {
  double sse = 0.0;
  for (size_t g = 0; g < c.groups; ++g) sse += c.sse[g * c.k + index[g]];
  return static_cast<float>(sse / static_cast<double>(c.total_samples));
}

}  // namespace

OptimizationResult optimize_params_chain(const std::vector<TimeGroupParam>& initial,
                                         const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                         const TimeAwareConfig& config) {
  // Validates the configuration, the params and the samples (naming the group without samples).
  const LossBreakdown at_initial = evaluate_objective(initial, samples, num_timesteps, config);
  const TransitionOptimizationConfig& opt = config.thermodynamic.transition_optimization;
  const float threshold = config.thermodynamic.validation.smoothness_threshold;
  const float target = opt.target_smoothness;
  const size_t G = initial.size();

  uint64_t k = static_cast<uint64_t>(opt.candidates);
  if (static_cast<uint64_t>(G) * k * k > chain::kMaxPairsPerSolve)
    k = std::max<uint64_t>(2, static_cast<uint64_t>(std::floor(std::sqrt(
                                  static_cast<double>(chain::kMaxPairsPerSolve) / static_cast<double>(G)))));
  const chain::Candidates c = chain::build_candidates(initial, samples, num_timesteps, config, k);

  OptimizationResult res;
  res.optimizer = TransitionOptimizer::chain;
  res.candidates = k;
  res.initial_loss = at_initial.total;

  std::vector<uint32_t> own(G);
  for (size_t g = 0; g < G; ++g) {
    size_t best = 0;
    for (size_t j = 1; j < k; ++j)
      if (c.unary[g * k + j] < c.unary[g * k + best]) best = j;
    own[g] = static_cast<uint32_t>(best);
  }
  res.unconstrained_params = params_of(c, own, initial);
  res.unconstrained_mse = mse_of(c, own);

  chain::PairWeights w;
  w.smoothness_weight = opt.smoothness_weight;
  w.threshold = threshold;
  const bool tabled = static_cast<uint64_t>(G) * k * k <= chain::kMaxTable;
  const chain::PairTable table = tabled ? chain::pair_table(c, w) : chain::PairTable();
  auto solve = [&](double lambda) {
    w.multiplier = lambda;
    chain::Path p = chain::viterbi(c, w, tabled ? &table : nullptr);
    if (!p.feasible) invalid("Phase 3 chain solver: no feasible sequence (internal error: the common range is missing)");
    res.loss_history.push_back(static_cast<float>(p.cost));
    ++res.iterations;
    return p;
  };
  auto meets = [&](const chain::Path& p) {
    return markov_validate(params_of(c, p.index, initial), threshold).smoothness_score >= target;
  };

  chain::Path best = solve(0.0);
  bool met = meets(best);
  if (!met) {
    res.target_bound = true;
    double r = 0.0;
    for (size_t g = 0; g < G; ++g) {
      double mn = c.unary[g * k];
      for (size_t j = 1; j < k; ++j) mn = std::min(mn, c.unary[g * k + j]);
      r += c.unary[g * k + c.common] - mn;
    }
    const double j_max = 2.0 * static_cast<double>(G - 1) * (1.0 - static_cast<double>(target));
    const double hi0 = j_max > 0.0 ? std::max(2.0 * r / j_max, 1e-300) : 0.0;
    chain::Path at_hi;
    bool hi_ok = false;
    if (hi0 > 0.0 && std::isfinite(hi0)) {
      at_hi = solve(hi0);
      hi_ok = meets(at_hi);
    }
    if (hi_ok) {
      double lo = 0.0, hi = hi0;
      best = at_hi;
      for (int step = 0; step < chain::kBisectionSteps; ++step) {
        const double mid = 0.5 * (lo + hi);
        chain::Path p = solve(mid);
        if (meets(p)) {
          hi = mid;
          best = std::move(p);
        } else {
          lo = mid;
        }
      }
      res.multiplier = hi;
      met = true;
    } else {
      // The jump-free sequence: every group on the common range.
      best.index.assign(G, static_cast<uint32_t>(c.common));
      res.multiplier = hi0 > 0.0 && std::isfinite(hi0) ? hi0 : std::numeric_limits<double>::infinity();
      met = meets(best);
    }
  }
  res.converged = met;
  res.params = params_of(c, best.index, initial);
  res.mse = mse_of(c, best.index);
  res.final_loss = evaluate_objective(res.params, samples, num_timesteps, config).total;
  return res;
}

}  // namespace aq
