// The tensor quantizer: checks the input, then quantizes all rows (kernels/row_driver.hpp) with the requested
// parameter storage, falling back to a wider storage when a group does not fit it.
#include <atomic>
#include <vector>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"
#include "kernels/kernels.hpp"
#include "kernels/quantize_impl.hpp"
#include "kernels/row_driver.hpp"
#include "kernels/tensor_layout.hpp"

namespace aq {

namespace {

// First NaN/Inf in row-major order (a deterministic message whatever block noticed it first); "" if none.
std::string first_non_finite(const void* src, DType dtype, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    bool finite;
    float v;
    if (dtype == DType::f32) {
      v = static_cast<const float*>(src)[i];
      finite = std::isfinite(v);
    } else {
      const uint16_t h = static_cast<const uint16_t*>(src)[i];
      finite = dtype == DType::f16 ? f16_bits_finite(h) : bf16_bits_finite(h);
      v = dtype == DType::f16 ? f16_to_f32(h) : bf16_to_f32(h);
    }
    if (!finite) return std::string(std::isnan(v) ? "NaN" : "infinite") + " weight at index " + std::to_string(i);
  }
  return "";
}

}  // namespace

namespace detail {

// A buffer of n elements reusing v's memory: no allocation, and no page touched for the first time, when a
// previous call left enough capacity. The old contents stay: the row driver writes every element.
template <class T>
void reuse(std::vector<T>& v, uint64_t n) {
  if (v.capacity() < n) {
    std::vector<T>().swap(v);
    v.reserve(n);
  }
  v.resize(n);
}

void quantize_into_with(const kernels::Table& k, QuantizedTensor& q, const void* src, DType dtype, uint64_t rows,
                        uint64_t cols, const QuantSpec& spec_in, int num_threads) {
  if (!src) invalid("src is NULL");
  const int dt = static_cast<int>(dtype);
  if (dt < 0 || dt > 2) invalid("dtype must be F32 (0), F16 (1) or BF16 (2), got " + std::to_string(dt));
  check_shape(rows, cols);
  validate_spec(spec_in);
  QuantSpec spec = spec_in;
  spec.format = resolve_format(spec_in);

  // Attempts: the requested format with fp16 parameters; hierarchical that cannot hold its super-parameters
  // falls back to flat fp16, flat fp16 that cannot hold a group falls back to flat f32. (Requesting flat
  // directly takes the same path from its second step, so a re-run with the resolved format is identical.)
  std::atomic<int> flags{kFlagNone};
  bool f32 = false;
  for (int round = 0; round < 3; ++round) {
    {
      QuantizedTensor fresh;
      fresh.codes = std::move(q.codes);
      fresh.scales = std::move(q.scales);
      fresh.offsets = std::move(q.offsets);
      fresh.super_params = std::move(q.super_params);
      fresh.sub_params = std::move(q.sub_params);
      q = std::move(fresh);
    }
    init_layout(q, rows, cols, spec);
    q.params_f32 = f32;
    reuse(q.codes, rows * q.row_bytes);
    reuse(q.scales, rows * q.groups_per_row);
    reuse(q.offsets, rows * q.groups_per_row);
    const bool hier = spec.format == ParamFormat::hierarchical;
    reuse(q.super_params, hier ? rows * q.supers_per_row * 2 : 0);
    reuse(q.sub_params, hier ? rows * q.supers_per_row * q.sub_bytes : 0);
    flags.store(kFlagNone);
    RowsJob j{&k, src, dtype, rows, cols,
          kernels::RowJob{&q, cols, spec.bits, (1u << spec.bits) - 1u, spec.mode, spec.format, q.params_f32}, &flags};
    if (quantize_rows(j, num_threads)) return;
    const int f = flags.load();
    if (f & (kFlagNonFinite | kFlagRangeOverflow)) {
      // A block may stop at an overflowing group before it reaches a NaN: a bad weight anywhere wins.
      const std::string bad = first_non_finite(src, dtype, rows * cols);
      if (!bad.empty()) invalid(bad);
      if (f & kFlagNonFinite) fail(Status::internal, "a block reported a non-finite weight that is not there");
    }
    if (f & kFlagRangeOverflow)
      fail(Status::unsupported, "a group spans more than FLT_MAX (weights of both signs near the float limit); "
                                "rescale the tensor");
    if (spec.format == ParamFormat::hierarchical) {
      spec.format = ParamFormat::flat;
    } else {
      f32 = true;
    }
  }
  fail(Status::internal, "quantization did not converge to a parameter storage");
}

QuantizedTensor quantize_with(const kernels::Table& k, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                              const QuantSpec& spec, int num_threads) {
  QuantizedTensor q;
  quantize_into_with(k, q, src, dtype, rows, cols, spec, num_threads);
  return q;
}

}  // namespace detail

QuantizedTensor quantize(const void* src, DType dtype, uint64_t rows, uint64_t cols, const QuantSpec& spec,
                         int num_threads) {
  return detail::quantize_with(kernels::simd(), src, dtype, rows, cols, spec, num_threads);
}

void quantize_into(QuantizedTensor& q, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                   const QuantSpec& spec, int num_threads) {
  detail::quantize_into_with(kernels::simd(), q, src, dtype, rows, cols, spec, num_threads);
}

const char* simd_target_name() { return kernels::simd_target(); }

}  // namespace aq
