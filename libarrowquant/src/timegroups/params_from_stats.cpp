// Time-group activation parameters from calibration statistics (conformance README §5.2), binary32 throughout.
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "common/fmt.hpp"

namespace aq {

std::vector<TimeGroupParam> params_from_stats(const CalibrationStats& stats, uint64_t num_groups,
                                              int activation_bits) {
  if (activation_bits < 2 || activation_bits > 16)
    invalid("activation_bits must be in [2, 16], got " + std::to_string(activation_bits));
  stats.validate();
  const uint64_t t = stats.num_timesteps();
  const std::vector<uint64_t> b = group_timesteps(t, num_groups);
  const uint64_t e = b.size() - 1;
  const float levels = static_cast<float>((1u << activation_bits) - 1u);
  std::vector<TimeGroupParam> out(e);
  for (uint64_t g = 0; g < e; ++g) {
    // Plain minimum/maximum of the group's per-timestep values (the reference does not average them).
    float mn = stats.min[b[g]];
    float mx = stats.max[b[g]];
    for (uint64_t i = b[g] + 1; i < b[g + 1]; ++i) {
      if (stats.min[i] < mn) mn = stats.min[i];
      if (stats.max[i] > mx) mx = stats.max[i];
    }
    const float range = mx - mn;
    const float scale = range > 0.0f ? range / levels : 1e-6f;
    const float neg_min = -mn;
    const float zero_point = neg_min / scale;
    if (!std::isfinite(scale) || !std::isfinite(zero_point))
      invalid("calibration stats: the range of time group " + std::to_string(g) + " (timesteps [" +
              std::to_string(b[g]) + ", " + std::to_string(b[g + 1]) + ")) overflows binary32 parameters");
    out[g] = TimeGroupParam{b[g], b[g + 1], scale, zero_point, reference_group_size(g, e)};
  }
  return out;
}

void validate_params(const std::vector<TimeGroupParam>& params, const std::string& what) {
  if (params.empty()) invalid(what + " is empty (at least one time group is needed)");
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string at = what + "[" + std::to_string(i) + "]";
    if (!std::isfinite(params[i].scale) || !(params[i].scale > 0.0f))
      invalid(at + ".scale must be finite and > 0, got " + detail::num(params[i].scale));
    if (!std::isfinite(params[i].zero_point)) invalid(at + ".zero_point must be finite");
  }
}

}  // namespace aq
