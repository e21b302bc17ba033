// Baseline metrics (ArrowQuant V2's format): the aggregation rule over layers, the summary strings, model names, errors,
// and agreement with a real quantize run.
#define BOOST_TEST_MODULE report_baseline
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <cmath>

#include "arrowquant/error.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/report.hpp"
#include "report_fixtures.hpp"

namespace bj = boost::json;
using aqtest::two_layer_quality_report;

namespace {
bj::value baseline_of(const std::string& report, const std::string& name = "") {
  return bj::parse(aq::report::baseline_metrics(report, name));
}
double num(const bj::value& v, const char* k) { return v.as_object().at(k).to_number<double>(); }
}  // namespace

BOOST_AUTO_TEST_CASE(every_reference_field_is_present) {
  const bj::value b = baseline_of(two_layer_quality_report());
  for (const char* k : {"model_name", "bit_width", "num_time_groups", "smoothness_score", "violation_count",
                        "violations", "boundary_scores", "cosine_similarity", "compression_ratio", "model_size_mb",
                        "quantization_time_s", "min_boundary_score", "max_boundary_score", "mean_boundary_score",
                        "std_boundary_score", "common_violation_patterns", "layers"})
    BOOST_TEST(b.as_object().contains(k), k);
  for (const auto& v : b.at("violations").as_array())
    for (const char* k : {"boundary_idx", "scale_jump", "zero_point_jump", "severity", "layer"})
      BOOST_TEST(v.as_object().contains(k), k);
}

BOOST_AUTO_TEST_CASE(model_values_aggregate_layers_by_the_documented_rule) {
  const bj::value b = baseline_of(two_layer_quality_report());
  BOOST_TEST(b.at("bit_width").as_int64() == 2);
  BOOST_TEST(b.at("num_time_groups").as_int64() == 4);
  // smoothness = mean of layer scores (the layer without time-aware metrics is not counted)
  BOOST_TEST(num(b, "smoothness_score") == 0.75, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b.at("num_layers").to_number<uint64_t>() == 2u);
  // boundary b = mean over layers of boundary b
  const auto& bs = b.at("boundary_scores").as_array();
  BOOST_REQUIRE(bs.size() == 3u);
  BOOST_TEST(bs[0].as_double() == 0.6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(bs[1].as_double() == 0.9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(bs[2].as_double() == 0.9, boost::test_tools::tolerance(1e-12));
  // statistics of those boundary scores (population std)
  BOOST_TEST(num(b, "min_boundary_score") == 0.6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(num(b, "max_boundary_score") == 0.9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(num(b, "mean_boundary_score") == 0.8, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(num(b, "std_boundary_score") == std::sqrt(0.02), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(num(b, "worst_boundary_score") == 0.5, boost::test_tools::tolerance(1e-12));
  // violations: every layer's, layer order, with the layer name
  const auto& vs = b.at("violations").as_array();
  BOOST_REQUIRE(vs.size() == 2u);
  BOOST_TEST(b.at("violation_count").to_number<uint64_t>() == 2u);
  BOOST_TEST(vs[0].at("layer").as_string() == "a.weight");
  BOOST_TEST(vs[0].at("boundary_idx").to_number<uint64_t>() == 0u);
  BOOST_TEST(vs[0].at("severity").as_string() == "high");
  BOOST_TEST(vs[1].at("layer").as_string() == "b<x>&.weight");
  BOOST_TEST(vs[1].at("boundary_idx").to_number<uint64_t>() == 2u);
  // totals copied from the report
  BOOST_TEST(num(b, "cosine_similarity") == 0.7156);
  BOOST_TEST(num(b, "compression_ratio") == 16.0);
  BOOST_TEST(num(b, "model_size_mb") == 34.2);
  BOOST_TEST(num(b, "quantization_time_s") == 1.5);
}

BOOST_AUTO_TEST_CASE(patterns_are_the_reference_strings) {
  // The two violations are those of ArrowQuant V2's example output; the cluster rule uses num_boundaries / 2.
  const bj::value b = baseline_of(two_layer_quality_report());
  std::vector<std::string> got;
  for (const auto& p : b.at("common_violation_patterns").as_array()) got.emplace_back(p.as_string());
  const std::vector<std::string> want = {"High severity violations: 1 (50.0%)", "Medium severity violations: 1 (50.0%)",
                                         "Violations at boundaries: [0, 2]", "Scale jumps: max=58.0%, avg=46.5%"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(per_layer_detail_has_its_own_summary_and_params) {
  const bj::value b = baseline_of(two_layer_quality_report());
  const auto& layers = b.at("layers").as_array();
  BOOST_REQUIRE(layers.size() == 2u);
  BOOST_TEST(layers[0].at("name").as_string() == "a.weight");
  BOOST_TEST(layers[0].at("violation_count").to_number<uint64_t>() == 1u);
  BOOST_TEST(layers[0].at("min_boundary_score").to_number<double>() == 0.5);
  BOOST_TEST(layers[0].at("scales").as_array().size() == 4u);
  BOOST_TEST(layers[1].at("common_violation_patterns").as_array().back().as_string() ==
             "Scale jumps: max=35.0%, avg=35.0%");
}

BOOST_AUTO_TEST_CASE(non_finite_sqnr_is_written_as_null) {
  const std::string text = aq::report::baseline_metrics(two_layer_quality_report("null"));
  const bj::value b = bj::parse(text);
  BOOST_TEST(b.at("layers").as_array()[1].at("sqnr_db").is_null());
  BOOST_TEST(text.find("Infinity") == std::string::npos);
  BOOST_TEST(text.find("NaN") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(model_name_comes_from_the_input_path_or_the_caller) {
  BOOST_TEST(baseline_of(two_layer_quality_report()).at("model_name").as_string() == "dream-7b");
  BOOST_TEST(baseline_of(two_layer_quality_report(), "mine").at("model_name").as_string() == "mine");
  std::string r = two_layer_quality_report();
  r.replace(r.find("/models/dream-7b/"), 17, "/m/demo-dit.safetensors");
  BOOST_TEST(baseline_of(r).at("model_name").as_string() == "demo-dit");
  r = two_layer_quality_report();
  r.replace(r.find("/models/dream-7b/"), 17, "/m/llada/model.safetensors.index.json");
  BOOST_TEST(baseline_of(r).at("model_name").as_string() == "llada");
}

BOOST_AUTO_TEST_CASE(no_violations_gives_the_single_pattern) {
  std::string r = two_layer_quality_report();
  // Drop both violations lists' entries.
  for (int i = 0; i < 4; ++i) {
    const auto a = r.find("\"violations\": [{");
    const auto e = r.find("}]", a);
    r.replace(a, e + 2 - a, "\"violations\": []");
  }
  const bj::value b = baseline_of(r);
  BOOST_TEST(b.at("violation_count").to_number<uint64_t>() == 0u);
  const auto& p = b.at("common_violation_patterns").as_array();
  BOOST_REQUIRE(p.size() == 1u);
  BOOST_TEST(p[0].as_string() == "No violations detected - excellent smoothness");
}

BOOST_AUTO_TEST_CASE(a_report_without_phase1_metrics_is_rejected_naming_the_fix) {
  const std::string r = R"({"layers": [{"name": "x", "bits": 4}], "totals": {}})";
  try {
    aq::report::baseline_metrics(r);
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(int(e.status()) == int(aq::Status::invalid_argument));
    BOOST_TEST(std::string(e.what()).find("thermodynamic.validation.enabled") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_quality_report_is_a_format_error) {
  for (const char* bad : {"not json", "[1, 2]", R"({"layers": []})", R"({"a": 1, "a": 2})"}) {
    try {
      aq::report::baseline_metrics(bad);
      BOOST_FAIL(std::string("no error for ") + bad);
    } catch (const aq::Error& e) {
      BOOST_TEST(int(e.status()) == int(aq::Status::format), bad);
    }
  }
}

BOOST_AUTO_TEST_CASE(baseline_of_a_real_run_matches_its_report_totals) {
  aqtest::TempDir dir("baseline");
  aqtest::write_tiny_mlp_model(dir / "m.safetensors");
  aq::PipelineConfig c;
  c.bit_width = 2;
  c.min_accuracy = 0;
  c.time_aware.num_time_groups = 4;
  c.time_aware.calibration_data_std = 0.1f;  // ranges change with t: violations appear
  c.effective_config_json = R"({"values": {"bit_width": 2, "num_time_groups": 4}})";
  const std::string report = aq::quantize_model(dir / "m.safetensors", dir / "q.safetensors", c, nullptr);
  const bj::value rep = bj::parse(report);
  const bj::value b = baseline_of(report);
  BOOST_TEST(num(b, "smoothness_score") == rep.at("totals").at("smoothness_score_before").to_number<double>(),
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(b.at("violation_count").to_number<uint64_t>() == rep.at("totals").at("violations_before").to_number<uint64_t>());
  BOOST_TEST(b.at("num_layers").to_number<uint64_t>() == rep.at("layers").as_array().size());
  BOOST_TEST(b.at("model_name").as_string() == "m");
  BOOST_TEST(b.at("boundary_scores").as_array().size() == 3u);
}

BOOST_AUTO_TEST_CASE(summary_text_names_the_score_band_and_patterns) {
  const std::string t = aq::report::baseline_summary_text(aq::report::baseline_metrics(two_layer_quality_report()));
  BOOST_TEST(t.find("0.7500") != std::string::npos);
  BOOST_TEST(t.find("[yellow]") != std::string::npos);
  BOOST_TEST(t.find("Violations at boundaries: [0, 2]") != std::string::npos);
}
