// Deserialisation: a quantized tensor rebuilt from its stored codes and parameter bytes, every field checked
// (Status::format naming what is wrong), hierarchical parameters expanded to per-group scales and offsets.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"
#include "kernels/packing.hpp"
#include "kernels/tensor_layout.hpp"

namespace aq {

QuantizedTensor from_parts(uint64_t rows, uint64_t cols, const QuantSpec& spec_in, bool params_f32,
                           std::vector<uint8_t> codes, const uint8_t* params, uint64_t params_bytes) {
  try {
    detail::check_shape(rows, cols);
    validate_spec(spec_in);
  } catch (const Error& e) {
    fail(Status::format, std::string("quantized tensor: ") + e.what());
  }
  if (spec_in.format == ParamFormat::automatic) fail(Status::format, "quantized tensor: format must be flat or hierarchical");
  QuantizedTensor q;
  detail::init_layout(q, rows, cols, spec_in);
  q.params_f32 = spec_in.format == ParamFormat::flat && params_f32;
  if (codes.size() != rows * q.row_bytes)
    fail(Status::format, "quantized tensor: packed codes hold " + std::to_string(codes.size()) + " bytes, expected " +
                             std::to_string(rows * q.row_bytes));
  if (params_bytes != q.param_bytes())
    fail(Status::format, "quantized tensor: parameters hold " + std::to_string(params_bytes) + " bytes, expected " +
                             std::to_string(q.param_bytes()));
  if (!params && params_bytes) fail(Status::format, "quantized tensor: parameters missing");
  q.codes = std::move(codes);
  const uint64_t ng = rows * q.groups_per_row;
  q.scales.resize(ng);
  q.offsets.resize(ng);
  if (q.spec.format == ParamFormat::flat) {
    const std::size_t w = q.params_f32 ? 4 : 2;
    for (uint64_t i = 0; i < 2 * ng; ++i) {
      const uint8_t* p = params + i * w;
      float v;
      if (w == 4) {
        v = f32_from_bits(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
      } else {
        v = f16_to_f32(static_cast<uint16_t>(p[0] | (p[1] << 8)));
      }
      if (!std::isfinite(v)) fail(Status::format, "quantized tensor: non-finite parameter at index " + std::to_string(i));
      (i < ng ? q.scales[i] : q.offsets[i - ng]) = v;
    }
    return q;
  }
  const uint64_t ns = rows * q.supers_per_row;
  q.super_params.resize(ns * 2);
  for (uint64_t i = 0; i < ns * 2; ++i) {
    q.super_params[i] = static_cast<uint16_t>(params[2 * i] | (params[2 * i + 1] << 8));
    if (!f16_bits_finite(q.super_params[i]))
      fail(Status::format, "quantized tensor: non-finite super-parameter at index " + std::to_string(i));
  }
  q.sub_params.assign(params + ns * 4, params + ns * 4 + ns * q.sub_bytes);
  const int sub_bits = hier_sub_bits(q.spec.bits);
  for (uint64_t r = 0; r < rows; ++r) {
    for (uint64_t s = 0; s < q.supers_per_row; ++s) {
      const uint64_t si = r * q.supers_per_row + s;
      const uint64_t g0 = s * q.subs_per_super;
      const int ng = static_cast<int>(std::min<uint64_t>(q.subs_per_super, q.groups_per_row - g0));
      uint8_t v[2 * 16];  // at most 16 sub-groups per super-block
      detail::unpack_sub_params(&q.sub_params[si * q.sub_bytes], 2 * ng, sub_bits, v);
      const float d = f16_to_f32(q.super_params[si * 2]), dm = f16_to_f32(q.super_params[si * 2 + 1]);
      for (int g = 0; g < ng; ++g) {
        q.scales[r * q.groups_per_row + g0 + g] = d * static_cast<float>(v[g]);
        q.offsets[r * q.groups_per_row + g0 + g] = dm * static_cast<float>(v[ng + g]);
      }
    }
  }
  return q;
}

}  // namespace aq
