// The self-contained HTML report (docs/report.md "HTML report"): inline CSS and SVG only — no script, no font,
// image or style sheet from elsewhere — so it opens offline and can be attached to a ticket as one file.
// Sections appear for the documents given: quality report, baseline metrics, accuracy study.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "arrowquant/error.hpp"
#include "arrowquant/report.hpp"
#include "report/report_json.hpp"
#include "report/svg_chart.hpp"

namespace aq::report {
namespace {

using namespace detail;
namespace bj = boost::json;

constexpr std::size_t kWorstLayers = 3;
constexpr std::size_t kMaxViolationRows = 200;

struct ParamLayer {
  std::string name;
  std::vector<double> s_before, s_after, z_before, z_after;
  double score_before = kNaN, score_after = kNaN;
  // Phase 3 chain solver: each group's own best candidate, and the MSE price of the constraints.
  std::vector<double> s_free, z_free;
  double mse = kNaN, mse_free = kNaN;
};
struct LayerBar {
  std::string name;
  double sqnr = kNaN;
  int bits = 0;
};
struct VariantRow {
  std::string name;
  double score_before = kNaN, score = kNaN, model_score = kNaN;
  double violations_before = kNaN, violations = kNaN, model_violations = kNaN;
  double final_error = kNaN;
  std::vector<double> curve, step_curve;
  double mean_step = kNaN;
};

struct Page {
  std::string title, subtitle;
  bool has_banner = false;
  double banner_score = kNaN;
  std::string banner_label;
  // The time-aware parameters come from the data-free simulation: their scores describe the simulation, so the
  // banner is neutral (never a green/yellow/red model property) and titled "synthetic calibration".
  bool synthetic = false;
  // Weight quality, shown first: cosine, SQNR, bits per weight (empty when the documents do not have it).
  std::vector<std::pair<std::string, std::string>> weight_quality;
  std::vector<std::pair<std::string, std::string>> cards;
  bool has_violations = false;
  std::string violations_caption;
  std::vector<LayerViolation> violations;
  std::vector<std::string> patterns;
  std::vector<double> boundary_x;
  std::vector<Series> boundary_series;
  std::vector<ParamLayer> params;
  bool params_have_after = false;
  std::vector<LayerBar> bars;
  // accuracy study
  bool has_accuracy = false;
  std::string accuracy_caption;
  std::vector<VariantRow> variants;
  std::vector<double> reference_curve, reference_step_curve;
  double reference_final = kNaN;
  std::vector<std::pair<std::string, std::string>> accuracy_facts;
};

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

const char* bits_color(int bits) {
  switch (bits) {
    case 2: return "#d62728";
    case 4: return "#1f77b4";
    case 8: return "#2ca02c";
    default: return "#7f7f7f";
  }
}

std::vector<double> param_field(const bj::value& layer, const char* list, const char* field) {
  std::vector<double> out;
  if (const auto* ps = array(layer, std::string("time_aware.") + list))
    for (const auto& p : *ps) out.push_back(number(p, field));
  return out;
}

std::vector<std::size_t> worst_first(const std::vector<double>& scores, std::size_t k) {
  std::vector<std::size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const double x = std::isfinite(scores[a]) ? scores[a] : 2.0, y = std::isfinite(scores[b]) ? scores[b] : 2.0;
    return x < y;
  });
  if (idx.size() > k) idx.resize(k);
  return idx;
}

void from_quality_report(Page& p, const bj::value& rep) {
  const ModelPhase1 before = aggregate_phase1(rep, "phase1_before");
  const ModelPhase1 after = aggregate_phase1(rep, "phase1_after");
  bool phases_ran = false;
  if (const auto* layers = array(rep, "layers"))
    for (const auto& l : *layers) {
      const auto* sm = at(l, "time_aware.smoothing_applied");
      if ((sm && sm->is_bool() && sm->get_bool()) || at(l, "time_aware.optimization")) phases_ran = true;
    }
  p.subtitle = "Quality report of " + string_or(rep, "input", "?") + " → " + string_or(rep, "output", "?") +
               " (ArrowQuant " + string_or(rep, "arrowquant_version", "?") + ")";
  const double synthetic_layers = number(rep, "totals.synthetic_calibration_layers");
  p.synthetic = std::isfinite(synthetic_layers) ? synthetic_layers > 0
                                                : string_or(rep, "calibration_source", "").rfind("data-free", 0) == 0;
  {
    double code_bytes = 0, weights = 0;
    if (const auto* layers = array(rep, "layers"))
      for (const auto& l : *layers) {
        const double b = number(l, "bytes_after"), bpw = number(l, "bits_per_weight");
        if (std::isfinite(b) && std::isfinite(bpw) && bpw > 0) {
          code_bytes += b;
          weights += 8.0 * b / bpw;
        }
      }
    const double sqw = number(rep, "totals.sqnr_db");
    p.weight_quality = {{"Weight cosine similarity", fmt("%.6f", number(rep, "totals.cosine"))},
                        {"Weight SQNR", std::isfinite(sqw) ? fmt("%.2f", sqw) + " dB" : "exact (null)"},
                        {"Bits per weight", weights > 0 ? fmt("%.3f", 8.0 * code_bytes / weights) : "n/a"}};
  }
  if (!after.layers.empty()) {
    p.has_banner = true;
    p.banner_score = after.smoothness_score;
    p.banner_label = phases_ran ? "Smoothness score after phases 2–3 (mean over layers; " +
                                      fmt("%.4f", before.smoothness_score) + " before)"
                                : "Smoothness score (Phase 1, mean over layers; phases 2–3 off)";
  }
  const double bits = number(rep, "config.values.bit_width");
  const double groups = number(rep, "config.values.num_time_groups");
  p.cards.push_back({"Bit width", std::isfinite(bits) ? "INT" + fmt("%.0f", bits) : "n/a"});
  p.cards.push_back({"Time groups", fmt("%.0f", groups)});
  p.cards.push_back({"Quantized layers", fmt("%.0f", number(rep, "totals.quantized_tensors"))});
  p.cards.push_back({"Cosine similarity", fmt("%.6f", number(rep, "totals.cosine"))});
  const double sq = number(rep, "totals.sqnr_db");
  p.cards.push_back({"SQNR", std::isfinite(sq) ? fmt("%.2f", sq) + " dB" : "exact (null)"});
  p.cards.push_back({"Compression", fmt("%.2f", number(rep, "totals.compression_ratio")) + "×"});
  p.cards.push_back({"Model size", fmt("%.2f", number(rep, "totals.model_size_mb")) + " MB"});
  if (!before.layers.empty()) {
    p.cards.push_back({"Smoothness before → after",
                       fmt("%.4f", before.smoothness_score) + " → " + fmt("%.4f", after.smoothness_score)});
    p.cards.push_back({"Violations before → after", std::to_string(before.violations.size()) + " → " +
                                                        std::to_string(after.violations.size())});
  }
  p.cards.push_back({"Total time", fmt("%.3f", number(rep, "totals.total_s")) + " s"});
  p.cards.push_back({"Calibration", string_or(rep, "calibration_source", "n/a")});

  if (!after.layers.empty()) {
    p.has_violations = true;
    p.violations = after.violations;
    p.violations_caption = phases_ran ? "Violations after phases 2–3 (" + std::to_string(before.violations.size()) +
                                            " before them)"
                                      : "Violations (Phase 1 validation; phases 2–3 off)";
  }
  if (!before.boundary_scores.empty()) {
    for (std::size_t b = 0; b < before.boundary_scores.size(); ++b) p.boundary_x.push_back(double(b));
    p.boundary_series.push_back({"mean over layers, before", before.boundary_scores, palette(0), false});
    p.boundary_series.push_back({"worst layer, before", before.boundary_min, palette(0), true});
    if (phases_ran) {
      p.boundary_series.push_back({"mean over layers, after", after.boundary_scores, palette(2), false});
      p.boundary_series.push_back({"worst layer, after", after.boundary_min, palette(2), true});
    }
  }
  // Worst layers by their score before the phases.
  std::vector<double> scores;
  for (const auto& l : before.layers) scores.push_back(l.smoothness_score);
  for (std::size_t i : worst_first(scores, kWorstLayers)) {
    const bj::value lv(*before.layers[i].layer);
    ParamLayer pl;
    pl.name = before.layers[i].name;
    pl.s_before = param_field(lv, "params_before", "scale");
    pl.z_before = param_field(lv, "params_before", "zero_point");
    pl.s_after = param_field(lv, "params_after", "scale");
    pl.z_after = param_field(lv, "params_after", "zero_point");
    pl.score_before = before.layers[i].smoothness_score;
    pl.score_after = number(lv, "time_aware.phase1_after.smoothness_score");
    pl.s_free = numbers(lv, "time_aware.optimization.unconstrained_scales");
    pl.z_free = numbers(lv, "time_aware.optimization.unconstrained_zero_points");
    pl.mse = number(lv, "time_aware.optimization.mse");
    pl.mse_free = number(lv, "time_aware.optimization.unconstrained_mse");
    p.params.push_back(std::move(pl));
  }
  p.params_have_after = phases_ran;
  if (const auto* layers = array(rep, "layers"))
    for (const auto& l : *layers)
      p.bars.push_back({string_or(l, "name", "?"), number(l, "metrics.sqnr_db"),
                        static_cast<int>(std::isfinite(number(l, "bits")) ? number(l, "bits") : 0)});
}

void from_baseline(Page& p, const bj::value& b, bool have_quality) {
  const std::string model = string_or(b, "model_name", "model");
  std::vector<std::string> patterns;
  if (const auto* ps = array(b, "common_violation_patterns"))
    for (const auto& s : *ps)
      if (s.is_string()) patterns.push_back(std::string(s.get_string()));
  if (have_quality) {
    // The quality report already gives the banner (final state), violations and charts; the baseline adds its
    // statistics and patterns (which describe the parameters before phases 2–3).
    p.cards.insert(p.cards.begin(), {"Model", model});
    p.cards.push_back({"Baseline boundary score min / max", fmt("%.4f", number(b, "min_boundary_score")) + " / " +
                                                              fmt("%.4f", number(b, "max_boundary_score"))});
    p.cards.push_back({"Baseline boundary score mean ± std", fmt("%.4f", number(b, "mean_boundary_score")) +
                                                               " ± " + fmt("%.4f", number(b, "std_boundary_score"))});
    p.cards.push_back({"Worst layer boundary (baseline)", fmt("%.4f", number(b, "worst_boundary_score"))});
    p.patterns = patterns;
    if (!p.has_banner) {
      p.has_banner = true;
      p.banner_score = number(b, "smoothness_score");
    }
    p.banner_label += " — baseline " + fmt("%.4f", number(b, "smoothness_score")) + ": " +
                      string_or(b, "interpretation", "");
    if (!p.has_violations) p.has_violations = true;
    return;
  }
  p.synthetic = string_or(b, "calibration_source", "").rfind("data-free", 0) == 0;
  if (p.subtitle.empty())
    p.subtitle = "Baseline metrics of " + model + " (ArrowQuant " + string_or(b, "arrowquant_version", "?") + ")";
  p.has_banner = true;
  p.banner_score = number(b, "smoothness_score");
  p.banner_label = "Baseline smoothness score (Phase 1 before phases 2–3, mean over layers) — " +
                   string_or(b, "interpretation", "");
  p.cards.clear();
  p.cards.push_back({"Model", model});
  p.cards.push_back({"Bit width", "INT" + fmt("%.0f", number(b, "bit_width"))});
  p.cards.push_back({"Time groups", fmt("%.0f", number(b, "num_time_groups"))});
  p.cards.push_back({"Smoothness score", fmt("%.4f", number(b, "smoothness_score"))});
  p.cards.push_back({"Violations", fmt("%.0f", number(b, "violation_count")) + " in " +
                                       fmt("%.0f", number(b, "layers_with_violations")) + " of " +
                                       fmt("%.0f", number(b, "num_layers")) + " layers"});
  p.cards.push_back({"Boundary score min / max", fmt("%.4f", number(b, "min_boundary_score")) + " / " +
                                                     fmt("%.4f", number(b, "max_boundary_score"))});
  p.cards.push_back({"Boundary score mean ± std", fmt("%.4f", number(b, "mean_boundary_score")) + " ± " +
                                                      fmt("%.4f", number(b, "std_boundary_score"))});
  p.cards.push_back({"Worst layer boundary", fmt("%.4f", number(b, "worst_boundary_score"))});
  p.cards.push_back({"Cosine similarity", fmt("%.6f", number(b, "cosine_similarity"))});
  p.cards.push_back({"Compression", fmt("%.2f", number(b, "compression_ratio")) + "×"});
  p.cards.push_back({"Model size", fmt("%.2f", number(b, "model_size_mb")) + " MB"});
  p.cards.push_back({"Quantization time", fmt("%.3f", number(b, "quantization_time_s")) + " s"});
  p.cards.push_back({"Calibration", string_or(b, "calibration_source", "n/a")});
  p.patterns = patterns;
  p.has_violations = true;
  p.violations_caption = "Violations (baseline: Phase 1 validation, phases 2–3 off)";
  p.violations.clear();
  if (const auto* vs = array(b, "violations"))
    for (const auto& v : *vs) p.violations.push_back(violation_from_json(v, string_or(v, "layer", "")));
  const std::vector<double> bs = numbers(b, "boundary_scores");
  p.boundary_x.clear();
  for (std::size_t i = 0; i < bs.size(); ++i) p.boundary_x.push_back(double(i));
  p.boundary_series = {{"mean over layers", bs, palette(0), false}};
  const auto* layers = array(b, "layers");
  if (!layers) return;
  std::vector<double> scores;
  for (const auto& l : *layers) scores.push_back(number(l, "smoothness_score"));
  // Worst layer per boundary, from the per-layer detail.
  std::vector<double> mins(bs.size(), kNaN);
  for (const auto& l : *layers) {
    const auto lb = numbers(l, "boundary_scores");
    for (std::size_t i = 0; i < lb.size() && i < mins.size(); ++i)
      if (!(lb[i] >= mins[i])) mins[i] = lb[i];
  }
  p.boundary_series.push_back({"worst layer", mins, palette(0), true});
  for (std::size_t i : worst_first(scores, kWorstLayers)) {
    const auto& l = (*layers)[i];
    ParamLayer pl;
    pl.name = string_or(l, "name", "?");
    pl.s_before = numbers(l, "scales");
    pl.z_before = numbers(l, "zero_points");
    pl.score_before = number(l, "smoothness_score");
    p.params.push_back(std::move(pl));
  }
  for (const auto& l : *layers)
    p.bars.push_back({string_or(l, "name", "?"), number(l, "sqnr_db"),
                      static_cast<int>(std::isfinite(number(l, "bits")) ? number(l, "bits") : 0)});
}

void from_accuracy(Page& p, const bj::value& a) {
  const auto* vs = array(a, "variants");
  if (!vs) fail(Status::format, "accuracy study: no variants array");
  p.has_accuracy = true;
  if (p.subtitle.empty())
    p.subtitle = "Accuracy study of " + string_or(a, "model", "model") + " (ArrowQuant " +
                 string_or(a, "arrowquant_version", "?") + ")";
  if (string_or(a, "denoiser.kind", "") == "trained")  // a real network run by its own sampler
    p.accuracy_caption = "Error accumulation along the sampler of a trained denoiser (" +
                         string_or(a, "denoiser.name", "?") + "; " + string_or(a, "sampler", "?") + ", " +
                         fmt("%.0f", number(a, "steps")) + " steps, " + fmt("%.0f", number(a, "samples")) +
                         " samples; calibration: " + string_or(a, "calibration", "?") + ")";
  else
    p.accuracy_caption = "Error accumulation along a simulated reverse diffusion (" +
                         fmt("%.0f", number(a, "steps")) + " steps, " + fmt("%.0f", number(a, "samples")) +
                         " chains; INT" + fmt("%.0f", number(a, "bits")) + " weights, " +
                         fmt("%.0f", number(a, "time_groups")) + " time groups; calibration: " +
                         string_or(a, "calibration", "?") + ")";
  for (const auto& v : *vs) {
    VariantRow r;
    r.name = string_or(v, "name", "?");
    r.score = number(v, "smoothness_score");
    r.score_before = number(v, "smoothness_score_before");
    r.violations = number(v, "violation_count");
    r.violations_before = number(v, "violation_count_before");
    r.model_score = number(v, "model_smoothness_score");
    r.model_violations = number(v, "model_violation_count");
    r.final_error = number(v, "final_relative_error");
    r.curve = numbers(v, "error_curve");
    r.step_curve = numbers(v, "step_error_curve");
    r.mean_step = number(v, "mean_step_error");
    p.variants.push_back(std::move(r));
  }
  p.reference_curve = numbers(a, "reference.weights_only.error_curve");
  p.reference_step_curve = numbers(a, "reference.weights_only.step_error_curve");
  p.reference_final = number(a, "reference.weights_only.final_relative_error");
  p.accuracy_facts.push_back({"Model", string_or(a, "model", "?")});
  if (const auto* layers = array(a, "denoiser.layers")) {
    std::string names;
    for (const auto& l : *layers)
      if (l.is_string()) names += (names.empty() ? "" : ", ") + std::string(l.get_string());
    p.accuracy_facts.push_back({"Denoiser layers", names});
  }
  // Facts the study carries; a trained-model bench has no weights-only reference chain.
  if (std::isfinite(p.reference_final))
    p.accuracy_facts.push_back({"Weights-only final error", fmt("%.4g", p.reference_final)});
  if (std::isfinite(number(a, "fp_final_rms")))
    p.accuracy_facts.push_back({"Full-precision final RMS", fmt("%.4g", number(a, "fp_final_rms"))});
  if (!p.has_banner) {
    for (const auto& r : p.variants)
      if (r.name == "baseline") {
        p.has_banner = true;
        p.banner_score = r.score;
        p.banner_label = "Baseline smoothness score of the denoiser layers (no smoothing or optimization)";
        p.synthetic = string_or(a, "calibration", "").rfind("data-free", 0) == 0;
      }
  }
}

const char* css() {
  return R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c9d1e0;font-size:13px}
main{padding:18px 28px;max-width:1200px}
.banner{border-radius:8px;padding:16px 20px;margin:0 0 18px;display:flex;align-items:center;gap:18px;color:#111}
.banner .score{font-size:40px;font-weight:700}.banner .label{font-size:15px}
.banner.green{background:#c8efcf;border:2px solid #2e9e44}.banner.yellow{background:#fff1b8;border:2px solid #d1a400}
.banner.red{background:#ffd0cc;border:2px solid #c9302c}
.banner.synthetic{background:#e6e8ee;border:2px dashed #7a8296}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:#fff;border-radius:8px;padding:10px 14px;min-width:150px;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card .k{font-size:12px;color:#5b6477;text-transform:uppercase;letter-spacing:.03em}.card .v{font-size:18px;font-weight:600;margin-top:4px;word-break:break-all}
section{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:18px;box-shadow:0 1px 2px rgba(0,0,0,.12)}
h2{font-size:17px;margin:4px 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e6ec;padding:5px 8px;text-align:left}
th{background:#eef0f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-high{color:#b3261e;font-weight:700}.sev-medium{color:#a86b00;font-weight:600}.sev-low{color:#3b6e22}
figure{margin:8px 0 16px}figcaption{font-size:12px;color:#5b6477;margin-top:2px}
.pair{display:flex;flex-wrap:wrap;gap:8px}
svg.chart{background:#fff;border:1px solid #e3e6ec;max-width:100%;height:auto}
svg .ct{font-size:14px;font-weight:600;fill:#1d2330}svg .al{font-size:12px;fill:#404859}svg .tk{font-size:10px;fill:#5b6477}
svg .lg{font-size:11px;fill:#1d2330}svg .grid{stroke:#e9ebf0;stroke-width:1}svg .axis{stroke:#8a93a6;stroke-width:1}
ul.patterns{margin:6px 0 0 18px;padding:0;font-size:13px}
footer{font-size:12px;color:#5b6477;padding:0 28px 24px}
)CSS";
}

std::string render_page(const Page& p) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + html_escape(p.title) + "</title>\n<style>" + css() + "</style>\n</head>\n<body>\n";
  h += "<header><h1>" + html_escape(p.title) + "</h1><p>" + html_escape(p.subtitle) + "</p></header>\n<main>\n";
  if (!p.weight_quality.empty()) {
    h += "<section id=\"weight-quality\"><h2>Weight quality</h2><div class=\"cards\">\n";
    for (const auto& [k, v] : p.weight_quality)
      h += "<div class=\"card\"><div class=\"k\">" + html_escape(k) + "</div><div class=\"v\">" + html_escape(v) +
           "</div></div>\n";
    h += "</div></section>\n";
  }
  if (p.has_banner && p.synthetic) {
    h += "<div id=\"banner\" class=\"banner synthetic\" data-score=\"" + short_number(p.banner_score, 6) +
         "\"><span class=\"score\">" + fmt("%.4f", p.banner_score) +
         "</span><span class=\"label\"><strong>Time-aware parameters: synthetic calibration.</strong> " +
         html_escape(p.banner_label) +
         "<br><small>No recorded calibration file was given, so these parameters and their smoothness come from the "
         "data-free simulation of the forward diffusion, the same for every layer: they describe the simulation, not "
         "this model. Record your model's activations (docs/calibration.md) and pass --calibration to measure "
         "it.</small></span></div>\n";
  } else if (p.has_banner) {
    h += "<div id=\"banner\" class=\"banner " + std::string(score_band(p.banner_score)) +
         "\" data-score=\"" + short_number(p.banner_score, 6) + "\"><span class=\"score\">" +
         fmt("%.4f", p.banner_score) + "</span><span class=\"label\">" + html_escape(p.banner_label) +
         "<br><small>Score bands: ≥ 0.78 green, ≥ 0.65 yellow, below red. Targets: ≥ 0.82 after "
         "Phase 2, ≥ 0.90 with Phase 3.</small></span></div>\n";
  }
  if (!p.cards.empty()) {
    h += "<div id=\"cards\" class=\"cards\">\n";
    for (const auto& [k, v] : p.cards)
      h += "<div class=\"card\"><div class=\"k\">" + html_escape(k) + "</div><div class=\"v\">" + html_escape(v) +
           "</div></div>\n";
    h += "</div>\n";
  }
  if (p.has_violations) {
    h += "<section id=\"violations-section\"><h2>" + html_escape(p.violations_caption) + "</h2>\n";
    h += "<table id=\"violations\"><thead><tr><th>Layer</th><th>Boundary</th><th>Scale jump</th>"
         "<th>Zero-point jump</th><th>Severity</th></tr></thead><tbody>\n";
    if (p.violations.empty()) h += "<tr class=\"none\"><td colspan=\"5\">No violations detected</td></tr>\n";
    for (std::size_t i = 0; i < p.violations.size() && i < kMaxViolationRows; ++i) {
      const auto& v = p.violations[i];
      h += "<tr class=\"violation\"><td>" + html_escape(v.layer) + "</td><td class=\"num\">" +
           std::to_string(v.boundary_idx) + "</td><td class=\"num\">" + fmt("%.1f", v.scale_jump * 100) +
           " %</td><td class=\"num\">" + fmt("%.4f", v.zero_point_jump) + "</td><td class=\"sev-" +
           html_escape(v.severity) + "\">" + html_escape(v.severity) + "</td></tr>\n";
    }
    if (p.violations.size() > kMaxViolationRows)
      h += "<tr><td colspan=\"5\">… " + std::to_string(p.violations.size() - kMaxViolationRows) +
           " more (see the JSON report)</td></tr>\n";
    h += "</tbody></table>\n";
    if (!p.patterns.empty()) {
      h += "<p class=\"note\">Common violation patterns (baseline: Markov validation before smoothing and "
           "optimization):</p>\n<ul class=\"patterns\" id=\"patterns\">";
      for (const auto& s : p.patterns) h += "<li>" + html_escape(s) + "</li>";
      h += "</ul>\n";
    }
    h += "</section>\n";
  }
  if (!p.boundary_series.empty() || !p.params.empty() || !p.bars.empty()) {
    h += "<section id=\"charts\"><h2>Charts</h2>\n";
    if (!p.boundary_series.empty()) {
      LineChart c;
      c.id = "chart-boundary-scores";
      c.title = "Boundary scores per boundary";
      c.x_label = "boundary (between time groups b and b+1)";
      c.y_label = "boundary score";
      c.x = p.boundary_x;
      c.series = p.boundary_series;
      c.fixed_y = true;
      c.y_min = 0;
      c.y_max = 1;
      h += "<figure>" + render(c) +
           "<figcaption>1 − min((scale jump + zero-point jump)/2, 1) per boundary (Markov validation); solid: mean "
           "over layers, dashed: the worst layer at that boundary.</figcaption></figure>\n";
    }
    for (std::size_t i = 0; i < p.params.size(); ++i) {
      const ParamLayer& l = p.params[i];
      LineChart s, z;
      s.id = "chart-scale-" + std::to_string(i);
      z.id = "chart-zero-point-" + std::to_string(i);
      s.title = "Scale across time groups: " + l.name;
      z.title = "Zero point across time groups: " + l.name;
      s.x_label = z.x_label = "time group";
      s.y_label = "scale";
      z.y_label = "zero point (codes)";
      s.width = z.width = 560;
      s.height = z.height = 260;
      const bool after = p.params_have_after && !l.s_after.empty();
      s.series.push_back(
          {after ? "before phases" : "as calibrated (no smoothing or optimization)", l.s_before, palette(0), false});
      z.series.push_back(
          {after ? "before phases" : "as calibrated (no smoothing or optimization)", l.z_before, palette(0), false});
      if (after) {
        s.series.push_back({"after phases", l.s_after, palette(1), true});
        z.series.push_back({"after phases", l.z_after, palette(1), true});
      }
      const bool chain = after && l.s_free.size() == l.s_after.size();
      if (chain) {
        s.series.push_back({"Phase 3 unconstrained (each group's best)", l.s_free, palette(3), true});
        z.series.push_back({"Phase 3 unconstrained (each group's best)", l.z_free, palette(3), true});
      }
      h += "<figure class=\"params\"><div class=\"pair\">" + render(s) + render(z) + "</div><figcaption>Layer " +
           html_escape(l.name) + " (smoothness " + fmt("%.4f", l.score_before) +
           (after ? " before, " + fmt("%.4f", l.score_after) + " after" : "") + "), one of the " +
           std::to_string(p.params.size()) + " least smooth layers." +
           (chain ? " Phase 3 chain solver: activation MSE " + fmt("%.3g", l.mse) + " against " +
                        fmt("%.3g", l.mse_free) + " for each group's own best (the price of smoothness)."
                  : std::string()) +
           "</figcaption></figure>\n";
    }
    if (!p.bars.empty()) {
      BarChart c;
      c.id = "chart-layer-sqnr";
      c.title = "Per-layer weight SQNR (dB), coloured by bits";
      c.y_label = "SQNR (dB)";
      c.width = std::max<int>(720, std::min<int>(2400, static_cast<int>(p.bars.size()) * 8 + 80));
      bool seen[3] = {false, false, false};
      for (const auto& b : p.bars) {
        c.bars.push_back({b.name + " (INT" + std::to_string(b.bits) + ")", b.sqnr, bits_color(b.bits)});
        if (b.bits == 2) seen[0] = true;
        if (b.bits == 4) seen[1] = true;
        if (b.bits == 8) seen[2] = true;
      }
      if (seen[0]) c.legend.push_back({"INT2", bits_color(2)});
      if (seen[1]) c.legend.push_back({"INT4", bits_color(4)});
      if (seen[2]) c.legend.push_back({"INT8", bits_color(8)});
      h += "<figure>" + render(c) +
           "<figcaption>Signal-to-quantization-noise ratio of each quantized weight tensor in report order; "
           "the colour is the bit width chosen (after any fallback). ∞ marks an exact reconstruction (null in "
           "the JSON).</figcaption></figure>\n";
    }
    h += "</section>\n";
  }
  if (p.has_accuracy) {
    h += "<section id=\"accuracy\"><h2>Accuracy study</h2><p>" + html_escape(p.accuracy_caption) + "</p>\n";
    h += "<table id=\"variants\"><thead><tr><th>Variant</th><th>Smoothness (denoiser layers)</th>"
         "<th>Violations</th><th>Smoothness (all layers)</th><th>Violations (all layers)</th>"
         "<th>Final relative error</th><th>Mean one-step error</th></tr></thead><tbody>\n";
    for (const auto& r : p.variants)
      h += "<tr class=\"variant\"><td>" + html_escape(r.name) + "</td><td class=\"num\">" + fmt("%.4f", r.score_before) +
           " → " + fmt("%.4f", r.score) + "</td><td class=\"num\">" + fmt("%.0f", r.violations_before) + " → " +
           fmt("%.0f", r.violations) + "</td><td class=\"num\">" + fmt("%.4f", r.model_score) +
           "</td><td class=\"num\">" + fmt("%.0f", r.model_violations) + "</td><td class=\"num\">" +
           fmt("%.5g", r.final_error) + "</td><td class=\"num\">" + fmt("%.4g", r.mean_step) + "</td></tr>\n";
    h += "</tbody></table>\n";
    LineChart c;
    c.id = "chart-error-accumulation";
    c.title = "Error accumulation over the reverse diffusion";
    c.x_label = "reverse step (t from T−1 down to 0)";
    c.y_label = "relative error vs full precision";
    std::size_t n = 0;
    for (std::size_t i = 0; i < p.variants.size(); ++i) {
      c.series.push_back({p.variants[i].name, p.variants[i].curve, palette(i), false});
      n = std::max(n, p.variants[i].curve.size());
    }
    if (!p.reference_curve.empty()) c.series.push_back({"weights only", p.reference_curve, "#555555", true});
    for (std::size_t i = 0; i < n; ++i) c.x.push_back(double(i + 1));
    // A log axis when the curves span more than a factor 50 (errors grow by orders of magnitude over a chain).
    auto wide_range = [](const LineChart& ch) {
      double lo = INFINITY, hi = 0;
      for (const auto& s : ch.series)
        for (double v : s.y)
          if (v > 0 && std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
          }
      return std::isfinite(lo) && hi / lo > 50;
    };
    c.log_y = wide_range(c);
    h += "<figure>" + render(c) +
         "<figcaption>Relative error ‖x_q − x_fp‖/‖x_fp‖ of the chain state after each step (same start and "
         "noise in both chains); dashed: quantized weights without activation quantization.</figcaption>"
         "</figure>\n";
    bool any_step = !p.reference_step_curve.empty();
    for (const auto& r : p.variants) any_step = any_step || !r.step_curve.empty();
    if (any_step) {
      LineChart st;
      st.id = "chart-step-error";
      st.title = "One-step error of the denoiser (teacher-forced, no accumulation)";
      st.x_label = c.x_label;
      st.y_label = "relative error of x0_hat";
      st.x = c.x;
      for (std::size_t i = 0; i < p.variants.size(); ++i)
        st.series.push_back({p.variants[i].name, p.variants[i].step_curve, palette(i), false});
      if (!p.reference_step_curve.empty())
        st.series.push_back({"weights only", p.reference_step_curve, "#555555", true});
      st.log_y = wide_range(st);
      h += "<figure>" + render(st) +
           "<figcaption>Each step started from the full-precision chain's state: the error the quantized denoiser "
           "makes in one step, where the time-group parameters act directly.</figcaption></figure>\n";
    }
    h += "<table id=\"accuracy-facts\"><tbody>";
    for (const auto& [k, v] : p.accuracy_facts)
      h += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
    h += "</tbody></table>\n</section>\n";
  }
  h += "</main>\n<footer>Generated by ArrowQuant. Self-contained: inline CSS and SVG, no scripts, no network "
       "access. Non-finite numbers are null in the JSON and n/a or ∞ here.</footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace

std::string html_report(const std::string& quality_report_json, const std::string& baseline_json,
                        const std::string& accuracy_json, const std::string& title) {
  if (quality_report_json.empty() && baseline_json.empty() && accuracy_json.empty())
    invalid("html report: give at least one of the quality report, the baseline metrics and the accuracy study");
  Page p;
  std::string model;
  if (!quality_report_json.empty()) {
    const bj::value rep = parse_document(quality_report_json, "quality report");
    if (!is_quality_report(rep)) fail(Status::format, "quality report: not a quality report (no layers/totals)");
    from_quality_report(p, rep);
    model = string_or(rep, "input", "");
  }
  if (!baseline_json.empty()) {
    const bj::value b = parse_document(baseline_json, "baseline metrics");
    if (!b.is_object() || !at(b, "smoothness_score") || !at(b, "violations"))
      fail(Status::format, "baseline metrics: not a baseline-metrics document (no smoothness_score/violations)");
    from_baseline(p, b, !quality_report_json.empty());
    model = string_or(b, "model_name", model);
  }
  if (!accuracy_json.empty()) {
    const bj::value a = parse_document(accuracy_json, "accuracy study");
    if (!a.is_object() || !at(a, "variants")) fail(Status::format, "accuracy study: not an accuracy-study document");
    from_accuracy(p, a);
    if (model.empty()) model = string_or(a, "model", "");
  }
  p.title = !title.empty() ? title : "ArrowQuant report" + (model.empty() ? std::string() : " — " + model);
  return render_page(p);
}

}  // namespace aq::report
