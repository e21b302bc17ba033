// Phase 1 — Markov smoothness validation (conformance README §5.3), binary32 in the order the formulas are
// written. Monitoring only: it never changes parameters.
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "common/fmt.hpp"

namespace aq {

float MarkovReport::max_scale_jump() const {
  float m = 0.0f;
  for (float s : scale_jumps) m = std::max(m, s);
  return m;
}

MarkovReport markov_validate(const std::vector<float>& scales, const std::vector<float>& zero_points,
                             float threshold) {
  const size_t n = scales.size();
  if (n == 0) invalid("scales is empty (at least one time group is needed)");
  if (zero_points.size() != n)
    invalid("zero_points has " + std::to_string(zero_points.size()) + " entries, scales has " + std::to_string(n));
  if (!std::isfinite(threshold) || threshold < 0.0f || threshold > 1.0f)
    invalid("threshold must be in [0, 1], got " + detail::num(threshold));
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(scales[i]) || !(scales[i] > 0.0f))
      invalid("scales[" + std::to_string(i) + "] must be finite and > 0, got " + detail::num(scales[i]));
    if (!std::isfinite(zero_points[i])) invalid("zero_points[" + std::to_string(i) + "] is not finite");
  }
  MarkovReport r;
  if (n == 1) return r;
  const size_t nb = n - 1;
  r.boundary_scores.resize(nb);
  r.scale_jumps.resize(nb);
  r.zero_point_jumps.resize(nb);
  float total = 0.0f, max_possible = 0.0f;
  for (size_t i = 0; i < nb; ++i) {
    const float sj = std::fabs(scales[i + 1] - scales[i]) / scales[i];  // relative to the left group
    const float zj = std::fabs(zero_points[i + 1] - zero_points[i]) / 255.0f;
    const float jump = sj + zj;
    const float half = jump / 2.0f;
    r.boundary_scores[i] = 1.0f - std::min(half, 1.0f);
    r.scale_jumps[i] = sj;
    r.zero_point_jumps[i] = zj;
    total = total + jump;
    max_possible = max_possible + 2.0f;
    if (sj > threshold) {
      // Fixed cut-offs, independent of the threshold.
      const Severity sev = sj > 0.5f ? Severity::high : (sj > 0.3f ? Severity::medium : Severity::low);
      r.violations.push_back(Violation{i, sj, zj, sev});
    }
  }
  const float ratio = total / max_possible;
  r.smoothness_score = 1.0f - std::min(ratio, 1.0f);
  r.is_valid = r.violations.empty();
  return r;
}

MarkovReport markov_validate(const std::vector<TimeGroupParam>& params, float threshold) {
  std::vector<float> s(params.size()), z(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    s[i] = params[i].scale;
    z[i] = params[i].zero_point;
  }
  return markov_validate(s, z, threshold);
}

}  // namespace aq
