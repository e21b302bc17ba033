// The HTML page of a quality report (aq_html_report_write), for quantize --html-report and demo.
#pragma once
#include <string>

namespace aqcli {

// Writes the page to path atomically. Adds the seed's baseline metrics (smoothness banner, violations) when the
// report has the Phase 1 metrics they need; a run without time-aware parameters gets the page without them.
// LibraryError on failure.
void write_html_report(const std::string& quality_report_json, const std::string& path);

}  // namespace aqcli
