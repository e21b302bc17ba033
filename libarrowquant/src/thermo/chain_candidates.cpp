// Phase 3 chain solver: the candidate (scale, zero point) pairs of every group and their unary costs.
//
// Ranges [lo, hi] become parameters as Phase 1's statistics do: scale = (hi - lo) / levels (1e-6 for an empty
// range), zero point = -lo / scale. Per group, in this order, with clip_ranges (the candidates may cut the
// group's recorded range):
//   0  the common range (union over all groups): the same pair in every group, so a sequence without any jump
//      (score 1, no violation) always exists;
//   1  the group's own min/max;   2  the incoming parameters (Phase 2's output when smoothing ran);
//   3–5  clipped quantile ranges [q_p, q_(1-p)] of the group's samples, p = 0.001, 0.01, 0.05;
//   6, 7  the previous and next group's own min/max;
//   8… a scale grid shared by all groups (geometric from the smallest clipped scale to the common scale), each
//      placed in the group: wider than its own range → moved towards the common range in proportion; narrower →
//      moved towards the 5 % clipped range, then centred on it.
// Without clip_ranges (the default) every candidate covers the group's own min/max: 0 common, 1 own,
// 2 the incoming parameters (joined with the own range when they do not cover it), 3, 4 the own range joined with the previous / next group's,
// 5… the grid from the smallest own scale to the common scale (a grid scale narrower than the group's own range
// gives the own range). Sample MSE rewards cutting tails (the few extreme samples a group keeps stand for many
// activations the network needs); the trained-model bench measured clipped candidates costing accuracy.
// The shared grid lets neighbours hold exactly equal scales, and ramps move by one grid ratio per step.
//
// Unary cost of a candidate of group g with samples x (sorted ascending) and x_hat = fake_quantize(x):
//   sum (x - x_hat)^2 / D  +  markov_weight * KL(T_g(x) || T_g(x_hat)) / G  +  entropy_weight * (n_g / N) * (-H(x_hat))
// N = all samples of the layer, T_g the transition at the group's mid timestep, H binned as entropy_regularization.
// D = N (relative_mse false: the objective's MSE term split by group; also when that error is 0) or, by default
// (relative_mse), the layer's unconstrained squared error: the sum over groups of the smallest squared error among the group's candidates,
// so the MSE term is 1 at the per-group optimum whatever the activations' units. Without it the MSE of a real
// network's activations (1e-6 .. 1e-3) is negligible next to the entropy and coupling terms (0.01 .. 0.3 at
// their default weights), which then choose the ranges alone; measured on the trained diffusion model.
// The Markov term is the objective's split by group; the entropy term is per group.
#include <algorithm>
#include <cmath>
#include <limits>

#include "arrowquant/error.hpp"
#include "kernels/fake_quant.hpp"
#include "thermo/chain_solver.hpp"

namespace aq::chain {

std::vector<float> entropy_terms(size_t n) {
  std::vector<float> t(n + 1, 0.0f);
  const float count = static_cast<float>(n);
  for (size_t c = 1; c <= n; ++c) {
    const float p = static_cast<float>(c) / count;
    t[c] = p * std::log(p);
  }
  return t;
}

float entropy_of_sorted_bins(const float* bins, size_t n, const float* terms) {
  // Run starts first, without a branch per value (a run ends at unpredictable places: a branch there costs more
  // than the whole pass), then the runs' terms subtracted in order, as a scan run by run would.
  thread_local std::vector<uint32_t> starts;
  starts.resize(n + 1);
  size_t r = 0;
  if (n > 0) starts[r++] = 0;
  for (size_t i = 1; i < n; ++i) {
    starts[r] = static_cast<uint32_t>(i);
    r += bins[i] != bins[i - 1] ? 1 : 0;
  }
  starts[r] = static_cast<uint32_t>(n);
  float e = 0.0f;
  for (size_t q = 0; q < r; ++q) e = e - terms[starts[q + 1] - starts[q]];
  return -e;
}

float entropy_of_sorted(const float* v, size_t n) {
  std::vector<float> bins(n);
  for (size_t i = 0; i < n; ++i) bins[i] = kernels::entropy_bin_reference(v[i]);
  const std::vector<float> terms = entropy_terms(n);
  return entropy_of_sorted_bins(bins.data(), n, terms.data());
}

namespace {

struct Range {
  float lo, hi;
};

struct Pair {
  float scale, zero_point;
};

Pair pair_of(Range r, float levels) {
  const float width = r.hi - r.lo;
  const float scale = width > 0.0f ? width / levels : 1e-6f;
  return Pair{scale, -r.lo / scale};
}

Range joined(Range a, Range b) { return Range{std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

Range clipped(const std::vector<float>& sorted, double p) {
  const size_t n = sorted.size();
  const size_t i = static_cast<size_t>(std::floor(p * static_cast<double>(n - 1)));
  return Range{sorted[i], sorted[n - 1 - i]};
}

}  // namespace

Candidates build_candidates(const std::vector<TimeGroupParam>& incoming, const std::vector<std::vector<float>>& samples,
                            uint64_t num_timesteps, const TimeAwareConfig& config, size_t k) {
  const TransitionOptimizationConfig& opt = config.thermodynamic.transition_optimization;
  const size_t G = incoming.size();
  const float levels = static_cast<float>((1u << config.activation_bits) - 1u);
  Candidates c;
  c.groups = G;
  c.k = k;
  c.common = 0;
  c.scale.resize(G * k);
  c.zero_point.resize(G * k);
  c.unary.resize(G * k);
  c.log_scale.resize(G * k);
  c.sse.resize(G * k);

  std::vector<std::vector<float>> sorted(G);
  std::vector<Range> own(G), q5(G);
  Range common{std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  size_t total = 0;
  for (size_t g = 0; g < G; ++g) {
    sorted[g] = samples[g];
    std::sort(sorted[g].begin(), sorted[g].end());
    own[g] = Range{sorted[g].front(), sorted[g].back()};
    q5[g] = clipped(sorted[g], 0.05);
    common.lo = std::min(common.lo, own[g].lo);
    common.hi = std::max(common.hi, own[g].hi);
    total += sorted[g].size();
  }
  c.total_samples = total;
  const Pair common_pair = pair_of(common, levels);
  const bool clip = opt.clip_ranges;
  // The shared scale grid.
  double grid_lo = common_pair.scale;
  for (size_t g = 0; g < G; ++g) {
    const Range r = clip ? q5[g] : own[g];
    if (r.hi > r.lo) grid_lo = std::min(grid_lo, static_cast<double>(pair_of(r, levels).scale));
  }
  const double grid_hi = common_pair.scale;
  const size_t kAnchors = clip ? 8 : 5;
  const size_t grid_n = k > kAnchors ? k - kAnchors : 0;

  const std::vector<float> betas =
      beta_schedule(opt.beta_schedule, num_timesteps, config.beta_start, config.beta_end);
  const kernels::FakeQuantSseFn fq = kernels::fake_quant_sse_simd();
  std::vector<float> xhat, bins;
  kernels::SseLanes lanes;

  for (size_t g = 0; g < G; ++g) {
    std::vector<Pair> list;
    list.reserve(std::max(k, kAnchors));
    list.push_back(common_pair);
    list.push_back(pair_of(own[g], levels));
    const Range prev = own[g > 0 ? g - 1 : g], next = own[g + 1 < G ? g + 1 : g];
    if (clip) {
      list.push_back(Pair{incoming[g].scale, incoming[g].zero_point});
      for (double p : {0.001, 0.01, 0.05}) list.push_back(pair_of(clipped(sorted[g], p), levels));
      list.push_back(pair_of(prev, levels));
      list.push_back(pair_of(next, levels));
    } else {
      // Phase 2's output as it is when it already covers the own range (it usually widens), else joined.
      const float in_lo = -incoming[g].zero_point * incoming[g].scale;
      const Range in{in_lo, in_lo + incoming[g].scale * levels};
      if (in.lo <= own[g].lo && in.hi >= own[g].hi)
        list.push_back(Pair{incoming[g].scale, incoming[g].zero_point});
      else
        list.push_back(pair_of(joined(in, own[g]), levels));
      list.push_back(pair_of(joined(prev, own[g]), levels));
      list.push_back(pair_of(joined(next, own[g]), levels));
    }
    const float w_own = own[g].hi - own[g].lo, w_common = common.hi - common.lo, w_q5 = q5[g].hi - q5[g].lo;
    for (size_t i = 0; i < grid_n; ++i) {
      const double t = grid_n > 1 ? static_cast<double>(i) / static_cast<double>(grid_n - 1) : 1.0;
      const float s = static_cast<float>(grid_lo * std::pow(grid_hi / grid_lo, t));
      const float w = s * levels;
      float lo;
      if (!clip && w < w_own) {
        list.push_back(pair_of(own[g], levels));
        continue;
      }
      if (w >= w_own) {
        const float f = w_common > w_own ? std::min((w - w_own) / (w_common - w_own), 1.0f) : 1.0f;
        lo = own[g].lo + f * (common.lo - own[g].lo);
      } else if (w >= w_q5 && w_own > w_q5) {
        const float f = (w_own - w) / (w_own - w_q5);
        lo = own[g].lo + f * (q5[g].lo - own[g].lo);
      } else {
        lo = 0.5f * (q5[g].lo + q5[g].hi) - 0.5f * w;
      }
      list.push_back(Pair{s, -lo / s});
    }
    list.resize(k);  // K < 8 keeps the first anchors (the common range always)

    const std::vector<float>& x = sorted[g];
    const size_t n = x.size();
    xhat.resize(n);
    bins.resize(n);
    const float beta = betas[group_transition_timestep(incoming[g])];
    const Transition orig = transition_for_beta(x.data(), n, beta);
    const double n_share = static_cast<double>(n) / static_cast<double>(total);
    const std::vector<float> terms = opt.entropy_weight > 0.0f ? entropy_terms(n) : std::vector<float>();
    for (size_t j = 0; j < k; ++j) {
      const Pair pr = list[j];
      if (!std::isfinite(pr.scale) || !(pr.scale > 0.0f) || !std::isfinite(pr.zero_point))
        invalid("time group " + std::to_string(g) + ": a Phase 3 candidate's parameters overflow binary32 (the "
                "calibration range is too large or too small)");
      const bool entropy = opt.entropy_weight > 0.0f;
      fq(x.data(), n, pr.scale, pr.zero_point, levels, xhat.data(), &lanes, entropy ? bins.data() : nullptr);
      const double sse = kernels::fold_lanes(lanes);
      double u = 0.0;  // the terms besides the MSE; the MSE term is added once D is known
      if (opt.markov_weight > 0.0f) {
        const Transition q = transition_for_beta(xhat.data(), n, beta);
        u += static_cast<double>(opt.markov_weight) *
             static_cast<double>(gaussian_kl(orig.mean, orig.std, q.mean, q.std)) / static_cast<double>(G);
      }
      if (opt.entropy_weight > 0.0f)
        u += static_cast<double>(opt.entropy_weight) * n_share *
             static_cast<double>(entropy_of_sorted_bins(bins.data(), n, terms.data()));
      const size_t idx = g * k + j;
      c.scale[idx] = pr.scale;
      c.zero_point[idx] = pr.zero_point;
      c.log_scale[idx] = std::log(static_cast<double>(pr.scale));
      c.sse[idx] = sse;
      c.unary[idx] = u;
    }
  }
  double d = static_cast<double>(total);
  if (opt.relative_mse) {
    double best = 0.0;
    for (size_t g = 0; g < G; ++g) best += *std::min_element(c.sse.begin() + g * k, c.sse.begin() + (g + 1) * k);
    // Every group exactly representable (e.g. constant samples): there is no scale to be relative to, and a
    // tiny divisor would overflow the other candidates' costs, so the sample count stays the divisor.
    if (best > 0.0) d = best;
  }
  for (size_t i = 0; i < G * k; ++i) c.unary[i] = c.sse[i] / d + c.unary[i];
  return c;
}

}  // namespace aq::chain
