#include "kernels/tensor_layout.hpp"

#include <string>

#include "arrowquant/error.hpp"

namespace aq::detail {

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

}  // namespace aq::detail
