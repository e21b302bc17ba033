// Baseline report statistics of ArrowQuant V2's baseline-metrics script (conformance README §5.14, spec, binary64).
// The cluster rule compares boundary indices with half the number of boundaries (the script used the number of
// violations; conformance/DEVIATIONS.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

namespace aq {

namespace {
std::string one_decimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);  // exact binary value rounded to nearest, ties to even (= Python)
  return buf;
}
}  // namespace

BaselineSummary baseline_summary(const std::vector<double>& scores, const std::vector<BaselineViolation>& violations) {
  const size_t m = scores.size();
  for (size_t i = 0; i < m; ++i)
    if (!std::isfinite(scores[i])) invalid("boundary_scores[" + std::to_string(i) + "] is not finite");
  for (size_t i = 0; i < violations.size(); ++i) {
    if (violations[i].boundary_idx >= m)
      invalid("violations[" + std::to_string(i) + "].boundary_idx (" + std::to_string(violations[i].boundary_idx) +
              ") is not a boundary: there are " + std::to_string(m) + " boundary scores");
    if (!std::isfinite(violations[i].scale_jump) || violations[i].scale_jump < 0)
      invalid("violations[" + std::to_string(i) + "].scale_jump must be finite and >= 0");
    const int sev = static_cast<int>(violations[i].severity);
    if (sev < 0 || sev > 2) invalid("violations[" + std::to_string(i) + "].severity is not low/medium/high");
  }
  BaselineSummary s;
  if (m > 0) {
    double mn = scores[0], mx = scores[0], sum = 0.0;
    for (double x : scores) {
      mn = std::min(mn, x);
      mx = std::max(mx, x);
      sum += x;
    }
    const double mean = sum / static_cast<double>(m);
    double sq = 0.0;
    for (double x : scores) sq += (x - mean) * (x - mean);
    s.min_boundary_score = mn;
    s.max_boundary_score = mx;
    s.mean_boundary_score = mean;
    s.std_boundary_score = std::sqrt(sq / static_cast<double>(m));
  }
  auto& p = s.common_violation_patterns;
  if (violations.empty()) {
    p.push_back("No violations detected - excellent smoothness");
    return s;
  }
  const double v = static_cast<double>(violations.size());
  const std::pair<Severity, const char*> levels[] = {
      {Severity::high, "High"}, {Severity::medium, "Medium"}, {Severity::low, "Low"}};
  for (const auto& [sev, label] : levels) {
    uint64_t c = 0;
    for (const auto& x : violations) c += x.severity == sev ? 1 : 0;
    if (c > 0)
      p.push_back(std::string(label) + " severity violations: " + std::to_string(c) + " (" +
                  one_decimal(static_cast<double>(c) / v * 100.0) + "%)");
  }
  std::set<uint64_t> idx;
  for (const auto& x : violations) idx.insert(x.boundary_idx);
  std::string list = "Violations at boundaries: [";
  bool first = true;
  for (uint64_t i : idx) {
    list += (first ? "" : ", ") + std::to_string(i);
    first = false;
  }
  p.push_back(list + "]");
  bool early = true, late = true;
  for (uint64_t i : idx) {
    if (!(2 * i < m)) early = false;
    if (!(2 * i >= m)) late = false;
  }
  if (early) p.push_back("Violations cluster at early boundaries");
  else if (late) p.push_back("Violations cluster at late boundaries");
  double mx = violations[0].scale_jump, sum = 0.0;
  for (const auto& x : violations) {
    mx = std::max(mx, x.scale_jump);
    sum += x.scale_jump;
  }
  p.push_back("Scale jumps: max=" + one_decimal(mx * 100.0) + "%, avg=" + one_decimal(sum / v * 100.0) + "%");
  return s;
}

BaselineSummary baseline_summary(const MarkovReport& report) {
  std::vector<double> scores(report.boundary_scores.begin(), report.boundary_scores.end());
  std::vector<BaselineViolation> v;
  for (const auto& x : report.violations) v.push_back(BaselineViolation{x.boundary_idx, x.scale_jump, x.severity});
  return baseline_summary(scores, v);
}

}  // namespace aq
