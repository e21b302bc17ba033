// C ABI: reports (baseline metrics, HTML, accuracy study). Section "Reports" of arrowquant.h.
#include <string>

#include "arrowquant.h"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/report.hpp"
#include "config_access.hpp"
#include "guard.hpp"
#include "model_handles.hpp"


using aq::capi::guard;
using aq::capi::require_nonnull;

namespace {
std::string opt(const char* s) { return s ? std::string(s) : std::string(); }
}  // namespace

extern "C" {

aq_status aq_baseline_metrics(const char* quality_report_json, const char* model_name, aq_report** out) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(quality_report_json, "quality_report_json");
    require_nonnull(out, "out");
    *out = new aq_report{aq::report::baseline_metrics(quality_report_json, opt(model_name))};
  });
}

aq_status aq_html_report(const char* quality_report_json, const char* baseline_json, const char* accuracy_json,
                         const char* title, aq_report** out) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(out, "out");
    if (!quality_report_json && !baseline_json && !accuracy_json)
      aq::invalid("quality_report_json, baseline_json and accuracy_json are all NULL; give at least one");
    *out = new aq_report{aq::report::html_report(opt(quality_report_json), opt(baseline_json), opt(accuracy_json),
                                                 opt(title))};
  });
}

aq_status aq_html_report_write(const char* quality_report_json, const char* baseline_json, const char* accuracy_json,
                               const char* title, const char* path) {
  return guard([&] {
    require_nonnull(path, "path");
    if (!quality_report_json && !baseline_json && !accuracy_json)
      aq::invalid("quality_report_json, baseline_json and accuracy_json are all NULL; give at least one");
    aq::report::write_text_atomic(path, aq::report::html_report(opt(quality_report_json), opt(baseline_json),
                                                               opt(accuracy_json), opt(title)));
  });
}

aq_status aq_accuracy_study(const char* model_path, const aq_config* config, const char* options_json,
                            aq_report** out) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(model_path, "model_path");
    require_nonnull(out, "out");
    const aq::PipelineConfig pc = aq::capi::pipeline_config(config);
    const aq::report::AccuracyOptions o = aq::report::parse_accuracy_options(opt(options_json));
    *out = new aq_report{aq::report::accuracy_study(model_path, pc, o)};
  });
}

}  // extern "C"
