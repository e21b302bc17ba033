/* C shims that pass plain ints as the C ABI's enum arguments (int_enum_shim.c explains why). */
#ifndef AQ_INT_ENUM_SHIM_H
#define AQ_INT_ENUM_SHIM_H
#include "arrowquant.h"

#ifdef __cplusplus
extern "C" {
#endif

aq_status aq_int_quantize_format(const void* src, uint64_t src_bytes, int dtype, uint64_t rows, uint64_t cols,
                                 int bits, int group_size, int mode, int format, aq_quantized** out);
aq_status aq_int_dequantize(const aq_quantized* q, int dtype, void* dst, uint64_t dst_bytes);
uint64_t aq_int_dtype_size(int dtype);
aq_status aq_int_model_read_tensor(const aq_model* m, const char* name, int dtype, void* dst, uint64_t dst_bytes);
aq_status aq_int_export_dequantized(const char* in, const char* out, int dtype);
const char* aq_int_interpolation_name(int v);
const char* aq_int_beta_schedule_name(int v);
const char* aq_int_severity_name(int v);

#ifdef __cplusplus
}
#endif
#endif
