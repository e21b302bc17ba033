// The tensor quantizer: fixed row blocks in parallel (oneTBB); each row goes through the kernel table's row driver
// (kernels/row_driver-inl.h: min/max, parameters, codes, statistics, packing in one target). Statistics are
// folded per row in virtual-lane order and merged per block in block order, so results never depend on threads or
// target.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"
#include "kernels/kernels.hpp"
#include "kernels/quantize_impl.hpp"

namespace aq {

// ---------------------------------------------------------------------------------------------------------------
// Names and spec checks
// ---------------------------------------------------------------------------------------------------------------
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

uint64_t packed_row_bytes(uint64_t cols, int bits) { return (cols * static_cast<uint64_t>(bits) + 7) / 8; }

// ---------------------------------------------------------------------------------------------------------------
// Error statistics
// ---------------------------------------------------------------------------------------------------------------
void ErrorStats::merge(const ErrorStats& o) {
  sse += o.sse;
  energy += o.energy;
  recon_energy += o.recon_energy;
  dot += o.dot;
  max_abs = std::max(max_abs, o.max_abs);
  count += o.count;
}
double ErrorStats::cosine() const {
  if (energy == 0 && recon_energy == 0) return 1.0;
  if (energy == 0 || recon_energy == 0) return 0.0;
  const double c = dot / (std::sqrt(energy) * std::sqrt(recon_energy));
  return std::max(-1.0, std::min(1.0, c));
}
double ErrorStats::sqnr_db() const {
  if (sse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(energy / sse);
}
double ErrorStats::mse() const { return count ? sse / static_cast<double>(count) : 0.0; }

// ---------------------------------------------------------------------------------------------------------------
// Parameter storage
// ---------------------------------------------------------------------------------------------------------------
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

namespace detail {

void pack_codes(const uint8_t* c, uint64_t n, int bits, uint8_t* out) {
  if (bits == 8) {
    std::memcpy(out, c, n);
  } else if (bits == 4) {
    const uint64_t full = n / 2;
    for (uint64_t k = 0; k < full; ++k) out[k] = static_cast<uint8_t>(c[2 * k] | (c[2 * k + 1] << 4));
    if (n & 1) out[full] = c[n - 1];
  } else {
    const uint64_t full = n / 4;
    for (uint64_t k = 0; k < full; ++k)
      out[k] = static_cast<uint8_t>(c[4 * k] | (c[4 * k + 1] << 2) | (c[4 * k + 2] << 4) | (c[4 * k + 3] << 6));
    if (n & 3) {
      uint8_t b = 0;
      for (uint64_t j = 0; j < (n & 3); ++j) b = static_cast<uint8_t>(b | (c[4 * full + j] << (2 * j)));
      out[full] = b;
    }
  }
}

void unpack_codes(const uint8_t* packed, uint64_t n, int bits, uint8_t* c) {
  if (bits == 8) {
    std::memcpy(c, packed, n);
  } else if (bits == 4) {
    for (uint64_t i = 0; i < n; ++i) c[i] = static_cast<uint8_t>((packed[i >> 1] >> ((i & 1) * 4)) & 0xF);
  } else {
    for (uint64_t i = 0; i < n; ++i) c[i] = static_cast<uint8_t>((packed[i >> 2] >> ((i & 3) * 2)) & 0x3);
  }
}

void pack_sub_params(const uint8_t* v, int count, int bits, uint8_t* out, uint64_t out_bytes) {
  std::memset(out, 0, out_bytes);
  const uint32_t mask = (1u << bits) - 1u;
  for (int k = 0; k < count; ++k) {
    const int bit = bits * k;
    const uint32_t val = (v[k] & mask) << (bit & 7);  // at most 13 bits: spans two bytes
    out[bit >> 3] = static_cast<uint8_t>(out[bit >> 3] | (val & 0xFF));
    if ((val >> 8) != 0) out[(bit >> 3) + 1] = static_cast<uint8_t>(out[(bit >> 3) + 1] | (val >> 8));
  }
}

void unpack_sub_params(const uint8_t* in, int count, int bits, uint8_t* v) {
  const uint32_t mask = (1u << bits) - 1u;
  const int total_bytes = (count * bits + 7) / 8;
  for (int k = 0; k < count; ++k) {
    const int bit = bits * k;
    uint32_t word = in[bit >> 3];
    if ((bit >> 3) + 1 < total_bytes) word |= static_cast<uint32_t>(in[(bit >> 3) + 1]) << 8;
    v[k] = static_cast<uint8_t>((word >> (bit & 7)) & mask);
  }
}

}  // namespace detail

namespace {

using kernels::Table;

enum Flag : int {
  kFlagNone = kernels::kRowOk,
  kFlagNonFinite = kernels::kRowNonFinite,
  kFlagNeedF32 = kernels::kRowNeedF32,
  kFlagRangeOverflow = kernels::kRowRangeOverflow
};

struct Job {
  const Table* k;
  const void* src;
  DType dtype;
  uint64_t rows, cols;
  kernels::RowJob row;
  std::atomic<int>* flags;
};

// The row as F32, or nullptr (and the non-finite flag) for a NaN/Inf weight. BF16 widens by a shift, which keeps
// NaN and Inf, so the min/max kernel that reads the row finds them without a separate scan; the F16 conversion
// (its scalar tail, and Highway's emulation without F16C) is exact for finite values only, hence the check.
const float* row_as_f32(const Job& j, uint64_t r, std::vector<float>& buf) {
  const uint64_t c = j.cols;
  if (j.dtype == DType::f32) return static_cast<const float*>(j.src) + r * c;
  const uint16_t* h = static_cast<const uint16_t*>(j.src) + r * c;
  if (j.dtype == DType::bf16) {
    j.k->bf16_to_f32(h, c, buf.data());
    return buf.data();
  }
  bool finite = true;
  for (uint64_t i = 0; i < c; ++i) finite &= f16_bits_finite(h[i]);
  if (!finite) {
    j.flags->fetch_or(kFlagNonFinite);
    return nullptr;
  }
  j.k->f16_to_f32(h, c, buf.data());
  return buf.data();
}

uint64_t rows_per_block(uint64_t cols) { return std::max<uint64_t>(1, (uint64_t{1} << 16) / std::max<uint64_t>(cols, 1)); }

template <class F>
void run_blocks(int num_threads, uint64_t nblocks, F&& f) {
  const int t = effective_threads(num_threads);
  if (t == 1 || nblocks == 1) {
    for (uint64_t b = 0; b < nblocks; ++b) f(b);
    return;
  }
  tbb::task_arena arena(t);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<uint64_t>(0, nblocks, 1), [&](const tbb::blocked_range<uint64_t>& br) {
      for (uint64_t b = br.begin(); b != br.end(); ++b) f(b);
    });
  });
}

bool attempt(Job& j, int num_threads) {
  const uint64_t rpb = rows_per_block(j.cols);
  const uint64_t nblocks = (j.rows + rpb - 1) / rpb;
  std::vector<ErrorStats> block_stats(nblocks);
  run_blocks(num_threads, nblocks, [&](uint64_t b) {
    std::vector<float> buf(j.dtype == DType::f32 ? 0 : j.cols);
    std::vector<uint8_t> codes_row(j.cols);
    const uint64_t r1 = std::min(j.rows, (b + 1) * rpb);
    for (uint64_t r = b * rpb; r < r1; ++r) {
      if (j.flags->load(std::memory_order_relaxed) != kFlagNone) return;
      const float* x = row_as_f32(j, r, buf);
      if (!x) return;
      const int flag = j.k->quantize_row(j.row, r, x, codes_row.data(), &block_stats[b]);
      if (flag != kFlagNone) {
        j.flags->fetch_or(flag);
        return;
      }
    }
  });
  if (j.flags->load() != kFlagNone) return false;
  QuantizedTensor& q = *j.row.q;
  q.stats = ErrorStats{};
  for (const ErrorStats& s : block_stats) q.stats.merge(s);
  return true;
}

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

void init_layout(QuantizedTensor& q, uint64_t rows, uint64_t cols, const QuantSpec& spec) {
  q.rows = rows;
  q.cols = cols;
  q.spec = spec;
  const bool hier = spec.format == ParamFormat::hierarchical;
  q.group_len = hier ? static_cast<uint64_t>(hier_sub_group(spec.bits)) : static_cast<uint64_t>(spec.group_size);
  q.groups_per_row = (cols + q.group_len - 1) / q.group_len;
  q.supers_per_row = hier ? (cols + spec.group_size - 1) / spec.group_size : 0;
  q.subs_per_super = hier ? static_cast<uint64_t>(spec.group_size) / q.group_len : 0;
  q.sub_bytes = hier ? (2 * q.subs_per_super * static_cast<uint64_t>(hier_sub_bits(spec.bits)) + 7) / 8 : 0;
  q.row_bytes = packed_row_bytes(cols, spec.bits);
}

void check_shape(uint64_t rows, uint64_t cols) {
  if (rows == 0 || cols == 0)
    invalid("rows and cols must be positive, got rows=" + std::to_string(rows) + " cols=" + std::to_string(cols));
  if (rows > (uint64_t{1} << 40) / cols)
    invalid("tensor too large: rows*cols = " + std::to_string(rows) + "*" + std::to_string(cols) + " exceeds 2^40 elements");
}

}  // namespace

namespace detail {

QuantizedTensor quantize_with(const Table& k, const void* src, DType dtype, uint64_t rows, uint64_t cols,
                              const QuantSpec& spec_in, int num_threads) {
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
  QuantizedTensor q;
  bool f32 = false;
  for (int round = 0; round < 3; ++round) {
    q = QuantizedTensor{};
    init_layout(q, rows, cols, spec);
    q.params_f32 = f32;
    q.codes.assign(rows * q.row_bytes, 0);
    q.scales.assign(rows * q.groups_per_row, 0.0f);
    q.offsets.assign(rows * q.groups_per_row, 0.0f);
    if (spec.format == ParamFormat::hierarchical) {
      q.super_params.assign(rows * q.supers_per_row * 2, 0);
      q.sub_params.assign(rows * q.supers_per_row * q.sub_bytes, 0);
    }
    flags.store(kFlagNone);
    Job j{&k, src, dtype, rows, cols,
          kernels::RowJob{&q, cols, spec.bits, (1u << spec.bits) - 1u, spec.mode, spec.format, q.params_f32}, &flags};
    if (attempt(j, num_threads)) return q;
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

void dequantize_with(const Table& k, const QuantizedTensor& q, DType dtype, void* dst, int num_threads) {
  if (!dst) invalid("dst is NULL");
  const int dt = static_cast<int>(dtype);
  if (dt < 0 || dt > 2) invalid("dtype must be F32 (0), F16 (1) or BF16 (2), got " + std::to_string(dt));
  const uint64_t rpb = rows_per_block(q.cols);
  const uint64_t nblocks = (q.rows + rpb - 1) / rpb;
  const uint64_t gs = q.group_len;
  run_blocks(num_threads, nblocks, [&](uint64_t b) {
    std::vector<uint8_t> codes(q.cols);
    std::vector<float> row(q.cols);
    const uint64_t r1 = std::min(q.rows, (b + 1) * rpb);
    for (uint64_t r = b * rpb; r < r1; ++r) {
      unpack_codes(&q.codes[r * q.row_bytes], q.cols, q.spec.bits, codes.data());
      float* out = dtype == DType::f32 ? static_cast<float*>(dst) + r * q.cols : row.data();
      for (uint64_t g = 0; g < q.groups_per_row; ++g) {
        const uint64_t begin = g * gs;
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(gs, q.cols - begin));
        k.dequant(codes.data() + begin, n, q.offsets[r * q.groups_per_row + g], q.scales[r * q.groups_per_row + g],
                  out + begin);
      }
      if (dtype != DType::f32) {
        uint16_t* o = static_cast<uint16_t*>(dst) + r * q.cols;
        if (dtype == DType::f16)
          for (uint64_t i = 0; i < q.cols; ++i) o[i] = f32_to_f16(row[i]);
        else
          for (uint64_t i = 0; i < q.cols; ++i) o[i] = f32_to_bf16(row[i]);
      }
    }
  });
}

}  // namespace detail

QuantizedTensor quantize(const void* src, DType dtype, uint64_t rows, uint64_t cols, const QuantSpec& spec,
                         int num_threads) {
  return detail::quantize_with(kernels::simd(), src, dtype, rows, cols, spec, num_threads);
}

void dequantize(const QuantizedTensor& q, DType dtype, void* dst, int num_threads) {
  detail::dequantize_with(kernels::simd(), q, dtype, dst, num_threads);
}

QuantizedTensor from_parts(uint64_t rows, uint64_t cols, const QuantSpec& spec_in, bool params_f32,
                           std::vector<uint8_t> codes, const uint8_t* params, uint64_t params_bytes) {
  try {
    check_shape(rows, cols);
    validate_spec(spec_in);
  } catch (const Error& e) {
    fail(Status::format, std::string("quantized tensor: ") + e.what());
  }
  if (spec_in.format == ParamFormat::automatic) fail(Status::format, "quantized tensor: format must be flat or hierarchical");
  QuantizedTensor q;
  init_layout(q, rows, cols, spec_in);
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

const char* simd_target_name() { return kernels::simd_target(); }

}  // namespace aq
