// Scalar binary32 reference kernels of the conformance suite (README §5.12–5.13). They are the definition the
// SIMD weight kernels are not: kept deliberately plain (true division, roundf, sequential sums).
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "common/fmt.hpp"

namespace aq {

float fake_quantize(float w, float scale, float zero_point, float levels) {
  float x = w / scale;
  x = x + zero_point;
  const float r = std::round(x);  // half away from zero
  const float q = std::min(std::max(r, 0.0f), levels);
  return (q - zero_point) * scale;
}

void affine_u8_reference(const float* w, size_t n, float scale, float zero_point, uint8_t* codes,
                         float* dequantized) {
  if (n == 0) invalid("weights is empty");
  if (!std::isfinite(scale) || !(scale > 0.0f)) invalid("scale must be finite and > 0, got " + detail::num(scale));
  if (!std::isfinite(zero_point)) invalid("zero_point is not finite");
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(w[i])) invalid("weights[" + std::to_string(i) + "] is not finite");
  for (size_t i = 0; i < n; ++i) {
    float x = w[i] / scale;
    x = x + zero_point;
    const float r = std::round(x);
    const float q = std::min(std::max(r, 0.0f), 255.0f);
    if (codes) codes[i] = static_cast<uint8_t>(q);
    if (dequantized) dequantized[i] = (q - zero_point) * scale;
  }
}

float cosine_similarity_reference(const float* a, const float* b, size_t n) {
  if (n == 0) invalid("a is empty");
  float dot = 0.0f, aa = 0.0f, bb = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i])) invalid("a[" + std::to_string(i) + "] is not finite");
    if (!std::isfinite(b[i])) invalid("b[" + std::to_string(i) + "] is not finite");
    dot = dot + a[i] * b[i];
    aa = aa + a[i] * a[i];
    bb = bb + b[i] * b[i];
  }
  if (aa == 0.0f) invalid("a is a zero vector (or its squared norm underflows binary32): cosine similarity undefined");
  if (bb == 0.0f) invalid("b is a zero vector (or its squared norm underflows binary32): cosine similarity undefined");
  const float na = std::sqrt(aa);
  const float nb = std::sqrt(bb);
  const float c = dot / (na * nb);
  if (!std::isfinite(c)) invalid("a, b: the sums overflow binary32 (values too large)");
  return std::min(std::max(c, -1.0f), 1.0f);
}

}  // namespace aq
