#include "quantize_run.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <boost/json.hpp>

#include "cancel_signals.hpp"
#include "common.hpp"
#include "json_read.hpp"

namespace aqcli {
namespace {

std::vector<std::string> warnings_of(const std::string& json_text, const char* path) {
  std::vector<std::string> out;
  boost::json::error_code ec;
  const boost::json::value v = boost::json::parse(json_text, ec);
  const boost::json::value* w = ec ? nullptr : (path ? at_path(v, path) : &v);
  if (w && w->is_array())
    for (const auto& e : w->get_array()) out.push_back(to_display(e));
  return out;
}

// --quiet (no progress style) keeps warnings off the console; they stay in the report and the log.
void print_warning(const std::string& text, bool console, std::string* log) {
  const std::string line = "arrowquant: warning: " + text + "\n";
  if (console) std::fputs(line.c_str(), stderr);
  if (log) *log += line;
}

// The report repeats the configuration's warnings, which were printed before the run: print only the others.
void print_run_warnings(const std::string& report, const std::vector<std::string>& shown, bool console,
                        std::string* log) {
  for (const auto& w : warnings_of(report, "warnings"))
    if (std::find(shown.begin(), shown.end(), w) == shown.end()) print_warning(w, console, log);
}

}  // namespace

std::string quantize_with_progress(const std::string& input, const std::string& output, const aq_config* config,
                                   Progress::Style style,
                                   const std::function<void(const std::string&)>& on_failure_report,
                                   std::string* warnings_log) {
  // Configuration warnings (keys without effect) first, before any progress output.
  std::vector<std::string> config_warnings;
  if (config) {
    const char* data = nullptr;
    uint64_t bytes = 0;
    if (aq_config_warnings_json(config, &data, &bytes) == AQ_OK)
      config_warnings = warnings_of(std::string(data, bytes), nullptr);
  }
  const bool console = style != Progress::Style::none;
  for (const auto& w : config_warnings) print_warning(w, console, warnings_log);
  aq_report* raw = nullptr;
  aq_status st;
  std::string message;
  {
    // The callback is passed even with --quiet: it is how a signal cancels the run (CancelOnSignal).
    Progress progress(style);
    st = aq_quantize_model_staged(input.c_str(), output.c_str(), config, &Progress::callback, &progress, &raw);
    message = aq_last_error_message();  // before any other library call on this thread
  }  // the progress bar's line is ended here, before any message
  ReportPtr report(raw);
  if (st == AQ_ERR_CANCELLED && CancelOnSignal::received()) throw CancelledBySignal{CancelOnSignal::received()};
  if (st != AQ_OK) {
    if (report) print_run_warnings(report_text(report.get()), config_warnings, console, warnings_log);
    if (report && on_failure_report) on_failure_report(report_text(report.get()));
    throw LibraryError(st, message);
  }
  if (!report) throw LibraryError(AQ_ERR_INTERNAL, "aq_quantize_model succeeded without a report");
  std::string text = report_text(report.get());
  print_run_warnings(text, config_warnings, console, warnings_log);
  return text;
}

void print_recovery_notes(const std::string& report_json) {
  const boost::json::value r = parse_json(report_json, "quality report");
  if (const auto* notes = at_path(r, "recovered_temporaries"); notes && notes->is_array())
    for (const auto& n : notes->get_array())
      if (n.is_string()) std::fprintf(stderr, "arrowquant: %s\n", n.get_string().c_str());
}

}  // namespace aqcli
