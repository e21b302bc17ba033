// Argument checks around the activation kernels, and the integer zero point of engines that need one.
#include <cmath>
#include <string>

#include "arrowquant/activation.hpp"
#include "arrowquant/error.hpp"
#include "kernels/activation_kernels.hpp"
#include "common/fmt.hpp"

namespace aq {
namespace {

void check_params(float scale, float zero_point) {
  if (!std::isfinite(scale) || !(scale > 0.0f)) invalid("scale must be finite and > 0, got " + detail::num(scale));
  if (!std::isfinite(zero_point)) invalid("zero_point is not finite");
}

[[noreturn]] void non_finite(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) invalid("src[" + std::to_string(i) + "] is not finite (" + detail::num(x[i]) + ")");
  fail(Status::internal, "the kernel reported a non-finite value that a scan cannot find");
}

float levels_of(int bits) { return static_cast<float>((1u << bits) - 1u); }

}  // namespace

void quantize_activations(const float* x, std::size_t n, float scale, float zero_point, int bits, uint8_t* codes) {
  if (bits > 8 && bits <= 16)
    fail(Status::unsupported, "bits = " + std::to_string(bits) +
                                  ": codes are bytes, so at most 8 bits (use fake quantization for more)");
  if (bits < 2 || bits > 8) invalid("bits must be in 2..8, got " + std::to_string(bits));
  check_params(scale, zero_point);
  if (n == 0) return;
  if (!kernels::activation_simd().quantize(x, n, scale, zero_point, levels_of(bits), codes)) non_finite(x, n);
}

void fake_quantize_activations(const float* x, std::size_t n, float scale, float zero_point, int bits, float* dst) {
  if (bits < 2 || bits > 16) invalid("bits must be in 2..16, got " + std::to_string(bits));
  check_params(scale, zero_point);
  if (n == 0) return;
  if (!kernels::activation_simd().fake_quantize(x, n, scale, zero_point, levels_of(bits), dst)) non_finite(x, n);
}

int32_t integer_zero_point(float zero_point, int bits) {
  if (bits < 2 || bits > 16) invalid("bits must be in 2..16, got " + std::to_string(bits));
  if (!std::isfinite(zero_point)) invalid("zero_point is not finite");
  const double levels = static_cast<double>((1u << bits) - 1u);
  const double r = std::nearbyint(static_cast<double>(zero_point));  // the default mode: half to even
  return static_cast<int32_t>(r < 0 ? 0.0 : r > levels ? levels : r);
}

}  // namespace aq
