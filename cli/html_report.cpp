#include "html_report.hpp"

#include "arrowquant.h"
#include "common.hpp"

namespace aqcli {

void write_html_report(const std::string& quality_report_json, const std::string& path) {
  // Baseline metrics exist only with Phase 1 metrics in the report (AQ_ERR_INVALID_ARGUMENT otherwise): their
  // absence is normal, not an error of the run.
  aq_report* raw = nullptr;
  std::string baseline;
  if (aq_baseline_metrics(quality_report_json.c_str(), nullptr, &raw) == AQ_OK) {
    ReportPtr report(raw);
    baseline = report_text(report.get());
  }
  check(aq_html_report_write(quality_report_json.c_str(), baseline.empty() ? nullptr : baseline.c_str(), nullptr,
                             nullptr, path.c_str()));
}

}  // namespace aqcli
