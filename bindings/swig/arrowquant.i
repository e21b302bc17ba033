/*
 * arrowquant.i — the one SWIG interface of the ArrowQuant C ABI (capi/include/arrowquant.h) for Java, C# and
 * Python. SWIG 4.1 has no Rust and no C target: the Rust crates declare the C ABI themselves (docs/bindings.md).
 *
 * Nothing here names a particular function. The typemaps key on the conventions the header promises
 * (docs/bindings.md, "How the bindings follow the header"):
 *   aq_status return            -> void; a non-OK status raises the exception class of that status, carrying
 *                                  the status and aq_last_error_message()
 *   aq_x** (owned output)       -> a new handle object that frees itself (close/Dispose/context manager)
 *   const aq_x** (view output)  -> a non-owning handle object that keeps its parent alive
 *   (const T* NAME, uint64_t NAME_count)       -> an input array
 *   (T* NAME, uint64_t NAME_count)             -> a caller-provided output array
 *   (const T** NAME, uint64_t* SIZE)           -> a copy of the view (bytes / float array / string)
 *   (const void* src, uint64_t src_bytes), (void* dst, uint64_t dst_bytes) -> byte buffers
 *   T* (scalar, enum), const char**            -> outputs
 *   (aq_progress_fn NAME, void* user_data)    -> Python callable / Java interface / C# delegate, can cancel
 * The header-dependent list (which enums, which handles, which concrete parameter pairs) is generated at build
 * time by gen_swig_decls.py into arrowquant_generated.i, so a new function that follows the conventions is
 * wrapped without editing this file. The per-language typemaps are in arrowquant_<language>.swg.
 *
 * The module name is set per language on the SWIG command line (-module): Python `arrowquant.capi`,
 * Java `org.arrowquant.ArrowQuantNative`, C# `ArrowQuant.ArrowQuantNative`.
 */
%module arrowquant

%{
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bindings expose the reference metrics too: the golden vectors run through every binding. */
#define ARROWQUANT_REFERENCE_METRICS
#include "arrowquant.h"

/* Handles created through this binding and not yet freed. The tests of every language assert that it returns
 * to zero, which proves that no handle leaks and none is freed twice (a double free would drive it negative). */
static int64_t aq_swig_live_handles = 0;
static void aq_swig_handle_created(const void* handle) {
  if (handle) __atomic_add_fetch(&aq_swig_live_handles, 1, __ATOMIC_RELAXED);
}
static void aq_swig_handle_freed(const void* handle) {
  if (handle) __atomic_sub_fetch(&aq_swig_live_handles, 1, __ATOMIC_RELAXED);
}
%}

%include <stdint.i>

/* A handle type: a class with no public constructor whose destructor calls aq_x_free. Owned results come only
 * from the aq_x** output typemaps; views (const aq_x**) are non-owning. AQ_LANG_HANDLE (before the class, so
 * that its class typemaps apply) adds the language's
 * lifetime interface (AutoCloseable, IDisposable, context manager) and the output typemaps. */
%define AQ_HANDLE(CTYPE, NAME, FREEFN)
%rename(NAME) CTYPE;
%nodefaultctor CTYPE;
%ignore FREEFN;
AQ_LANG_HANDLE(CTYPE, NAME, FREEFN)
struct CTYPE {};
%extend CTYPE {
  ~CTYPE() {
    aq_swig_handle_freed($self);
    FREEFN($self);
  }
}
%enddef

/* An enum type and its items (Java and C# drop the common prefix: Dtype.F32; Python keeps AQ_DTYPE_F32). */
%define AQ_ENUM(CTYPE, NAME)
%rename(NAME) CTYPE;
AQ_LANG_ENUM(CTYPE, NAME)
%enddef

/* The status -> exception mapping, generated from aq_status (before the language typemaps, which use it). */
%include "arrowquant_status.i"

#if defined(SWIGJAVA)
%include "arrowquant_java.swg"
#elif defined(SWIGCSHARP)
%include "arrowquant_csharp.swg"
#elif defined(SWIGPYTHON)
%include "arrowquant_python.swg"
#else
#error "arrowquant.i has typemaps for Java, C# and Python only (SWIG 4.1 has no Rust or C target)"
#endif

%inline %{
/* Number of handles created through this binding that are not freed yet (tests assert it returns to 0). */
int64_t aq_binding_live_handles(void) { return __atomic_load_n(&aq_swig_live_handles, __ATOMIC_RELAXED); }
%}

/* Function-like helper macros of the header are not part of the API. */
%ignore AQ_STRINGIFY;
%ignore AQ_STRINGIFY_;

%include "arrowquant_generated.i"

#define AQ_API
#define ARROWQUANT_REFERENCE_METRICS
%include "arrowquant.h"
