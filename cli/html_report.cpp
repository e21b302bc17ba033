#include "html_report.hpp"

#include "arrowquant.h"
#include "common.hpp"

namespace aqcli {

std::string html_report_text(const std::string& quality_report_json) {
  // Baseline metrics exist only with Phase 1 metrics in the report (AQ_ERR_INVALID_ARGUMENT otherwise): their
  // absence is normal, not an error of the run.
  aq_report* raw = nullptr;
  std::string baseline;
  if (aq_baseline_metrics(quality_report_json.c_str(), nullptr, &raw) == AQ_OK) {
    ReportPtr report(raw);
    baseline = report_text(report.get());
  }
  aq_report* html = nullptr;
  check(aq_html_report(quality_report_json.c_str(), baseline.empty() ? nullptr : baseline.c_str(), nullptr, nullptr,
                       &html));
  ReportPtr page(html);
  return report_text(page.get());
}

}  // namespace aqcli
