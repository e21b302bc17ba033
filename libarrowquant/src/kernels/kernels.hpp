// The kernels of the weight quantizer. Each exists as a Highway kernel compiled for every target
// (affine.cpp + affine-inl.h) and as a plain scalar reference (affine_reference.cpp) that tests compare against
// bit for bit. The per-row driver (row_driver-inl.h) is compiled into both, so a whole row - min/max,
// parameters, codes, packing, statistics - runs inside one target with its primitives inlined; the host side
// (row_driver.cpp) only splits rows into blocks and merges their statistics.
//
// Decisions may be taken in vectors: every target and the reference perform the same IEEE operations, per lane,
// in the same order (the build has -ffp-contract=off), so a lane's result never depends on the vector width.
//
// Summation order is fixed independently of the vector width: element j of a group (groups start at multiples
// of 16 within a row) is accumulated into "virtual lane" j % 16 in increasing j; the 16 lanes are folded in lane
// order by the caller. Integer-valued sums (of codes) are exact and need no fixed order.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arrowquant/quantize.hpp"

namespace aq::kernels {

constexpr std::size_t kVLanes = 16;

// Accumulators of the error statistics, in virtual lanes.
struct alignas(64) StatLanes {
  float sse[kVLanes];
  float energy[kVLanes];
  float recon[kVLanes];
  float dot[kVLanes];
};

// Per-group sums for the least-squares refit of the search: over the group's elements with codes l,
// sum_l and sum_ll are exact integers, xl is in virtual lanes.
struct alignas(64) FitSums {
  float xl[kVLanes];
  float sum_l;
  float sum_ll;
};

// What the row driver needs of one quantization attempt; it writes row r of *q (codes, parameters).
struct RowJob {
  QuantizedTensor* q;
  uint64_t cols;
  int bits;
  uint32_t maxq;
  Mode mode;
  ParamFormat format;
  bool params_f32;
};

// Why the row driver abandons an attempt (0: the row is done).
enum RowFlag : int { kRowOk = 0, kRowNonFinite = 1, kRowNeedF32 = 2, kRowRangeOverflow = 4 };

struct Table {
  // Quantizes row r (x: its cols values as F32) into *j.q; adds the row's statistics to *stats. codes_row is
  // scratch of cols bytes. Returns a RowFlag.
  int (*quantize_row)(const RowJob& j, uint64_t r, const float* x, uint8_t* codes_row, ErrorStats* stats);

  // min and max of x[0..n) (+0 for zeros of either sign); returns false if some value is NaN or infinite.
  bool (*min_max)(const float* x, std::size_t n, float* mn, float* mx);
  // codes[i] = clamp(nearest_even((x[i] - offset) * inv), 0, maxq); w_hat = offset + code * scale; adds the
  // error statistics of (x, w_hat) multiplied by stat_scale (a power of two: 1 except for groups whose squares
  // would overflow binary32) into lanes; raises *max_abs to the largest |x - w_hat|.
  void (*encode)(const float* x, std::size_t n, float offset, float scale, float inv, uint32_t maxq,
                 float stat_scale, uint8_t* codes, StatLanes* lanes, float* max_abs);
  // Codes for a candidate (offset, inv) as in encode, and their fit sums (xl zeroed first).
  void (*fit_sums)(const float* x, std::size_t n, float offset, float inv, uint32_t maxq, FitSums* out);
  // The `search` choice of (scale, offset) for one group with min mn and max mx (kernels/search.hpp).
  void (*search)(const float* x, std::size_t n, float mn, float mx, uint32_t maxq, float* scale, float* offset);
  // dst[i] = offset + codes[i] * scale
  void (*dequant)(const uint8_t* codes, std::size_t n, float offset, float scale, float* dst);
  // F16 / BF16 bits to f32 (finite inputs exact on every target).
  void (*f16_to_f32)(const uint16_t* src, std::size_t n, float* dst);
  void (*bf16_to_f32)(const uint16_t* src, std::size_t n, float* dst);
};

// The Highway kernels for the best target of this CPU (dispatched at call time, so
// hwy::SetSupportedTargetsForTest switches them).
const Table& simd();
// The scalar reference.
const Table& reference();
// Name of the target simd() dispatches to now.
const char* simd_target();

}  // namespace aq::kernels
