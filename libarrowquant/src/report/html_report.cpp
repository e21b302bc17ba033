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
constexpr std::size_t kBarsPerPanel = 32;

// A time group's timesteps [start, end) (index 0 = the clean end when the report says so).
struct GroupRange {
  double start = kNaN, end = kNaN;
};
struct ParamLayer {
  std::string name;
  std::vector<GroupRange> ranges;
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
// One row of the per-layer table (fields a document lacks stay empty / NaN).
struct LayerRow {
  std::string name, shape, rule;
  int bits = 0, bits_planned = 0;
  std::vector<int> fallback;  // bit widths tried and rejected, in order
  bool below_min_accuracy = false;
  double bpw = kNaN, cosine = kNaN, sqnr = kNaN;
};
struct KeptRow {
  std::string name, reason;
  double bytes = kNaN;
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
  // Time axis: the groups' timestep ranges (from the layer with the most groups), the number of timesteps and
  // whether index 0 is the clean end (the report's timestep_order).
  std::vector<GroupRange> ranges;
  double num_timesteps = kNaN;
  bool order_known = false, clean_at_zero = true;
  double threshold = kNaN;     // Phase 1 violation threshold on the scale jump
  double min_accuracy = kNaN;  // cosine below which a layer falls back to more bits
  std::vector<LayerRow> rows;
  std::vector<KeptRow> kept;
  bool rows_detailed = false;  // rows from a quality report (shape, plan, bits per weight)
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

// Sizes as the CLI summary prints them (binary units, 2^20 bytes = 1 MiB), so both show the same numbers.
std::string human_bytes(double bytes) {
  if (!std::isfinite(bytes)) return "n/a";
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

// [{time_range: [start, end), ...}] of a quality report layer, or [[start, end), ...] of a baseline layer.
std::vector<GroupRange> group_ranges(const bj::value& owner, const char* path) {
  std::vector<GroupRange> out;
  if (const auto* ps = array(owner, path))
    for (const auto& p : *ps) {
      const bj::value* r = p.is_array() ? &p : at(p, "time_range");
      GroupRange g;
      if (r && r->is_array() && r->get_array().size() == 2) {
        g.start = number(&r->get_array()[0]);
        g.end = number(&r->get_array()[1]);
      }
      out.push_back(g);
    }
  return out;
}

// "index 0 = clean end, ..." (docs/format.md timestep_order): which end of the index axis is clean.
void read_order(Page& p, const std::string& order) {
  if (order.empty() || p.order_known) return;
  const auto clean = order.find("clean"), noise = order.find("noise");
  if (clean == std::string::npos || noise == std::string::npos) return;
  p.order_known = true;
  p.clean_at_zero = clean < noise;  // the string names index 0's end first
}

bool ranges_known(const std::vector<GroupRange>& r) {
  return !r.empty() && std::all_of(r.begin(), r.end(), [](const GroupRange& g) {
           return std::isfinite(g.start) && std::isfinite(g.end) && g.end > g.start;
         });
}

// Tick label of group g: "g3" over its inclusive timestep range "60–79".
std::string group_tick(std::size_t g, const GroupRange& r) {
  const std::string span = r.end - r.start <= 1 ? fmt("%.0f", r.start)
                                                : fmt("%.0f", r.start) + "–" + fmt("%.0f", r.end - 1);
  return "g" + std::to_string(g) + "\n" + span;
}

// Tick label of the boundary between groups b and b+1: "g2|g3" over the timesteps it separates "t59|60".
std::string boundary_tick(std::size_t b, const GroupRange& left) {
  return "g" + std::to_string(b) + "|g" + std::to_string(b + 1) + "\nt" + fmt("%.0f", left.end - 1) + "|" +
         fmt("%.0f", left.end);
}

// Notes under the two ends of a time axis whose x runs over index order.
void time_axis_notes(const Page& p, const std::vector<GroupRange>& r, std::string& start, std::string& end) {
  if (!p.order_known || !ranges_known(r)) return;
  const std::string first = "t = " + fmt("%.0f", r.front().start), last = "t = " + fmt("%.0f", r.back().end - 1);
  start = std::string("← ") + (p.clean_at_zero ? "clean end (" : "noise end (") + first + ")";
  end = std::string(p.clean_at_zero ? "noise end (" : "clean end (") + last + ") →";
}

std::string bits_name(int bits) { return bits > 0 ? "INT" + std::to_string(bits) : "n/a"; }

// Why a layer has its planned bits: the plan's rule in words.
std::string rule_text(const std::string& bits_rule) {
  std::string rule = bits_rule;
  const std::string suffix = ", then min_accuracy fallback";  // said by fallback_text
  if (rule.size() >= suffix.size() && rule.compare(rule.size() - suffix.size(), suffix.size(), suffix) == 0)
    rule.erase(rule.size() - suffix.size());
  return rule == "bit_width"               ? "default bit_width"
         : rule == "target_model_size_mb" ? "target_model_size_mb plan"
         : rule.empty()                   ? ""
                                          : "rule " + rule;
}

// Why a layer has more bits than planned (empty when it has not).
std::string fallback_text(const LayerRow& r, double min_accuracy) {
  std::string t;
  if (!r.fallback.empty()) {
    std::string from;
    for (int b : r.fallback) from += (from.empty() ? "" : ", ") + bits_name(b);
    t = "fell back: cosine at " + from + " below min_accuracy" +
        (std::isfinite(min_accuracy) ? " " + short_number(min_accuracy, 6) : std::string());
  }
  if (r.below_min_accuracy) t += std::string(t.empty() ? "" : "; ") + "still below min_accuracy at INT8 (kept at INT8)";
  return t;
}

std::string why_text(const LayerRow& r, double min_accuracy) {
  const std::string rule = rule_text(r.rule), fb = fallback_text(r, min_accuracy);
  const std::string t = rule + (!rule.empty() && !fb.empty() ? "; " : "") + fb;
  return t.empty() ? "n/a" : t;
}

// The longest dot-separated prefix and suffix every name shares ("model.", ".weight"): the SQNR chart drops them
// so that its labels show what differs.
std::pair<std::size_t, std::size_t> common_affixes(const std::vector<LayerBar>& bars) {
  if (bars.size() < 2) return {0, 0};
  std::string pre = bars.front().name, suf = bars.front().name;
  for (const auto& b : bars) {
    std::size_t i = 0;
    while (i < pre.size() && i < b.name.size() && pre[i] == b.name[i]) ++i;
    pre.resize(i);
    std::size_t j = 0;
    while (j < suf.size() && j < b.name.size() && suf[suf.size() - 1 - j] == b.name[b.name.size() - 1 - j]) ++j;
    suf.erase(0, suf.size() - j);
  }
  const auto pdot = pre.rfind('.'), sdot = suf.find('.');
  std::size_t np = pdot == std::string::npos ? 0 : pdot + 1, ns = sdot == std::string::npos ? 0 : suf.size() - sdot;
  std::size_t shortest = bars.front().name.size();
  for (const auto& b : bars) shortest = std::min(shortest, b.name.size());
  if (np + ns >= shortest) return {0, 0};  // would leave some label empty
  return {np, ns};
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
  p.cards.push_back({"Size", human_bytes(number(rep, "totals.bytes_before")) + " → " +
                                human_bytes(number(rep, "totals.bytes_after"))});
  if (!before.layers.empty()) {
    p.cards.push_back({"Smoothness before → after",
                       fmt("%.4f", before.smoothness_score) + " → " + fmt("%.4f", after.smoothness_score)});
    p.cards.push_back({"Violations before → after", std::to_string(before.violations.size()) + " → " +
                                                        std::to_string(after.violations.size())});
  }
  p.cards.push_back({"Total time", fmt("%.3f", number(rep, "totals.total_s")) + " s"});
  p.cards.push_back({"Calibration", string_or(rep, "calibration_source", "n/a")});

  p.threshold = number(rep, "config.values.thermodynamic.validation.smoothness_threshold");
  p.min_accuracy = number(rep, "config.values.min_accuracy");
  p.rows_detailed = true;
  if (const auto* layers = array(rep, "layers"))
    for (const auto& l : *layers) {
      LayerRow r;
      r.name = string_or(l, "name", "?");
      if (const auto* sh = array(l, "shape")) {
        for (const auto& d : *sh) r.shape += (r.shape.empty() ? "" : " × ") + fmt("%.0f", number(&d));
        r.shape = "[" + r.shape + "]";
      }
      const double b = number(l, "bits"), bp = number(l, "bits_planned");
      r.bits = std::isfinite(b) ? static_cast<int>(b) : 0;
      r.bits_planned = std::isfinite(bp) ? static_cast<int>(bp) : r.bits;
      r.rule = string_or(l, "bits_rule", "");
      for (double f : numbers(l, "fallback_from_bits"))
        if (std::isfinite(f)) r.fallback.push_back(static_cast<int>(f));
      const auto* below = at(l, "below_min_accuracy");
      r.below_min_accuracy = below && below->is_bool() && below->get_bool();
      r.bpw = number(l, "bits_per_weight");
      r.cosine = number(l, "metrics.cosine");
      r.sqnr = number(l, "metrics.sqnr_db");
      p.rows.push_back(std::move(r));
      // The time axis of the layer with the most groups (all layers share it unless a recorded calibration is
      // shorter for some).
      const auto ranges = group_ranges(l, "time_aware.params_before");
      if (ranges.size() > p.ranges.size()) p.ranges = ranges;
      read_order(p, string_or(l, "time_aware.timestep_order", ""));
      if (!std::isfinite(p.num_timesteps)) p.num_timesteps = number(l, "time_aware.num_timesteps");
    }
  if (const auto* kept = array(rep, "kept_tensors"))
    for (const auto& k : *kept) p.kept.push_back({string_or(k, "name", "?"), string_or(k, "reason", "?"), number(k, "bytes")});
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
    pl.ranges = group_ranges(lv, "time_aware.params_before");
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
  p.cards.push_back({"Model size", fmt("%.1f", number(b, "model_size_mb")) + " MiB"});
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
  p.threshold = number(b, "smoothness_threshold");
  read_order(p, string_or(b, "timestep_order", ""));
  const auto* layers = array(b, "layers");
  if (!layers) return;
  for (const auto& l : *layers) {
    LayerRow r;
    r.name = string_or(l, "name", "?");
    const double bits = number(l, "bits");
    r.bits = r.bits_planned = std::isfinite(bits) ? static_cast<int>(bits) : 0;
    r.cosine = number(l, "cosine");
    r.sqnr = number(l, "sqnr_db");
    p.rows.push_back(std::move(r));
    const auto ranges = group_ranges(l, "time_ranges");
    if (ranges.size() > p.ranges.size()) p.ranges = ranges;
  }
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
    pl.ranges = group_ranges(l, "time_ranges");
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
main{padding:18px 28px;max-width:1840px;margin:0 auto}header{padding-left:max(28px,calc((100% - 1840px)/2 + 28px))}
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
th{background:#eef0f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-high{color:#b3261e;font-weight:700}.sev-medium{color:#a86b00;font-weight:600}.sev-low{color:#3b6e22}
figure{margin:8px 0 16px;min-width:0}figcaption,p.caption{font-size:12px;color:#5b6477;margin-top:2px}
.chart-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:8px 16px;align-items:start}
.chart-grid{grid-auto-flow:row dense}.chart-grid figure{margin:0 0 8px}.chart-grid figure.params{grid-row:span 2}
h3{font-size:14px;margin:12px 0 6px}
h3.layer-name{font-size:13px;font-weight:600;margin:0 0 4px;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace}
svg.chart{display:block;background:#fff;border:1px solid #e3e6ec;width:100%;height:auto;margin-bottom:6px}
svg.chart.natural{width:auto;max-width:100%}
svg .ct{font-size:14px;font-weight:600;fill:#1d2330}svg .al{font-size:12px;fill:#404859}svg .tk{font-size:10px;fill:#5b6477}
svg .nt{font-size:10.5px;font-style:italic;fill:#404859}svg .rl{font-size:10.5px}
svg .bl{font-size:11px;fill:#1d2330;font-family:ui-monospace,Menlo,Consolas,monospace}svg .bv{font-size:10px;fill:#404859}
svg .bar-row:hover .bl{font-weight:700}
svg .lg{font-size:11px;fill:#1d2330}svg .grid{stroke:#e9ebf0;stroke-width:1}svg .axis{stroke:#8a93a6;stroke-width:1}
.table-wrap{overflow-x:auto}
table#layers thead th{position:sticky;top:0}
td.name{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
tr.fallback td{background:#fff6e0}
ul.fallbacks{margin:6px 0 10px 18px;padding:0;font-size:13px}ul.fallbacks code{overflow-wrap:anywhere}
ul.names{columns:22em;column-gap:24px;margin:4px 0 8px;padding-left:18px;font-size:12px}td.why{overflow-wrap:anywhere;min-width:18ch;max-width:52ch}td.nw{white-space:nowrap}
table#layers td.name{min-width:24ch}
details{margin-top:10px;font-size:13px}summary{cursor:pointer;font-weight:600}
.note{font-size:13px;color:#404859}
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
    h += "<table id=\"violations\"><thead><tr><th>Layer</th><th>Boundary</th>"
         "<th>Scale jump (% of the left group's scale)</th>"
         "<th>Zero-point jump (% of the 255-code range)</th><th>Severity</th></tr></thead><tbody>\n";
    if (p.violations.empty()) h += "<tr class=\"none\"><td colspan=\"5\">No violations detected</td></tr>\n";
    for (std::size_t i = 0; i < p.violations.size() && i < kMaxViolationRows; ++i) {
      const auto& v = p.violations[i];
      const std::string where = v.boundary_idx + 1 < p.ranges.size() && ranges_known(p.ranges)
                                    ? " (g" + std::to_string(v.boundary_idx) + "|g" +
                                          std::to_string(v.boundary_idx + 1) + ", t" +
                                          fmt("%.0f", p.ranges[v.boundary_idx].end - 1) + "|" +
                                          fmt("%.0f", p.ranges[v.boundary_idx].end) + ")"
                                    : std::string();
      h += "<tr class=\"violation\"><td class=\"name\">" + html_escape(v.layer) + "</td><td class=\"num nw\">" +
           std::to_string(v.boundary_idx) + html_escape(where) + "</td><td class=\"num\">" +
           fmt("%.1f", v.scale_jump * 100) + " %</td><td class=\"num\">" + fmt("%.1f", v.zero_point_jump * 100) +
           " %</td><td class=\"sev-" +
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
  const bool timed = ranges_known(p.ranges);
  if (!p.boundary_series.empty() || !p.params.empty() || !p.bars.empty()) {
    h += "<section id=\"charts\"><h2>Charts</h2>\n";
    if (timed && p.order_known)
      h += "<p class=\"note\">Time groups split the " + fmt("%.0f", p.num_timesteps) +
           " diffusion timesteps into " + std::to_string(p.ranges.size()) + " ranges; timestep " +
           (p.clean_at_zero ? "0 is the clean end and the last the noise end" : "0 is the noise end and the last the "
                                                                                "clean end") +
           ", so a sampler visits the groups from the " + (p.clean_at_zero ? "right" : "left") +
           " of each time axis to the " + (p.clean_at_zero ? "left" : "right") + ".</p>\n";
    h += "<div class=\"chart-grid\">\n";
    if (!p.boundary_series.empty()) {
      LineChart c;
      c.id = "chart-boundary-scores";
      c.title = "Boundary scores per boundary";
      c.x_label = timed ? "boundary between time groups (the two timesteps it separates)"
                        : "boundary (between time groups b and b+1)";
      c.y_label = "boundary score (axis scaled to the data)";
      c.x = p.boundary_x;
      c.series = p.boundary_series;
      c.width = 640;
      c.height = 320;
      if (timed && p.ranges.size() == p.boundary_x.size() + 1)
        for (std::size_t b = 0; b < p.boundary_x.size(); ++b) c.x_tick_labels.push_back(boundary_tick(b, p.ranges[b]));
      if (timed) time_axis_notes(p, p.ranges, c.x_start_note, c.x_end_note);
      double lo = INFINITY, hi = -INFINITY;
      for (const auto& se : c.series)
        for (double v : se.y)
          if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
          }
      // A scale jump above the threshold t gives a boundary score below 1 − t/2 (the zero-point jump only lowers
      // it), so boundaries above that line cannot be violations. The line joins the axis when it does not squash
      // the data (at most three times the data's spread away).
      std::string line_note;
      if (std::isfinite(p.threshold) && std::isfinite(lo)) {
        const double line = 1 - p.threshold / 2;
        const double spread = std::max(hi - lo, 1e-3);
        if (line >= lo - 3 * spread && line <= hi + 3 * spread) {
          c.y_include.push_back(line);
          c.ref_lines.push_back({line, "1 − threshold/2 = " + short_number(line, 4) + " (threshold " +
                                           short_number(p.threshold, 4) + ")", "#b3261e"});
          line_note = " Red dotted line: 1 − threshold/2 = " + short_number(line, 4) +
                      "; a boundary above it cannot be a violation (its scale jump is at most the threshold).";
        } else {
          line_note = " The violation line 1 − threshold/2 = " + short_number(line, 4) + " lies " +
                      (line < lo ? "below" : "above") + " the axis range (threshold " + short_number(p.threshold, 4) +
                      "): " + (line < lo ? "no boundary is near a violation." : "every boundary may be one.");
        }
      }
      h += "<figure id=\"figure-boundary-scores\">" + render(c) +
           "<figcaption>1 − min((scale jump + zero-point jump)/2, 1) per boundary (Markov validation); solid: mean "
           "over layers, dashed: the worst layer at that boundary. The y axis is scaled to the data (" +
           (std::isfinite(lo) ? "scores " + fmt("%.4f", lo) + " to " + fmt("%.4f", hi) : std::string("no scores")) +
           "), not 0–1." + html_escape(line_note) + "</figcaption></figure>\n";
    }
    for (std::size_t i = 0; i < p.params.size(); ++i) {
      const ParamLayer& l = p.params[i];
      LineChart s, z;
      s.id = "chart-scale-" + std::to_string(i);
      z.id = "chart-zero-point-" + std::to_string(i);
      s.title = "Scale across time groups: " + l.name;
      z.title = "Zero point across time groups: " + l.name;
      const bool ltimed = ranges_known(l.ranges) && l.ranges.size() == std::max(l.s_before.size(), l.z_before.size());
      s.x_label = z.x_label = ltimed ? "time group (its timesteps)" : "time group";
      s.y_label = "scale";
      z.y_label = "zero point (codes)";
      s.width = z.width = 560;
      s.height = z.height = 260;
      if (ltimed) {
        for (std::size_t g = 0; g < l.ranges.size(); ++g) s.x_tick_labels.push_back(group_tick(g, l.ranges[g]));
        z.x_tick_labels = s.x_tick_labels;
        time_axis_notes(p, l.ranges, s.x_start_note, s.x_end_note);
        z.x_start_note = s.x_start_note;
        z.x_end_note = s.x_end_note;
      }
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
      h += "<figure class=\"params\" id=\"figure-params-" + std::to_string(i) + "\"><h3 class=\"layer-name\">" +
           html_escape(l.name) + "</h3>" + render(s) + render(z) + "<figcaption>Smoothness " +
           fmt("%.4f", l.score_before) + (after ? " before, " + fmt("%.4f", l.score_after) + " after" : "") +
           "; one of the " + std::to_string(p.params.size()) + " least smooth layers." +
           (chain ? " Phase 3 chain solver: activation MSE " + fmt("%.3g", l.mse) + " against " +
                        fmt("%.3g", l.mse_free) + " for each group's own best (the price of smoothness)."
                  : std::string()) +
           "</figcaption></figure>\n";
    }
    h += "</div>\n";
    if (!p.bars.empty()) {
      // Panels of at most kBarsPerPanel rows on one shared axis: side by side on a wide screen, stacked on a
      // narrow one, each at a readable size.
      const std::size_t panels = (p.bars.size() + kBarsPerPanel - 1) / kBarsPerPanel;
      const std::size_t per_panel = (p.bars.size() + panels - 1) / panels;
      const auto [np, ns] = common_affixes(p.bars);
      std::vector<double> all;
      bool seen[3] = {false, false, false};
      for (const auto& b : p.bars) {
        all.push_back(b.sqnr);
        if (b.bits == 2) seen[0] = true;
        if (b.bits == 4) seen[1] = true;
        if (b.bits == 8) seen[2] = true;
      }
      h += "<div class=\"chart-grid sqnr\">\n";
      for (std::size_t k = 0; k < panels; ++k) {
        BarChart c;
        c.id = k == 0 ? "chart-layer-sqnr" : "chart-layer-sqnr-" + std::to_string(k + 1);
        c.title = "Per-layer weight SQNR (dB), coloured by bits" +
                  (panels > 1 ? " (" + std::to_string(k + 1) + "/" + std::to_string(panels) + ")" : std::string());
        c.x_label = "SQNR (dB)";
        c.width = 600;
        c.x_include = all;
        for (std::size_t i = k * per_panel; i < std::min(p.bars.size(), (k + 1) * per_panel); ++i) {
          const LayerBar& b = p.bars[i];
          const std::string label = b.name.substr(np, b.name.size() - np - ns);
          c.bars.push_back({label, b.sqnr, bits_color(b.bits),
                            b.name + " — " + bits_name(b.bits) + ", SQNR " +
                                (std::isfinite(b.sqnr) ? fmt("%.2f", b.sqnr) + " dB"
                                                       : std::string("∞ (exact reconstruction, null in the JSON)"))});
        }
        if (seen[0]) c.legend.push_back({"INT2", bits_color(2)});
        if (seen[1]) c.legend.push_back({"INT4", bits_color(4)});
        if (seen[2]) c.legend.push_back({"INT8", bits_color(8)});
        h += "<figure class=\"sqnr-panel\">" + render(c) + "</figure>\n";
      }
      const std::string dropped =
          np || ns ? " Labels leave out what every name shares" +
                         (np ? " (prefix “" + p.bars.front().name.substr(0, np) + "”" : std::string(" (")) +
                         (np && ns ? ", " : "") +
                         (ns ? "suffix “" + p.bars.front().name.substr(p.bars.front().name.size() - ns) + "”" : "") +
                         "); names longer than the label column are shortened in the middle."
                   : " Names longer than the label column are shortened in the middle.";
      h += "</div><p class=\"caption\" id=\"caption-layer-sqnr\">Signal-to-quantization-noise ratio of each "
           "quantized weight tensor in report order" +
           std::string(panels > 1 ? ", in " + std::to_string(panels) + " panels on one axis" : "") +
           "; the colour is the bit width chosen (after any fallback). ∞ marks an exact reconstruction (null in "
           "the JSON). Hover a row for the full name, bits and value." +
           html_escape(dropped) + "</p>\n";
    }
    h += "</section>\n";
  }
  if (!p.rows.empty()) {
    std::size_t fallbacks = 0;
    for (const auto& r : p.rows) fallbacks += !r.fallback.empty() || r.below_min_accuracy;
    h += "<section id=\"layers-section\"><h2>Layers</h2>\n";
    if (p.rows_detailed) {
      h += "<h3>Layers that fell back to more bits</h3>\n";
      if (fallbacks == 0) {
        h += "<p class=\"note\" id=\"fallbacks-none\">No layer fell back: every layer met min_accuracy " +
             html_escape(std::isfinite(p.min_accuracy) ? short_number(p.min_accuracy, 6) : std::string("n/a")) +
             " (cosine similarity) at its planned bits.</p>\n";
      } else {
        // One entry per (planned bits → bits, reason), listing its layers: a fallback usually hits many layers
        // for the same reason.
        std::vector<std::pair<std::string, std::vector<std::string>>> groups;
        for (const auto& r : p.rows) {
          if (r.fallback.empty() && !r.below_min_accuracy) continue;
          const std::string rule = rule_text(r.rule);
          const std::string key = "<strong>" + bits_name(r.bits_planned) + " → " + bits_name(r.bits) + "</strong> — " +
                                  html_escape(fallback_text(r, p.min_accuracy)) +
                                  (rule.empty() ? "" : " (" + bits_name(r.bits_planned) + " from " + html_escape(rule) + ")");
          auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == key; });
          if (g == groups.end()) g = groups.insert(groups.end(), {key, {}});
          g->second.push_back(r.name);
        }
        h += "<ul class=\"fallbacks\" id=\"fallbacks\">";
        for (const auto& [key, names] : groups) {
          h += "<li class=\"fallback-group\">" + key + ": " + std::to_string(names.size()) +
               (names.size() == 1 ? " layer" : " layers") + "<ul class=\"names\">";
          for (const auto& n : names) h += "<li><code>" + html_escape(n) + "</code></li>";
          h += "</ul></li>";
        }
        h += "</ul>\n";
      }
    }
    h += "<p class=\"note\">" + std::to_string(p.rows.size()) + " quantized layers in report order" +
         (p.rows_detailed ? std::string(", ") + std::to_string(fallbacks) + " with a fallback (highlighted)" : "") +
         ". Bits per weight count the codes and every parameter.</p>\n";
    h += "<div class=\"table-wrap\"><table id=\"layers\"><thead><tr><th class=\"num\">#</th><th>Layer</th>"
         "<th>Shape</th><th>Bits</th><th>Why these bits</th><th class=\"num\">Bits/weight</th>"
         "<th class=\"num\">Cosine</th><th class=\"num\">SQNR (dB)</th></tr></thead>"
         "<tbody>\n";
    for (std::size_t i = 0; i < p.rows.size(); ++i) {
      const LayerRow& r = p.rows[i];
      const bool fb = !r.fallback.empty() || r.below_min_accuracy;
      h += std::string("<tr class=\"layer") + (fb ? " fallback" : "") + "\"><td class=\"num\">" +
           std::to_string(i) + "</td><td class=\"name\">" + html_escape(r.name) + "</td><td class=\"nw\">" +
           html_escape(r.shape.empty() ? "n/a" : r.shape) + "</td><td class=\"nw\">" +
           (r.bits_planned != r.bits ? bits_name(r.bits_planned) + " → " : std::string()) + bits_name(r.bits) +
           "</td><td class=\"why\">" + html_escape(p.rows_detailed ? why_text(r, p.min_accuracy) : "n/a") +
           "</td><td class=\"num\">" + fmt("%.3f", r.bpw) + "</td><td class=\"num\">" + fmt("%.6f", r.cosine) +
           "</td><td class=\"num\">" + (std::isfinite(r.sqnr) ? fmt("%.2f", r.sqnr) : std::string("∞ (exact)")) +
           "</td></tr>\n";
    }
    h += "</tbody></table></div>\n";
    if (!p.kept.empty()) {
      h += "<details id=\"kept\"><summary>" + std::to_string(p.kept.size()) +
           " tensors kept unquantized (copied as they were)</summary><table id=\"kept-tensors\"><thead><tr>"
           "<th>Tensor</th><th>Why kept</th><th class=\"num\">Size</th></tr></thead><tbody>\n";
      for (const auto& k : p.kept)
        h += "<tr class=\"kept\"><td class=\"name\">" + html_escape(k.name) + "</td><td>" + html_escape(k.reason) +
             "</td><td class=\"num\">" + human_bytes(k.bytes) + "</td></tr>\n";
      h += "</tbody></table></details>\n";
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
