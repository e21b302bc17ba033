// Calibration data of each time group for Phase 3 and for the per-stage loss metrics: at most 256 values per group,
// the group's min and max first; recorded samples evenly thinned, or drawn deterministically from the statistics
// when no samples were recorded.
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "common/rng.hpp"

namespace aq {

std::vector<std::vector<float>> group_samples(const CalibrationStats& stats,
                                              const std::vector<TimeGroupParam>& params, uint64_t seed,
                                              uint64_t max_per_group) {
  stats.validate();
  validate_params(params, "params");
  if (max_per_group < 2) invalid("max_per_group must be >= 2, got " + std::to_string(max_per_group));
  const uint64_t t_count = stats.num_timesteps();
  for (size_t g = 0; g < params.size(); ++g)
    if (params[g].start >= params[g].end || params[g].end > t_count)
      invalid("params[" + std::to_string(g) + "].time_range [" + std::to_string(params[g].start) + ", " +
              std::to_string(params[g].end) + ") is empty or outside the " + std::to_string(t_count) +
              " timesteps of the calibration stats");

  std::vector<std::vector<float>> out(params.size());
  const bool recorded = stats.has_samples();
  for (size_t g = 0; g < params.size(); ++g) {
    const uint64_t s = params[g].start, e = params[g].end;
    std::vector<float>& dst = out[g];
    if (recorded) {
      uint64_t total = 0;
      for (uint64_t t = s; t < e; ++t) total += stats.samples[t].size();
      if (total == 0)
        invalid("calibration samples: time group " + std::to_string(g) + " (timesteps [" + std::to_string(s) +
                ", " + std::to_string(e) + ")) has no calibration samples");
      // The group's recorded extremes (exact over every value seen, unlike the kept samples) anchor the range as
      // in the statistics-only case below, so a clipped range pays for the tail it cuts off.
      float mn = stats.min[s], mx = stats.max[s];
      for (uint64_t t = s + 1; t < e; ++t) {
        mn = std::min(mn, stats.min[t]);
        mx = std::max(mx, stats.max[t]);
      }
      const uint64_t take = std::min(total, max_per_group - 2);
      dst.reserve(take + 2);
      dst.push_back(mn);
      dst.push_back(mx);
      // Evenly spaced positions in the group's samples taken in timestep order.
      uint64_t t = s, base = 0;
      for (uint64_t k = 0; k < take; ++k) {
        const uint64_t pos = static_cast<uint64_t>((static_cast<unsigned __int128>(k) * total) / take);
        while (pos >= base + stats.samples[t].size()) base += stats.samples[t++].size();
        dst.push_back(stats.samples[t][pos - base]);
      }
      continue;
    }
    // Statistics only: the group's extremes anchor the range, the rest follows each timestep's mean/std.
    float mn = stats.min[s], mx = stats.max[s];
    for (uint64_t t = s + 1; t < e; ++t) {
      mn = std::min(mn, stats.min[t]);
      mx = std::max(mx, stats.max[t]);
    }
    dst.reserve(max_per_group);
    dst.push_back(mn);
    dst.push_back(mx);
    detail::Rng rng(detail::mix_seed(seed, g));
    const uint64_t len = e - s;
    for (uint64_t k = 2; k < max_per_group; ++k) {
      const uint64_t t = s + (k - 2) % len;
      double v = static_cast<double>(stats.mean[t]) + static_cast<double>(stats.std[t]) * rng.normal();
      v = std::min(std::max(v, static_cast<double>(stats.min[t])), static_cast<double>(stats.max[t]));
      dst.push_back(static_cast<float>(v));
    }
  }
  return out;
}

}  // namespace aq
