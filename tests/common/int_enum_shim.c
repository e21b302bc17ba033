/* Passes arbitrary integers as the C ABI's enum arguments, as any C caller or binding can (in C an enum argument
 * is an int). C++ tests and fuzz targets must not make these values themselves: converting an out-of-range int to
 * an unscoped enum without a fixed underlying type is undefined behaviour in C++. Used by
 * reliability.enum_arguments and the tensor_capi fuzz target; declarations in int_enum_shim.h. */
#include "int_enum_shim.h"

aq_status aq_int_quantize_format(const void* src, uint64_t src_bytes, int dtype, uint64_t rows, uint64_t cols,
                                  int bits, int group_size, int mode, int format, aq_quantized** out) {
  return aq_quantize_format(src, src_bytes, (aq_dtype)dtype, rows, cols, bits, group_size, (aq_mode)mode,
                            (aq_format)format, out);
}
aq_status aq_int_dequantize(const aq_quantized* q, int dtype, void* dst, uint64_t dst_bytes) {
  return aq_dequantize(q, (aq_dtype)dtype, dst, dst_bytes);
}
uint64_t aq_int_dtype_size(int dtype) { return aq_dtype_size((aq_dtype)dtype); }
aq_status aq_int_model_read_tensor(const aq_model* m, const char* name, int dtype, void* dst, uint64_t dst_bytes) {
  return aq_model_read_tensor(m, name, (aq_dtype)dtype, dst, dst_bytes);
}
aq_status aq_int_export_dequantized(const char* in, const char* out, int dtype) {
  return aq_export_dequantized(in, out, (aq_dtype)dtype);
}
const char* aq_int_interpolation_name(int v) { return aq_interpolation_name((aq_interpolation)v); }
const char* aq_int_beta_schedule_name(int v) { return aq_beta_schedule_name((aq_beta_schedule_kind)v); }
const char* aq_int_severity_name(int v) { return aq_severity_name((aq_severity)v); }
