// timestep_index: the one mapping from a sampler's continuous time to a timestep index, used by the recorder and
// by the lookup so that samplers with different step counts agree on where a time lies.
#include <cstdio>
#include <cmath>
#include <string>

#include "arrowquant/activation.hpp"
#include "arrowquant/error.hpp"
#include "common/fmt.hpp"

namespace aq {
namespace {
std::string num17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace

uint64_t timestep_index(double t, double t_clean, double t_noise, uint64_t num_timesteps) {
  if (num_timesteps == 0) invalid("num_timesteps must be >= 1");
  // Every index must be exact in binary64.
  if (num_timesteps > (uint64_t{1} << 53)) invalid("num_timesteps must be <= 2^53, got " + std::to_string(num_timesteps));
  if (!std::isfinite(t)) invalid("t is not finite");
  if (!std::isfinite(t_clean)) invalid("t_clean is not finite");
  if (!std::isfinite(t_noise)) invalid("t_noise is not finite");
  if (t_clean == t_noise) invalid("t_clean and t_noise are equal (" + detail::num(t_clean) + "): the axis is empty");
  const double lo = std::fmin(t_clean, t_noise), hi = std::fmax(t_clean, t_noise);
  if (t < lo || t > hi)
    // 17 digits: a t that is outside by one rounding step (10.000000000000002) must not print as the bound.
    invalid("t = " + num17(t) + " is outside [" + detail::num(lo) + ", " + detail::num(hi) +
            "] (t_clean = " + detail::num(t_clean) + ", t_noise = " + detail::num(t_noise) + ")");
  const double u = (t - t_clean) / (t_noise - t_clean);  // 0 at the clean end, 1 at the noise end
  const double x = std::round(u * static_cast<double>(num_timesteps - 1));
  const double last = static_cast<double>(num_timesteps - 1);
  return static_cast<uint64_t>(x < 0 ? 0.0 : x > last ? last : x);
}

}  // namespace aq
