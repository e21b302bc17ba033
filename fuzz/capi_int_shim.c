/* C-compiled shim of the tensor fuzz target: passes arbitrary integers as the C ABI's enum arguments, the way a
 * C caller (or a binding) can. In C an enum argument is just an int; converting an out-of-range int to an enum
 * type inside the C++ harness would itself be undefined behaviour, so the conversion happens here. */
#include "arrowquant.h"

aq_status aq_fuzz_quantize_format(const void* src, uint64_t src_bytes, int dtype, uint64_t rows, uint64_t cols,
                                  int bits, int group_size, int mode, int format, aq_quantized** out) {
  return aq_quantize_format(src, src_bytes, (aq_dtype)dtype, rows, cols, bits, group_size, (aq_mode)mode,
                            (aq_format)format, out);
}

aq_status aq_fuzz_dequantize(const aq_quantized* q, int dtype, void* dst, uint64_t dst_bytes) {
  return aq_dequantize(q, (aq_dtype)dtype, dst, dst_bytes);
}
