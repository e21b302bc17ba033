// How a quantized tensor's parameters are stored (docs/quantized-layouts.md): their size, their serialised bytes
// (flat F16/F32 scales then offsets, or hierarchical F16 super-parameters then packed sub-parameter codes), and
// the bits per weight that result.
#include <cstring>
#include <vector>

#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"

namespace aq {

uint64_t QuantizedTensor::param_bytes() const {
  if (spec.format == ParamFormat::hierarchical) return rows * supers_per_row * (4 + sub_bytes);
  return rows * groups_per_row * 2 * (params_f32 ? 4 : 2);
}

std::vector<uint8_t> QuantizedTensor::serialize_params() const {
  std::vector<uint8_t> out(param_bytes());
  uint8_t* p = out.data();
  if (spec.format == ParamFormat::hierarchical) {
    for (uint16_t h : super_params) {  // [rows, supers, 2] fp16 little-endian
      *p++ = static_cast<uint8_t>(h & 0xFF);
      *p++ = static_cast<uint8_t>(h >> 8);
    }
    std::memcpy(p, sub_params.data(), sub_params.size());
    return out;
  }
  // flat: all scales [rows, groups] then all offsets [rows, groups], fp16 or f32 little-endian
  for (const std::vector<float>* v : {&scales, &offsets}) {
    for (float f : *v) {
      if (params_f32) {
        const uint32_t u = f32_bits(f);
        for (int b = 0; b < 4; ++b) *p++ = static_cast<uint8_t>(u >> (8 * b));
      } else {
        const uint16_t h = f32_to_f16(f);  // exact: the values are fp16 values
        *p++ = static_cast<uint8_t>(h & 0xFF);
        *p++ = static_cast<uint8_t>(h >> 8);
      }
    }
  }
  return out;
}

double QuantizedTensor::bits_per_weight() const {
  if (elements() == 0) return 0.0;
  return 8.0 * static_cast<double>(rows * row_bytes + param_bytes()) / static_cast<double>(elements());
}

}  // namespace aq
