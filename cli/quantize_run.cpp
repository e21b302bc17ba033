#include "quantize_run.hpp"

#include <cstdio>

#include <boost/json.hpp>

#include "common.hpp"
#include "json_read.hpp"

namespace aqcli {
namespace {

void print_warnings(const std::string& report, std::string* log) {
  boost::json::error_code ec;
  const boost::json::value v = boost::json::parse(report, ec);
  const boost::json::value* w = ec ? nullptr : at_path(v, "warnings");
  if (!w || !w->is_array()) return;
  for (const auto& e : w->get_array()) {
    const std::string line = "arrowquant: warning: " + to_display(e) + "\n";
    std::fputs(line.c_str(), stderr);
    if (log) *log += line;
  }
}

}  // namespace

std::string quantize_with_progress(const std::string& input, const std::string& output, const aq_config* config,
                                   Progress::Style style,
                                   const std::function<void(const std::string&)>& on_failure_report,
                                   std::string* warnings_log) {
  aq_report* raw = nullptr;
  aq_status st;
  std::string message;
  {
    Progress progress(style, "quantize");
    st = aq_quantize_model(input.c_str(), output.c_str(), config, style == Progress::Style::none ? nullptr
                                                                                                 : &Progress::callback,
                           &progress, &raw);
    message = aq_last_error_message();  // before any other library call on this thread
  }  // the progress bar's line is ended here, before any message
  ReportPtr report(raw);
  if (st != AQ_OK) {
    if (report) print_warnings(report_text(report.get()), warnings_log);
    if (report && on_failure_report) on_failure_report(report_text(report.get()));
    throw LibraryError(st, message);
  }
  if (!report) throw LibraryError(AQ_ERR_INTERNAL, "aq_quantize_model succeeded without a report");
  std::string text = report_text(report.get());
  print_warnings(text, warnings_log);
  return text;
}

}  // namespace aqcli
