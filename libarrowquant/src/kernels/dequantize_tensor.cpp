// The dequantizer: codes back to F32/F16/BF16 row by row through the kernel table, in the quantizer's row blocks.
#include <algorithm>
#include <vector>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"
#include "kernels/packing.hpp"
#include "kernels/quantize_impl.hpp"
#include "kernels/row_blocks.hpp"

namespace aq {

namespace detail {

void dequantize_with(const kernels::Table& k, const QuantizedTensor& q, DType dtype, void* dst, int num_threads) {
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

void dequantize(const QuantizedTensor& q, DType dtype, void* dst, int num_threads) {
  detail::dequantize_with(kernels::simd(), q, dtype, dst, num_threads);
}

}  // namespace aq
