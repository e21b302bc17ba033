// Per-element activation quantization with one (scale, zero_point) pair: the kernels behind
// aq_quantize_activations / aq_fake_quantize_activations. Each exists as a Highway kernel compiled for every
// target (activation.cpp + activation-inl.h) and as a scalar reference written exactly as aq_affine_u8's
// formula (true division, then + zero_point, round half away from zero, clamp to [0, levels]); tests compare
// the two bit for bit on every target.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aq::kernels {

// codes[i] = clamp(round(x[i] / scale + zero_point), 0, levels), levels = 2^bits - 1 <= 255. Returns false when
// some x[i] is NaN or infinite (found in the same pass; codes are then unspecified).
using ActQuantFn = bool (*)(const float* x, std::size_t n, float scale, float zero_point, float levels,
                            uint8_t* codes);
// dst[i] = (clamp(round(x[i] / scale + zero_point), 0, levels) - zero_point) * scale, levels up to 65535.
// Returns false when some x[i] is NaN or infinite (dst is then unspecified).
using ActFakeQuantFn = bool (*)(const float* x, std::size_t n, float scale, float zero_point, float levels,
                                float* dst);

struct ActivationTable {
  ActQuantFn quantize;
  ActFakeQuantFn fake_quantize;
};

// The Highway kernels for the best target of this CPU (dispatched per call, so
// hwy::SetSupportedTargetsForTest switches them).
const ActivationTable& activation_simd();
// The scalar reference.
const ActivationTable& activation_reference();

}  // namespace aq::kernels
