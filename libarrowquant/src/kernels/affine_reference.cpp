// Plain scalar reference of the affine weight kernels: the definition the Highway kernels must match bit for
// bit on every target (tests/unit/test_kernels_targets.cpp).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "arrowquant/fp16.hpp"
#include "kernels/f16_round.hpp"
#include "kernels/kernels.hpp"
#include "kernels/quantize_impl.hpp"
#include "kernels/search.hpp"

namespace aq::kernels {
namespace {

constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: (t + kMagic) - kMagic rounds t to nearest even

float code_of(float x, float offset, float inv, float maxq) {
  float t = (x - offset) * inv;
  t = t > 0.0f ? t : 0.0f;
  t = t < maxq ? t : maxq;
  return (t + kMagic) - kMagic;
}

bool ref_min_max(const float* x, std::size_t n, float* mn, float* mx) {
  float lo = HUGE_VALF, hi = -HUGE_VALF;
  bool finite = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) finite = false;
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  *mn = lo + 0.0f;
  *mx = hi + 0.0f;
  return finite;
}

void ref_encode(const float* x, std::size_t n, float offset, float scale, float inv, uint32_t maxq,
                float stat_scale, uint8_t* codes, StatLanes* lanes, float* max_abs) {
  const float fmaxq = static_cast<float>(maxq);
  for (std::size_t i = 0; i < n; ++i) {
    const float w = x[i];
    const float q = code_of(w, offset, inv, fmaxq);
    codes[i] = static_cast<uint8_t>(q);
    const float wh = offset + q * scale;
    const float e = w - wh;
    const float es = e * stat_scale, ws = w * stat_scale, whs = wh * stat_scale;
    const std::size_t l = i % kVLanes;
    lanes->sse[l] = lanes->sse[l] + es * es;
    lanes->energy[l] = lanes->energy[l] + ws * ws;
    lanes->recon[l] = lanes->recon[l] + whs * whs;
    lanes->dot[l] = lanes->dot[l] + ws * whs;
    const float ae = std::fabs(e);
    if (ae > *max_abs) *max_abs = ae;
  }
}

void ref_fit_sums(const float* x, std::size_t n, float offset, float inv, uint32_t maxq, FitSums* out) {
  const float fmaxq = static_cast<float>(maxq);
  for (std::size_t l = 0; l < kVLanes; ++l) out->xl[l] = 0.0f;
  float sl = 0.0f, sll = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    const float q = code_of(x[i], offset, inv, fmaxq);
    sl = sl + q;
    sll = sll + q * q;
    out->xl[i % kVLanes] = out->xl[i % kVLanes] + x[i] * q;
  }
  out->sum_l = sl;
  out->sum_ll = sll;
}

#include "kernels/search-inl.h"

void ref_search(const float* x, std::size_t n, float mn, float mx, uint32_t maxq, float* scale, float* offset) {
  SearchGroup(ref_fit_sums, x, n, mn, mx, maxq, scale, offset);
}

// The row driver on the reference primitives: groups searched one at a time, packing by the portable code.
constexpr std::size_t kRowBatch = 16;
bool RowMinMax(const float* x, std::size_t n, float* mn, float* mx) { return ref_min_max(x, n, mn, mx); }
void RowEncode(const float* x, std::size_t n, float offset, float scale, float inv, uint32_t maxq, float stat_scale,
               uint8_t* codes, StatLanes* lanes, float* max_abs) {
  ref_encode(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs);
}
template <class P>
void RowEncodeRun(const float* x, std::size_t n, std::size_t G, const P* eff, const float* inv, uint32_t maxq,
                  uint8_t* codes, StatLanes* lanes, float* max_abs) {
  for (std::size_t g = 0; g < G; ++g)
    ref_encode(x + g * n, n, eff[g].offset, eff[g].scale, inv[g], maxq, 1.0f, codes + g * n, lanes, max_abs);
}
void RowSearchOne(const float* x, std::size_t n, float mn, float mx, uint32_t maxq, float* scale, float* offset) {
  ref_search(x, n, mn, mx, maxq, scale, offset);
}
void RowSearchBatch(const float* x, std::size_t n, std::size_t G, const float* mn, const float* mx, uint32_t maxq,
                    float* scale, float* offset) {
  for (std::size_t g = 0; g < G; ++g) ref_search(x + g * n, n, mn[g], mx[g], maxq, scale + g, offset + g);
}
void RowPack(const uint8_t* codes, uint64_t n, int bits, uint8_t* out) { detail::pack_codes(codes, n, bits, out); }

#include "kernels/row_driver-inl.h"

void ref_dequant(const uint8_t* codes, std::size_t n, float offset, float scale, float* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = offset + static_cast<float>(codes[i]) * scale;
}

void ref_f16(const uint16_t* src, std::size_t n, float* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = f16_to_f32(src[i]);
}

void ref_bf16(const uint16_t* src, std::size_t n, float* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(src[i]);
}

}  // namespace

const Table& reference() {
  static const Table t{RowQuantize, ref_min_max, ref_encode, ref_fit_sums, ref_search, ref_dequant, ref_f16, ref_bf16};
  return t;
}

}  // namespace aq::kernels
