// Runtime dispatch of the activation kernels (activation-inl.h) over every compiled Highway target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/activation.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/activation-inl.h"

#if HWY_ONCE
namespace aq::kernels {

HWY_EXPORT(ActQuantize);
HWY_EXPORT(ActFakeQuantize);

namespace {
bool DQuantize(const float* x, std::size_t n, float scale, float zero_point, float levels, uint8_t* codes) {
  return HWY_DYNAMIC_DISPATCH(ActQuantize)(x, n, scale, zero_point, levels, codes);
}
bool DFakeQuantize(const float* x, std::size_t n, float scale, float zero_point, float levels, float* dst) {
  return HWY_DYNAMIC_DISPATCH(ActFakeQuantize)(x, n, scale, zero_point, levels, dst);
}
}  // namespace

const ActivationTable& activation_simd() {
  static const ActivationTable t{DQuantize, DFakeQuantize};
  return t;
}

}  // namespace aq::kernels
#endif  // HWY_ONCE
