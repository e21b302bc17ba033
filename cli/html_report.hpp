// The HTML page of a quality report (aq_html_report), for quantize --html-report and demo.
#pragma once
#include <string>

namespace aqcli {

// The page's text (written by the caller through its OutputGuard). Adds the baseline metrics (smoothness
// banner, violations) when the report has the Phase 1 metrics they need; a run without time-aware parameters
// gets the page without them. LibraryError on failure.
std::string html_report_text(const std::string& quality_report_json);

}  // namespace aqcli
