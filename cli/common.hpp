// Shared pieces of the subcommands: library errors, RAII handles, files, number formatting.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "arrowquant.h"

namespace aqcli {

// Exit statuses (docs/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the operation failed: a library call or a file the tool reads/writes
constexpr int kExitUsage = 2;    // the command line is wrong (including flag values the configuration rejects)

// A failed library call (or a file error of the tool itself, reported with the nearest status). The message is
// captured when thrown because aq_last_error_message() changes with the next call on this thread.
class LibraryError : public std::runtime_error {
 public:
  LibraryError(aq_status status, const std::string& message, int exit_code = kExitFailure)
      : std::runtime_error(message), status_(status), exit_code_(exit_code) {}
  aq_status status() const { return status_; }
  int exit_code() const { return exit_code_; }

 private:
  aq_status status_;
  int exit_code_;
};

// Throws LibraryError(status, aq_last_error_message()) unless status is AQ_OK.
void check(aq_status status, int exit_code = kExitFailure);

struct ReportDeleter {
  void operator()(aq_report* r) const { aq_report_free(r); }
};
struct ModelDeleter {
  void operator()(aq_model* m) const { aq_model_free(m); }
};
using ReportPtr = std::unique_ptr<aq_report, ReportDeleter>;
using ModelPtr = std::unique_ptr<aq_model, ModelDeleter>;

// The JSON text of a report (a copy: the view dies with the report).
std::string report_text(const aq_report* report);

// Whole file as text; LibraryError(AQ_ERR_IO) naming what and the path on failure.
std::string read_text_file(const std::string& path, const std::string& what);

// "12.3 MiB" style sizes and fixed/scientific number formatting for tables.
std::string human_bytes(double bytes);
std::string human_count(double count);  // "29.8 M"
std::string fixed(double v, int decimals);
std::string sci(double v, int digits);

}  // namespace aqcli
