// The baseline-metrics JSON (ArrowQuant V2's format) from a quality report, and its console/log text.
//
// Aggregation over layers (docs/report.md): smoothness_score = mean of the layer scores; boundary_scores[b] =
// mean over the layers that have boundary b; violations = every layer's violations (with the layer name) in
// layer order, then boundary order; violation_count = their number; min/max/mean/std_boundary_score and
// common_violation_patterns = baseline_summary (conformance §5.14) of those boundary_scores and violations.
// All from the Phase 1 metrics *before* phases 2–3 (phase1_before), which is the baseline by definition.
#include <boost/json.hpp>
#include <cstdio>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/report.hpp"
#include "arrowquant/thermo.hpp"
#include "report/report_json.hpp"

namespace aq::report {
namespace {

using namespace detail;
namespace bj = boost::json;

std::string derive_model_name(const std::string& input) {
  std::string p = input;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto ends_with = [&](const std::string& s) {
    return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
  };
  auto base = [](const std::string& s) {
    const auto slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
  };
  if (ends_with(".safetensors.index.json")) {
    const auto slash = p.rfind('/');
    if (slash != std::string::npos && slash > 0) return base(p.substr(0, slash));
    return p.substr(0, p.size() - 23);
  }
  std::string b = base(p);
  if (b.size() > 12 && b.compare(b.size() - 12, 12, ".safetensors") == 0) b.resize(b.size() - 12);
  return b.empty() ? "model" : b;
}

bj::array violations_json(const std::vector<LayerViolation>& vs) {
  bj::array a;
  for (const auto& v : vs) {
    bj::object o;
    o["boundary_idx"] = v.boundary_idx;
    o["scale_jump"] = v.scale_jump;
    o["zero_point_jump"] = v.zero_point_jump;
    o["severity"] = v.severity;
    o["layer"] = v.layer;
    a.push_back(std::move(o));
  }
  return a;
}

BaselineSummary summarize(const std::vector<double>& scores, const std::vector<LayerViolation>& vs) {
  std::vector<BaselineViolation> bv;
  for (const auto& v : vs) {
    BaselineViolation b;
    b.boundary_idx = v.boundary_idx;
    b.scale_jump = v.scale_jump;
    b.severity = parse_severity(v.severity, "violations.severity");
    bv.push_back(b);
  }
  return baseline_summary(scores, bv);
}

void put_summary(bj::object& o, const BaselineSummary& s) {
  o["min_boundary_score"] = s.min_boundary_score;
  o["max_boundary_score"] = s.max_boundary_score;
  o["mean_boundary_score"] = s.mean_boundary_score;
  o["std_boundary_score"] = s.std_boundary_score;
  bj::array p;
  for (const auto& t : s.common_violation_patterns) p.push_back(bj::string(t));
  o["common_violation_patterns"] = std::move(p);
}

bj::array doubles(const std::vector<double>& v) {
  bj::array a;
  for (double x : v) a.push_back(x);
  return a;
}

// First number found at any of the paths (config layouts: {"values": {...}} or flat).
double config_number(const bj::value& rep, std::initializer_list<const char*> paths) {
  for (const char* p : paths) {
    const double v = number(rep, p);
    if (std::isfinite(v)) return v;
  }
  return kNaN;
}

const char* interpretation(double s) {
  if (!(s == s)) return "no score";
  if (s >= 0.90) return "excellent (Phase 3 target band, >= 0.90)";
  if (s >= 0.82) return "good (Phase 2 target band, >= 0.82)";
  if (s >= 0.78) return "above the baseline band (0.65-0.78)";
  if (s >= 0.65) return "within the baseline band (0.65-0.78)";
  return "poor (< 0.65): consider phases 2-3, more time groups or INT4";
}

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::string baseline_metrics(const std::string& quality_report_json, const std::string& model_name) {
  const bj::value rep = parse_document(quality_report_json, "quality report");
  if (!is_quality_report(rep)) fail(Status::format, "quality report: not a quality report (no layers/totals)");
  const ModelPhase1 m = aggregate_phase1(rep, "phase1_before");
  if (m.layers.empty())
    invalid("quality report: no layer has Phase 1 metrics (layers[].time_aware.phase1_before); quantize with "
            "enable_time_aware and thermodynamic.validation.enabled");
  for (const auto& l : m.layers)
    if (!std::isfinite(l.smoothness_score))
      fail(Status::format, "quality report: layer " + l.name + " has no finite phase1_before.smoothness_score");

  bj::object o;
  o["model_name"] = model_name.empty() ? derive_model_name(string_or(rep, "input", "model")) : model_name;
  const double bits = config_number(rep, {"config.values.bit_width", "config.bit_width"});
  if (std::isfinite(bits)) o["bit_width"] = static_cast<int64_t>(bits);
  else o["bit_width"] = nullptr;
  const double groups = config_number(rep, {"config.values.num_time_groups", "config.num_time_groups"});
  o["num_time_groups"] = std::isfinite(groups) ? bj::value(static_cast<int64_t>(groups)) : bj::value(nullptr);
  o["smoothness_score"] = m.smoothness_score;
  o["violation_count"] = static_cast<uint64_t>(m.violations.size());
  o["violations"] = violations_json(m.violations);
  o["boundary_scores"] = doubles(m.boundary_scores);
  o["cosine_similarity"] = number(rep, "totals.cosine");
  o["compression_ratio"] = number(rep, "totals.compression_ratio");
  o["model_size_mb"] = number(rep, "totals.model_size_mb");
  o["quantization_time_s"] = number(rep, "totals.total_s");
  put_summary(o, summarize(m.boundary_scores, m.violations));
  // Our additions (after ArrowQuant V2's fields).
  o["worst_boundary_score"] = m.worst_boundary_score;
  o["num_layers"] = static_cast<uint64_t>(m.layers.size());
  o["layers_with_violations"] = m.layers_with_violations;
  o["effective_time_groups"] = static_cast<uint64_t>(m.boundary_scores.size() + 1);
  o["smoothness_threshold"] = config_number(rep, {"config.values.thermodynamic.validation.smoothness_threshold"});
  o["calibration_source"] = string_or(rep, "calibration_source", "unknown");
  // The time axis of the groups (layers[].time_ranges): which end of the timestep indices is clean.
  o["timestep_order"] = string_or(bj::value(*m.layers.front().layer), "time_aware.timestep_order", "");
  o["interpretation"] = interpretation(m.smoothness_score);
  o["aggregation"] =
      "smoothness_score = mean of the layer scores; boundary_scores[b] = mean over the layers that have boundary "
      "b; violations = every layer's violations in layer order; min/max/mean/std_boundary_score and "
      "common_violation_patterns = baseline_summary(boundary_scores, violations); metrics before phases 2-3";
  o["arrowquant_version"] = string_or(rep, "arrowquant_version", "");
  bj::array layers;
  for (const auto& l : m.layers) {
    bj::object lo;
    lo["name"] = l.name;
    const bj::value lv(*l.layer);
    lo["bits"] = number(lv, "bits");
    lo["cosine"] = number(lv, "metrics.cosine");
    lo["sqnr_db"] = number(lv, "metrics.sqnr_db");
    lo["smoothness_score"] = l.smoothness_score;
    lo["violation_count"] = static_cast<uint64_t>(l.violations.size());
    lo["boundary_scores"] = doubles(l.boundary_scores);
    put_summary(lo, summarize(l.boundary_scores, l.violations));
    bj::array scales, zps, ranges;
    if (const auto* ps = array(lv, "time_aware.params_before"))
      for (const auto& p : *ps) {
        scales.push_back(number(p, "scale"));
        zps.push_back(number(p, "zero_point"));
        if (const auto* r = at(p, "time_range"); r && r->is_array()) ranges.push_back(*r);
      }
    lo["scales"] = std::move(scales);
    lo["zero_points"] = std::move(zps);
    lo["time_ranges"] = std::move(ranges);
    layers.push_back(std::move(lo));
  }
  o["layers"] = std::move(layers);
  return json::to_text_pretty(o);
}

std::string baseline_summary_text(const std::string& baseline_json) {
  const bj::value b = parse_document(baseline_json, "baseline metrics");
  if (!b.is_object() || !at(b, "smoothness_score")) fail(Status::format, "baseline metrics: not a baseline document");
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  const double bits = number(b, "bit_width"), groups = number(b, "num_time_groups");
  line("Baseline metrics: " + string_or(b, "model_name", "model") + " (INT" + fmt("%.0f", bits) + ", " +
       fmt("%.0f", groups) + " time groups, " + fmt("%.0f", number(b, "num_layers")) + " layers)");
  const double s = number(b, "smoothness_score");
  line("  smoothness score     " + fmt("%.4f", s) + "  [" + score_band(s) + "] " + interpretation(s));
  line("  violations           " + fmt("%.0f", number(b, "violation_count")) + " (in " +
       fmt("%.0f", number(b, "layers_with_violations")) + " layers)");
  line("  boundary scores      min " + fmt("%.4f", number(b, "min_boundary_score")) + "  max " +
       fmt("%.4f", number(b, "max_boundary_score")) + "  mean " + fmt("%.4f", number(b, "mean_boundary_score")) +
       "  std " + fmt("%.4f", number(b, "std_boundary_score")) + "  (worst layer boundary " +
       fmt("%.4f", number(b, "worst_boundary_score")) + ")");
  line("  cosine similarity    " + fmt("%.6f", number(b, "cosine_similarity")));
  line("  compression ratio    " + fmt("%.2f", number(b, "compression_ratio")) + "x  (model size " +
       fmt("%.2f", number(b, "model_size_mb")) + " MiB)");
  line("  quantization time    " + fmt("%.3f", number(b, "quantization_time_s")) + " s");
  line("  calibration          " + string_or(b, "calibration_source", "unknown"));
  line("  patterns:");
  if (const auto* ps = array(b, "common_violation_patterns"))
    for (const auto& p : *ps)
      if (p.is_string()) line("    - " + std::string(p.get_string()));
  return out;
}

const char* score_band(double s) {
  if (s >= 0.78) return "green";
  if (s >= 0.65) return "yellow";
  return "red";
}

}  // namespace aq::report
