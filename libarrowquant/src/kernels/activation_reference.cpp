// Scalar reference of the activation kernels: aq_affine_u8's formula, generalised to 2^bits - 1 levels.
#include <algorithm>
#include <cmath>

#include "kernels/activation_kernels.hpp"

namespace aq::kernels {
namespace {

inline float code_of(float w, float scale, float zero_point, float levels) {
  float x = w / scale;
  x = x + zero_point;
  const float r = std::round(x);  // half away from zero
  return std::min(std::max(r, 0.0f), levels);
}

bool quantize_ref(const float* x, std::size_t n, float scale, float zero_point, float levels, uint8_t* codes) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  for (std::size_t i = 0; i < n; ++i) codes[i] = static_cast<uint8_t>(code_of(x[i], scale, zero_point, levels));
  return true;
}

bool fake_quantize_ref(const float* x, std::size_t n, float scale, float zero_point, float levels, float* dst) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  for (std::size_t i = 0; i < n; ++i) dst[i] = (code_of(x[i], scale, zero_point, levels) - zero_point) * scale;
  return true;
}

}  // namespace

const ActivationTable& activation_reference() {
  static const ActivationTable t{quantize_ref, fake_quantize_ref};
  return t;
}

}  // namespace aq::kernels
