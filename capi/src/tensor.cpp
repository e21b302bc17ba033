// C ABI: tensor quantization (aq_quantize*, aq_dequantize, views and statistics of aq_quantized).
#include <limits>
#include <string>

#include "arrowquant.h"
#include "arrowquant/quantize.hpp"
#include "guard.hpp"

struct aq_quantized {
  aq::QuantizedTensor t;
  std::vector<uint8_t> params;  // serialized once, for the aq_quantized_params view
};

using aq::capi::guard;
using aq::capi::require_nonnull;
using aq::capi::to_dtype;

extern "C" {

aq_status aq_set_num_threads(int n) {
  return guard([&] { aq::set_default_threads(n); });
}
int aq_get_num_threads(void) { return aq::default_threads(); }
const char* aq_simd_target(void) {
  try {
    return aq::simd_target_name();
  } catch (...) {
    return "unknown";
  }
}

uint64_t aq_dtype_size(aq_dtype dtype) {
  const long long v = aq::capi::enum_value(dtype);
  if (v != AQ_DTYPE_F32 && v != AQ_DTYPE_F16 && v != AQ_DTYPE_BF16) return 0;
  return aq::dtype_size(static_cast<aq::DType>(v));
}

}  // extern "C"

namespace {
// The enum arguments arrive by reference: copying them by value would load an enum that may hold any int
// (see aq::capi::enum_value).
aq_status quantize_checked(const void* src, uint64_t src_bytes, const aq_dtype& dtype, uint64_t rows, uint64_t cols,
                           int bits, int group_size, const aq_mode& mode, const aq_format& format, aq_quantized** out) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(out, "out");
    require_nonnull(src, "src");
    const aq::DType dt = to_dtype(dtype);
    if (rows == 0 || cols == 0)
      aq::invalid("rows and cols must be positive, got rows=" + std::to_string(rows) + " cols=" + std::to_string(cols));
    const uint64_t es = aq::dtype_size(dt);
    if (rows > std::numeric_limits<uint64_t>::max() / cols || rows * cols > std::numeric_limits<uint64_t>::max() / es)
      aq::invalid("rows*cols*dtype size overflows 64 bits");
    if (src_bytes != rows * cols * es)
      aq::invalid("src_bytes is " + std::to_string(src_bytes) + " but rows*cols*" + std::to_string(es) + " = " +
                  std::to_string(rows * cols * es));
    const long long mode_v = aq::capi::enum_value(mode);
    const long long format_v = aq::capi::enum_value(format);
    if (mode_v != AQ_MODE_RTN && mode_v != AQ_MODE_SEARCH)
      aq::invalid("mode must be AQ_MODE_RTN or AQ_MODE_SEARCH, got " + std::to_string(mode_v));
    if (format_v < AQ_FORMAT_AUTO || format_v > AQ_FORMAT_HIERARCHICAL)
      aq::invalid("format must be AQ_FORMAT_AUTO, AQ_FORMAT_FLAT or AQ_FORMAT_HIERARCHICAL, got " +
                  std::to_string(format_v));
    aq::QuantSpec spec;
    spec.bits = bits;
    spec.group_size = group_size;
    spec.mode = static_cast<aq::Mode>(mode_v);
    spec.format = static_cast<aq::ParamFormat>(format_v);
    auto* h = new aq_quantized{aq::quantize(src, dt, rows, cols, spec), {}};
    h->params = h->t.serialize_params();
    *out = h;
  });
}
}  // namespace

extern "C" {

aq_status aq_quantize_format(const void* src, uint64_t src_bytes, aq_dtype dtype, uint64_t rows, uint64_t cols,
                             int bits, int group_size, aq_mode mode, aq_format format, aq_quantized** out) {
  return quantize_checked(src, src_bytes, dtype, rows, cols, bits, group_size, mode, format, out);
}

aq_status aq_quantize(const void* src, uint64_t src_bytes, aq_dtype dtype, uint64_t rows, uint64_t cols, int bits,
                      int group_size, aq_mode mode, aq_quantized** out) {
  const aq_format automatic = AQ_FORMAT_AUTO;
  return quantize_checked(src, src_bytes, dtype, rows, cols, bits, group_size, mode, automatic, out);
}

aq_status aq_dequantize(const aq_quantized* q, aq_dtype dtype, void* dst, uint64_t dst_bytes) {
  return guard([&] {
    require_nonnull(q, "q");
    require_nonnull(dst, "dst");
    const aq::DType dt = to_dtype(dtype);
    const uint64_t need = q->t.elements() * aq::dtype_size(dt);
    if (dst_bytes < need)
      aq::invalid("dst_bytes is " + std::to_string(dst_bytes) + " but the tensor needs " + std::to_string(need));
    aq::dequantize(q->t, dt, dst);
  });
}

aq_status aq_quantized_codes(const aq_quantized* q, const uint8_t** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(q, "q");
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    *data = q->t.codes.data();
    *bytes = q->t.codes.size();
  });
}

aq_status aq_quantized_params(const aq_quantized* q, const uint8_t** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(q, "q");
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    *data = q->params.data();
    *bytes = q->params.size();
  });
}

double aq_quantized_bits_per_weight(const aq_quantized* q) { return q ? q->t.bits_per_weight() : 0.0; }

aq_status aq_quantized_shape(const aq_quantized* q, uint64_t* rows, uint64_t* cols) {
  return guard([&] {
    require_nonnull(q, "q");
    if (rows) *rows = q->t.rows;
    if (cols) *cols = q->t.cols;
  });
}

aq_status aq_quantized_info(const aq_quantized* q, int* bits, int* group_size, aq_mode* mode, aq_format* format,
                            int* params_f32) {
  return guard([&] {
    require_nonnull(q, "q");
    if (bits) *bits = q->t.spec.bits;
    if (group_size) *group_size = q->t.spec.group_size;
    if (mode) *mode = static_cast<aq_mode>(q->t.spec.mode);
    if (format) *format = static_cast<aq_format>(q->t.spec.format);
    if (params_f32) *params_f32 = q->t.params_f32 ? 1 : 0;
  });
}

aq_status aq_quantized_error(const aq_quantized* q, double* sse, double* energy, double* cosine, double* sqnr_db,
                             double* max_abs_error) {
  return guard([&] {
    require_nonnull(q, "q");
    const aq::ErrorStats& s = q->t.stats;
    if (sse) *sse = s.sse;
    if (energy) *energy = s.energy;
    if (cosine) *cosine = s.cosine();
    if (sqnr_db) *sqnr_db = s.sqnr_db();
    if (max_abs_error) *max_abs_error = s.max_abs;
  });
}

void aq_quantized_free(aq_quantized* q) { delete q; }

}  // extern "C"
