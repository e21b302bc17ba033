/*
 * arrowquant.h — the public C ABI of ArrowQuant (libarrowquant.so.0). MIT license.
 *
 * ArrowQuant quantizes the weights of diffusion models to INT2/INT4/INT8 and computes time-aware activation
 * quantization parameters checked by Markov smoothness metrics.
 *
 * Conventions (stable within a major version; see docs/abi.md):
 *  - Every fallible call returns aq_status; AQ_OK is 0. The message of the last failure on the calling thread is
 *    aq_last_error_message(). Enum values never change once released; new values and functions only add.
 *  - Opaque handles come from *_create / producing calls and are released with *_free, which accept NULL.
 *  - Buffers are pointer + byte-length pairs named src/src_bytes (input) and dst/dst_bytes (output).
 *  - Views returned as (const T** data, uint64_t* bytes or count) stay valid until their handle is freed.
 *  - Thread safety: every function may be called from any thread. A handle may be used by one thread at a time;
 *    different handles may be used in parallel. Functions without a handle argument are thread-safe.
 *  - No C++ exception crosses this boundary; every entry point catches and returns a status.
 */
#ifndef ARROWQUANT_H
#define ARROWQUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AQ_API __attribute__((visibility("default")))
#else
#define AQ_API
#endif

/* ---------------------------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------------------------- */
#define ARROWQUANT_VERSION_MAJOR 0
#define ARROWQUANT_VERSION_MINOR 1
#define ARROWQUANT_VERSION_PATCH 0
#define ARROWQUANT_VERSION_NUMBER \
  (ARROWQUANT_VERSION_MAJOR * 10000 + ARROWQUANT_VERSION_MINOR * 100 + ARROWQUANT_VERSION_PATCH)
#define AQ_STRINGIFY_(x) #x
#define AQ_STRINGIFY(x) AQ_STRINGIFY_(x)
#define ARROWQUANT_VERSION_STRING                                                  \
  AQ_STRINGIFY(ARROWQUANT_VERSION_MAJOR) "." AQ_STRINGIFY(ARROWQUANT_VERSION_MINOR) "." \
      AQ_STRINGIFY(ARROWQUANT_VERSION_PATCH)

/** Runtime version of the loaded library: MAJOR*10000 + MINOR*100 + PATCH (compare with ARROWQUANT_VERSION_NUMBER). */
AQ_API unsigned aq_version_number(void);
/** Runtime version as "MAJOR.MINOR.PATCH"; static storage. */
AQ_API const char* aq_version_string(void);

/* ---------------------------------------------------------------------------------------------------------------
 * Status and errors
 * ------------------------------------------------------------------------------------------------------------- */
/** Result of every fallible call. Values are stable. */
typedef enum aq_status {
  AQ_OK = 0,
  AQ_ERR_INVALID_ARGUMENT = 1, /* a parameter is NULL, out of range, or inconsistent with another */
  AQ_ERR_OUT_OF_MEMORY = 2,    /* an allocation failed or a memory limit would be exceeded */
  AQ_ERR_IO = 3,               /* reading or writing a file failed */
  AQ_ERR_FORMAT = 4,           /* a file or JSON text is malformed */
  AQ_ERR_UNSUPPORTED = 5,      /* valid but not supported (bits, group size, dtype) */
  AQ_ERR_CANCELLED = 6,        /* a progress callback asked to stop */
  AQ_ERR_QUALITY = 7,          /* a layer is below min_accuracy and fail_fast forbids fallback */
  AQ_ERR_INTERNAL = 8          /* a bug: please report it with the message */
} aq_status;

/** Name of a status ("AQ_OK", "AQ_ERR_FORMAT", ...); static storage; "AQ_ERR_UNKNOWN" for other values. */
AQ_API const char* aq_status_name(aq_status status);
/** Message of the last failed call on this thread; "" when the last call succeeded. Valid until the next call. */
AQ_API const char* aq_last_error_message(void);

/* ---------------------------------------------------------------------------------------------------------------
 * Threads and SIMD
 * ------------------------------------------------------------------------------------------------------------- */
/** Process-wide default number of worker threads; 0 = all cores; n < 0 is AQ_ERR_INVALID_ARGUMENT. A
 *  configuration's num_threads overrides it for that call. Results never depend on the thread count. */
AQ_API aq_status aq_set_num_threads(int n);
/** The current process-wide default set by aq_set_num_threads (0 = all cores). */
AQ_API int aq_get_num_threads(void);
/** Name of the SIMD target the kernels dispatch to on this CPU ("AVX3", "AVX2", "SSE4", ...); static storage. */
AQ_API const char* aq_simd_target(void);

/* ---------------------------------------------------------------------------------------------------------------
 * Tensor quantization
 * ------------------------------------------------------------------------------------------------------------- */
/** Element type of an input or output buffer. Values are stable. */
typedef enum aq_dtype { AQ_DTYPE_F32 = 0, AQ_DTYPE_F16 = 1, AQ_DTYPE_BF16 = 2 } aq_dtype;

/** How group parameters are chosen. RTN: min/max of the group, codes rounded half to even. SEARCH: the
 *  (scale, offset) pair that minimises the group's squared error over a fixed candidate set (deterministic). */
typedef enum aq_mode { AQ_MODE_RTN = 0, AQ_MODE_SEARCH = 1 } aq_mode;

/** How group parameters are stored (docs/format.md defines each byte by byte). AUTO picks FLAT for RTN and
 *  for 8 bits, HIERARCHICAL for SEARCH at 2 and 4 bits. */
typedef enum aq_format {
  AQ_FORMAT_AUTO = 0,
  AQ_FORMAT_FLAT = 1,        /* one (scale, offset) pair per group, fp16 (f32 when a value does not fit fp16) */
  AQ_FORMAT_HIERARCHICAL = 2 /* super-blocks of 8 groups: fp16 (d, dmin) + 6-bit scale/offset codes per group */
} aq_format;

/** A quantized 2-D tensor: packed codes, group parameters and error statistics. Opaque. */
typedef struct aq_quantized aq_quantized;

/** Size in bytes of one element of dtype; 0 for an unknown dtype. */
AQ_API uint64_t aq_dtype_size(aq_dtype dtype);

/** Quantize a row-major [rows, cols] tensor group-wise along each row (format AUTO).
 *  src/src_bytes: the input, src_bytes must equal rows*cols*aq_dtype_size(dtype).
 *  bits: 2, 4 or 8. group_size: 32, 64, 128 or 256 (the last group of a row may be shorter).
 *  On success *out receives a new handle (free with aq_quantized_free); on failure *out is set to NULL.
 *  NaN or infinite weights are AQ_ERR_INVALID_ARGUMENT (the message gives the first index). */
AQ_API aq_status aq_quantize(const void* src, uint64_t src_bytes, aq_dtype dtype, uint64_t rows, uint64_t cols,
                             int bits, int group_size, aq_mode mode, aq_quantized** out);

/** As aq_quantize, with an explicit parameter format. AQ_FORMAT_HIERARCHICAL requires bits 2 or 4. */
AQ_API aq_status aq_quantize_format(const void* src, uint64_t src_bytes, aq_dtype dtype, uint64_t rows,
                                    uint64_t cols, int bits, int group_size, aq_mode mode, aq_format format,
                                    aq_quantized** out);

/** Dequantize into dst (row-major [rows, cols] of dtype); dst_bytes must be at least rows*cols*size(dtype). */
AQ_API aq_status aq_dequantize(const aq_quantized* q, aq_dtype dtype, void* dst, uint64_t dst_bytes);

/** View of the packed codes (docs/format.md: rows start on a byte boundary, little-endian within a byte). */
AQ_API aq_status aq_quantized_codes(const aq_quantized* q, const uint8_t** data, uint64_t* bytes);

/** View of the serialized parameter bytes (layout by format, docs/format.md). */
AQ_API aq_status aq_quantized_params(const aq_quantized* q, const uint8_t** data, uint64_t* bytes);

/** Bits per weight counting codes and all parameters: 8 * (code bytes + parameter bytes) / elements. 0 for NULL. */
AQ_API double aq_quantized_bits_per_weight(const aq_quantized* q);

/** Shape and settings of a quantized tensor; each writes through a non-NULL pointer. */
AQ_API aq_status aq_quantized_shape(const aq_quantized* q, uint64_t* rows, uint64_t* cols);
AQ_API aq_status aq_quantized_info(const aq_quantized* q, int* bits, int* group_size, aq_mode* mode,
                                   aq_format* format, int* params_f32);

/** Error statistics of the quantization, computed in the quantize pass (per fixed block, merged in order).
 *  sse: sum of squared errors; energy: sum of squared weights; cosine: cosine similarity of original and
 *  dequantized (1 when both are all zero, 0 when one is); sqnr_db: 10*log10(energy/sse) (+inf when sse is 0);
 *  max_abs_error: largest |w - w_hat|. Any pointer may be NULL. */
AQ_API aq_status aq_quantized_error(const aq_quantized* q, double* sse, double* energy, double* cosine,
                                    double* sqnr_db, double* max_abs_error);

/** Release a quantized tensor. NULL is a no-op. */
AQ_API void aq_quantized_free(aq_quantized* q);

/* ---------------------------------------------------------------------------------------------------------------
 * Time-aware parameters and the thermodynamic phases (issue 3) — section owned by timegroups/ and thermo/.
 * ------------------------------------------------------------------------------------------------------------- */
/* @@TIMEAWARE@@ */

/* ---------------------------------------------------------------------------------------------------------------
 * Configuration, model pipeline and reports (issue 4/5) — section owned by config/, io/, pipeline/, report/.
 * ------------------------------------------------------------------------------------------------------------- */
/* @@PIPELINE@@ */

#ifdef __cplusplus
}
#endif
#endif /* ARROWQUANT_H */
