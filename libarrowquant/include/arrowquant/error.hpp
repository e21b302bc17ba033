// Errors of the C++ core. Every failure is an aq::Error carrying a status whose numeric values are the C ABI's
// aq_status (capi/include/arrowquant.h); the C ABI turns it into a return code and a thread-local message.
#pragma once
#include <stdexcept>
#include <string>

namespace aq {

enum class Status : int {
  ok = 0,
  invalid_argument = 1,
  out_of_memory = 2,
  io = 3,
  format = 4,
  unsupported = 5,
  cancelled = 6,
  quality = 7,
  internal = 8,
};

class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

[[noreturn]] inline void fail(Status status, const std::string& message) { throw Error(status, message); }
[[noreturn]] inline void invalid(const std::string& message) { throw Error(Status::invalid_argument, message); }

}  // namespace aq
