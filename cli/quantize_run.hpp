// One aq_quantize_model call with the progress display, shared by quantize and demo.
#pragma once
#include <functional>
#include <string>

#include "arrowquant.h"
#include "progress.hpp"

namespace aqcli {

// Returns the report JSON text. On failure throws LibraryError; when the library still produced a report (an
// AQ_ERR_QUALITY stop), on_failure_report receives its text first so the caller can save it.
// The configuration's warnings (before the run) and the report's other "warnings" (after it, also when the run
// stops with a report) are printed to standard error as "arrowquant: warning: ..." unless style is none
// (--quiet), and appended to *warnings_log (one line each) when it is non-null.
std::string quantize_with_progress(const std::string& input, const std::string& output, const aq_config* config,
                                   Progress::Style style,
                                   const std::function<void(const std::string&)>& on_failure_report,
                                   std::string* warnings_log = nullptr);

// One stderr line per leftover of an interrupted earlier run that the library removed or restored
// ("recovered_temporaries" of the report).
void print_recovery_notes(const std::string& report_json);

}  // namespace aqcli
