// The one place where C++ exceptions stop: every aq_* entry point runs its body through guard().
#pragma once
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/quantize.hpp"

namespace aq::capi {

void set_last_error(const std::string& message) noexcept;
void clear_last_error() noexcept;
const char* last_error_cstr() noexcept;

template <class F>
aq_status guard(F&& body) noexcept {
  try {
    clear_last_error();
    body();
    return AQ_OK;
  } catch (const aq::Error& e) {
    set_last_error(e.what());
    return static_cast<aq_status>(e.status());
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
    return AQ_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    set_last_error(std::string("internal error: ") + e.what());
    return AQ_ERR_INTERNAL;
  } catch (...) {
    set_last_error("internal error: unknown exception");
    return AQ_ERR_INTERNAL;
  }
}

// The integer a C caller passed in an enum parameter. C lets any int travel in an aq_* enum, but in C++ reading
// an enum object whose value lies outside the enum's range is undefined behaviour (UBSan -fsanitize=enum), so
// the bytes are copied out without an enum-typed load. Take the parameter by reference: passing it by value
// would already be such a load.
template <class E>
long long enum_value(const E& e) noexcept {
  static_assert(std::is_enum_v<E>);
  std::underlying_type_t<E> v;
  std::memcpy(&v, &e, sizeof v);
  return static_cast<long long>(v);
}

// An aq_dtype argument as the library's DType; anything but F32/F16/BF16 is AQ_ERR_INVALID_ARGUMENT.
inline aq::DType to_dtype(const aq_dtype& d) {
  const long long v = enum_value(d);
  if (v != AQ_DTYPE_F32 && v != AQ_DTYPE_F16 && v != AQ_DTYPE_BF16)
    aq::invalid("dtype must be AQ_DTYPE_F32, AQ_DTYPE_F16 or AQ_DTYPE_BF16, got " + std::to_string(v));
  return static_cast<aq::DType>(v);
}

// Argument checks shared by the entry points; they throw aq::Error(invalid_argument) naming the parameter.
inline void require_nonnull(const void* p, const char* name) {
  if (!p) aq::invalid(std::string(name) + " is NULL");
}

}  // namespace aq::capi
