// Time grouping, calibration statistics and time-group activation parameters (docs/time-aware.md; conformance
// README §5.1–5.2).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arrowquant/timeaware_config.hpp"

namespace aq {

// E = min(G, T) groups; throws invalid_argument naming num_timesteps / num_groups when either is 0.
uint64_t effective_group_count(uint64_t num_timesteps, uint64_t num_groups);
// Boundaries b_0 .. b_E with b_i = floor(i*T/E) (64-bit products), b_E = T; group g covers [b_g, b_{g+1}).
std::vector<uint64_t> group_timesteps(uint64_t num_timesteps, uint64_t num_groups);
// Activation-quantizer granularity metadata of the reference: 256 for g < floor(E/2), else 64.
uint32_t reference_group_size(uint64_t group, uint64_t num_groups);

// The β schedule of the forward diffusion process (reference, conformance README §5.5): data-free calibration
// simulates it, Phase 3's transitions follow it. linear needs T >= 2; beta_start/beta_end finite in [0, 1] with
// beta_start <= beta_end (cosine ignores them).
std::vector<float> beta_schedule(BetaScheduleKind kind, uint64_t num_timesteps, float beta_start, float beta_end);

// Per-timestep statistics of one layer's input activations, optionally with recorded samples.
struct CalibrationStats {
  std::vector<float> min, max, mean, std;          // one entry per timestep
  std::vector<std::vector<float>> samples;         // empty, or one (possibly empty) vector per timestep
  std::string source = "recorded";                 // "recorded" or "data-free" (the report names it)

  uint64_t num_timesteps() const { return min.size(); }
  bool has_samples() const;  // any timestep has at least one sample
  // Throws invalid_argument naming the field and timestep: empty, sizes differ, non-finite, min > max, std < 0,
  // non-finite sample.
  void validate() const;
};

// Builds validated statistics from four equally long arrays (invalid_argument naming the array otherwise).
CalibrationStats make_calibration_stats(std::vector<float> min, std::vector<float> max, std::vector<float> mean,
                                        std::vector<float> std);

// One time group's activation parameters: w ~= (q - zero_point) * scale, q in [0, 2^a - 1].
struct TimeGroupParam {
  uint64_t start = 0, end = 0;  // timesteps [start, end)
  float scale = 1.0f;           // activation units per code step, > 0
  float zero_point = 0.0f;      // in codes, real (not rounded, not clamped)
  uint32_t group_size = 64;     // metadata for the activation quantizer's granularity
};

// Per group: min/max over its timesteps, scale = range / (2^a - 1) (1e-6 for a zero range), zero_point =
// -min/scale, all in binary32 (reference formula for a = 8). activation_bits in 2..16.
std::vector<TimeGroupParam> params_from_stats(const CalibrationStats& stats, uint64_t num_groups,
                                              int activation_bits = 8);

// Throws invalid_argument naming `what`[index] for an empty sequence, scale <= 0 or non-finite, non-finite
// zero point.
void validate_params(const std::vector<TimeGroupParam>& params, const std::string& what = "params");

// Data-free calibration (docs/time-aware.md): the forward diffusion x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps with
// the configured beta schedule, x_0 a heavy-tailed (Laplace) per-channel signal of std calibration_data_std and
// eps standard normal. mean and std are closed forms (0 and sqrt(abar_t s0^2 + 1 - abar_t)); min and max are the
// extremes of calibration_samples simulated samples that share x_0 and eps across timesteps (common random
// numbers, so the statistics change smoothly with t). Deterministic for a given seed on every platform that has
// the same libm (our own generator and normal transform, never std::*_distribution).
CalibrationStats data_free_calibration(const TimeAwareConfig& config, uint64_t seed);

// Calibration data of each group for Phase 3 (at most max_per_group values each):
//  * with recorded samples: the samples of the group's timesteps in timestep order, evenly thinned to the cap; a
//    group without any sample is invalid_argument naming the group;
//  * with statistics only: the group's min and max, then values drawn deterministically from each timestep's
//    N(mean, std) clamped to its [min, max], cycling through the group's timesteps.
std::vector<std::vector<float>> group_samples(const CalibrationStats& stats,
                                              const std::vector<TimeGroupParam>& params, uint64_t seed,
                                              uint64_t max_per_group = 256);

}  // namespace aq
