// Calibration statistics of one layer: per-timestep min/max/mean/std of its input activations.
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "common/fmt.hpp"

namespace aq {

bool CalibrationStats::has_samples() const {
  for (const auto& s : samples)
    if (!s.empty()) return true;
  return false;
}

void CalibrationStats::validate() const {
  const size_t t = min.size();
  if (t == 0) invalid("calibration stats: min is empty (at least one timestep is needed)");
  if (max.size() != t) invalid("calibration stats: max has " + std::to_string(max.size()) + " entries, min has " + std::to_string(t));
  if (mean.size() != t) invalid("calibration stats: mean has " + std::to_string(mean.size()) + " entries, min has " + std::to_string(t));
  if (std.size() != t) invalid("calibration stats: std has " + std::to_string(std.size()) + " entries, min has " + std::to_string(t));
  if (!samples.empty() && samples.size() != t)
    invalid("calibration stats: samples has " + std::to_string(samples.size()) + " timesteps, min has " + std::to_string(t));
  for (size_t i = 0; i < t; ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    if (!std::isfinite(min[i])) invalid("calibration stats: min" + at + " is not finite");
    if (!std::isfinite(max[i])) invalid("calibration stats: max" + at + " is not finite");
    if (!std::isfinite(mean[i])) invalid("calibration stats: mean" + at + " is not finite");
    if (!std::isfinite(std[i])) invalid("calibration stats: std" + at + " is not finite");
    if (min[i] > max[i])
      invalid("calibration stats: min" + at + " (" + detail::num(min[i]) + ") exceeds max" + at + " (" +
              detail::num(max[i]) + ")");
    if (std[i] < 0) invalid("calibration stats: std" + at + " is negative");
  }
  for (size_t i = 0; i < samples.size(); ++i)
    for (size_t j = 0; j < samples[i].size(); ++j)
      if (!std::isfinite(samples[i][j]))
        invalid("calibration stats: samples[" + std::to_string(i) + "][" + std::to_string(j) + "] is not finite");
}

CalibrationStats make_calibration_stats(std::vector<float> min, std::vector<float> max, std::vector<float> mean,
                                        std::vector<float> std) {
  CalibrationStats s;
  s.min = std::move(min);
  s.max = std::move(max);
  s.mean = std::move(mean);
  s.std = std::move(std);
  s.validate();
  return s;
}

}  // namespace aq
