// The host side of the row driver: every row of a tensor, as F32, through the kernel table's quantize_row
// (kernels/row_driver-inl.h) in fixed row blocks; the blocks' statistics are merged in block order.
#pragma once
#include <atomic>
#include <cstdint>

#include "arrowquant/quantize.hpp"
#include "kernels/kernels.hpp"

namespace aq::detail {

// Why an attempt stopped (bits may combine across blocks).
enum Flag : int {
  kFlagNone = kernels::kRowOk,
  kFlagNonFinite = kernels::kRowNonFinite,
  kFlagNeedF32 = kernels::kRowNeedF32,
  kFlagRangeOverflow = kernels::kRowRangeOverflow
};

// One attempt at a tensor: its source rows, the kernel table, and what the row driver writes.
struct RowsJob {
  const kernels::Table* k;
  const void* src;
  DType dtype;
  uint64_t rows, cols;
  kernels::RowJob row;
  std::atomic<int>* flags;
};

// Quantizes every row of j into *j.row.q and sets its statistics; false (with *j.flags set) when a row abandons
// the attempt.
bool quantize_rows(RowsJob& j, int num_threads);

}  // namespace aq::detail
