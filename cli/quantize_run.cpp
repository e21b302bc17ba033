#include "quantize_run.hpp"

#include <cstdio>

#include "cancel_signals.hpp"
#include "common.hpp"
#include "json_read.hpp"

namespace aqcli {

std::string quantize_with_progress(const std::string& input, const std::string& output, const aq_config* config,
                                   Progress::Style style,
                                   const std::function<void(const std::string&)>& on_failure_report) {
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
    if (report && on_failure_report) on_failure_report(report_text(report.get()));
    throw LibraryError(st, message);
  }
  if (!report) throw LibraryError(AQ_ERR_INTERNAL, "aq_quantize_model succeeded without a report");
  return report_text(report.get());
}

void print_recovery_notes(const std::string& report_json) {
  const boost::json::value r = parse_json(report_json, "quality report");
  if (const auto* notes = at_path(r, "recovered_temporaries"); notes && notes->is_array())
    for (const auto& n : notes->get_array())
      if (n.is_string()) std::fprintf(stderr, "arrowquant: %s\n", n.get_string().c_str());
}

}  // namespace aqcli
