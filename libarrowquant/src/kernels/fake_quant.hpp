// Activation fake quantization of a group's calibration samples, the inner loop of Phase 3's unary costs.
// A Highway kernel compiled for every target (fake_quant.cpp + fake_quant-inl.h) and a scalar reference built
// on aq::fake_quantize; the tests compare them on every target.
//
// Determinism: xhat[i] equals fake_quantize(x[i], scale, zero_point, levels) as a number on every target, and
// the squared errors are summed into 16 virtual lanes (element i into lane i % 16, in increasing i) whatever the
// vector width, so the caller's fold of the lanes in lane order gives the same bits everywhere.
#pragma once
#include <cstddef>

namespace aq::kernels {

struct alignas(64) SseLanes {
  float v[16];
};

// xhat[i] = (clamp(round_half_away(x[i] / scale + zero_point), 0, levels) - zero_point) * scale;
// lanes->v[i % 16] accumulates (x[i] - xhat[i])^2 (lanes are zeroed first). x finite, scale > 0 finite.
// bins (may be NULL): the entropy bin of xhat[i] as a float, clamp(round_half_away(xhat[i] * 100), ±kBinLimit):
// two bins are equal exactly when entropy_regularization() puts the values into the same bin.
constexpr float kBinLimit = 9.2e18f;
using FakeQuantSseFn = void (*)(const float* x, std::size_t n, float scale, float zero_point, float levels,
                                float* xhat, SseLanes* lanes, float* bins);

FakeQuantSseFn fake_quant_sse_simd();       // dispatched at call time (SetSupportedTargetsForTest switches it)
FakeQuantSseFn fake_quant_sse_reference();  // scalar

// The scalar entropy bin (the reference of the kernel's bins).
float entropy_bin_reference(float xhat);

// The lanes folded in lane order, in binary64.
double fold_lanes(const SseLanes& lanes);

}  // namespace aq::kernels
