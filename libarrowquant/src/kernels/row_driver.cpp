#include "kernels/row_driver.hpp"

#include <vector>

#include "arrowquant/fp16.hpp"
#include "kernels/row_blocks.hpp"

namespace aq::detail {

namespace {

// The row as F32, or nullptr (and the non-finite flag) for a NaN/Inf weight. BF16 widens by a shift, which keeps
// NaN and Inf, so the min/max kernel that reads the row finds them without a separate scan; the F16 conversion
// (its scalar tail, and Highway's emulation without F16C) is exact for finite values only, hence the check.
const float* row_as_f32(const RowsJob& j, uint64_t r, std::vector<float>& buf) {
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

}  // namespace

bool quantize_rows(RowsJob& j, int num_threads) {
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

}  // namespace aq::detail
