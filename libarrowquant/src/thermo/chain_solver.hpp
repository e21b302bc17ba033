// Internals of Phase 3's chain solver (optimize_params_chain in thermo.hpp), exposed for the tests: the
// candidate grid with its unary costs, and the dynamic programme along the time groups.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "arrowquant/thermo.hpp"

namespace aq::chain {

// Limit on G * K^2 pair evaluations per dynamic-programme solve: above it K is lowered for the layer to
// floor(sqrt(limit / G)) (at least 2), so a huge G cannot hang a run.
constexpr uint64_t kMaxPairsPerSolve = uint64_t(1) << 24;
// Bisection steps on the multiplier once a feasible upper end is known (fixed, so the work is bounded).
constexpr int kBisectionSteps = 20;

// G groups x K candidates, row-major: candidate j of group g is at g * k + j.
struct Candidates {
  size_t groups = 0, k = 0;
  std::vector<float> scale, zero_point;
  std::vector<double> unary;  // U_g(j)
  std::vector<double> log_scale;  // ln scale, for the coupling term
  std::vector<double> sse;        // sum of squared activation errors of the candidate on its group's samples
  size_t total_samples = 0;
  size_t common = 0;  // index (in every group) of the common-range candidate: the same pair in every group
};

struct PairWeights {
  double smoothness_weight = 0;  // the documented coupling term's weight
  double multiplier = 0;         // lambda on (scale jump + zero-point jump)
  float threshold = 0.3f;        // Phase 1's smoothness_threshold: a scale jump above it is infeasible
};

// Phase 1's boundary quantities (markov_validate's binary32 arithmetic).
inline float scale_jump(float s0, float s1) { return std::fabs(s1 - s0) / s0; }
inline float zero_point_jump(float z0, float z1) { return std::fabs(z1 - z0) / 255.0f; }

// Cost of the boundary between candidate a of group g and candidate b of group g + 1; +inf when the scale jump
// exceeds the threshold (strict >, as Phase 1 counts a violation).
double pair_cost(const Candidates& c, size_t g, size_t a, size_t b, const PairWeights& w);

// The multiplier-independent parts of every pair cost, computed once per layer when G * K^2 <= kMaxTable:
// per boundary g, entry [g][b * K + a] holds the jump sj + zj (+inf when infeasible) and the coupling term.
constexpr uint64_t kMaxTable = uint64_t(1) << 20;
struct PairTable {
  std::vector<float> jump;
  std::vector<double> coupling;
};
PairTable pair_table(const Candidates& c, const PairWeights& w);  // w.multiplier is not used

struct Path {
  std::vector<uint32_t> index;  // candidate per group
  double cost = 0;              // sum of unary and pair costs along the path
  bool feasible = false;
};

// The minimum of sum_g U_g + sum_g pair_cost over all candidate sequences (Viterbi); among equal costs the
// predecessor with the lowest index and then the last group's lowest index win.
// With a table (built for the same weights but any multiplier) the costs are the same bits, only faster.
Path viterbi(const Candidates& c, const PairWeights& w, const PairTable* table = nullptr);

// -H of values that are sorted ascending, with exactly entropy_regularization()'s arithmetic (binned at
// round(v * 100); bins of sorted values are sorted, so no sort is needed). entropy_of_sorted_bins takes the
// kernel's bins and terms[c] = p log p of p = c / n (entropy_terms(n), shared by all candidates of a group).
std::vector<float> entropy_terms(size_t n);
float entropy_of_sorted_bins(const float* bins, size_t n, const float* terms);
float entropy_of_sorted(const float* v, size_t n);

// Candidates and unary costs of one layer (see optimize_params_chain): samples validated by the caller.
Candidates build_candidates(const std::vector<TimeGroupParam>& incoming, const std::vector<std::vector<float>>& samples,
                            uint64_t num_timesteps, const TimeAwareConfig& config, size_t k);

}  // namespace aq::chain
