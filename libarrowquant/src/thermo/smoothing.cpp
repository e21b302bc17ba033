// Phase 2 — boundary smoothing (conformance README §5.4, spec, binary64).
//
// Q_idx = P_0 + sum_b (P_{b+1} - P_b) R_b(idx): every boundary contributes a ramp computed from the ORIGINAL
// values, so the result does not depend on the order in which boundaries are processed and no boundary reads a
// value another one rewrote (the reference's in-place pass does; conformance/DEVIATIONS.md). Evaluated in the
// oracle's form Q_idx = P_idx + sum_{b: idx in window(b)} (P_{b+1} - P_b)(R_b(idx) - [idx > b]), which only
// touches the O(window) boundaries near idx.
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

namespace aq {

namespace {
double shape(double a, Interpolation m) {
  switch (m) {
    case Interpolation::linear: return a;
    case Interpolation::cubic: return -2.0 * a * a * a + 3.0 * a * a;  // smoothstep
    case Interpolation::sigmoid: return 1.0 / (1.0 + std::exp(-10.0 * (a - 0.5)));
  }
  return a;
}
}  // namespace

std::vector<double> smooth_sequence(const std::vector<double>& values, int window, Interpolation method) {
  if (values.empty()) invalid("values is empty (at least one time group is needed)");
  if (window < 1 || window > 20) invalid("window must be in [1, 20], got " + std::to_string(window));
  const int mi = static_cast<int>(method);
  if (mi < 0 || mi > 2) invalid("method must be linear, cubic or sigmoid, got " + std::to_string(mi));
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) invalid("values[" + std::to_string(i) + "] is not finite");
  const int64_t n = static_cast<int64_t>(values.size());
  if (n <= 1) return values;
  const double lo = *std::min_element(values.begin(), values.end());
  const double hi = *std::max_element(values.begin(), values.end());
  const int64_t w = window;
  std::vector<double> out(values.size());
  for (int64_t idx = 0; idx < n; ++idx) {
    double q = values[idx];
    // Only boundaries b with b - Lw + 1 <= idx <= b + Rw can affect idx, and Lw, Rw <= w.
    const int64_t b_lo = std::max<int64_t>(0, idx - w), b_hi = std::min<int64_t>(n - 2, idx + w - 1);
    for (int64_t b = b_lo; b <= b_hi; ++b) {
      const int64_t lw = std::min(w, b + 1), rw = std::min(w, n - b - 1), width = lw + rw;
      if (idx < b - lw + 1 || idx > b + rw) continue;
      const double a = static_cast<double>(idx - b + lw) / static_cast<double>(width + 1);
      const double step = idx > b ? 1.0 : 0.0;
      q += (values[b + 1] - values[b]) * (shape(a, method) - step);
    }
    // Mathematically each output is a convex combination of the inputs; the clamp only removes rounding excess.
    out[idx] = std::min(std::max(q, lo), hi);
  }
  return out;
}

std::vector<TimeGroupParam> smooth_boundaries(const std::vector<TimeGroupParam>& params, int window,
                                              Interpolation method) {
  validate_params(params, "params");
  std::vector<double> s(params.size()), z(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    s[i] = params[i].scale;
    z[i] = params[i].zero_point;
  }
  const std::vector<double> ss = smooth_sequence(s, window, method);
  const std::vector<double> zz = smooth_sequence(z, window, method);
  std::vector<TimeGroupParam> out = params;
  for (size_t i = 0; i < params.size(); ++i) {
    out[i].scale = static_cast<float>(ss[i]);
    out[i].zero_point = static_cast<float>(zz[i]);
  }
  return out;
}

}  // namespace aq
