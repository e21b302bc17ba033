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
 *  - Output parameters: results are returned through pointer parameters that come after every input parameter.
 *    A function that creates a handle takes it as its last parameter (T** out; aq_report** report for the
 *    model-level calls) and sets it to NULL before any check, so after a failure it holds NULL (aq_quantize_model
 *    also hands out its report on AQ_ERR_QUALITY). Other outputs (scalars through T*, views through const T**)
 *    are written only when the call returns AQ_OK; output pointers documented as "may be NULL" are skipped when
 *    NULL. Caller-filled output arrays and buffers (dst, codes) are the exception: after a failure their contents
 *    are unspecified.
 *  - Arrays are a pointer followed by a uint64_t length, the length named after the pointer:
 *      (const T* NAME, uint64_t NAME_count)   input array of count elements (a function with a single input
 *                                             array names it src);
 *      (T* dst, uint64_t dst_count)           output array filled by the callee (codes/codes_count for byte codes);
 *                                             the count must be at least the number of values written, otherwise
 *                                             AQ_ERR_INVALID_ARGUMENT;
 *      (const void* src, uint64_t src_bytes), (void* dst, uint64_t dst_bytes)   raw tensor buffers, length in bytes;
 *      (const T** data, uint64_t* count or bytes)   a view of an array or text held by a handle, valid until the
 *                                             handle is freed (text views are also NUL-terminated).
 *    Kept for compatibility: a few functions return a short NUL-terminated string through const char** without a
 *    length (aq_model_tensor_name, aq_baseline_report_pattern, aq_config_get_source,
 *    aq_timeaware_config_get_string, aq_optimization_optimizer).
 *  - Infallible queries (counts, names) return their value directly: 0, "" or "unknown" for NULL or an unknown
 *    value, as each documents.
 *  - Thread safety: every function may be called from any thread; functions without a handle argument are
 *    thread-safe, and different handles may always be used in parallel. Per handle type:
 *      aq_quantized, aq_tg_params, aq_markov_report, aq_baseline_report, aq_optimization, aq_layer_result,
 *      aq_report      immutable once created: any number of threads may call the functions taking it as
 *                     `const T*` at the same time.
 *      aq_model       read-only: aq_model_* readers (tensor data, info JSON views) may run concurrently.
 *      aq_config, aq_timeaware_config, aq_calib_stats, aq_transition_computer
 *                     readers (`const T*`) may run concurrently with each other; a call taking `T*` (set, merge,
 *                     accumulate, compute, clear) needs exclusive use of the handle.
 *    A handle given to a long call (aq_quantize_model, aq_timeaware_layer, ...) is only read by it. *_free
 *    needs exclusive use: no other call on that handle may be running or follow it.
 *  - No C++ exception crosses this boundary; every entry point catches and returns a status.
 *  - The conformance oracles (reference metrics on plain arrays) are declared only when ARROWQUANT_REFERENCE_METRICS
 *    is defined before this header is included (last section); the library always exports them.
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
  AQ_FORMAT_HIERARCHICAL = 2 /* super-blocks of group_size: fp16 (d, dmin) + 6-/4-bit codes per 32-/16-wide sub-group */
} aq_format;

/** A quantized 2-D tensor: packed codes, group parameters and error statistics. Opaque. */
typedef struct aq_quantized aq_quantized;

/** Size in bytes of one element of dtype; 0 for an unknown dtype. */
AQ_API uint64_t aq_dtype_size(aq_dtype dtype);

/** Quantize a row-major [rows, cols] tensor group-wise along each row (format AUTO).
 *  src/src_bytes: the input, src_bytes must equal rows*cols*aq_dtype_size(dtype).
 *  bits: 2, 4 or 8. group_size: 32, 64, 128 or 256 (the last group of a row may be shorter).
 *  On success *out receives a new handle (free with aq_quantized_free); on failure *out is set to NULL.
 *  NaN or infinite weights are AQ_ERR_INVALID_ARGUMENT (the message gives the first index); a group whose
 *  weights span more than FLT_MAX (both signs near the float limit) is AQ_ERR_UNSUPPORTED. */
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
 * Time-aware parameters and the thermodynamic phases
 * ------------------------------------------------------------------------------------------------------------- */
/* Time grouping, calibration statistics and the thermodynamic phases (the conformance oracles are in the
 * reference-metrics section at the end of this header)
 * (docs/time-aware.md explains each; conformance/README.md has the exact formulas).

 * Arrays follow the conventions at the top of this header (the SWIG typemaps key on them).
 * Functions marked "reference" compute in IEEE binary32 exactly as the conformance README section 4 describes; "spec"
 * functions use binary64. Invalid input (NULL, empty, non-finite, scale <= 0, out-of-range, mismatched lengths)
 * returns AQ_ERR_INVALID_ARGUMENT with a message naming the argument; no function returns NaN. */

/** Interpolation shape of Phase 2 boundary smoothing. Values are stable. */
typedef enum aq_interpolation {
  AQ_INTERPOLATION_LINEAR = 0,  /* S(a) = a */
  AQ_INTERPOLATION_CUBIC = 1,   /* S(a) = -2a^3 + 3a^2 (smoothstep) */
  AQ_INTERPOLATION_SIGMOID = 2  /* S(a) = 1/(1 + exp(-10(a - 0.5))) */
} aq_interpolation;

/** beta schedule of the forward diffusion process. Values are stable. */
typedef enum aq_beta_schedule_kind {
  AQ_BETA_SCHEDULE_LINEAR = 0, /* beta_start -> beta_end, needs num_timesteps >= 2 */
  AQ_BETA_SCHEDULE_COSINE = 1  /* cosine schedule with s = 0.008 (beta_start/beta_end ignored) */
} aq_beta_schedule_kind;

/** Severity of a Phase 1 violation: HIGH if the scale jump > 0.5, MEDIUM if > 0.3, else LOW. Values are stable. */
typedef enum aq_severity { AQ_SEVERITY_LOW = 0, AQ_SEVERITY_MEDIUM = 1, AQ_SEVERITY_HIGH = 2 } aq_severity;

/** Stage of a layer's parameters: from the statistics, after Phase 2, after Phase 3. Values are stable. */
typedef enum aq_stage { AQ_STAGE_INITIAL = 0, AQ_STAGE_SMOOTHED = 1, AQ_STAGE_OPTIMIZED = 2 } aq_stage;

/** Name of an interpolation: "linear", "cubic" or "sigmoid"; static storage; "unknown" for other values. */
AQ_API const char* aq_interpolation_name(aq_interpolation method);
/** Name of a beta schedule: "linear" or "cosine"; static storage; "unknown" for other values. */
AQ_API const char* aq_beta_schedule_name(aq_beta_schedule_kind kind);
/** Name of a severity: "low", "medium" or "high"; static storage; "unknown" for other values. */
AQ_API const char* aq_severity_name(aq_severity severity);
/** Parse an interpolation name (exact, lower case); an unknown name is AQ_ERR_INVALID_ARGUMENT. */
AQ_API aq_status aq_interpolation_from_name(const char* name, aq_interpolation* out);
/** Parse a beta schedule name (exact, lower case); an unknown name is AQ_ERR_INVALID_ARGUMENT. */
AQ_API aq_status aq_beta_schedule_from_name(const char* name, aq_beta_schedule_kind* out);
/** Parse a severity name (exact, lower case); an unknown name is AQ_ERR_INVALID_ARGUMENT. */
AQ_API aq_status aq_severity_from_name(const char* name, aq_severity* out);

/* --- Configuration of the time-aware parameters ------------------------------------------------------------- */

/** Time-aware configuration: the keys num_timesteps, num_time_groups, activation_bits, beta_schedule, beta_start,
 *  beta_end, calibration_samples, calibration_data_std and thermodynamic.{validation, boundary_smoothing,
 *  transition_optimization}.* (docs/time-aware.md lists each with its default and range). Opaque. */
typedef struct aq_timeaware_config aq_timeaware_config;

/** New configuration holding the defaults (the local profile's; validation on, smoothing and optimization off). */
AQ_API aq_status aq_timeaware_config_create(aq_timeaware_config** out);
/** Set a numeric or boolean key (booleans as 0/1) by its dotted name, e.g.
 *  "thermodynamic.transition_optimization.learning_rate". Unknown keys and out-of-range values are
 *  AQ_ERR_INVALID_ARGUMENT naming the key; the configuration is then unchanged. */
AQ_API aq_status aq_timeaware_config_set_number(aq_timeaware_config* config, const char* key, double value);
/** Set a string key: "beta_schedule", "thermodynamic.boundary_smoothing.interpolation",
 *  "thermodynamic.transition_optimization.beta_schedule". */
AQ_API aq_status aq_timeaware_config_set_string(aq_timeaware_config* config, const char* key, const char* value);
/** Read a numeric key (booleans as 0/1). */
AQ_API aq_status aq_timeaware_config_get_number(const aq_timeaware_config* config, const char* key, double* value);
/** Read a string key; *value is static storage. */
AQ_API aq_status aq_timeaware_config_get_string(const aq_timeaware_config* config, const char* key,
                                                const char** value);
/** Apply a JSON object with any subset of the keys, nested as in the configuration file, e.g.
 *  {"num_time_groups": 5, "thermodynamic": {"boundary_smoothing": {"enabled": true}}}. Malformed JSON is
 *  AQ_ERR_FORMAT; unknown keys, wrong types and out-of-range values are AQ_ERR_INVALID_ARGUMENT naming the key.
 *  Nothing changes on failure. */
AQ_API aq_status aq_timeaware_config_set_json(aq_timeaware_config* config, const char* json);
/** Release a configuration. NULL is a no-op. */
AQ_API void aq_timeaware_config_free(aq_timeaware_config* config);

/* --- Time grouping and calibration statistics ---------------------------------------------------------------- */

/** Number of time groups E = min(num_groups, num_timesteps) (both >= 1). */
AQ_API aq_status aq_group_count(uint64_t num_timesteps, uint64_t num_groups, uint64_t* count);
/** Conformance group_timesteps (reference, exact): boundaries b_i = floor(i*T/E), i = 0..E, b_E = T, written to
 *  dst (E + 1 values; dst_count must be at least E + 1). Group g covers timesteps [b_g, b_{g+1}). */
AQ_API aq_status aq_group_timesteps(uint64_t num_timesteps, uint64_t num_groups, uint64_t* dst,
                                    uint64_t dst_count);

/** Per-timestep statistics of one layer's input activations (min, max, mean, std), optionally with recorded
 *  samples. Opaque. */
typedef struct aq_calib_stats aq_calib_stats;

/** Statistics for T timesteps from four arrays of T values each (T >= 1; finite; min <= max; std >= 0). */
AQ_API aq_status aq_calib_stats_create(const float* min_values, uint64_t min_values_count, const float* max_values,
                                       uint64_t max_values_count, const float* mean_values, uint64_t mean_values_count,
                                       const float* std_values, uint64_t std_values_count, aq_calib_stats** out);
/** Attach recorded samples of one timestep (finite values; replaces earlier samples of that timestep). When any
 *  timestep has samples, Phase 3 uses the samples and every time group must have at least one. */
AQ_API aq_status aq_calib_stats_set_samples(aq_calib_stats* stats, uint64_t timestep, const float* src,
                                            uint64_t src_count);
/** Data-free calibration: simulates the forward diffusion x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps for
 *  config's num_timesteps, beta_schedule, beta_start, beta_end, calibration_data_std and calibration_samples;
 *  mean/std in closed form, min/max from the simulated samples. Deterministic in seed (aq_quantize_model uses one
 *  value for every layer, so layers with the same statistics get the same parameters). */
AQ_API aq_status aq_calib_stats_data_free(const aq_timeaware_config* config, uint64_t seed, aq_calib_stats** out);
/** Number of timesteps T. 0 for NULL. */
AQ_API uint64_t aq_calib_stats_num_timesteps(const aq_calib_stats* stats);
/** Statistics of one timestep; any output pointer may be NULL. */
AQ_API aq_status aq_calib_stats_get(const aq_calib_stats* stats, uint64_t timestep, float* min_value,
                                    float* max_value, float* mean_value, float* std_value, uint64_t* sample_count);
/** View of one timestep's recorded samples (count 0 when none). */
AQ_API aq_status aq_calib_stats_samples(const aq_calib_stats* stats, uint64_t timestep, const float** data,
                                        uint64_t* count);
/** "recorded" or "data-free"; static storage; "" for NULL. */
AQ_API const char* aq_calib_stats_source(const aq_calib_stats* stats);
/** Release statistics. NULL is a no-op. */
AQ_API void aq_calib_stats_free(aq_calib_stats* stats);

/* --- Time-group parameters ------------------------------------------------------------------------------------ */

/** A layer's sequence of time-group parameters {time_range [start, end), scale, zero_point, group_size}: input
 *  activations are quantized as q = clamp(round(x/scale + zero_point), 0, 2^a - 1). Opaque. */
typedef struct aq_tg_params aq_tg_params;

/** Conformance params_from_stats (reference, binary32): per group g of aq_group_timesteps(T, num_groups):
 *  scale = (max - min)/(2^activation_bits - 1) over the group's timesteps (1e-6 for a zero range),
 *  zero_point = -min/scale (real), group_size 256 for g < floor(E/2) else 64. activation_bits in 2..16 (8 is the
 *  reference). */
AQ_API aq_status aq_params_from_stats(const aq_calib_stats* stats, uint64_t num_groups, int activation_bits,
                                      aq_tg_params** out);
/** Parameters from arrays of n scales (> 0, finite) and n zero points (finite). boundaries (n + 1 increasing
 *  values starting at 0) gives the time ranges; NULL gives group g the range [g, g + 1). group_size follows the
 *  reference rule. */
AQ_API aq_status aq_tg_params_create(const uint64_t* boundaries, uint64_t boundaries_count, const float* scales,
                                     uint64_t scales_count, const float* zero_points, uint64_t zero_points_count,
                                     aq_tg_params** out);
/** Number of groups. 0 for NULL. */
AQ_API uint64_t aq_tg_params_count(const aq_tg_params* params);
/** One group's parameters; any output pointer may be NULL. */
AQ_API aq_status aq_tg_params_get(const aq_tg_params* params, uint64_t index, uint64_t* start, uint64_t* end,
                                  float* scale, float* zero_point, uint32_t* group_size);
/** View of the scales, one per group (valid until the handle is freed). */
AQ_API aq_status aq_tg_params_scales(const aq_tg_params* params, const float** data, uint64_t* count);
/** View of the zero points, one per group (valid until the handle is freed). */
AQ_API aq_status aq_tg_params_zero_points(const aq_tg_params* params, const float** data, uint64_t* count);
/** View of the [G, 4] float table (start, end, scale, zero_point per group): the layout of NAME.tg_params. */
AQ_API aq_status aq_tg_params_table(const aq_tg_params* params, const float** data, uint64_t* count);
/** Release parameters. NULL is a no-op. */
AQ_API void aq_tg_params_free(aq_tg_params* params);

/* --- Phase 1: Markov validation and the baseline summary ---------------------------------------------------- */

/** Result of a Markov validation. Opaque. */
typedef struct aq_markov_report aq_markov_report;

/** Conformance markov_validate (reference, binary32) on n >= 1 groups: per boundary i the scale jump
 *  |s[i+1] - s[i]|/s[i], zero-point jump |z[i+1] - z[i]|/255, boundary score 1 - min((sj + zj)/2, 1); a violation
 *  where sj > threshold (threshold in [0, 1]); smoothness score 1 - min(sum(sj + zj)/(2(n-1)), 1). */
AQ_API aq_status aq_markov_validate(const float* scales, uint64_t scales_count, const float* zero_points,
                                    uint64_t zero_points_count, float threshold, aq_markov_report** out);
/** is_valid (1 when there is no violation), smoothness_score and the largest scale jump; pointers may be NULL. */
AQ_API aq_status aq_markov_report_result(const aq_markov_report* report, int* is_valid, float* smoothness_score,
                                         float* max_scale_jump);
/** View of the n - 1 boundary scores (empty for a single group). */
AQ_API aq_status aq_markov_report_boundary_scores(const aq_markov_report* report, const float** data,
                                                  uint64_t* count);
/** View of the n - 1 scale jumps of every boundary (not only of the violations). */
AQ_API aq_status aq_markov_report_scale_jumps(const aq_markov_report* report, const float** data, uint64_t* count);
/** View of the n - 1 zero-point jumps of every boundary. */
AQ_API aq_status aq_markov_report_zero_point_jumps(const aq_markov_report* report, const float** data,
                                                   uint64_t* count);
/** Number of violations. 0 for NULL. */
AQ_API uint64_t aq_markov_report_violation_count(const aq_markov_report* report);
/** Violation index (boundary order); pointers may be NULL. */
AQ_API aq_status aq_markov_report_violation(const aq_markov_report* report, uint64_t index, uint64_t* boundary_idx,
                                            float* scale_jump, float* zero_point_jump, aq_severity* severity);
/** Release a report. NULL is a no-op. */
AQ_API void aq_markov_report_free(aq_markov_report* report);

/** Statistics and violation-pattern strings of a baseline report (conformance baseline_summary). Opaque. */
typedef struct aq_baseline_report aq_baseline_report;

/** The baseline summary of a Markov report: min/max/mean/population std of its boundary scores (all 0 when
 *  there are none) and the violation-pattern strings (conformance baseline_summary). */
AQ_API aq_status aq_markov_report_baseline(const aq_markov_report* report, aq_baseline_report** out);
/** min/max/mean/std of the boundary scores; pointers may be NULL. */
AQ_API aq_status aq_baseline_report_stats(const aq_baseline_report* report, double* min_boundary_score,
                                          double* max_boundary_score, double* mean_boundary_score,
                                          double* std_boundary_score);
/** Number of pattern strings. 0 for NULL. */
AQ_API uint64_t aq_baseline_report_pattern_count(const aq_baseline_report* report);
/** Pattern string index (NUL-terminated, valid until the report is freed). */
AQ_API aq_status aq_baseline_report_pattern(const aq_baseline_report* report, uint64_t index, const char** text);
/** Release a baseline report. NULL is a no-op. */
AQ_API void aq_baseline_report_free(aq_baseline_report* report);

/* --- Phase 2: boundary smoothing ----------------------------------------------------------------------------- */

/** Smooths the scales and zero points of params (time ranges and group sizes kept) into a new handle. */
AQ_API aq_status aq_tg_params_smooth(const aq_tg_params* params, int window, aq_interpolation method,
                                     aq_tg_params** out);

/* --- Phase 3: transition optimization ------------------------------------------------------------------------ */

/** Result of a transition optimization. Opaque. */
typedef struct aq_optimization aq_optimization;

/** Optimize per-group (ln scale, zero point) of initial against each group's calibration data from stats (the
 *  recorded samples, or values drawn deterministically from the statistics with seed; at most 256 per group),
 *  with config's thermodynamic.transition_optimization settings (its "enabled" switch is ignored here), beta
 *  range and activation_bits. The schedule has aq_calib_stats_num_timesteps(stats) steps; every group's time
 *  range must lie inside it. Deterministic. */
AQ_API aq_status aq_optimize_params(const aq_tg_params* initial, const aq_calib_stats* stats,
                                    const aq_timeaware_config* config, uint64_t seed, aq_optimization** out);
/** View of the best parameters found (valid until the result is freed). */
AQ_API aq_status aq_optimization_params(const aq_optimization* result, const aq_tg_params** params);
/** Objective at the initial and at the returned parameters, evaluated points, and whether the last two losses
 *  differed by less than convergence_threshold; pointers may be NULL. For the chain solver (optimizer "chain",
 *  the default): iterations = dynamic-programme solves (bisection steps included), converged = the Phase 1
 *  score reached target_smoothness. */
AQ_API aq_status aq_optimization_result(const aq_optimization* result, float* initial_loss, float* final_loss,
                                        uint64_t* iterations, int* converged);
/** View of the loss history (gradient: one objective value per iteration, its minimum is final_loss; chain: the
 *  chain objective, multiplier term included, of each solve). */
AQ_API aq_status aq_optimization_loss_history(const aq_optimization* result, const float** data, uint64_t* count);
/** Transition cache hits and misses during the optimization; pointers may be NULL. */
AQ_API aq_status aq_optimization_cache_stats(const aq_optimization* result, uint64_t* hits, uint64_t* misses);
/** Release a result. NULL is a no-op. */
AQ_API void aq_optimization_free(aq_optimization* result);

/* Phase 3 chain solver (docs/time-aware.md, "Phase 3: the chain solver"). */
/** Which solver produced result: *optimizer receives "chain" or "gradient" (a static string). */
AQ_API aq_status aq_optimization_optimizer(const aq_optimization* result, const char** optimizer);
/** The chain solver's search: the multiplier on the boundary jumps that met the score target (0 when the target
 *  did not bind; +inf when the jump-free sequence had to be taken), whether the target bound (1) or was met
 *  without the multiplier (0), and the candidates per group used (the configured count, lowered for a layer when
 *  G * K^2 exceeds 2^24). Zeros for the gradient optimizer. Pointers may be NULL. */
AQ_API aq_status aq_optimization_chain(const aq_optimization* result, double* multiplier, int* target_bound,
                                       uint64_t* candidates);
/** The price of smoothness: activation MSE on the calibration samples of the returned parameters (mse) and of
 *  each group's own best candidate without constraints or coupling (unconstrained_mse). Zeros for the gradient
 *  optimizer. Pointers may be NULL. */
AQ_API aq_status aq_optimization_price(const aq_optimization* result, float* mse, float* unconstrained_mse);
/** View of each group's own best candidate (the unconstrained sequence; valid until the result is freed).
 *  The gradient optimizer has none: *params is an empty parameter set. */
AQ_API aq_status aq_optimization_unconstrained_params(const aq_optimization* result, const aq_tg_params** params);

/* --- Layer entry point ---------------------------------------------------------------------------------------- */

/** Everything the time-aware phases produced for one layer. Opaque. */
typedef struct aq_layer_result aq_layer_result;

/** Time-aware parameters of one layer: params from stats (config's num_time_groups, activation_bits) ->
 *  Phase 1 validation -> Phase 2 smoothing -> Phase 3 optimization -> validation again, each phase per its
 *  config switch (validation on, smoothing and optimization off by default). seed selects the data drawn from
 *  statistics (aq_quantize_model uses one value for every layer). */
AQ_API aq_status aq_timeaware_layer(const aq_calib_stats* stats, const aq_timeaware_config* config, uint64_t seed,
                                    aq_layer_result** out);
/** View of the final parameters (valid until the result is freed). */
AQ_API aq_status aq_layer_result_params(const aq_layer_result* result, const aq_tg_params** params);
/** View of a stage's parameters; *params is NULL when that stage did not run. */
AQ_API aq_status aq_layer_result_stage_params(const aq_layer_result* result, aq_stage stage,
                                              const aq_tg_params** params);
/** 1 when the stage ran (AQ_STAGE_INITIAL always; the others when their phase is enabled). 0 for NULL. */
AQ_API int aq_layer_result_stage_ran(const aq_layer_result* result, aq_stage stage);
/** View of a stage's Markov report; *report is NULL when the stage did not run or validation is disabled. */
AQ_API aq_status aq_layer_result_stage_report(const aq_layer_result* result, aq_stage stage,
                                              const aq_markov_report** report);
/** The Phase 3 objective's components at a stage's parameters on the calibration data: mse, markov (mean KL),
 *  entropy (-H), coupling (smoothness term) and total; pointers may be NULL. *available is 0 when the stage did
 *  not run or the transition schedule is undefined (linear schedule, one timestep). */
AQ_API aq_status aq_layer_result_stage_loss(const aq_layer_result* result, aq_stage stage, int* available,
                                            float* mse, float* markov, float* entropy, float* coupling, float* total);
/** View of the optimization result; *optimization is NULL when Phase 3 did not run. */
AQ_API aq_status aq_layer_result_optimization(const aq_layer_result* result, const aq_optimization** optimization);
/** Wall-clock seconds of each phase (0 for a phase that did not run); pointers may be NULL. */
AQ_API aq_status aq_layer_result_timings(const aq_layer_result* result, double* validate_before_seconds,
                                         double* smooth_seconds, double* optimize_seconds,
                                         double* validate_after_seconds);
/** "recorded" or "data-free"; "" for NULL. Valid until the result is freed. */
AQ_API const char* aq_layer_result_calibration_source(const aq_layer_result* result);
/** Release a layer result. NULL is a no-op. */
AQ_API void aq_layer_result_free(aq_layer_result* result);

/* ---------------------------------------------------------------------------------------------------------------
 * Configuration of a model run (docs/config.md: keys, defaults and ranges)
 *
 * A configuration is layered: defaults < profile < config (JSON text or file) < environment (ARROW_QUANT_*) <
 * explicit settings (aq_config_set: command-line flags and API calls). A key's effective value comes from the
 * highest layer that sets it, whatever the order of the calls, and records its source: "default",
 * "profile:edge|local|cloud", "config", "env:ARROW_QUANT_<VAR>" or "cli". Keys are dotted paths
 * ("bit_width", "thermodynamic.boundary_smoothing.window_size"). Unknown keys, wrong JSON types and out-of-range
 * values are AQ_ERR_INVALID_ARGUMENT with a message naming the full key; malformed JSON text is AQ_ERR_FORMAT;
 * a failed call leaves the configuration unchanged.
 * Text views returned by the getters are NUL-terminated and stay valid until the handle is freed or modified
 * (any aq_config_set/unset/merge_json/load_file/apply_env on it). A handle may be used by one thread at a time;
 * the const getters may run concurrently with each other. */
typedef struct aq_config aq_config;

/** New configuration holding the defaults (the local profile's values, every source "default"). The
 *  environment is not read until aq_config_apply_env. Free with aq_config_free. */
AQ_API aq_status aq_config_create(aq_config** out);
/** New configuration with the JSON object `json` merged into its config layer (nested sections as objects:
 *  {"bit_width": 2, "thermodynamic": {"validation": {"enabled": false}}}). On failure *out is NULL. */
AQ_API aq_status aq_config_from_json(const char* json, aq_config** out);
/** New configuration for a deployment profile: profile is "edge", "local" or "cloud" (bits 2/4/8, time groups
 *  5/10/20, group size 256/128/64, min_accuracy 0.65/0.85/0.95, calibration samples 32/128/512). The
 *  profile is an explicit setting (source "cli"); the profile's values have source "profile:<name>". */
AQ_API aq_status aq_config_from_profile(const char* profile, aq_config** out);
/** Independent copy of a configuration (all layers and sources). */
AQ_API aq_status aq_config_clone(const aq_config* config, aq_config** out);
/** Merge a JSON object into the config layer (keys it does not name keep their values). Keys of older
 *  configuration files that have no effect (enable_mixed_precision, modality, ...) are accepted with a warning
 *  (aq_config_warnings_json). */
AQ_API aq_status aq_config_merge_json(aq_config* config, const char* json);
/** Read a configuration file and merge it into the config layer: YAML (YAML 1.2 core schema) when the name ends
 *  in .yaml or .yml, JSON otherwise. Keys may be wrapped in a top-level "quantization" mapping. AQ_ERR_IO when it
 *  cannot be read; messages name the file (and for YAML the line, column and key). */
AQ_API aq_status aq_config_load_file(aq_config* config, const char* path);
/** (Re)read the environment layer from ARROW_QUANT_BIT_WIDTH, _NUM_TIME_GROUPS, _GROUP_SIZE, _MIN_ACCURACY,
 *  _CALIBRATION_SAMPLES, _FAIL_FAST, _NUM_THREADS, _ENABLE_STREAMING and _MAX_MEMORY_MB (max_memory_limit_mb).
 *  Unset or empty variables are ignored; a malformed value is AQ_ERR_INVALID_ARGUMENT naming the variable. */
AQ_API aq_status aq_config_apply_env(aq_config* config);
/** Set key to value_json, JSON text of the value ("4", "0.9", "true", "[\"lm_head\"]", "null"); text that is
 *  not valid JSON is taken as a string, so "search" and "\"search\"" are the same. A section key takes an
 *  object and sets each member. The source becomes "cli". */
AQ_API aq_status aq_config_set(aq_config* config, const char* key, const char* value_json);
/** Remove an explicit setting of key (or of every key of a section) again. */
AQ_API aq_status aq_config_unset(aq_config* config, const char* key);
/** Effective value of a key (or a section, as an object) as compact JSON text. bytes may be NULL. */
AQ_API aq_status aq_config_get(const aq_config* config, const char* key, const char** data, uint64_t* bytes);
/** Source of a leaf key's effective value ("default", "profile:local", "config", "env:ARROW_QUANT_BIT_WIDTH",
 *  "cli"). */
AQ_API aq_status aq_config_get_source(const aq_config* config, const char* key, const char** source);
/** Check the rules between keys (beta_end >= beta_start; a linear beta schedule needs num_timesteps >= 2);
 *  AQ_ERR_INVALID_ARGUMENT naming both keys. aq_quantize_model applies the same check. */
AQ_API aq_status aq_config_validate(const aq_config* config);
/** The effective configuration as nested JSON, every key present (aq_config_from_json reads it back to the
 *  same values). bytes may be NULL. */
AQ_API aq_status aq_config_to_json(const aq_config* config, const char** data, uint64_t* bytes);
/** The source of every leaf key as a flat JSON object {"dotted.key": "source", ...}. bytes may be NULL. */
AQ_API aq_status aq_config_sources_json(const aq_config* config, const char** data, uint64_t* bytes);
/** Number of leaf keys, and the dotted name of key index (0-based, documentation order; NULL when out of range;
 *  static storage). */
AQ_API uint64_t aq_config_key_count(void);
AQ_API const char* aq_config_key_name(uint64_t index);
/** The configuration's warnings as a JSON array of strings, each once, in the order they arose: keys accepted
 *  without effect (enable_mixed_precision, and the older files' modality, enable_spatial, use_arrow,
 *  enable_simd, simd_threshold, enable_memory_aware_scheduling, enable_entropy_adaptation). The report of a run
 *  with this configuration repeats them in its "warnings" array. bytes may be NULL. */
AQ_API aq_status aq_config_warnings_json(const aq_config* config, const char** data, uint64_t* bytes);
/** The configuration schema as a JSON array, one object per key in documentation order with "key", "type",
 *  "accepted", "choices" (string keys only), "default", "profiles" (profile keys only), "env", "flag",
 *  "flag_alias", "flag_arg", "help" and "time_aware" (the key is visible through aq_timeaware_config), then one
 *  object per key accepted without effect ({"key", "type": "any", "retired": reason}). Static storage; bytes
 *  may be NULL. */
AQ_API aq_status aq_config_schema_json(const char** data, uint64_t* bytes);
/** Release a configuration. NULL is a no-op. */
AQ_API void aq_config_free(aq_config* config);

/* ---------------------------------------------------------------------------------------------------------------
 * Model pipeline: safetensors in, quantized safetensors out (docs/format.md, docs/pipeline.md).
 * ------------------------------------------------------------------------------------------------------------- */
typedef struct aq_report aq_report; /* result of a model-level call: JSON text (HTML for aq_html_report) */
typedef struct aq_model aq_model;   /* a model opened for reading (input or quantized) */

/** Progress callback: called on the calling thread after each tensor, then again with unchanged (final) counts
 *  between the layers of the time-aware step and the chunks of the write. Return non-zero to cancel, in any of
 *  these stages (the call then returns AQ_ERR_CANCELLED, its temporaries are removed and nothing is left under
 *  the output name). */
typedef int (*aq_progress_fn)(void* user_data, uint64_t tensors_done, uint64_t tensors_total, uint64_t bytes_done,
                              uint64_t bytes_total);

/** Quantize a model. input_path: a .safetensors file, a *.safetensors.index.json, or a directory holding either.
 *  output_path: the quantized file (or a directory of shards above max_shard_size_mb); written atomically.
 *  An input that is itself an ArrowQuant output (arrowquant.format in its metadata) is AQ_ERR_INVALID_ARGUMENT.
 *  Before any work: an output_path that is the input, one of its shards or the calibration file (compared by
 *  device and inode: hard links and symlinks included), or an existing directory holding the input, is
 *  AQ_ERR_INVALID_ARGUMENT naming both; an existing output is replaced unless the config key "overwrite" is
 *  false (then AQ_ERR_INVALID_ARGUMENT); the output's temporary is created at once (a missing or non-directory
 *  parent is AQ_ERR_IO before the first tensor). Temporaries of an interrupted earlier run writing the same
 *  output that no process holds locked are removed (listed in the report's "recovered_temporaries").
 *  config may be NULL (defaults: the local profile). progress may be NULL. report may be NULL; otherwise *report
 *  receives the quality report (free with aq_report_free), also on AQ_ERR_QUALITY. */
AQ_API aq_status aq_quantize_model(const char* input_path, const char* output_path, const aq_config* config,
                                   aq_progress_fn progress, void* user_data, aq_report** report);

/** The stages of aq_quantize_model_staged, in the order they run. */
typedef enum aq_run_stage {
  AQ_RUN_QUANTIZE = 0,   /* items are tensors (every tensor of the input, quantized or kept) */
  AQ_RUN_TIME_AWARE = 1, /* items are the quantized layers (time-aware parameters and phases); bytes are 0 */
  AQ_RUN_WRITE = 2       /* items are tensors written to the output; bytes are their input bytes */
} aq_run_stage;

/** Stage-aware progress callback: called on the calling thread when a stage starts (item "" and done 0), after
 *  each item (item names it), and again unchanged between chunks of the write. done/total count the items of
 *  the stage, bytes_done/bytes_total their bytes. item is valid during the call only. Return non-zero to cancel
 *  in any stage (the call then returns AQ_ERR_CANCELLED, its temporaries are removed, nothing is left under the
 *  output name). */
typedef int (*aq_run_progress_fn)(void* user_data, aq_run_stage stage, const char* item, uint64_t done,
                                    uint64_t total, uint64_t bytes_done, uint64_t bytes_total);

/** aq_quantize_model with a stage-aware progress callback (progress may be NULL); otherwise identical. */
AQ_API aq_status aq_quantize_model_staged(const char* input_path, const char* output_path, const aq_config* config,
                                          aq_run_progress_fn progress, void* user_data, aq_report** report);

/** Compare an original model with its quantized version: per-layer cosine, SQNR, MSE, max error and totals. */
AQ_API aq_status aq_compare_models(const char* original_path, const char* quantized_path, aq_report** report);

/** Write a quantized model back as a plain safetensors file of dtype (every quantized tensor dequantized,
 *  every other tensor copied). A model that is not an ArrowQuant output, or an output_path that is the input or
 *  one of its shards, is AQ_ERR_INVALID_ARGUMENT naming the file; an existing output is replaced. */
AQ_API aq_status aq_export_dequantized(const char* quantized_path, const char* output_path, aq_dtype dtype);

/** Write the synthetic demo model (a DiT-shaped diffusion transformer, about 30 M parameters, clearly labelled
 *  synthetic in its metadata) to path, deterministically from seed. */
AQ_API aq_status aq_write_demo_model(const char* path, uint64_t seed);

/** View of a report's text: JSON for every producing call except aq_html_report, whose text is the HTML page.
 *  NUL-terminated; bytes excludes the terminator; valid until aq_report_free. */
AQ_API aq_status aq_report_text(const aq_report* report, const char** data, uint64_t* bytes);
/** Alias of aq_report_text under its first name (same view, same bytes); kept for compatibility. */
AQ_API aq_status aq_report_json(const aq_report* report, const char** data, uint64_t* bytes);
/** Release a report. NULL is a no-op. */
AQ_API void aq_report_free(aq_report* report);

/** Open a model (input or quantized) for reading. */
AQ_API aq_status aq_model_open(const char* path, aq_model** out);
/** Number of logical tensors (a quantized tensor counts once, under its original name). 0 for NULL. */
AQ_API uint64_t aq_model_tensor_count(const aq_model* model);
/** Name of tensor index (0-based, sorted by name); view valid until aq_model_free. */
AQ_API aq_status aq_model_tensor_name(const aq_model* model, uint64_t index, const char** name);
/** JSON description of one tensor: {"name", "dtype", "shape", "quantized", "bits", "format", ...}. */
AQ_API aq_status aq_model_tensor_info(const aq_model* model, const char* name, const char** data, uint64_t* bytes);
/** JSON description of the whole model: metadata and every tensor (what `arrowquant inspect --json` prints). */
AQ_API aq_status aq_model_info(const aq_model* model, const char** data, uint64_t* bytes);
/** Number of elements of a tensor (its original shape's product). */
AQ_API aq_status aq_model_tensor_elements(const aq_model* model, const char* name, uint64_t* elements);
/** Dequantize (or convert) one tensor into dst as dtype; dst_bytes must be at least elements * dtype size. */
AQ_API aq_status aq_model_read_tensor(const aq_model* model, const char* name, aq_dtype dtype, void* dst,
                                      uint64_t dst_bytes);
/** Release a model. NULL is a no-op. */
AQ_API void aq_model_free(aq_model* model);

/* ---------------------------------------------------------------------------------------------------------------
 * Reports: baseline metrics, HTML, accuracy study (docs/report.md, docs/accuracy.md). Results are aq_report
 * handles: read the text (JSON, or HTML for aq_html_report) with aq_report_text, release with aq_report_free.
 * ------------------------------------------------------------------------------------------------------------- */
/** The baseline-metrics JSON in ArrowQuant V2's format (model_name, bit_width, num_time_groups, smoothness_score,
 *  violation_count, violations with their layer, boundary_scores, cosine_similarity, compression_ratio, model_size_mb,
 *  quantization_time_s, min/max/mean/std_boundary_score, common_violation_patterns, and per-layer detail in
 *  "layers") from the quality report of aq_quantize_model run with time-aware parameters and Phase 1 validation
 *  on (phases 2-3 off for a baseline; if they ran, the metrics before them are used). model_name may be NULL:
 *  the name is then derived from the report's input path. AQ_ERR_FORMAT when quality_report_json is not a
 *  quality report, AQ_ERR_INVALID_ARGUMENT when it holds no Phase 1 metrics. */
AQ_API aq_status aq_baseline_metrics(const char* quality_report_json, const char* model_name, aq_report** out);

/** A self-contained HTML page (inline CSS and SVG; no script, no network access) from any of: the quality report,
 *  the baseline-metrics JSON and the accuracy-study JSON (each may be NULL, not all). It holds the smoothness
 *  banner (green >= 0.78, yellow >= 0.65, red below), metric cards, the violations table and SVG charts of the
 *  boundary scores, of scale and zero point across time groups for the least smooth layers, of per-layer SQNR
 *  and bits, and of the error accumulation of the accuracy study. title may be NULL (a default names the
 *  model). The HTML text is read with aq_report_text. */
AQ_API aq_status aq_html_report(const char* quality_report_json, const char* baseline_json, const char* accuracy_json,
                                const char* title, aq_report** out);

/** aq_html_report written to path atomically (a temporary file in the same directory, fsync, rename): a failed
 *  call leaves nothing under path. */
AQ_API aq_status aq_html_report_write(const char* quality_report_json, const char* baseline_json,
                                      const char* accuracy_json, const char* title, const char* path);

/** The accuracy study of docs/accuracy.md on an unquantized model (a .safetensors file, an index or a directory):
 *  the time-group parameters of four variants (baseline, smoothing, optimization, both) compared by Phase 1
 *  metrics and by the error they accumulate along a simulated reverse diffusion driven by the model's own
 *  linear layers, against the full-precision chain with the same noise. config may be NULL (defaults; bit_width,
 *  group_size, mode, num_time_groups, num_timesteps, activation_bits, the beta schedule, calibration_data_std and
 *  the phases' settings are used; the phases' enabled flags are set per variant). options_json may be NULL or a
 *  JSON object with any of steps, samples, calibration_chains, blocks, block_gain, calibration ("chain",
 *  "data-free", "file"), seed, layers, model_metrics. *out receives the study JSON ({"model", "bits",
 *  "time_groups", "variants": [{"name", "smoothness_score", "violation_count", "final_relative_error",
 *  "error_curve", ...}], ...}). Deterministic for any thread count. */
AQ_API aq_status aq_accuracy_study(const char* model_path, const aq_config* config, const char* options_json,
                                   aq_report** out);


/* ---------------------------------------------------------------------------------------------------------------
 * Time-aware parameters at inference: timestep mapping, lookup, activation quantization (docs/time-aware.md).
 *
 * A quantized tensor NAME with time-aware parameters stores G groups (NAME.tg_params) over num_timesteps
 * timestep indices; index 0 is the clean end of the diffusion and num_timesteps - 1 the noise end, so a sampler
 * walks the indices downwards. Before each network evaluation at sampler time t (a Heun-type sampler evaluates
 * twice per step: each evaluation uses its own t), an engine maps t to an index with aq_timestep_index on the
 * tensor's num_timesteps, reads (scale, zero_point, bits) with aq_model_activation_params and quantizes the
 * tensor's input with them. The recorder of calibration files uses the same mapping, so a sampler with any number
 * of steps reads parameters recorded with any other.
 * ------------------------------------------------------------------------------------------------------------- */
/** The timestep index of continuous sampler time t on an axis whose clean end is t_clean and noise end t_noise
 *  (e.g. [0, 1], [0, 10], or sigma in [sigma_min, sigma_max]; t_clean > t_noise is allowed):
 *  *index = round((t - t_clean) / (t_noise - t_clean) * (num_timesteps - 1)), half away from zero, in binary64.
 *  A discrete DDPM timestep k in 0..T-1 with t_clean = 0, t_noise = T - 1 maps to k. Non-finite values,
 *  t_clean == t_noise, num_timesteps 0 or above 2^53, and t outside the axis are AQ_ERR_INVALID_ARGUMENT. */
AQ_API aq_status aq_timestep_index(double t, double t_clean, double t_noise, uint64_t num_timesteps, uint64_t* index);

/** The activation parameters of quantized tensor tensor_name at timestep_index (0 <= timestep_index <
 *  num_timesteps): the scale and (real) zero point of the time group holding it and the activation bits, for
 *  aq_quantize_activations / aq_fake_quantize_activations. Any output pointer may be NULL. A tensor that does not
 *  exist, is not quantized or has no time-aware parameters, and an index out of range, are
 *  AQ_ERR_INVALID_ARGUMENT naming it; a malformed table (or a file written before the metadata had
 *  activation_bits) is AQ_ERR_FORMAT. The table is read once per model handle. */
AQ_API aq_status aq_model_activation_params(const aq_model* model, const char* tensor_name, uint64_t timestep_index,
                                            float* scale, float* zero_point, int* bits);

/** Facts of tensor_name's table: num_timesteps (the axis aq_timestep_index needs), num_groups, activation bits,
 *  and synthetic (1 when the parameters come from the data-free simulation, 0 when recorded). Pointers may be
 *  NULL. Errors as aq_model_activation_params. */
AQ_API aq_status aq_model_activation_info(const aq_model* model, const char* tensor_name, uint64_t* num_timesteps,
                                          uint64_t* num_groups, int* bits, int* synthetic);

/** Group group_index of tensor_name's table: timesteps [start, end), scale, zero_point and the integer zero
 *  point of engines that need one (aq_integer_zero_point of zero_point). Pointers may be NULL. */
AQ_API aq_status aq_model_activation_group(const aq_model* model, const char* tensor_name, uint64_t group_index,
                                           uint64_t* start, uint64_t* end, float* scale, float* zero_point,
                                           int32_t* integer_zero_point);

/** tensor_name's whole table as JSON: {"tensor", "module", "calibration_source", "synthetic", "activation_bits",
 *  "num_timesteps", "timestep_order", "groups": [{"start", "end", "scale", "zero_point", "integer_zero_point"}]}
 *  (the per-layer output of `arrowquant inspect --time-aware --json`). View valid until aq_model_free. */
AQ_API aq_status aq_model_activation_json(const aq_model* model, const char* tensor_name, const char** data,
                                          uint64_t* bytes);

/** The integer zero point of engines that need one (ONNX QuantizeLinear): zero_point rounded half to even and
 *  clamped to [0, 2^bits - 1]; the scale is used unchanged. bits in 2..16; a non-finite zero_point is
 *  AQ_ERR_INVALID_ARGUMENT. docs/time-aware.md states the extra error this costs. */
AQ_API aq_status aq_integer_zero_point(float zero_point, int bits, int32_t* integer_zero_point);

/** Quantize activations: codes[i] = clamp(round(src[i]/scale + zero_point), 0, 2^bits - 1), rounding half away
 *  from zero after a true division, exactly as aq_affine_u8 (bit-equal codes for bits 8) on every SIMD target.
 *  bits 2..8 (codes are bytes; 9..16 is AQ_ERR_UNSUPPORTED, use aq_fake_quantize_activations). codes_count >=
 *  src_count. scale finite and > 0, zero_point finite. NaN or infinite input is AQ_ERR_INVALID_ARGUMENT naming
 *  the first index (found in the same pass; codes are then unspecified). src_count 0 is a no-op. */
AQ_API aq_status aq_quantize_activations(const float* src, uint64_t src_count, float scale, float zero_point, int bits,
                                         uint8_t* codes, uint64_t codes_count);

/** Fake-quantize activations: dst[i] = (code_i - zero_point) * scale with code_i as in aq_quantize_activations,
 *  bits 2..16 (aq_affine_u8's dst for bits 8). dst_count >= src_count; dst may equal src (in place). Errors as
 *  aq_quantize_activations. */
AQ_API aq_status aq_fake_quantize_activations(const float* src, uint64_t src_count, float scale, float zero_point,
                                              int bits, float* dst, uint64_t dst_count);

/* ===============================================================================================================
 * Reference metrics for conformance testing (not part of the application surface)
 *
 * The conformance oracles: functions that reproduce, value for value, the reference definitions of
 * conformance/README.md on plain arrays, so that the golden vectors (conformance/vectors) can be checked through
 * the C ABI and through every binding. An application never needs them: the handle-based functions above compute
 * the same quantities as part of the phases (aq_tg_params_smooth, aq_markov_report_baseline, aq_optimize_params,
 * aq_layer_result_stage_loss, aq_quantize_activations, aq_quantized_error). docs/abi.md lists which function is
 * on which side and why.
 *
 * They are declared only when ARROWQUANT_REFERENCE_METRICS is defined before this header is included, in the
 * manner of zstd's ZSTD_STATIC_LINKING_ONLY. They are exported and covered by the ABI promise like every other
 * function (docs/abi.md): the macro changes what the header declares, never what the library exports.
 * =============================================================================================================== */
#if defined(ARROWQUANT_REFERENCE_METRICS)

/* --- Phase 1 summary from arrays ------------------------------------------------------------------------------ */

/** Conformance baseline_summary (spec, binary64) from arrays, as aq_markov_report_baseline computes it from a
 *  Markov report: min/max/mean/population std of the boundary scores (all 0 when there are none) and the
 *  pattern strings. Violation i is (violation_boundaries[i], violation_scale_jumps[i],
 *  violation_severities[i] as aq_severity); the three arrays have equal length and every boundary index is
 *  < boundary_scores_count. */
AQ_API aq_status aq_baseline_summary(const double* boundary_scores, uint64_t boundary_scores_count,
                                     const uint64_t* violation_boundaries, uint64_t violation_boundaries_count,
                                     const double* violation_scale_jumps, uint64_t violation_scale_jumps_count,
                                     const int32_t* violation_severities, uint64_t violation_severities_count,
                                     aq_baseline_report** out);

/* --- Phase 2 smoothing of one sequence ------------------------------------------------------------------------ */

/** Conformance smooth_boundaries (spec, binary64) on one sequence (call it for the scales and for the zero
 *  points): Q_idx = P_0 + sum_b (P_{b+1} - P_b) R_b(idx), ramps over window (1..20) groups on each side of each
 *  boundary, computed from the original values. src_count >= 1; dst_count >= src_count. Every output is a
 *  convex combination of the inputs. */
AQ_API aq_status aq_smooth_boundaries(const double* src, uint64_t src_count, int window, aq_interpolation method,
                                      double* dst, uint64_t dst_count);

/* --- Phase 3: schedules, transitions, losses ----------------------------------------------------------------- */

/** Conformance beta_schedule (reference, binary32): num_timesteps betas written to dst (dst_count >= num_timesteps).
 *  beta_start/beta_end in [0, 1] with beta_start <= beta_end. */
AQ_API aq_status aq_beta_schedule(aq_beta_schedule_kind kind, uint64_t num_timesteps, float beta_start,
                                  float beta_end, float* dst, uint64_t dst_count);
/** Conformance transition (reference, binary32): with beta = schedule[timestep] (timestep < num_timesteps),
 *  mean = mean(src)*sqrt(1-beta), stddev = sqrt(var(src)*(1-beta) + beta). */
AQ_API aq_status aq_transition(const float* src, uint64_t src_count, aq_beta_schedule_kind kind,
                               uint64_t num_timesteps, float beta_start, float beta_end, uint64_t timestep,
                               float* mean, float* stddev);

/** Transition computer with an LRU cache keyed by the full content (timestep and every value), so a hit is
 *  never stale. One thread at a time. Opaque. */
typedef struct aq_transition_computer aq_transition_computer;
/** capacity: maximum cached entries (0 disables the cache). */
AQ_API aq_status aq_transition_computer_create(aq_beta_schedule_kind kind, uint64_t num_timesteps, float beta_start,
                                               float beta_end, uint64_t capacity, aq_transition_computer** out);
/** As aq_transition, through the cache. */
AQ_API aq_status aq_transition_computer_compute(aq_transition_computer* computer, const float* src,
                                                uint64_t src_count, uint64_t timestep, float* mean, float* stddev);
/** Cache statistics; pointers may be NULL. hit_rate = hits/(hits + misses), 0 before the first call. */
AQ_API aq_status aq_transition_computer_stats(const aq_transition_computer* computer, uint64_t* hits,
                                              uint64_t* misses, uint64_t* size, uint64_t* capacity,
                                              double* hit_rate);
/** Drop every cached entry and reset the counters. */
AQ_API aq_status aq_transition_computer_clear(aq_transition_computer* computer);
/** Release a transition computer. NULL is a no-op. */
AQ_API void aq_transition_computer_free(aq_transition_computer* computer);

/** Conformance gaussian_kl (reference, binary32): KL(N(mu1, sigma1) || N(mu2, sigma2)) in nats, sigmas floored at
 *  1e-8, result >= 0. */
AQ_API aq_status aq_gaussian_kl(float mu1, float sigma1, float mu2, float sigma2, float* kl);
/** Conformance quantization_loss (reference, binary32): mean squared error of two arrays of equal length >= 1. */
AQ_API aq_status aq_quantization_loss(const float* original, uint64_t original_count, const float* quantized,
                                      uint64_t quantized_count, float* mse);
/** Conformance markov_constraint_loss (reference, binary32): mean over k of gaussian_kl(original_means[k],
 *  original_stds[k], quantized_means[k], quantized_stds[k]); four arrays of equal length >= 1. */
AQ_API aq_status aq_markov_constraint_loss(const float* original_means, uint64_t original_means_count,
                                           const float* original_stds, uint64_t original_stds_count,
                                           const float* quantized_means, uint64_t quantized_means_count,
                                           const float* quantized_stds, uint64_t quantized_stds_count, float* loss);
/** Conformance entropy_regularization (reference, binary32): -H of src binned at round(w*100), bins in
 *  ascending order (<= 0). */
AQ_API aq_status aq_entropy_regularization(const float* src, uint64_t src_count, float* value);
/** Conformance total_loss (reference, binary32): (mse + markov_weight*markov) + entropy_weight*E with
 *  E = entropy_regularization(quantized) when entropy_weight > 0, else 0. Weights finite and >= 0. */
AQ_API aq_status aq_total_loss(const float* original, uint64_t original_count, const float* quantized,
                               uint64_t quantized_count, const float* original_means, uint64_t original_means_count,
                               const float* original_stds, uint64_t original_stds_count, const float* quantized_means,
                               uint64_t quantized_means_count, const float* quantized_stds,
                               uint64_t quantized_stds_count, float markov_weight, float entropy_weight, float* loss);
/** Conformance affine_u8 (reference, binary32): codes[i] = clamp(round(src[i]/scale + zero_point), 0, 255) (half
 *  away from zero), dst[i] = (codes[i] - zero_point)*scale. scale > 0. codes or dst may be NULL (with count 0);
 *  otherwise codes_count and dst_count must be at least src_count. */
AQ_API aq_status aq_affine_u8(const float* src, uint64_t src_count, float scale, float zero_point, uint8_t* codes,
                              uint64_t codes_count, float* dst, uint64_t dst_count);
/** Conformance cosine_similarity (reference, binary32): clamp(dot/(|a||b|), -1, 1); equal lengths >= 1; neither
 *  vector zero. */
AQ_API aq_status aq_cosine_similarity(const float* a, uint64_t a_count, const float* b, uint64_t b_count,
                                      float* cosine);

#endif /* ARROWQUANT_REFERENCE_METRICS */

#ifdef __cplusplus
}
#endif
#endif /* ARROWQUANT_H */
