// The time-aware configuration: defaults, key access, JSON, range checks naming the key.
#define BOOST_TEST_MODULE timeaware_config
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/timeaware_config.hpp"

using namespace aq;

namespace {
void expect_error_naming(const std::function<void()>& f, const std::string& what) {
  try {
    f();
    BOOST_FAIL("expected an error naming " + what);
  } catch (const aq::Error& e) {
    BOOST_TEST((e.status() == Status::invalid_argument));
    BOOST_TEST(std::string(e.what()).find(what) != std::string::npos, e.what());
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(defaults_follow_the_reference_and_the_documented_defaults) {
  const TimeAwareConfig c;
  validate_config(c);
  BOOST_TEST(c.num_timesteps == 1000u);
  BOOST_TEST(c.num_time_groups == 10u);
  BOOST_TEST(c.activation_bits == 8);
  BOOST_TEST(c.calibration_data_std == 0.5f);
  BOOST_TEST(c.thermodynamic.validation.enabled);
  BOOST_TEST(c.thermodynamic.validation.smoothness_threshold == 0.3f);
  BOOST_TEST(!c.thermodynamic.boundary_smoothing.enabled);
  BOOST_TEST(c.thermodynamic.boundary_smoothing.window_size == 5);
  const auto& o = c.thermodynamic.transition_optimization;
  BOOST_TEST(!o.enabled);
  BOOST_TEST(o.learning_rate == 0.01f);
  BOOST_TEST(o.max_iterations == 50);
  BOOST_TEST(o.convergence_threshold == 1e-4f);
  BOOST_TEST(o.gradient_clip == 1.0f);
  BOOST_TEST(o.markov_weight == 0.1f);
  BOOST_TEST(o.entropy_weight == 0.05f);
  BOOST_TEST(o.smoothness_weight == 0.1f);
  BOOST_TEST((o.beta_schedule == BetaScheduleKind::linear));
}

BOOST_AUTO_TEST_CASE(every_key_round_trips_through_the_setters) {
  TimeAwareConfig c;
  for (const std::string& k : config_keys()) {
    if (config_key_is_string(k)) {
      const std::string v = get_config_string(c, k);
      set_config_string(c, k, v);
      BOOST_TEST(get_config_string(c, k) == v);
    } else {
      const double v = get_config_number(c, k);
      set_config_number(c, k, v);
      BOOST_TEST(get_config_number(c, k) == v);
    }
  }
  set_config_string(c, "thermodynamic.boundary_smoothing.interpolation", "sigmoid");
  BOOST_TEST((c.thermodynamic.boundary_smoothing.interpolation == Interpolation::sigmoid));
}

BOOST_AUTO_TEST_CASE(out_of_range_and_unknown_keys_name_the_key_and_change_nothing) {
  TimeAwareConfig c;
  expect_error_naming([&] { set_config_number(c, "thermodynamic.boundary_smoothing.window_size", 21); },
                      "thermodynamic.boundary_smoothing.window_size");
  expect_error_naming([&] { set_config_number(c, "thermodynamic.transition_optimization.learning_rate", 0); },
                      "learning_rate");
  expect_error_naming([&] { set_config_number(c, "thermodynamic.validation.smoothness_threshold", 1.5); },
                      "smoothness_threshold");
  expect_error_naming([&] { set_config_number(c, "num_time_groups", 0); }, "num_time_groups");
  expect_error_naming([&] { set_config_number(c, "num_time_groups", 2.5); }, "num_time_groups");
  expect_error_naming([&] { set_config_number(c, "thermodynamic.validation.enabled", 2); }, "enabled");
  expect_error_naming([&] { set_config_number(c, "beta_start", 0.5); }, "beta_start");  // exceeds beta_end 0.02
  expect_error_naming([&] { set_config_number(c, "no_such_key", 1); }, "no_such_key");
  expect_error_naming([&] { set_config_string(c, "beta_schedule", "quadratic"); }, "beta_schedule");
  validate_config(c);
  BOOST_TEST(c.thermodynamic.boundary_smoothing.window_size == 5);
  BOOST_TEST(c.beta_start == 1e-4f);
}

BOOST_AUTO_TEST_CASE(json_applies_nested_keys_atomically) {
  TimeAwareConfig c;
  apply_config_json(c, boost::json::parse(R"({"num_time_groups": 5,
      "thermodynamic": {"boundary_smoothing": {"enabled": true, "interpolation": "cubic"},
                        "transition_optimization": {"smoothness_weight": 0, "beta_schedule": "cosine"}}})"));
  BOOST_TEST(c.num_time_groups == 5u);
  BOOST_TEST(c.thermodynamic.boundary_smoothing.enabled);
  BOOST_TEST((c.thermodynamic.boundary_smoothing.interpolation == Interpolation::cubic));
  BOOST_TEST(c.thermodynamic.transition_optimization.smoothness_weight == 0.0f);
  const TimeAwareConfig before = c;
  expect_error_naming([&] {
    apply_config_json(c, boost::json::parse(R"({"num_time_groups": 7, "thermodynamic": {"validation": {"bogus": 1}}})"));
  }, "thermodynamic.validation.bogus");
  BOOST_TEST(c.num_time_groups == before.num_time_groups);
  expect_error_naming([&] { apply_config_json(c, boost::json::parse(R"({"thermodynamic": {"validation": {"enabled": 1}}})")); },
                      "thermodynamic.validation.enabled");
  expect_error_naming([&] { apply_config_json(c, boost::json::parse(R"({"thermodynamic": 3})")); }, "thermodynamic");
  expect_error_naming(
      [&] { apply_config_json(c, boost::json::parse(R"({"thermodynamic": {"transition_optimization": {"max_iterations": 1.5}}})"), "quantization."); },
      "quantization.thermodynamic.transition_optimization.max_iterations");
  ThermodynamicConfig th;
  apply_thermodynamic_json(th, boost::json::parse(R"({"validation": {"smoothness_threshold": 0.5}})"));
  BOOST_TEST(th.validation.smoothness_threshold == 0.5f);
  expect_error_naming([&] { apply_thermodynamic_json(th, boost::json::parse(R"({"validation": {"x": 1}})")); },
                      "thermodynamic.validation.x");
}

BOOST_AUTO_TEST_CASE(c_abi_config_reports_format_and_argument_errors) {
  aq_timeaware_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_config_create(&c) == AQ_OK);
  BOOST_TEST(aq_timeaware_config_set_json(c, "{not json") == AQ_ERR_FORMAT);
  BOOST_TEST(aq_timeaware_config_set_json(c, R"({"activation_bits": 40})") == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("activation_bits") != std::string::npos);
  const char* v = nullptr;
  BOOST_TEST(aq_timeaware_config_set_string(c, "thermodynamic.transition_optimization.beta_schedule", "cosine") == AQ_OK);
  BOOST_TEST(aq_timeaware_config_get_string(c, "thermodynamic.transition_optimization.beta_schedule", &v) == AQ_OK);
  BOOST_TEST(std::string(v) == "cosine");
  double d = 0;
  BOOST_TEST(aq_timeaware_config_get_number(c, "thermodynamic.transition_optimization.max_iterations", &d) == AQ_OK);
  BOOST_TEST(d == 50.0);
  BOOST_TEST(aq_timeaware_config_get_number(c, "beta_schedule", &d) == AQ_ERR_INVALID_ARGUMENT);
  aq_interpolation m;
  BOOST_TEST(aq_interpolation_from_name("Linear", &m) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_interpolation_from_name("sigmoid", &m) == AQ_OK);
  BOOST_TEST(std::string(aq_interpolation_name(m)) == "sigmoid");
  BOOST_TEST(std::string(aq_severity_name(static_cast<aq_severity>(3))) == "unknown");
  aq_timeaware_config_free(c);
}
