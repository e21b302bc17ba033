// Version, status names, thread-local last-error message.
#include <string>

#include "arrowquant.h"
#include "guard.hpp"

namespace aq::capi {
namespace {
thread_local std::string g_last_error;
}
void set_last_error(const std::string& message) noexcept {
  try {
    g_last_error = message;
  } catch (...) {
    g_last_error.clear();
  }
}
void clear_last_error() noexcept { g_last_error.clear(); }
const char* last_error_cstr() noexcept { return g_last_error.c_str(); }
}  // namespace aq::capi

static_assert(AQ_VERSION_MAJOR == ARROWQUANT_VERSION_MAJOR && AQ_VERSION_MINOR == ARROWQUANT_VERSION_MINOR &&
                  AQ_VERSION_PATCH == ARROWQUANT_VERSION_PATCH,
              "arrowquant.h version macros differ from project(VERSION) in CMakeLists.txt");

extern "C" {

unsigned aq_version_number(void) { return ARROWQUANT_VERSION_NUMBER; }
const char* aq_version_string(void) { return ARROWQUANT_VERSION_STRING; }

const char* aq_status_name(aq_status status) {
  switch (aq::capi::enum_value(status)) {
    case AQ_OK: return "AQ_OK";
    case AQ_ERR_INVALID_ARGUMENT: return "AQ_ERR_INVALID_ARGUMENT";
    case AQ_ERR_OUT_OF_MEMORY: return "AQ_ERR_OUT_OF_MEMORY";
    case AQ_ERR_IO: return "AQ_ERR_IO";
    case AQ_ERR_FORMAT: return "AQ_ERR_FORMAT";
    case AQ_ERR_UNSUPPORTED: return "AQ_ERR_UNSUPPORTED";
    case AQ_ERR_CANCELLED: return "AQ_ERR_CANCELLED";
    case AQ_ERR_QUALITY: return "AQ_ERR_QUALITY";
    case AQ_ERR_INTERNAL: return "AQ_ERR_INTERNAL";
  }
  return "AQ_ERR_UNKNOWN";
}

const char* aq_last_error_message(void) { return aq::capi::last_error_cstr(); }
}
