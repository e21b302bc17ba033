// How the quantizer and the dequantizer spread rows over threads: fixed blocks of about 64 Ki elements, whose
// boundaries depend only on the row length, run by oneTBB in the effective thread count. Results are merged per
// block in block order by the caller, so they never depend on the thread count.
#pragma once
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>

#include "arrowquant/quantize.hpp"

namespace aq::detail {

inline uint64_t rows_per_block(uint64_t cols) {
  return std::max<uint64_t>(1, (uint64_t{1} << 16) / std::max<uint64_t>(cols, 1));
}

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

}  // namespace aq::detail
