// β schedules of the forward diffusion process (conformance README §5.5), binary32 in the order written there.
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "common/fmt.hpp"

namespace aq {

namespace {
float cosine_alpha_bar(uint64_t t, float t_count, float one_plus_s) {
  const float s = 0.008f;
  const float pi = 3.14159274f;  // binary32 π
  float x = static_cast<float>(t) / t_count;
  x = x + s;
  x = x / one_plus_s;
  x = x * pi;
  x = x / 2.0f;
  const float c = std::cos(x);
  return c * c;
}
}  // namespace

std::vector<float> beta_schedule(BetaScheduleKind kind, uint64_t num_timesteps, float beta_start, float beta_end) {
  if (num_timesteps == 0) invalid("num_timesteps must be >= 1, got 0");
  // Closed interval: the conformance vectors include a linear schedule from 0 to 1 (conformance/DEVIATIONS.md).
  if (!std::isfinite(beta_start) || beta_start < 0.0f || beta_start > 1.0f)
    invalid("beta_start must be in [0, 1], got " + detail::num(beta_start));
  if (!std::isfinite(beta_end) || beta_end < 0.0f || beta_end > 1.0f)
    invalid("beta_end must be in [0, 1], got " + detail::num(beta_end));
  if (beta_start > beta_end)
    invalid("beta_start (" + detail::num(beta_start) + ") must not exceed beta_end (" + detail::num(beta_end) + ")");
  std::vector<float> betas(num_timesteps);
  if (kind == BetaScheduleKind::linear) {
    if (num_timesteps < 2)
      invalid("num_timesteps must be >= 2 for the linear beta schedule, got " + std::to_string(num_timesteps));
    const float d = beta_end - beta_start;
    const float denom = static_cast<float>(num_timesteps - 1);
    for (uint64_t t = 0; t < num_timesteps; ++t) {
      const float a = static_cast<float>(t) / denom;
      betas[t] = beta_start + d * a;
    }
    return betas;
  }
  if (kind != BetaScheduleKind::cosine)
    invalid("kind must be linear or cosine, got " + std::to_string(static_cast<int>(kind)));
  const float t_count = static_cast<float>(num_timesteps);
  const float one_plus_s = 1.0f + 0.008f;
  float prev = 1.0f;  // abar(-1)
  for (uint64_t t = 0; t < num_timesteps; ++t) {
    const float cur = cosine_alpha_bar(t, t_count, one_plus_s);
    const float ratio = cur / prev;
    const float beta = 1.0f - ratio;
    betas[t] = std::min(std::max(beta, 1e-4f), 0.9999f);
    prev = cur;
  }
  return betas;
}

}  // namespace aq
