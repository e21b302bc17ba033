// Runtime dispatch of the activation fake-quantization kernel (fake_quant-inl.h) and its scalar reference.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/fake_quant.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/fake_quant-inl.h"

#if HWY_ONCE
#include <algorithm>
#include <cmath>

namespace aq::kernels {

HWY_EXPORT(FakeQuantSse);

namespace {
void DFakeQuantSse(const float* x, std::size_t n, float scale, float zero_point, float levels, float* xhat,
                   SseLanes* lanes, float* bins) {
  HWY_DYNAMIC_DISPATCH(FakeQuantSse)(x, n, scale, zero_point, levels, xhat, lanes, bins);
}
void RefFakeQuantSse(const float* x, std::size_t n, float scale, float zero_point, float levels, float* xhat,
                     SseLanes* lanes, float* bins) {
  for (float& v : lanes->v) v = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    xhat[i] = fake_quantize(x[i], scale, zero_point, levels);
    if (bins) bins[i] = entropy_bin_reference(xhat[i]);
    const float e = x[i] - xhat[i];
    lanes->v[i % 16] = lanes->v[i % 16] + e * e;
  }
}
}  // namespace

float entropy_bin_reference(float xhat) {
  const float r = std::round(xhat * 100.0f);
  return std::min(std::max(r, -kBinLimit), kBinLimit);
}

FakeQuantSseFn fake_quant_sse_simd() { return DFakeQuantSse; }
FakeQuantSseFn fake_quant_sse_reference() { return RefFakeQuantSse; }

double fold_lanes(const SseLanes& lanes) {
  double s = 0.0;
  for (float v : lanes.v) s += static_cast<double>(v);
  return s;
}

}  // namespace aq::kernels
#endif  // HWY_ONCE
