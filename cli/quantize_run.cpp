#include "quantize_run.hpp"

#include "common.hpp"

namespace aqcli {

std::string quantize_with_progress(const std::string& input, const std::string& output, const aq_config* config,
                                   Progress::Style style,
                                   const std::function<void(const std::string&)>& on_failure_report) {
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
    if (report && on_failure_report) on_failure_report(report_text(report.get()));
    throw LibraryError(st, message);
  }
  if (!report) throw LibraryError(AQ_ERR_INTERNAL, "aq_quantize_model succeeded without a report");
  return report_text(report.get());
}

}  // namespace aqcli
