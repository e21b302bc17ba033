// The accuracy study on a tiny generated model: the JSON shape, determinism across thread counts, that the
// chain measures quantization error (more bits, less error), option checks and errors.
#define BOOST_TEST_MODULE report_accuracy
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <cmath>

#include "arrowquant/error.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/report.hpp"
#include "report_fixtures.hpp"

namespace bj = boost::json;

namespace {

struct Model {
  aqtest::TempDir dir{"accuracy"};
  std::string path = dir / "tiny.safetensors";
  Model() { aqtest::write_tiny_mlp_model(path); }
};

aq::report::AccuracyOptions small_options() {
  aq::report::AccuracyOptions o;
  o.steps = 12;
  o.samples = 3;
  o.calibration_chains = 3;
  return o;
}

aq::PipelineConfig config(int bits, uint64_t groups, int threads = 0) {
  aq::PipelineConfig c;
  c.bit_width = bits;
  c.group_size = 32;
  c.num_threads = threads;
  c.time_aware.num_time_groups = groups;
  c.time_aware.num_timesteps = 100;
  c.time_aware.calibration_data_std = 0.1f;
  c.time_aware.thermodynamic.transition_optimization.max_iterations = 10;
  return c;
}

// The document without wall-clock fields (they differ between runs by nature).
void strip_times(bj::value& v) {
  if (auto* o = v.if_object()) {
    for (auto it = o->begin(); it != o->end();) {
      const std::string k(it->key());
      if (k.size() > 2 && k.compare(k.size() - 2, 2, "_s") == 0) it = o->erase(it);
      else {
        strip_times(it->value());
        ++it;
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& e : *a) strip_times(e);
  }
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const aq::Error& e) {
    return int(e.status());
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(study_json_has_the_four_variants_and_their_curves) {
  Model m;
  const bj::value a = bj::parse(aq::report::accuracy_study(m.path, config(4, 4), small_options()));
  BOOST_TEST(a.at("model").as_string() == "tiny");
  BOOST_TEST(a.at("bits").as_int64() == 4);
  BOOST_TEST(a.at("time_groups").to_number<uint64_t>() == 4u);
  const auto& vs = a.at("variants").as_array();
  BOOST_REQUIRE(vs.size() == 4u);
  const char* names[] = {"baseline", "smoothing", "optimization", "both"};
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(vs[i].at("name").as_string() == names[i]);
    const auto& curve = vs[i].at("error_curve").as_array();
    BOOST_TEST(curve.size() == 12u);
    for (const auto& e : curve) BOOST_TEST(std::isfinite(e.to_number<double>()));
    BOOST_TEST(vs[i].at("final_relative_error").to_number<double>() == curve.back().to_number<double>());
    const double s = vs[i].at("smoothness_score").to_number<double>();
    BOOST_TEST((s >= 0.0 && s <= 1.0));
    BOOST_TEST(vs[i].at("violation_count").is_number());
    BOOST_TEST(vs[i].at("layers").as_array().size() == 4u);  // two blocks: up and down each
  }
  // Without phases the parameters are the Phase 1 input: before == after.
  BOOST_TEST(vs[0].at("smoothness_score").to_number<double>() == vs[0].at("smoothness_score_before").to_number<double>());
  // The denoiser is made of the model's MLP pairs, in block order.
  const auto& layers = a.at("denoiser").at("layers").as_array();
  BOOST_REQUIRE(layers.size() == 4u);
  BOOST_TEST(layers[0].as_string() == "blocks.0.mlp.up.weight");
  BOOST_TEST(layers[1].as_string() == "blocks.0.mlp.down.weight");
  BOOST_TEST(layers[2].as_string() == "blocks.1.mlp.up.weight");
  // Model-wide metrics cover every layer the pipeline quantizes (4 MLP + 2 attention matrices).
  BOOST_TEST(vs[0].at("model_layers").to_number<uint64_t>() == 6u);
  BOOST_TEST(a.at("timesteps").as_array().front().to_number<uint64_t>() == 99u);
  BOOST_TEST(a.at("timesteps").as_array().back().to_number<uint64_t>() == 0u);
}

BOOST_AUTO_TEST_CASE(study_is_identical_for_any_thread_count) {
  Model m;
  bj::value one = bj::parse(aq::report::accuracy_study(m.path, config(2, 4, 1), small_options()));
  bj::value two = bj::parse(aq::report::accuracy_study(m.path, config(2, 4, 2), small_options()));
  strip_times(one);
  strip_times(two);
  BOOST_TEST(bj::serialize(one) == bj::serialize(two));
}

BOOST_AUTO_TEST_CASE(fewer_weight_bits_accumulate_more_error) {
  Model m;
  auto weights_only = [&](int bits) {
    const bj::value a = bj::parse(aq::report::accuracy_study(m.path, config(bits, 4), small_options()));
    return a.at("reference").at("weights_only").at("final_relative_error").to_number<double>();
  };
  const double e2 = weights_only(2), e4 = weights_only(4), e8 = weights_only(8);
  BOOST_TEST(e8 < e4);
  BOOST_TEST(e4 < e2);
  BOOST_TEST(e8 > 0.0);
}

BOOST_AUTO_TEST_CASE(a_coarser_activation_grid_adds_error) {
  // Same weights, calibration and noise: only the activation grid differs between the two studies.
  Model m;
  auto baseline_error = [&](int activation_bits) {
    aq::PipelineConfig c = config(8, 4);
    c.time_aware.activation_bits = activation_bits;
    const bj::value a = bj::parse(aq::report::accuracy_study(m.path, c, small_options()));
    return a.at("variants").as_array()[0].at("final_relative_error").to_number<double>();
  };
  BOOST_TEST(baseline_error(4) > baseline_error(16));
}

BOOST_AUTO_TEST_CASE(chain_calibration_ranges_change_with_t) {
  Model m;
  const bj::value a = bj::parse(aq::report::accuracy_study(m.path, config(4, 4), small_options()));
  for (const auto& l : a.at("calibration_ranges").as_array())
    BOOST_TEST(l.at("range_ratio").to_number<double>() > 1.5, l.at("name").as_string());
}

BOOST_AUTO_TEST_CASE(other_calibrations_are_named_in_the_report) {
  Model m;
  aq::report::AccuracyOptions o = small_options();
  o.calibration = "data-free";
  o.model_metrics = false;
  const bj::value a = bj::parse(aq::report::accuracy_study(m.path, config(4, 4), o));
  BOOST_TEST(std::string(a.at("calibration").as_string()).rfind("data-free", 0) == 0u);
  BOOST_TEST(!a.at("variants").as_array()[0].as_object().contains("model_smoothness_score"));
  o.calibration = "file";
  BOOST_TEST(status_of([&] { aq::report::accuracy_study(m.path, config(4, 4), o); }) ==
             int(aq::Status::invalid_argument));
}

BOOST_AUTO_TEST_CASE(options_are_parsed_and_checked_by_key) {
  const auto o = aq::report::parse_accuracy_options(
      R"({"steps": 20, "samples": 2, "blocks": 1, "block_gain": 0.5, "calibration": "data-free", "seed": 7,
          "layers": ["a", "b"], "model_metrics": false})");
  BOOST_TEST(o.steps == 20u);
  BOOST_TEST(o.samples == 2u);
  BOOST_TEST(o.blocks == 1u);
  BOOST_TEST(o.block_gain == 0.5);
  BOOST_TEST(o.calibration == "data-free");
  BOOST_TEST(o.seed == 7u);
  BOOST_TEST(o.layers.size() == 2u);
  BOOST_TEST(!o.model_metrics);
  for (const char* bad : {R"({"stpes": 3})", R"({"steps": 1})", R"({"steps": 2.5})", R"({"calibration": "x"})",
                          R"({"layers": ["only-one"]})", R"({"block_gain": 0})", "[1]", "{"}) {
    try {
      aq::report::parse_accuracy_options(bad);
      BOOST_FAIL(std::string("accepted ") + bad);
    } catch (const aq::Error& e) {
      BOOST_TEST(int(e.status()) == int(aq::Status::invalid_argument), bad);
    }
  }
  try {
    aq::report::parse_accuracy_options(R"({"stpes": 3})");
  } catch (const aq::Error& e) {
    BOOST_TEST(std::string(e.what()).find("stpes") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_rejected_with_a_named_cause) {
  Model m;
  aq::report::AccuracyOptions o = small_options();
  o.steps = 101;  // more than num_timesteps
  BOOST_TEST(status_of([&] { aq::report::accuracy_study(m.path, config(4, 4), o); }) ==
             int(aq::Status::invalid_argument));
  o = small_options();
  o.layers = {"blocks.0.mlp.up.weight", "blocks.0.attn.to_q.weight"};  // not [d, m]
  try {
    aq::report::accuracy_study(m.path, config(4, 4), o);
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(int(e.status()) == int(aq::Status::invalid_argument));
    BOOST_TEST(std::string(e.what()).find("blocks.0.attn.to_q.weight") != std::string::npos);
  }
  BOOST_TEST(status_of([&] { aq::report::accuracy_study(m.dir / "missing.safetensors", config(4, 4), small_options()); }) ==
             int(aq::Status::io));
}

BOOST_AUTO_TEST_CASE(a_model_without_layer_pairs_is_unsupported) {
  aqtest::TempDir dir("nopairs");
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(dir / "m.safetensors", wo);
  const auto v = aqtest::gaussian(48 * 16, 0.1, 3);
  w.declare("x.weight", aq::st::DType::F32, {48, 16});
  w.begin();
  w.write("x.weight", v.data(), v.size() * 4);
  w.commit();
  BOOST_TEST(status_of([&] { aq::report::accuracy_study(dir / "m.safetensors", config(4, 4), small_options()); }) ==
             int(aq::Status::unsupported));
}
