// The HTML report: sections and charts for each document, score bands, escaping, null handling, no script or
// external resource, determinism, errors.
#define BOOST_TEST_MODULE report_html
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "arrowquant/error.hpp"
#include "arrowquant/report.hpp"
#include "report/svg_chart.hpp"
#include "report_fixtures.hpp"

using aqtest::two_layer_quality_report;

namespace {

bool has(const std::string& h, const std::string& s) { return h.find(s) != std::string::npos; }

std::string accuracy_doc() {
  return R"({"model": "tiny", "bits": 4, "time_groups": 4, "steps": 3, "samples": 2, "calibration": "chain",
  "denoiser": {"layers": ["u", "d"]},
  "reference": {"weights_only": {"final_relative_error": 0.01, "error_curve": [0.001, 0.005, 0.01]}},
  "variants": [
    {"name": "baseline", "smoothness_score": 0.7, "violation_count": 3, "final_relative_error": 0.02,
     "error_curve": [0.002, 0.01, 0.02], "step_error_curve": [0.001, 0.002, 0.003], "mean_step_error": 0.002},
    {"name": "smoothing", "smoothness_score": 0.85, "violation_count": 1, "final_relative_error": 0.03,
     "error_curve": [0.002, 0.02, 0.03]},
    {"name": "optimization", "smoothness_score": 0.72, "violation_count": 3, "final_relative_error": null,
     "error_curve": [0.002, null, 0.02]},
    {"name": "both", "smoothness_score": 0.9, "violation_count": 0, "final_relative_error": 0.025,
     "error_curve": [0.002, 0.015, 0.025]}]})";
}

// The fixture as if its time-aware parameters came from a recorded calibration file.
std::string recorded(std::string q) {
  const std::string from = "\"calibration_source\": \"data-free (simulated forward diffusion, linear beta schedule)\"";
  const auto at = q.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return q.replace(at, from.size(), "\"calibration_source\": \"recorded file calib.json\"");
}

// The <svg> element with this id (empty when absent).
std::string svg_of(const std::string& h, const std::string& id) {
  const auto a = h.find("id=\"" + id + "\"");
  if (a == std::string::npos) return "";
  return h.substr(a, h.find("</svg>", a) - a);
}

std::size_t count(const std::string& h, const std::string& s) {
  std::size_t n = 0;
  for (auto p = h.find(s); p != std::string::npos; p = h.find(s, p + 1)) ++n;
  return n;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string banner_class(const std::string& h) {
  const auto a = h.find("id=\"banner\" class=\"banner ");
  if (a == std::string::npos) return "";
  const auto s = a + std::string("id=\"banner\" class=\"banner ").size();
  return h.substr(s, h.find('"', s) - s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(score_bands_follow_the_baseline_interpretation) {
  BOOST_TEST(std::string(aq::report::score_band(0.95)) == "green");
  BOOST_TEST(std::string(aq::report::score_band(0.78)) == "green");
  BOOST_TEST(std::string(aq::report::score_band(0.7799)) == "yellow");
  BOOST_TEST(std::string(aq::report::score_band(0.65)) == "yellow");
  BOOST_TEST(std::string(aq::report::score_band(0.6499)) == "red");
  BOOST_TEST(std::string(aq::report::score_band(std::numeric_limits<double>::quiet_NaN())) == "red");
}

BOOST_AUTO_TEST_CASE(quality_report_page_has_banner_cards_table_and_charts) {
  const std::string q = recorded(two_layer_quality_report());
  const std::string h = aq::report::html_report(q, aq::report::baseline_metrics(q), "");
  for (const char* id : {"id=\"banner\"", "id=\"cards\"", "id=\"violations\"", "id=\"patterns\"",
                         "id=\"chart-boundary-scores\"", "id=\"chart-scale-0\"", "id=\"chart-zero-point-0\"",
                         "id=\"chart-scale-1\"", "id=\"chart-layer-sqnr\""})
    BOOST_TEST(has(h, id), id);
  BOOST_TEST(!has(h, "id=\"chart-error-accumulation\""));
  BOOST_TEST(banner_class(h) == "yellow");  // 0.75
  BOOST_TEST(has(h, "Violations at boundaries: [0, 2]"));
  BOOST_TEST(has(h, "<tr class=\"violation\">"));
}

BOOST_AUTO_TEST_CASE(banner_colour_tracks_the_score) {
  auto with_scores = [](const char* s1, const char* s2) {
    std::string q = recorded(two_layer_quality_report());
    for (int k = 0; k < 2; ++k) q.replace(q.find("\"smoothness_score\": 0.7"), 23, std::string("\"smoothness_score\": ") + s1);
    for (int k = 0; k < 2; ++k) q.replace(q.find("\"smoothness_score\": 0.8"), 23, std::string("\"smoothness_score\": ") + s2);
    return aq::report::html_report(q, "", "");
  };
  BOOST_TEST(banner_class(with_scores("0.90", "0.80")) == "green");   // 0.85
  BOOST_TEST(banner_class(with_scores("0.60", "0.72")) == "yellow");  // 0.66
  BOOST_TEST(banner_class(with_scores("0.50", "0.60")) == "red");     // 0.55
}

BOOST_AUTO_TEST_CASE(data_free_parameters_get_a_neutral_synthetic_banner_after_the_weight_quality) {
  const std::string q = two_layer_quality_report();  // calibration_source: data-free
  for (const std::string& h : {aq::report::html_report(q, "", ""), aq::report::html_report("", aq::report::baseline_metrics(q), "")}) {
    BOOST_TEST(banner_class(h) == "synthetic");
    BOOST_TEST(has(h, "synthetic calibration"));
    BOOST_TEST(!has(h, "class=\"banner green\""));
  }
  const std::string h = aq::report::html_report(q, "", "");
  BOOST_TEST(has(h, "id=\"weight-quality\""));
  BOOST_TEST(h.find("id=\"weight-quality\"") < h.find("id=\"banner\""));
  // A recorded file gives the coloured banner back.
  BOOST_TEST(banner_class(aq::report::html_report(recorded(q), "", "")) == "yellow");
}

BOOST_AUTO_TEST_CASE(accuracy_study_page_has_the_error_accumulation_chart) {
  const std::string h = aq::report::html_report("", "", accuracy_doc());
  BOOST_TEST(has(h, "id=\"chart-error-accumulation\""));
  BOOST_TEST(has(h, "id=\"variants\""));
  for (const char* v : {"baseline", "smoothing", "optimization", "both", "weights only"}) BOOST_TEST(has(h, v), v);
  BOOST_TEST(banner_class(h) == "yellow");  // the baseline variant's 0.7
  // One path per series, one move-to per finite stretch: the optimization curve has a gap at its null.
  std::size_t paths = 0, moves = 0;
  for (auto p = h.find("<path class=\"series\" d=\""); p != std::string::npos;
       p = h.find("<path class=\"series\" d=\"", p + 1)) {
    ++paths;
    const auto s = p + 24, e = h.find('"', s);
    for (auto i = s; i < e; ++i) moves += h[i] == 'M';
  }
  BOOST_TEST(paths == 6u);  // 4 variants + weights only, + the one-step curve of "baseline" in its own chart
  BOOST_TEST(moves == 7u);  // + the second stretch of "optimization"
  BOOST_TEST(has(h, "id=\"chart-step-error\""));
}

BOOST_AUTO_TEST_CASE(baseline_only_page_draws_from_the_per_layer_detail) {
  const std::string b = aq::report::baseline_metrics(two_layer_quality_report());
  const std::string h = aq::report::html_report("", b, "");
  for (const char* id : {"id=\"banner\"", "id=\"violations\"", "id=\"chart-boundary-scores\"", "id=\"chart-scale-0\"",
                         "id=\"chart-layer-sqnr\""})
    BOOST_TEST(has(h, id), id);
}

BOOST_AUTO_TEST_CASE(page_is_self_contained) {
  const std::string q = two_layer_quality_report();
  const std::string h = aq::report::html_report(q, aq::report::baseline_metrics(q), accuracy_doc());
  BOOST_TEST(!has(h, "<script"));
  BOOST_TEST(!has(h, "src="));
  BOOST_TEST(!has(h, "href="));
  BOOST_TEST(!has(h, "url("));
  BOOST_TEST(!has(h, "@import"));
  BOOST_TEST(!has(h, "https://"));
  // The only URI is the SVG namespace name, which is never fetched.
  std::string rest = h;
  for (auto p = rest.find("http://www.w3.org/2000/svg"); p != std::string::npos; p = rest.find("http://www.w3.org/2000/svg"))
    rest.erase(p, 26);
  BOOST_TEST(!has(rest, "http://"));
  BOOST_TEST(has(h, "<!DOCTYPE html>"));
  BOOST_TEST(has(h, "<style>"));
}

BOOST_AUTO_TEST_CASE(names_are_escaped) {
  const std::string h = aq::report::html_report(two_layer_quality_report(), "", "");
  BOOST_TEST(has(h, "b&lt;x&gt;&amp;.weight"));
  BOOST_TEST(!has(h, "b<x>&.weight"));
}

BOOST_AUTO_TEST_CASE(null_numbers_never_print_as_nan_or_inf) {
  const std::string h = aq::report::html_report(two_layer_quality_report("null"), "", accuracy_doc());
  BOOST_TEST(!has(h, "nan"));
  BOOST_TEST(!has(h, "NaN"));
  BOOST_TEST(!has(h, ">inf"));
  // The exact layer has an ∞ marker and a tooltip instead of a bar.
  BOOST_TEST(has(svg_of(h, "chart-layer-sqnr"), "&#8734; exact"));
  BOOST_TEST(has(svg_of(h, "chart-layer-sqnr"), "SQNR ∞ (exact reconstruction, null in the JSON)"));
  BOOST_TEST(count(svg_of(h, "chart-layer-sqnr"), "<rect class=\"bar\"") == 2u);
}

BOOST_AUTO_TEST_CASE(same_input_gives_the_same_bytes) {
  const std::string q = two_layer_quality_report();
  BOOST_TEST(aq::report::html_report(q, "", accuracy_doc()) == aq::report::html_report(q, "", accuracy_doc()));
}

BOOST_AUTO_TEST_CASE(title_defaults_to_the_model_and_can_be_given) {
  BOOST_TEST(has(aq::report::html_report("", "", accuracy_doc()), "<title>ArrowQuant report — tiny</title>"));
  BOOST_TEST(has(aq::report::html_report("", "", accuracy_doc(), "My <run>"), "<title>My &lt;run&gt;</title>"));
}

BOOST_AUTO_TEST_CASE(no_document_or_a_wrong_one_is_an_error) {
  auto status = [](const std::string& q, const std::string& b, const std::string& a) {
    try {
      aq::report::html_report(q, b, a);
    } catch (const aq::Error& e) {
      return int(e.status());
    }
    return 0;
  };
  BOOST_TEST(status("", "", "") == int(aq::Status::invalid_argument));
  BOOST_TEST(status("{}", "", "") == int(aq::Status::format));
  BOOST_TEST(status("", "{\"x\": 1}", "") == int(aq::Status::format));
  BOOST_TEST(status("", "", "[1]") == int(aq::Status::format));
  BOOST_TEST(status("", "", "{") == int(aq::Status::format));
}

BOOST_AUTO_TEST_CASE(atomic_write_replaces_the_file_and_leaves_no_temporary) {
  aqtest::TempDir dir("html");
  const std::string path = dir / "r.html";
  aq::report::write_text_atomic(path, "old");
  aq::report::write_text_atomic(path, "new text");
  BOOST_TEST(aqtest::slurp(path) == "new text");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    (void)e;
    ++files;
  }
  BOOST_TEST(files == 1u);
  try {
    aq::report::write_text_atomic(dir / "missing-dir/r.html", "x");
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(int(e.status()) == int(aq::Status::io));
    BOOST_TEST(std::string(e.what()).find("missing-dir") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(chain_solver_layers_show_the_unconstrained_scales_and_the_price) {
  std::string q = two_layer_quality_report();
  const std::string anchor = R"("phase1_before": {"smoothness_score": 0.7,)";
  const std::size_t at = q.find(anchor);
  BOOST_TEST_REQUIRE(at != std::string::npos);
  q.insert(at, R"("optimization": {"optimizer": "chain", "iterations": 1, "converged": true, "mse": 0.0042,
      "unconstrained_mse": 0.0021, "unconstrained_scales": [0.5, 1.9, 1.2, 2.5],
      "unconstrained_zero_points": [90.0, 120.0, 100.0, 130.0]}, )");
  const std::string h = aq::report::html_report(q, aq::report::baseline_metrics(q), "");
  BOOST_TEST(has(h, "Phase 3 unconstrained (each group&#39;s best)"));
  BOOST_TEST(has(h, "activation MSE 0.0042 against 0.0021"));
  // A layer without a chain result keeps the two-series chart.
  const std::string plain = aq::report::html_report(two_layer_quality_report(), "", "");
  BOOST_TEST(!has(plain, "Phase 3 unconstrained"));
}

BOOST_AUTO_TEST_CASE(middle_ellipsis_keeps_the_end_that_tells_layers_apart) {
  using aq::report::detail::ellipsize_middle;
  const std::string name = "model.diffusion_model.output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight";
  const std::string s = ellipsize_middle(name, 40);
  BOOST_TEST(s.size() < name.size());
  BOOST_TEST(s.find("…") != std::string::npos);
  BOOST_TEST(s.substr(0, 6) == "model.");
  BOOST_TEST(s.substr(s.size() - 11) == "to_k.weight");
  BOOST_TEST(ellipsize_middle("short", 40) == "short");
  // Counted in characters, never cutting a UTF-8 sequence.
  const std::string u = ellipsize_middle("ääääääääääääääääääääää", 9);
  BOOST_TEST(u == "äää…äääää");
}

BOOST_AUTO_TEST_CASE(long_layer_names_stay_whole_in_headings_and_tooltips) {
  const std::string longname = "model.diffusion_model.output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight";
  const std::string q = replace_all(two_layer_quality_report(), "\"a.weight\"", "\"" + longname + "\"");
  const std::string h = aq::report::html_report(q, "", "");
  const std::string chart = svg_of(h, "chart-scale-0");
  BOOST_TEST_REQUIRE(!chart.empty());
  // The visible title is shortened in the middle and ends with the name's end; its tooltip has the full name.
  BOOST_TEST(has(chart, "class=\"ct\">Scale across time groups: model.diffusion"));
  BOOST_TEST(has(chart, "…"));
  BOOST_TEST(has(chart, "attn2.to_k.weight<title>Scale across time groups: " + longname + "</title>"));
  BOOST_TEST(has(h, "<h3 class=\"layer-name\">" + longname + "</h3>"));
  // SQNR rows: a label per layer and the full name, bits and value as the tooltip.
  const std::string bars = svg_of(h, "chart-layer-sqnr");
  BOOST_TEST(count(bars, "class=\"bl\"") == 3u);
  BOOST_TEST(has(bars, "<title>" + longname + " — INT2, SQNR 10.00 dB</title>"));
}

BOOST_AUTO_TEST_CASE(time_axes_show_timestep_ranges_and_the_clean_and_noise_ends) {
  const std::string h = aq::report::html_report(two_layer_quality_report(), "", "");
  for (const std::string id : {"chart-scale-0", "chart-zero-point-0"}) {
    const std::string c = svg_of(h, id);
    BOOST_TEST(has(c, ">g0</tspan>"), id);
    BOOST_TEST(has(c, ">0–24</tspan>"), id);
    BOOST_TEST(has(c, ">75–99</tspan>"), id);
    BOOST_TEST(has(c, "← clean end (t = 0)"), id);
    BOOST_TEST(has(c, "noise end (t = 99) →"), id);
  }
  const std::string b = svg_of(h, "chart-boundary-scores");
  BOOST_TEST(has(b, ">g0|g1</tspan>"));
  BOOST_TEST(has(b, ">t24|25</tspan>"));
  BOOST_TEST(has(b, "← clean end (t = 0)"));
  // The violations name the timesteps their boundary separates.
  BOOST_TEST(has(h, "0 (g0|g1, t24|25)"));
  // A baseline document alone carries the same axis (layers[].time_ranges, timestep_order).
  const std::string hb = aq::report::html_report("", aq::report::baseline_metrics(two_layer_quality_report()), "");
  BOOST_TEST(has(svg_of(hb, "chart-scale-0"), ">25–49</tspan>"));
  BOOST_TEST(has(svg_of(hb, "chart-scale-0"), "noise end (t = 99) →"));
}

BOOST_AUTO_TEST_CASE(boundary_axis_is_scaled_to_the_data_with_the_violation_line) {
  // Scores between 0.93 and 0.99: the axis must not start at 0, and the line 1 − 0.3/2 = 0.85 joins it.
  std::string q = two_layer_quality_report();
  q = replace_all(q, "\"boundary_scores\": [0.5, 0.9, 0.8]", "\"boundary_scores\": [0.93, 0.97, 0.95]");
  q = replace_all(q, "\"boundary_scores\": [0.7, 0.9, 1.0]", "\"boundary_scores\": [0.96, 0.99, 0.98]");
  const std::string c = svg_of(aq::report::html_report(q, "", ""), "chart-boundary-scores");
  BOOST_TEST_REQUIRE(!c.empty());
  BOOST_TEST(!has(c, "class=\"tk\">0.0"));
  BOOST_TEST(!has(c, "class=\"tk\">0.5"));
  BOOST_TEST(has(c, "class=\"tk\">0.84"));  // ticks every 0.02 from below the line to 1
  BOOST_TEST(has(c, "class=\"tk\">0.96"));
  BOOST_TEST(has(c, "class=\"refline\""));
  BOOST_TEST(has(c, "1 − threshold/2 = 0.85 (threshold 0.3)"));
  // A threshold far below the data stays off the axis and the caption says so.
  const std::string far = replace_all(q, "\"smoothness_threshold\": 0.3", "\"smoothness_threshold\": 1.0");
  const std::string hf = aq::report::html_report(far, "", "");
  BOOST_TEST(!has(svg_of(hf, "chart-boundary-scores"), "class=\"refline\""));
  BOOST_TEST(has(hf, "lies below the axis range (threshold 1): no boundary is near a violation."));
  BOOST_TEST(!has(svg_of(hf, "chart-boundary-scores"), "class=\"tk\">0.50"));
}

BOOST_AUTO_TEST_CASE(jumps_share_one_unit_and_sizes_are_in_mib) {
  const std::string h = aq::report::html_report(two_layer_quality_report(), "", "");
  BOOST_TEST(has(h, "<th>Scale jump (% of the left group's scale)</th>"));
  BOOST_TEST(has(h, "<th>Zero-point jump (% of the 255-code range)</th>"));
  BOOST_TEST(has(h, ">58.0 %</td><td class=\"num\">12.0 %</td>"));  // 0.58 and 0.12
  BOOST_TEST(!has(h, "0.1200"));
  // The size as the CLI summary prints it: bytes / 2^20, one decimal, MiB.
  BOOST_TEST(has(h, "547.3 MiB → 34.2 MiB"));
  BOOST_TEST(!has(h, " MB"));
  const std::string hb = aq::report::html_report("", aq::report::baseline_metrics(two_layer_quality_report()), "");
  BOOST_TEST(has(hb, "34.2 MiB"));
  BOOST_TEST(!has(hb, " MB"));
}

BOOST_AUTO_TEST_CASE(layer_table_gives_shape_bits_reason_and_metrics_and_lists_fallbacks) {
  const std::string h = aq::report::html_report(two_layer_quality_report(), "", "");
  BOOST_TEST_REQUIRE(has(h, "<table id=\"layers\">"));
  BOOST_TEST(count(h, "<tr class=\"layer") == 3u);
  BOOST_TEST(count(h, "<tr class=\"layer fallback\">") == 1u);
  BOOST_TEST(has(h, "<td class=\"name\">a.weight</td><td class=\"nw\">[64 × 32]</td><td class=\"nw\">INT2</td>"
                    "<td class=\"why\">default bit_width</td>"
                    "<td class=\"num\">2.500</td><td class=\"num\">0.900000</td><td class=\"num\">10.00</td>"));
  BOOST_TEST(has(h, "<td class=\"name\">b&lt;x&gt;&amp;.weight</td><td class=\"nw\">[32 × 64]</td>"
                    "<td class=\"nw\">INT2 → INT4</td>"
                    "<td class=\"why\">default bit_width; fell back: cosine at INT2 below min_accuracy 0.99</td>"));
  BOOST_TEST(has(h, "<td class=\"why\">rule layer_bit_widths[&quot;no_time&quot;]</td>"));
  BOOST_TEST_REQUIRE(has(h, "<ul class=\"fallbacks\" id=\"fallbacks\">"));
  BOOST_TEST(has(h, "<li class=\"fallback-group\"><strong>INT2 → INT4</strong> — fell back: cosine at INT2 below "
                    "min_accuracy 0.99 (INT2 from default bit_width): 1 layer<ul class=\"names\"><li><code>"
                    "b&lt;x&gt;&amp;.weight</code></li></ul></li>"));
  BOOST_TEST(has(h, "<tr class=\"kept\"><td class=\"name\">norm.weight</td><td>1-D</td><td class=\"num\">128 B</td>"));
  // Without a fallback the page says so instead of an empty list.
  std::string none = replace_all(two_layer_quality_report(), "\"fallback_from_bits\": [2]", "\"fallback_from_bits\": []");
  none = replace_all(none, "\"bits_planned\": 2, \"bits\": 4", "\"bits_planned\": 4, \"bits\": 4");
  const std::string hn = aq::report::html_report(none, "", "");
  BOOST_TEST(has(hn, "id=\"fallbacks-none\""));
  BOOST_TEST(count(hn, "<tr class=\"layer fallback\">") == 0u);
}

BOOST_AUTO_TEST_CASE(page_uses_the_width_of_wide_screens) {
  const std::string h = aq::report::html_report(two_layer_quality_report(), "", "");
  BOOST_TEST(has(h, "main{padding:18px 28px;max-width:1840px;margin:0 auto}"));
  BOOST_TEST(has(h, ".chart-grid{display:grid;"));
  BOOST_TEST(has(h, "<div class=\"chart-grid\">"));
}
