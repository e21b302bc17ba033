// The three thermodynamic phases acting on a layer's sequence of time-group parameters (docs/time-aware.md), their
// metrics, and the layer entry point. Exact formulas: conformance/README.md §4–5.
//
// Functions marked "reference" compute in binary32 exactly as conformance README §4 describes (sequential sums,
// roundf half away from zero, no contraction). Invalid input throws aq::Error(invalid_argument) with a message
// naming the argument; nothing returns NaN for finite valid input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "arrowquant/timeaware_config.hpp"
#include "arrowquant/timegroups.hpp"

namespace aq {

// ------------------------------------------------------------------------------------------------------------
// Phase 1 — Markov validation (reference)
// ------------------------------------------------------------------------------------------------------------
struct Violation {
  uint64_t boundary_idx = 0;
  float scale_jump = 0;       // |s_{i+1} - s_i| / s_i
  float zero_point_jump = 0;  // |z_{i+1} - z_i| / 255
  Severity severity = Severity::low;
};

struct MarkovReport {
  bool is_valid = true;
  float smoothness_score = 1.0f;
  std::vector<float> boundary_scores;   // n - 1
  std::vector<float> scale_jumps;       // n - 1, every boundary (violations list only those above threshold)
  std::vector<float> zero_point_jumps;  // n - 1
  std::vector<Violation> violations;    // boundary order
  float max_scale_jump() const;         // 0 for a single group
};

// scales/zero_points of equal length n >= 1, scales > 0 finite, zero points finite, threshold in [0, 1].
MarkovReport markov_validate(const std::vector<float>& scales, const std::vector<float>& zero_points,
                             float threshold);
MarkovReport markov_validate(const std::vector<TimeGroupParam>& params, float threshold);

// Baseline report statistics (conformance §5.14, spec, binary64).
struct BaselineViolation {
  uint64_t boundary_idx = 0;
  double scale_jump = 0;
  Severity severity = Severity::low;
};
struct BaselineSummary {
  double min_boundary_score = 0, max_boundary_score = 0, mean_boundary_score = 0, std_boundary_score = 0;
  std::vector<std::string> common_violation_patterns;
};
// boundary_idx must be < boundary_scores.size(); scores and jumps finite.
BaselineSummary baseline_summary(const std::vector<double>& boundary_scores,
                                 const std::vector<BaselineViolation>& violations);
BaselineSummary baseline_summary(const MarkovReport& report);

// ------------------------------------------------------------------------------------------------------------
// Phase 2 — boundary smoothing (spec, binary64): the sum of per-boundary ramps computed from the original values.
// ------------------------------------------------------------------------------------------------------------
// values non-empty and finite, window in 1..20. Each output is a convex combination of the inputs.
std::vector<double> smooth_sequence(const std::vector<double>& values, int window, Interpolation method);
// Smooths scales and zero points separately (binary64 from the binary32 values, rounded back); time ranges and
// group sizes are kept. Validates the params.
std::vector<TimeGroupParam> smooth_boundaries(const std::vector<TimeGroupParam>& params, int window,
                                              Interpolation method);

// ------------------------------------------------------------------------------------------------------------
// Phase 3 — transitions and losses (reference), over the β schedule of arrowquant/timegroups.hpp
// ------------------------------------------------------------------------------------------------------------

struct Transition {
  float mean = 0, std = 0;
};
// (mean(w)*sqrt(1-beta), sqrt(var(w)*(1-beta) + beta)); w non-empty and finite, beta in [0, 1].
Transition transition_for_beta(const float* w, size_t n, float beta);
Transition transition(const std::vector<float>& w, BetaScheduleKind kind, uint64_t num_timesteps,
                      float beta_start, float beta_end, uint64_t timestep);

// Transition computer with an LRU cache. The key is the full content (every value's bits and the timestep; the
// schedule is fixed per computer), so an entry can never be returned for different input (no stale entries,
// no hash-collision aliasing). capacity 0 disables caching. One thread at a time.
class TransitionComputer {
 public:
  TransitionComputer(BetaScheduleKind kind, uint64_t num_timesteps, float beta_start, float beta_end,
                     uint64_t capacity = 1024);
  Transition compute(const float* w, size_t n, uint64_t timestep);
  Transition compute(const std::vector<float>& w, uint64_t timestep) { return compute(w.data(), w.size(), timestep); }
  float beta(uint64_t timestep) const;
  const std::vector<float>& betas() const { return betas_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t size() const { return lru_.size(); }
  uint64_t capacity() const { return capacity_; }
  double hit_rate() const;  // hits / (hits + misses); 0 before the first call
  void clear();             // drops entries and resets the counters

 private:
  struct Key {
    uint64_t timestep;
    std::vector<uint32_t> bits;
    bool operator==(const Key& o) const { return timestep == o.timestep && bits == o.bits; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  using Entry = std::pair<Key, Transition>;
  std::vector<float> betas_;
  uint64_t capacity_;
  uint64_t hits_ = 0, misses_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
};

// KL(N(mu1, sigma1) || N(mu2, sigma2)) in nats, sigmas floored at 1e-8, result >= 0.
float gaussian_kl(float mu1, float sigma1, float mu2, float sigma2);
// Mean squared error, sequential binary32 sum.
float quantization_loss(const float* original, const float* quantized, size_t n);
float quantization_loss(const std::vector<float>& original, const std::vector<float>& quantized);
// Mean KL over paired transitions (equal, non-zero lengths).
float markov_constraint_loss(const std::vector<Transition>& original, const std::vector<Transition>& quantized);
// -H of the values binned at round(w*100), bins summed in ascending order (<= 0).
float entropy_regularization(const float* w, size_t n);
float entropy_regularization(const std::vector<float>& w);
// (mse + markov_weight*markov) + entropy_weight*E, E = entropy_regularization(quantized) if entropy_weight > 0.
float total_loss(const std::vector<float>& original, const std::vector<float>& quantized,
                 const std::vector<Transition>& original_transitions,
                 const std::vector<Transition>& quantized_transitions, float markov_weight, float entropy_weight);

// 8-bit affine reference kernel: q = clamp(round(w/scale + zero_point), 0, 255), dequantized (q - zp)*scale.
// codes or dequantized may be null. scale > 0 finite, zero point and weights finite.
void affine_u8_reference(const float* w, size_t n, float scale, float zero_point, uint8_t* codes,
                         float* dequantized);
// The same map on the grid [0, levels] (levels = 2^a - 1) used by the time-group parameters.
float fake_quantize(float w, float scale, float zero_point, float levels);
// clamp(dot/(|a||b|), -1, 1) in binary32; neither vector zero.
float cosine_similarity_reference(const float* a, const float* b, size_t n);

// ------------------------------------------------------------------------------------------------------------
// Phase 3 — transition optimization
// ------------------------------------------------------------------------------------------------------------
// The objective at one point (all binary32 components as ArrowQuant V2's loss computes them).
struct LossBreakdown {
  float mse = 0;             // over the concatenated group samples
  float markov = 0;          // mean over groups of KL(original || quantized transition at the group's mid timestep)
  float entropy = 0;         // -H of the concatenated quantized samples (reported even when entropy_weight is 0)
  float reference_loss = 0;  // total_loss(...) exactly as ArrowQuant V2 (conformance total_loss)
  float coupling = 0;        // smoothness_weight * sum_g [(ln s_{g+1} - ln s_g)^2 + ((z_{g+1} - z_g)/255)^2]
  float total = 0;           // reference_loss + coupling
};

// Mid timestep of a group used for its transition: (start + end - 1) / 2.
uint64_t group_transition_timestep(const TimeGroupParam& p);

// Evaluates the objective of `params` on the per-group samples. The schedule has num_timesteps steps of
// config.thermodynamic.transition_optimization.beta_schedule with config.beta_start/beta_end; weights and the
// grid (2^activation_bits - 1) come from config.
LossBreakdown evaluate_objective(const std::vector<TimeGroupParam>& params,
                                 const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                 const TimeAwareConfig& config);

struct OptimizationResult {
  std::vector<TimeGroupParam> params;  // the best point seen (gradient) / the chain's sequence (chain)
  float initial_loss = 0;              // objective at the initial params (gradient: = loss_history[0])
  float final_loss = 0;                // objective at `params` (gradient: = min of loss_history)
  uint64_t iterations = 0;             // gradient: evaluated points; chain: dynamic-programme solves (bisection steps)
  bool converged = false;              // gradient: last two losses differ by < convergence_threshold; chain: target met
  std::vector<float> loss_history;     // gradient: objective per iteration; chain: chain objective per solve
  uint64_t cache_hits = 0, cache_misses = 0;  // of the transition computer (gradient)
  // ---- chain solver (zero / empty for the gradient optimizer) ----
  TransitionOptimizer optimizer = TransitionOptimizer::gradient;
  double multiplier = 0;       // the multiplier on sum(scale jump + zero-point jump) that met the score target
  bool target_bound = false;   // the unconstrained chain missed the target, so the multiplier was searched
  uint64_t candidates = 0;     // candidates per group actually used (config value, capped by the G*K^2 limit)
  std::vector<TimeGroupParam> unconstrained_params;  // each group's own best candidate (no coupling, no limits)
  float unconstrained_mse = 0;  // activation MSE of unconstrained_params on the group samples
  float mse = 0;                // activation MSE of `params` (the price of smoothness is mse - unconstrained_mse)
};

// Gradient descent on per-group (ln scale, zero point in codes): analytic gradients of MSE, Markov KL and the
// coupling term with straight-through rounding (clamped elements keep their gradient through the clamp bound),
// each component clipped to ±gradient_clip, learning_rate step; stops at max_iterations or when two consecutive
// losses differ by less than convergence_threshold; returns the best point. Deterministic. samples[g] must be
// non-empty; params validated; every group's time range must lie in [0, num_timesteps).
// Dispatches on config.thermodynamic.transition_optimization.optimizer ("chain" by default, see below).
OptimizationResult optimize_params(const std::vector<TimeGroupParam>& initial,
                                   const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                   const TimeAwareConfig& config);
// The gradient optimizer above, whatever the config's optimizer key says.
OptimizationResult optimize_params_gradient(const std::vector<TimeGroupParam>& initial,
                                            const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                            const TimeAwareConfig& config);
// The chain solver (docs/time-aware.md, "Phase 3: the chain solver"): per group `candidates` (scale, zero point)
// pairs, unary costs computed once, Viterbi along the groups with Phase 1's scale-jump limit as a hard
// constraint, and a multiplier on the boundary jumps found by bisection so the Phase 1 score reaches
// target_smoothness. Same input, same bytes on any thread count and SIMD target.
OptimizationResult optimize_params_chain(const std::vector<TimeGroupParam>& initial,
                                         const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                         const TimeAwareConfig& config);

// ------------------------------------------------------------------------------------------------------------
// Layer entry point: validate → smooth → optimize → validate
// ------------------------------------------------------------------------------------------------------------
enum class Stage : int { initial = 0, smoothed = 1, optimized = 2 };  // values equal aq_stage

struct StageMetrics {
  bool ran = false;                   // the stage exists (initial always; others when their phase ran)
  std::vector<TimeGroupParam> params;  // the parameters after this stage
  std::optional<MarkovReport> report;  // present when validation is enabled
  // Objective components at this stage's params on the calibration samples; absent only when the transition
  // schedule is undefined for the statistics (linear schedule with a single timestep).
  std::optional<LossBreakdown> loss;
};

struct PhaseTimings {  // wall-clock seconds; never written into a model file
  double validate_before = 0, smooth = 0, optimize = 0, validate_after = 0;
};

struct LayerResult {
  std::vector<TimeGroupParam> initial_params;  // from the statistics
  std::vector<TimeGroupParam> params;          // final
  StageMetrics stages[3];                      // indexed by Stage
  std::optional<OptimizationResult> optimization;
  PhaseTimings timings;
  std::string calibration_source;  // stats.source
  const StageMetrics& final_stage() const;  // the last stage that ran
};

// T = stats.num_timesteps(); G = config.num_time_groups; samples for metrics and Phase 3 come from
// group_samples(stats, params, seed).
LayerResult process_layer(const CalibrationStats& stats, const TimeAwareConfig& config, uint64_t seed);

struct LayerInput {
  const CalibrationStats* stats = nullptr;
  uint64_t seed = 0;
};
// Layers in parallel (oneTBB, num_threads: 0 = the process default); results in input order and identical for
// any thread count. If layers fail, the error of the lowest-index failing layer is thrown.
std::vector<LayerResult> process_layers(const std::vector<LayerInput>& layers, const TimeAwareConfig& config,
                                        int num_threads = 0);

}  // namespace aq
