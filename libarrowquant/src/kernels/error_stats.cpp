// The error statistics of a quantized tensor (cosine, SQNR, MSE, max error) from the sums the row driver
// accumulates; blocks are merged in block order by the row driver, so the sums never depend on threads.
#include <algorithm>
#include <cmath>
#include <limits>

#include "arrowquant/quantize.hpp"

namespace aq {

void ErrorStats::merge(const ErrorStats& o) {
  sse += o.sse;
  energy += o.energy;
  recon_energy += o.recon_energy;
  dot += o.dot;
  max_abs = std::max(max_abs, o.max_abs);
  count += o.count;
}
double ErrorStats::cosine() const {
  if (energy == 0 && recon_energy == 0) return 1.0;
  if (energy == 0 || recon_energy == 0) return 0.0;
  const double c = dot / (std::sqrt(energy) * std::sqrt(recon_energy));
  return std::max(-1.0, std::min(1.0, c));
}
double ErrorStats::sqnr_db() const {
  if (sse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(energy / sse);
}
double ErrorStats::mse() const { return count ? sse / static_cast<double>(count) : 0.0; }

}  // namespace aq
