// Fuzz target: the tensor entry points of the C ABI (aq_quantize_format, aq_dequantize and the accessors of
// aq_quantized) driven by fuzzed shapes, dtypes, bits, group sizes, modes, formats, buffer sizes and values,
// including NaN, Inf, denormals, signed zeros and values near the float range.
//
// Oracle:
//  * never AQ_ERR_INTERNAL; on failure *out is NULL and the message is not empty;
//  * a call with valid settings, a matching src_bytes and finite values succeeds, except that a group spanning
//    more than FLT_MAX may be refused with AQ_ERR_UNSUPPORTED; one with a non-finite value fails with
//    AQ_ERR_INVALID_ARGUMENT (or that same refusal, which may be checked first);
//  * on success: shape, settings (hierarchical may fall back to flat), code size and bits per weight agree with
//    the request; dequantized F32 values of finite inputs are finite; the error statistics are consistent with
//    the dequantized values;
//    a destination one byte too small is refused; results are byte-identical with 1 and 2 threads (checked on
//    the tensors large enough to be split into several blocks).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/fp16.hpp"
#include "fuzz_util.hpp"
#include "int_enum_shim.h"  // tests/common: enum arguments as plain ints, as a C caller passes them

namespace {

float special(uint8_t k) {
  switch (k % 16) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return std::numeric_limits<float>::denorm_min();
    case 3: return -FLT_MIN / 3.0f;  // a denormal
    case 4: return FLT_MIN;
    case 5: return FLT_MAX;
    case 6: return -FLT_MAX;
    case 7: return 65504.0f;     // fp16 max
    case 8: return 65520.0f;     // rounds to fp16 Inf
    case 9: return 6.0e-8f;      // fp16 denormal range
    case 10: return 1e30f;
    case 11: return -1e-30f;
    case 12: return std::numeric_limits<float>::quiet_NaN();
    case 13: return std::numeric_limits<float>::infinity();
    case 14: return -std::numeric_limits<float>::infinity();
    default: return 1.0f;
  }
}

struct Input {
  int dtype;  // an aq_dtype value, or an invalid one (never stored in the enum type: that would be UB here)
  bool dtype_valid;
  uint64_t rows, cols;
  std::vector<uint8_t> bytes;   // the src buffer as passed
  std::vector<float> values;    // decoded values (for F16/BF16 the exact widened value)
  bool all_finite = true;
};

// Some group of group_size consecutive values of a row spans more than FLT_MAX (max - min, in double).
bool spans_beyond_float(const Input& in, uint64_t group) {
  for (uint64_t r = 0; r < in.rows; ++r)
    for (uint64_t g0 = 0; g0 < in.cols; g0 += group) {
      double lo = HUGE_VAL, hi = -HUGE_VAL;
      for (uint64_t c = g0; c < std::min(in.cols, g0 + group); ++c) {
        const double v = in.values[r * in.cols + c];
        if (!std::isfinite(v)) continue;
        lo = std::fmin(lo, v);
        hi = std::fmax(hi, v);
      }
      if (hi - lo > double(FLT_MAX)) return true;
    }
  return false;
}

std::vector<uint8_t> codes_of(const aq_quantized* q) {
  const uint8_t* d = nullptr;
  uint64_t n = 0;
  FUZZ_CHECK(aq_quantized_codes(q, &d, &n) == AQ_OK, "codes view");
  return std::vector<uint8_t>(d, d + n);
}
std::vector<uint8_t> params_of(const aq_quantized* q) {
  const uint8_t* d = nullptr;
  uint64_t n = 0;
  FUZZ_CHECK(aq_quantized_params(q, &d, &n) == AQ_OK, "params view");
  return std::vector<uint8_t>(d, d + n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  static const int kBits[] = {2, 4, 8, 2, 4, 8, 0, 3, 16, -1};
  static const int kGroups[] = {32, 64, 128, 256, 32, 64, 0, 16, 48, 512};
  const int dsel = fdp.ConsumeIntegralInRange<int>(0, 3);
  Input in;
  in.dtype = dsel == 3 ? 7 : dsel;
  in.dtype_valid = dsel < 3;
  // Mostly small tensors (fast); one in eight spans several of the quantizer's 64 Ki-element row blocks, the
  // unit of its parallelism, so that the 1-vs-2-thread comparison below means something.
  const bool big = fdp.ConsumeIntegralInRange<int>(0, 7) == 0;
  in.rows = big ? fdp.ConsumeIntegralInRange<uint64_t>(257, 700) : fdp.ConsumeIntegralInRange<uint64_t>(0, 8);
  in.cols = big ? 256 + 44 * fdp.ConsumeIntegralInRange<uint64_t>(0, 1) : fdp.ConsumeIntegralInRange<uint64_t>(0, 520);
  const int bits = kBits[fdp.ConsumeIntegralInRange<int>(0, 9)];
  const int group = kGroups[fdp.ConsumeIntegralInRange<int>(0, 9)];
  const int mode_i = fdp.ConsumeIntegralInRange<int>(0, 2);
  const int format_i = fdp.ConsumeIntegralInRange<int>(0, 3);
  const int size_delta = fdp.ConsumeIntegralInRange<int>(0, 15) == 0 ? fdp.ConsumeIntegralInRange<int>(-2, 2) : 0;
  const uint8_t style = fdp.ConsumeIntegral<uint8_t>();
  const float scale = std::ldexp(1.0f, fdp.ConsumeIntegralInRange<int>(-140, 120));

  // Values.
  const uint64_t n = in.rows * in.cols;
  const std::size_t esize = (in.dtype == AQ_DTYPE_F16 || in.dtype == AQ_DTYPE_BF16) ? 2 : 4;  // unknown: as F32
  in.values.resize(n);
  in.bytes.resize(n * esize);
  constexpr uint64_t kFresh = 2048;  // values taken from the input; later ones repeat them, slightly scaled
  for (uint64_t i = 0; i < n; ++i) {
    float v;
    if (i >= kFresh) {
      v = in.values[i - kFresh] * 1.0001f;
    } else switch (style % 4) {
      case 0: {  // raw bit patterns (every class of float)
        const uint32_t b = fdp.ConsumeIntegral<uint32_t>();
        std::memcpy(&v, &b, 4);
        break;
      }
      case 1:  // a smooth-ish signal at a fuzzed magnitude
        v = scale * (static_cast<float>(fdp.ConsumeIntegral<int8_t>()) / 127.0f);
        break;
      case 2:  // mostly one value (zero-range groups)
        v = fdp.ConsumeIntegralInRange<int>(0, 31) == 0 ? scale : scale * 0.5f;
        break;
      default:  // special values mixed with ordinary ones
        v = fdp.ConsumeBool() ? special(fdp.ConsumeIntegral<uint8_t>()) : scale * float(i % 7);
        break;
    }
    if (in.dtype == AQ_DTYPE_F16 || in.dtype == AQ_DTYPE_BF16) {
      const uint16_t h = in.dtype == AQ_DTYPE_F16 ? aq::f32_to_f16(v) : aq::f32_to_bf16(v);
      in.bytes[2 * i] = uint8_t(h);
      in.bytes[2 * i + 1] = uint8_t(h >> 8);
      v = in.dtype == AQ_DTYPE_F16 ? aq::f16_to_f32(h) : aq::bf16_to_f32(h);
    } else {
      std::memcpy(&in.bytes[4 * i], &v, 4);
    }
    in.values[i] = v;
    if (!std::isfinite(v)) in.all_finite = false;
  }
  uint64_t src_bytes = in.bytes.size();
  if (size_delta < 0 && uint64_t(-size_delta) <= src_bytes) src_bytes -= uint64_t(-size_delta);
  else if (size_delta > 0) {
    src_bytes += uint64_t(size_delta);
    in.bytes.resize(src_bytes, 0);
  }

  const bool settings_valid = in.dtype_valid && (bits == 2 || bits == 4 || bits == 8) &&
                              (group == 32 || group == 64 || group == 128 || group == 256) && mode_i <= 1 &&
                              format_i <= 2 && !(format_i == AQ_FORMAT_HIERARCHICAL && bits == 8) && in.rows > 0 &&
                              in.cols > 0 && src_bytes == n * esize;

  aq_set_num_threads(1);
  aq_quantized* q = reinterpret_cast<aq_quantized*>(uintptr_t(1));  // must be overwritten
  const aq_status st = aq_int_quantize_format(in.bytes.empty() ? nullptr : in.bytes.data(), src_bytes, in.dtype,
                                               in.rows, in.cols, bits, group, mode_i, format_i, &q);
  FUZZ_CHECK(st != AQ_ERR_INTERNAL, "internal error: %s", aq_last_error_message());
  if (st != AQ_OK) {
    FUZZ_CHECK(q == nullptr, "*out not NULL after failure");
    FUZZ_CHECK(aq_last_error_message()[0] != '\0', "empty error message for %s", aq_status_name(st));
    // The one documented refusal of valid settings: a group whose values span more than FLT_MAX.
    const bool span_refusal = st == AQ_ERR_UNSUPPORTED && std::strstr(aq_last_error_message(), "FLT_MAX") &&
                              settings_valid && spans_beyond_float(in, uint64_t(group));
    FUZZ_CHECK(!(settings_valid && in.all_finite) || span_refusal, "valid request refused: %s: %s",
               aq_status_name(st), aq_last_error_message());
    if (settings_valid && !in.all_finite)
      FUZZ_CHECK(st == AQ_ERR_INVALID_ARGUMENT || span_refusal,
                 "non-finite input gave %s: %s (bits %d group %d mode %d format %d)", aq_status_name(st),
                 aq_last_error_message(), bits, group, mode_i, format_i);
    return 0;
  }
  FUZZ_CHECK(settings_valid && in.all_finite, "invalid request accepted (bits %d group %d mode %d format %d, "
             "dtype %d, %llux%llu, src_bytes %llu, finite %d)", bits, group, mode_i, format_i, dsel,
             (unsigned long long)in.rows, (unsigned long long)in.cols, (unsigned long long)src_bytes, in.all_finite);

  uint64_t r = 0, c = 0;
  FUZZ_CHECK(aq_quantized_shape(q, &r, &c) == AQ_OK && r == in.rows && c == in.cols, "shape");
  int qb = 0, qg = 0, pf32 = -1;
  aq_mode qm;
  aq_format qf;
  FUZZ_CHECK(aq_quantized_info(q, &qb, &qg, &qm, &qf, &pf32) == AQ_OK, "info");
  // Hierarchical falls back to flat when its fp16 super-parameters cannot hold a tensor (docs/quantized-layouts.md).
  FUZZ_CHECK(qb == bits && qg == group && int(qm) == mode_i && qf != AQ_FORMAT_AUTO &&
                 (format_i == AQ_FORMAT_AUTO || int(qf) == format_i ||
                  (format_i == AQ_FORMAT_HIERARCHICAL && qf == AQ_FORMAT_FLAT)),
             "info: bits %d group %d mode %d format %d; requested bits %d group %d mode %d format %d", qb, qg,
             int(qm), int(qf), bits, group, mode_i, format_i);
  const std::vector<uint8_t> codes = codes_of(q), params = params_of(q);
  FUZZ_CHECK(codes.size() == in.rows * ((in.cols * uint64_t(bits) + 7) / 8), "code bytes %zu", codes.size());
  const double bpw = aq_quantized_bits_per_weight(q);
  FUZZ_CHECK(bpw == 8.0 * double(codes.size() + params.size()) / double(n), "bits per weight %g", bpw);

  std::vector<float> y(n);
  FUZZ_CHECK(aq_dequantize(q, AQ_DTYPE_F32, y.data(), n * 4 - 1) == AQ_ERR_INVALID_ARGUMENT, "short dst accepted");
  FUZZ_CHECK(aq_dequantize(q, AQ_DTYPE_F32, y.data(), n * 4) == AQ_OK, "dequantize: %s", aq_last_error_message());
  double max_abs = 0;
  for (uint64_t i = 0; i < n; ++i) {
    FUZZ_CHECK(std::isfinite(y[i]), "dequantized[%llu] = %g from finite input %g", (unsigned long long)i,
               double(y[i]), double(in.values[i]));
    max_abs = std::fmax(max_abs, std::fabs(double(in.values[i]) - double(y[i])));
  }
  std::vector<uint16_t> h(n);
  FUZZ_CHECK(aq_dequantize(q, AQ_DTYPE_F16, h.data(), n * 2) == AQ_OK, "dequantize F16");
  FUZZ_CHECK(aq_dequantize(q, AQ_DTYPE_BF16, h.data(), n * 2) == AQ_OK, "dequantize BF16");
  FUZZ_CHECK(aq_int_dequantize(q, 3 + int(style % 5), h.data(), n * 2) == AQ_ERR_INVALID_ARGUMENT,
             "dequantize to an unknown dtype was not refused");

  double sse = -1, energy = -1, cosine = 2, sqnr = 0, mae = -1;
  FUZZ_CHECK(aq_quantized_error(q, &sse, &energy, &cosine, &sqnr, &mae) == AQ_OK, "error stats");
  FUZZ_CHECK(sse >= 0 && energy >= 0 && mae >= 0, "negative statistics");
  FUZZ_CHECK(!std::isnan(cosine) && cosine >= -1.0 - 1e-9 && cosine <= 1.0 + 1e-9, "cosine %g", cosine);
  FUZZ_CHECK(!std::isnan(sqnr), "sqnr is NaN (sse %g, energy %g, cosine %g, max_abs %g; %llux%llu dtype %d bits %d group %d mode %d format %d)", sse, energy, cosine, mae, (unsigned long long)in.rows, (unsigned long long)in.cols, in.dtype, bits, group, mode_i, format_i);
  FUZZ_CHECK(std::fabs(mae - max_abs) <= 1e-6 * std::fmax(1.0, max_abs), "max_abs_error %.17g, recomputed %.17g",
             mae, max_abs);

  // Determinism across thread counts (big tensors only: a small one is a single block, run inline).
  if (!big) {
    aq_quantized_free(q);
    return 0;
  }
  aq_set_num_threads(2);
  aq_quantized* q2 = nullptr;
  FUZZ_CHECK(aq_int_quantize_format(in.bytes.data(), src_bytes, in.dtype, in.rows, in.cols, bits, group, mode_i,
                                     format_i, &q2) == AQ_OK,
             "second quantization failed: %s", aq_last_error_message());
  FUZZ_CHECK(codes_of(q2) == codes && params_of(q2) == params, "results differ between 1 and 2 threads");
  aq_quantized_free(q2);
  aq_quantized_free(q);
  aq_set_num_threads(0);
  return 0;
}
