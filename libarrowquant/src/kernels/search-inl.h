// The `search` parameter choice of one group. Textual include without a guard: compiled inside each Highway
// target's namespace (with that target's fit-sums kernel inlined, no function pointer) and inside the scalar
// reference. All decisions are scalar binary64 arithmetic on sums taken in a fixed order (kernels.hpp); the build
// has -ffp-contract=off, so every copy computes the same bits. search_batch-inl.h is the same computation with one
// group per vector lane. Needs <limits>, kernels/kernels.hpp and kernels/search.hpp.

// Parameters minimising the squared error of the group: 10 inverse scales from (maxq - 0.9)/range to
// (maxq + 0.9)/range, each followed by the least-squares (scale, offset) for the codes it produces, then 3
// refinement rounds (codes for the best pair, refit). The grid was chosen on the benchmark's Gaussian and
// Student-t data (docs/benchmarks.md). FitFn: void(const float*, size_t, float offset, float inv, uint32_t, FitSums*).
template <class FitFn>
static inline void SearchGroup(FitFn&& fit, const float* x, std::size_t n, float mn, float mx, uint32_t maxq,
                               float* scale, float* offset) {
  const float range = mx - mn;
  float best_s = range / static_cast<float>(maxq), best_m = mn;
  if (!(range > 0.0f)) {
    *scale = best_s;
    *offset = best_m;
    return;
  }
  // Sums of x and x^2 in 8 interleaved partial sums (independent chains), combined in a fixed order.
  double px[8] = {0}, pxx[8] = {0};
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    px[i & 7] += v;
    pxx[i & 7] += v * v;
  }
  const double sx = ((px[0] + px[4]) + (px[2] + px[6])) + ((px[1] + px[5]) + (px[3] + px[7]));
  const double sxx = ((pxx[0] + pxx[4]) + (pxx[2] + pxx[6])) + ((pxx[1] + pxx[5]) + (pxx[3] + pxx[7]));
  const double dn = static_cast<double>(n);
  double best_err = std::numeric_limits<double>::infinity();
  FitSums fs;
  auto try_fit = [&](float off, float inv) {
    fit(x, n, off, inv, maxq, &fs);
    const double sl = fs.sum_l, sll = fs.sum_ll, sxl = fold_lanes(fs.xl);
    const double det = dn * sll - sl * sl;
    if (!(det > 0)) return;
    const double inv_det = 1.0 / det;
    const double s = (dn * sxl - sl * sx) * inv_det;
    const double m = (sll * sx - sl * sxl) * inv_det;
    if (!(s > 0)) return;
    const double err = sxx - 2 * s * sxl - 2 * m * sx + s * s * sll + 2 * s * m * sl + dn * m * m;
    if (err < best_err) {
      best_err = err;
      best_s = static_cast<float>(s);
      best_m = static_cast<float>(m);
    }
  };
  constexpr int kSteps = 10;
  for (int step = 0; step < kSteps; ++step) {
    const float iscale = (static_cast<float>(maxq) + (-0.9f + 0.2f * static_cast<float>(step))) / range;
    try_fit(mn, iscale);
  }
  for (int round = 0; round < 3; ++round) {
    const float cs = best_s, cm = best_m;
    try_fit(cm, 1.0f / cs);
  }
  *scale = best_s;
  *offset = best_m;
}

