// Group-wise affine weight quantization of a 2-D tensor (byte layouts in docs/quantized-layouts.md).
//
// A row of `cols` elements is cut into groups of `group_size` (the last one may be shorter). Each group maps
// integer codes q in [0, 2^bits - 1] to values w ~= offset + q * scale. Codes are packed little-endian within a
// byte in element order; each row starts on a byte boundary.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aq {

enum class DType : int { f32 = 0, f16 = 1, bf16 = 2 };
enum class Mode : int { rtn = 0, search = 1 };
enum class ParamFormat : int { automatic = 0, flat = 1, hierarchical = 2 };

std::size_t dtype_size(DType d);
const char* dtype_name(DType d);  // "F32", "F16", "BF16" (safetensors spelling)
const char* mode_name(Mode m);     // "rtn", "search"
const char* format_name(ParamFormat f);  // "flat", "hierarchical"

struct QuantSpec {
  int bits = 4;          // 2, 4 or 8
  int group_size = 128;  // 32, 64, 128 or 256
  Mode mode = Mode::rtn;
  ParamFormat format = ParamFormat::automatic;  // resolved by resolve_format()
};

// Checks bits / group size / format combination; throws aq::Error naming the offending parameter.
void validate_spec(const QuantSpec& spec);
ParamFormat resolve_format(const QuantSpec& spec);

// Hierarchical format (docs/quantized-layouts.md): a super-block of group_size elements holds sub-groups of
// 32 elements with 6-bit scale/offset codes (INT4) or 16 elements with 4-bit codes (INT2), under fp16 (d, dmin):
// the K-quant structure (group_size 256 gives 4.5 and 2.625 bits per weight).
int hier_sub_group(int bits);  // 32 for INT4, 16 for INT2
int hier_sub_bits(int bits);   // 6 for INT4, 4 for INT2

// Error statistics, accumulated per row in a fixed order and merged per block in block order.
struct ErrorStats {
  double sse = 0;           // sum (w - w_hat)^2
  double energy = 0;        // sum w^2
  double recon_energy = 0;  // sum w_hat^2
  double dot = 0;           // sum w * w_hat
  double max_abs = 0;       // max |w - w_hat|
  uint64_t count = 0;
  void merge(const ErrorStats& o);
  double cosine() const;    // 1 when both all-zero, 0 when exactly one is
  double sqnr_db() const;   // +inf when sse == 0
  double mse() const;
};

struct QuantizedTensor {
  uint64_t rows = 0, cols = 0;
  QuantSpec spec;                  // format resolved (never automatic)
  bool params_f32 = false;         // flat only: parameters stored as f32 instead of fp16
  uint64_t group_len = 0;          // elements per affine group: group_size (flat) or the sub-group (hierarchical)
  uint64_t groups_per_row = 0;     // affine groups per row = ceil(cols / group_len)
  uint64_t supers_per_row = 0;     // hierarchical only: ceil(cols / group_size)
  uint64_t subs_per_super = 0;     // hierarchical only: group_size / group_len
  uint64_t sub_bytes = 0;          // hierarchical only: bytes of sub-parameter codes per super-block
  uint64_t row_bytes = 0;          // packed code bytes per row
  std::vector<uint8_t> codes;      // rows * row_bytes
  // Effective parameters per group [rows, groups_per_row] as used by dequantization (for flat fp16 they are
  // exactly the fp16 values; for hierarchical they are d*sc and dmin*m rounded to f32).
  std::vector<float> scales, offsets;
  // Hierarchical storage: fp16 bits of (d, dmin) per super-block, and 12 sub-parameter bytes per super-block.
  std::vector<uint16_t> super_params;  // [rows, supers_per_row, 2]
  std::vector<uint8_t> sub_params;     // [rows, supers_per_row, sub_bytes]
  ErrorStats stats;

  uint64_t elements() const { return rows * cols; }
  uint64_t param_bytes() const;          // bytes of the serialized parameters
  std::vector<uint8_t> serialize_params() const;  // docs/format.md layout
  double bits_per_weight() const;
};

uint64_t packed_row_bytes(uint64_t cols, int bits);

// Quantize src ([rows, cols] of dtype, row-major). Throws aq::Error: invalid_argument for NaN/Inf (first index
// named), unsupported for bits/group size, invalid_argument for zero rows/cols. Deterministic for any thread
// count and SIMD target. num_threads: 0 = the process default.
QuantizedTensor quantize(const void* src, DType dtype, uint64_t rows, uint64_t cols, const QuantSpec& spec,
                         int num_threads = 0);

// quantize() into q, reusing its buffers: repeated calls for tensors of one shape and spec allocate nothing and
// touch no memory for the first time (fresh pages are slow to fault in virtual machines). The result is the
// same as quantize()'s. If it throws, q holds no valid tensor.
void quantize_into(QuantizedTensor& q, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                   const QuantSpec& spec, int num_threads = 0);

// Dequantize into dst ([rows, cols] of dtype). F16/BF16 outputs are rounded to nearest even.
void dequantize(const QuantizedTensor& q, DType dtype, void* dst, int num_threads = 0);

// Rebuild a tensor from its stored parts (reader side); validates sizes and throws aq::Error(format).
QuantizedTensor from_parts(uint64_t rows, uint64_t cols, const QuantSpec& spec, bool params_f32,
                           std::vector<uint8_t> codes, const uint8_t* params, uint64_t params_bytes);

// Process-wide default thread count (0 = all cores) and a helper that runs f inside an arena of that size.
void set_default_threads(int n);
int default_threads();
int effective_threads(int requested);

// Name of the Highway target the kernels dispatch to.
const char* simd_target_name();

}  // namespace aq
