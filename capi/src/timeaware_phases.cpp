// C ABI: Phase 1 (Markov validation, baseline summary) and Phase 2 (boundary smoothing).
#include <cstring>

#include "timeaware_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;
using aq::capi::to_vector;

namespace {
aq_status report_view(const aq_markov_report* report, const std::vector<float> aq::MarkovReport::*member,
                       const float** data, uint64_t* count) {
  return guard([&] {
    require_nonnull(report, "report");
    require_nonnull(data, "data");
    require_nonnull(count, "count");
    const std::vector<float>& v = report->report.*member;
    *data = v.data();
    *count = v.size();
  });
}
}  // namespace

extern "C" {

aq_status aq_markov_validate(const float* scales, uint64_t scales_count, const float* zero_points,
                             uint64_t zero_points_count, float threshold, aq_markov_report** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_markov_report>();
    h->report = aq::markov_validate(to_vector(scales, scales_count, "scales"),
                                    to_vector(zero_points, zero_points_count, "zero_points"), threshold);
    *out = h.release();
  });
}

aq_status aq_markov_report_result(const aq_markov_report* report, int* is_valid, float* smoothness_score,
                                  float* max_scale_jump) {
  return guard([&] {
    require_nonnull(report, "report");
    if (is_valid) *is_valid = report->report.is_valid ? 1 : 0;
    if (smoothness_score) *smoothness_score = report->report.smoothness_score;
    if (max_scale_jump) *max_scale_jump = report->report.max_scale_jump();
  });
}

aq_status aq_markov_report_boundary_scores(const aq_markov_report* report, const float** data, uint64_t* count) {
  return report_view(report, &aq::MarkovReport::boundary_scores, data, count);
}
aq_status aq_markov_report_scale_jumps(const aq_markov_report* report, const float** data, uint64_t* count) {
  return report_view(report, &aq::MarkovReport::scale_jumps, data, count);
}
aq_status aq_markov_report_zero_point_jumps(const aq_markov_report* report, const float** data, uint64_t* count) {
  return report_view(report, &aq::MarkovReport::zero_point_jumps, data, count);
}

uint64_t aq_markov_report_violation_count(const aq_markov_report* report) {
  return report ? report->report.violations.size() : 0;
}

aq_status aq_markov_report_violation(const aq_markov_report* report, uint64_t index, uint64_t* boundary_idx,
                                     float* scale_jump, float* zero_point_jump, aq_severity* severity) {
  return guard([&] {
    require_nonnull(report, "report");
    const auto& v = report->report.violations;
    if (index >= v.size()) aq::invalid("index (" + std::to_string(index) + ") must be < " + std::to_string(v.size()));
    if (boundary_idx) *boundary_idx = v[index].boundary_idx;
    if (scale_jump) *scale_jump = v[index].scale_jump;
    if (zero_point_jump) *zero_point_jump = v[index].zero_point_jump;
    if (severity) *severity = static_cast<aq_severity>(v[index].severity);
  });
}

void aq_markov_report_free(aq_markov_report* report) { delete report; }

aq_status aq_baseline_summary(const double* boundary_scores, uint64_t boundary_scores_count,
                              const uint64_t* violation_boundaries, uint64_t violation_boundaries_count,
                              const double* violation_scale_jumps, uint64_t violation_scale_jumps_count,
                              const int32_t* violation_severities, uint64_t violation_severities_count,
                              aq_baseline_report** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    const auto scores = to_vector(boundary_scores, boundary_scores_count, "boundary_scores");
    const auto idx = to_vector(violation_boundaries, violation_boundaries_count, "violation_boundaries");
    const auto jumps = to_vector(violation_scale_jumps, violation_scale_jumps_count, "violation_scale_jumps");
    const auto sev = to_vector(violation_severities, violation_severities_count, "violation_severities");
    if (jumps.size() != idx.size())
      aq::invalid("violation_scale_jumps_count must equal violation_boundaries_count");
    if (sev.size() != idx.size()) aq::invalid("violation_severities_count must equal violation_boundaries_count");
    std::vector<aq::BaselineViolation> v(idx.size());
    for (size_t i = 0; i < idx.size(); ++i) {
      if (sev[i] < 0 || sev[i] > 2)
        aq::invalid("violation_severities[" + std::to_string(i) + "] must be an aq_severity value, got " +
                    std::to_string(sev[i]));
      v[i] = aq::BaselineViolation{idx[i], jumps[i], static_cast<aq::Severity>(sev[i])};
    }
    auto h = std::make_unique<aq_baseline_report>();
    h->summary = aq::baseline_summary(scores, v);
    *out = h.release();
  });
}

aq_status aq_markov_report_baseline(const aq_markov_report* report, aq_baseline_report** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(report, "report");
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_baseline_report>();
    h->summary = aq::baseline_summary(report->report);
    *out = h.release();
  });
}

aq_status aq_baseline_report_stats(const aq_baseline_report* report, double* min_boundary_score,
                                   double* max_boundary_score, double* mean_boundary_score,
                                   double* std_boundary_score) {
  return guard([&] {
    require_nonnull(report, "report");
    const auto& s = report->summary;
    if (min_boundary_score) *min_boundary_score = s.min_boundary_score;
    if (max_boundary_score) *max_boundary_score = s.max_boundary_score;
    if (mean_boundary_score) *mean_boundary_score = s.mean_boundary_score;
    if (std_boundary_score) *std_boundary_score = s.std_boundary_score;
  });
}

uint64_t aq_baseline_report_pattern_count(const aq_baseline_report* report) {
  return report ? report->summary.common_violation_patterns.size() : 0;
}

aq_status aq_baseline_report_pattern(const aq_baseline_report* report, uint64_t index, const char** text) {
  return guard([&] {
    require_nonnull(report, "report");
    require_nonnull(text, "text");
    const auto& p = report->summary.common_violation_patterns;
    if (index >= p.size()) aq::invalid("index (" + std::to_string(index) + ") must be < " + std::to_string(p.size()));
    *text = p[index].c_str();
  });
}

void aq_baseline_report_free(aq_baseline_report* report) { delete report; }

aq_status aq_smooth_boundaries(const double* src, uint64_t src_count, int window, aq_interpolation method, double* dst,
                               uint64_t dst_count) {
  return guard([&] {
    const auto values = to_vector(src, src_count, "src");
    if (values.empty()) aq::invalid("src is empty (at least one time group is needed)");
    require_nonnull(dst, "dst");
    aq::capi::require_capacity(dst_count, values.size(), "dst_count");
    const std::vector<double> out = aq::smooth_sequence(values, window, aq::capi::to_interpolation(method));
    std::memcpy(dst, out.data(), out.size() * sizeof(double));
  });
}

aq_status aq_tg_params_smooth(const aq_tg_params* params, int window, aq_interpolation method, aq_tg_params** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(params, "params");
    require_nonnull(out, "out");
    *out = new aq_tg_params(aq::smooth_boundaries(params->params, window, aq::capi::to_interpolation(method)));
  });
}

}  // extern "C"
