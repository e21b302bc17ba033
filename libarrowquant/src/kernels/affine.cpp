// Runtime dispatch of the affine weight kernels (affine-inl.h) over every compiled Highway target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/affine.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/affine-inl.h"

#if HWY_ONCE
namespace aq::kernels {

HWY_EXPORT(QuantizeRow);
HWY_EXPORT(MinMax);
HWY_EXPORT(Encode);
HWY_EXPORT(FitSumsImpl);
HWY_EXPORT(Search);
HWY_EXPORT(Dequant);
HWY_EXPORT(F16ToF32);
HWY_EXPORT(BF16ToF32);
HWY_EXPORT(TargetName);

namespace {
int DQuantizeRow(const RowJob& j, uint64_t r, const float* x, uint8_t* codes_row, ErrorStats* stats) {
  return HWY_DYNAMIC_DISPATCH(QuantizeRow)(j, r, x, codes_row, stats);
}
bool DMinMax(const float* x, std::size_t n, float* mn, float* mx) {
  return HWY_DYNAMIC_DISPATCH(MinMax)(x, n, mn, mx);
}
void DEncode(const float* x, std::size_t n, float offset, float scale, float inv, uint32_t maxq, float stat_scale,
             uint8_t* codes, StatLanes* lanes, float* max_abs) {
  HWY_DYNAMIC_DISPATCH(Encode)(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs);
}
void DFitSums(const float* x, std::size_t n, float offset, float inv, uint32_t maxq, FitSums* out) {
  HWY_DYNAMIC_DISPATCH(FitSumsImpl)(x, n, offset, inv, maxq, out);
}
void DSearch(const float* x, std::size_t n, float mn, float mx, uint32_t maxq, float* scale, float* offset) {
  HWY_DYNAMIC_DISPATCH(Search)(x, n, mn, mx, maxq, scale, offset);
}
void DDequant(const uint8_t* codes, std::size_t n, float offset, float scale, float* dst) {
  HWY_DYNAMIC_DISPATCH(Dequant)(codes, n, offset, scale, dst);
}
void DF16(const uint16_t* src, std::size_t n, float* dst) { HWY_DYNAMIC_DISPATCH(F16ToF32)(src, n, dst); }
void DBF16(const uint16_t* src, std::size_t n, float* dst) { HWY_DYNAMIC_DISPATCH(BF16ToF32)(src, n, dst); }
}  // namespace

const Table& simd() {
  static const Table t{DQuantizeRow, DMinMax, DEncode, DFitSums, DSearch, DDequant, DF16, DBF16};
  return t;
}

const char* simd_target() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }

}  // namespace aq::kernels
#endif  // HWY_ONCE
