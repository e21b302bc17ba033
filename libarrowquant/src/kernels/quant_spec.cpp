// The names of dtypes, modes and parameter formats, and the checks and resolution of a quantization spec.
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/quantize.hpp"

namespace aq {

std::size_t dtype_size(DType d) {
  switch (d) {
    case DType::f32: return 4;
    case DType::f16: return 2;
    case DType::bf16: return 2;
  }
  return 0;
}
const char* dtype_name(DType d) {
  switch (d) {
    case DType::f32: return "F32";
    case DType::f16: return "F16";
    case DType::bf16: return "BF16";
  }
  return "?";
}
const char* mode_name(Mode m) { return m == Mode::search ? "search" : "rtn"; }
const char* format_name(ParamFormat f) {
  switch (f) {
    case ParamFormat::flat: return "flat";
    case ParamFormat::hierarchical: return "hierarchical";
    case ParamFormat::automatic: return "auto";
  }
  return "?";
}

void validate_spec(const QuantSpec& spec) {
  if (spec.bits != 2 && spec.bits != 4 && spec.bits != 8)
    fail(Status::unsupported, "bits must be 2, 4 or 8, got " + std::to_string(spec.bits));
  if (spec.group_size != 32 && spec.group_size != 64 && spec.group_size != 128 && spec.group_size != 256)
    fail(Status::unsupported, "group_size must be 32, 64, 128 or 256, got " + std::to_string(spec.group_size));
  if (spec.mode != Mode::rtn && spec.mode != Mode::search)
    invalid("mode must be rtn (0) or search (1), got " + std::to_string(static_cast<int>(spec.mode)));
  const int f = static_cast<int>(spec.format);
  if (f < 0 || f > 2) invalid("format must be auto (0), flat (1) or hierarchical (2), got " + std::to_string(f));
  if (spec.format == ParamFormat::hierarchical && spec.bits == 8)
    fail(Status::unsupported, "the hierarchical parameter format needs bits 2 or 4 (got 8)");
}

ParamFormat resolve_format(const QuantSpec& spec) {
  if (spec.format != ParamFormat::automatic) return spec.format;
  return (spec.mode == Mode::search && spec.bits < 8) ? ParamFormat::hierarchical : ParamFormat::flat;
}

int hier_sub_group(int bits) { return bits == 2 ? 16 : 32; }
int hier_sub_bits(int bits) { return bits == 2 ? 4 : 6; }

}  // namespace aq
