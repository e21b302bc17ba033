// Data-free calibration (docs/time-aware.md): the forward diffusion process simulated for a layer's input.
//
// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, abar_t = prod_{k<=t} (1 - beta_k). x_0 is a per-channel
// heavy-tailed signal: sample j belongs to channel j mod C, x_0 = s0 * gain_c * L with L Laplace of unit variance
// and channel gains normalised to a mean square of 1, so x_0 has std s0 (calibration_data_std) while a few
// channels carry larger values, as real activations do. Its mean is 0.
//
// mean_t and std_t follow in closed form (0 and sqrt(abar_t s0^2 + 1 - abar_t)), so they are written exactly
// instead of estimated. The extremes have no closed form: they come from calibration_samples simulated values.
// Every timestep reuses the same x_0 and eps draws (common random numbers), which makes min_t/max_t a smooth
// function of t: a jump between time groups then reflects the schedule, never sampling noise.
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "common/rng.hpp"

namespace aq {

namespace {
constexpr int kChannels = 8;
}

CalibrationStats data_free_calibration(const TimeAwareConfig& config, uint64_t seed) {
  validate_config(config);
  const uint64_t t_count = config.num_timesteps;
  const uint64_t n = config.calibration_samples;
  if (config.beta_schedule == BetaScheduleKind::linear && t_count < 2)
    invalid("num_timesteps must be >= 2 for the linear beta_schedule, got " + std::to_string(t_count));
  const std::vector<float> betas = beta_schedule(config.beta_schedule, t_count, config.beta_start, config.beta_end);

  detail::Rng rng(detail::mix_seed(seed, 0x646174612d667265ull));  // "data-fre"
  double gains[kChannels];
  double mean_square = 0;
  for (double& g : gains) {
    g = std::exp(0.25 * rng.normal());  // channel gains within about x0.6 .. x1.6
    mean_square += g * g;
  }
  mean_square /= kChannels;
  const double norm = 1.0 / std::sqrt(mean_square);
  const double s0 = static_cast<double>(config.calibration_data_std);
  std::vector<double> x0(n), eps(n);
  for (uint64_t j = 0; j < n; ++j) x0[j] = s0 * gains[j % kChannels] * norm * rng.laplace();
  for (uint64_t j = 0; j < n; ++j) eps[j] = rng.normal();

  CalibrationStats stats;
  stats.source = "data-free";
  stats.min.resize(t_count);
  stats.max.resize(t_count);
  stats.mean.resize(t_count);
  stats.std.resize(t_count);
  double abar = 1.0;
  for (uint64_t t = 0; t < t_count; ++t) {
    abar *= 1.0 - static_cast<double>(betas[t]);
    const double a = std::sqrt(abar), b = std::sqrt(1.0 - abar);
    double mn = a * x0[0] + b * eps[0], mx = mn;
    for (uint64_t j = 1; j < n; ++j) {
      const double v = a * x0[j] + b * eps[j];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    stats.min[t] = static_cast<float>(mn);
    stats.max[t] = static_cast<float>(mx);
    stats.mean[t] = 0.0f;
    stats.std[t] = static_cast<float>(std::sqrt(abar * s0 * s0 + (1.0 - abar)));
  }
  return stats;
}

}  // namespace aq
