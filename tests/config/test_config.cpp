// The configuration: defaults and profiles, key access, JSON round trip, and an error naming the key for every
// kind of bad value of every key.
#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include <string>

#include <boost/json.hpp>

#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "../io/io_test_util.hpp"

using aq::Config;
using aq::Status;
using iotest::expect_error;
namespace bj = boost::json;

BOOST_AUTO_TEST_CASE(defaults_are_the_local_profile_with_source_default) {
  const Config c;
  const aq::Settings& v = c.values();
  const aq::TimeAwareConfig& t = v.time_aware;
  BOOST_TEST(v.bit_width == 4);
  BOOST_TEST(t.num_time_groups == 10u);
  BOOST_TEST(v.group_size == 128);
  BOOST_TEST(v.min_accuracy == 0.85);
  BOOST_TEST(t.calibration_samples == 128u);
  BOOST_TEST(int(v.deployment_profile) == int(aq::Profile::local));
  BOOST_TEST(v.enable_time_aware);
  BOOST_TEST(t.thermodynamic.validation.enabled);
  BOOST_TEST(!t.thermodynamic.boundary_smoothing.enabled);
  BOOST_TEST(t.thermodynamic.boundary_smoothing.window_size == 5);
  BOOST_TEST(!t.thermodynamic.transition_optimization.enabled);
  BOOST_TEST(t.thermodynamic.transition_optimization.gradient_clip == 1.0f);
  BOOST_TEST(t.thermodynamic.transition_optimization.smoothness_weight == 0.1f);
  BOOST_TEST(t.num_timesteps == 1000u);
  BOOST_TEST(t.activation_bits == 8);
  BOOST_TEST(t.beta_start == 1e-4f);
  BOOST_TEST(t.beta_end == 0.02f);
  BOOST_TEST(t.calibration_data_std == 0.5f);
  BOOST_TEST(v.max_shard_size_mb == 0u);  // null
  BOOST_TEST(v.calibration_file.empty());  // null
  for (const auto& k : Config::leaf_keys()) BOOST_TEST(c.source(k) == "default", k);
  c.validate();
}

BOOST_AUTO_TEST_CASE(profiles_set_bits_groups_group_size_accuracy_and_samples) {
  struct Row {
    aq::Profile p;
    const char* name;
    int bits, groups, gs;
    double acc;
    int samples;
  };
  const Row rows[] = {{aq::Profile::edge, "edge", 2, 5, 256, 0.65, 32},
                      {aq::Profile::local, "local", 4, 10, 128, 0.85, 128},
                      {aq::Profile::cloud, "cloud", 8, 20, 64, 0.95, 512}};
  for (const auto& r : rows) {
    const Config c = Config::from_profile(r.p);
    BOOST_TEST(c.values().bit_width == r.bits);
    BOOST_TEST(c.values().time_aware.num_time_groups == uint64_t(r.groups));
    BOOST_TEST(c.values().group_size == r.gs);
    BOOST_TEST(c.values().min_accuracy == r.acc);
    BOOST_TEST(c.values().time_aware.calibration_samples == uint64_t(r.samples));
    const std::string src = std::string("profile:") + r.name;
    for (const char* k : {"bit_width", "num_time_groups", "group_size", "min_accuracy", "calibration_samples"})
      BOOST_TEST(c.source(k) == src, k);
    BOOST_TEST(c.source("deployment_profile") == "cli");
    BOOST_TEST(c.source("num_timesteps") == "default");  // not profile-dependent
    BOOST_TEST(aq::profile_name(r.p) == std::string(r.name));
  }
  expect_error([] { aq::parse_profile("tiny"); }, Status::invalid_argument, {"deployment_profile", "\"tiny\""});
}

BOOST_AUTO_TEST_CASE(get_and_set_by_dotted_key) {
  Config c;
  c.set_text("thermodynamic.boundary_smoothing.window_size", "7");
  BOOST_TEST(c.get_text("thermodynamic.boundary_smoothing.window_size") == "7");
  BOOST_TEST(c.values().time_aware.thermodynamic.boundary_smoothing.window_size == 7);
  BOOST_TEST(c.source("thermodynamic.boundary_smoothing.window_size") == "cli");
  c.set_text("mode", "search");  // a bare word is a string
  BOOST_TEST(c.get_text("mode") == "\"search\"");
  BOOST_TEST(int(c.values().mode) == int(aq::Mode::search));
  c.set_text("min_accuracy", "0.9");
  BOOST_TEST(c.get("min_accuracy").as_double() == 0.9);
  c.set_text("bit_width", "8.0");  // an integral real is an integer
  BOOST_TEST(c.get_text("bit_width") == "8");
  c.set_text("max_shard_size_mb", "512");
  BOOST_TEST(c.values().max_shard_size_mb == 512u);
  c.set_text("max_shard_size_mb", "null");
  BOOST_TEST(c.values().max_shard_size_mb == 0u);
  c.set_text("sensitive_layer_patterns", R"(["^lm_head$", "norm"])");
  BOOST_TEST(c.values().sensitive_layer_patterns.size() == 2u);
  c.set_text("layer_bit_widths", R"({"blocks.0.attn.qkv": 8, "embed.*": 16})");
  BOOST_TEST(c.values().layer_bit_widths.size() == 2u);
  BOOST_TEST(c.values().layer_bit_widths[1].second == 16);
  c.set_text("thermodynamic.validation", R"({"enabled": false, "smoothness_threshold": 0.25})");
  BOOST_TEST(!c.values().time_aware.thermodynamic.validation.enabled);
  BOOST_TEST(c.values().time_aware.thermodynamic.validation.smoothness_threshold == 0.25f);
  const bj::value sec = c.get("thermodynamic.validation");
  BOOST_TEST(sec.at("enabled").as_bool() == false);
  BOOST_TEST(sec.at("log_violations").as_bool() == true);
  BOOST_TEST(c.get("thermodynamic").at("boundary_smoothing").at("window_size").as_int64() == 7);
  c.unset("thermodynamic.validation");
  BOOST_TEST(c.values().time_aware.thermodynamic.validation.enabled);
  BOOST_TEST(c.source("thermodynamic.validation.enabled") == "default");
  expect_error([&] { c.source("thermodynamic"); }, Status::invalid_argument, {"'thermodynamic' is a section"});
  expect_error([&] { c.get("nope"); }, Status::invalid_argument, {"unknown configuration key 'nope'"});
}

BOOST_AUTO_TEST_CASE(effective_config_round_trips_through_json) {
  Config c = Config::from_profile(aq::Profile::cloud);
  c.merge_json(R"({"thermodynamic":{"transition_optimization":{"enabled":true,"learning_rate":0.05}},
                   "calibration_file":"cal.json","target_model_size_mb":123.5,"sensitive_layer_names":["x"],
                   "beta_schedule":"cosine","beta_start":0.00085,"beta_end":0.012})");
  const std::string text = aq::json::to_text(c.to_json());
  BOOST_TEST(text.find("Infinity") == std::string::npos);
  BOOST_TEST(text.find("NaN") == std::string::npos);
  Config d;
  d.merge_json(text);
  BOOST_TEST(aq::json::to_text(d.to_json()) == text);
  for (const auto& k : Config::leaf_keys()) BOOST_TEST(d.source(k) == "config", k);
  BOOST_TEST(d.values().time_aware.thermodynamic.transition_optimization.learning_rate == 0.05f);
  BOOST_TEST(d.values().calibration_file == "cal.json");
  BOOST_TEST(d.values().time_aware.beta_start == 0.00085f);
  // every key is present, nested by section
  const bj::object j = c.to_json();
  BOOST_TEST(j.at("thermodynamic").at("validation").at("smoothness_threshold").as_double() == 0.3);
  BOOST_TEST(j.at("max_memory_limit_mb").is_null());
  const bj::object s = c.sources_json();
  BOOST_TEST(s.size() == Config::leaf_keys().size());
  BOOST_TEST(s.at("bit_width").as_string() == "profile:cloud");
  BOOST_TEST(s.at("thermodynamic.transition_optimization.learning_rate").as_string() == "config");
  const bj::object rep = c.report_json();
  BOOST_TEST(rep.at("values") == bj::value(j));
  BOOST_TEST(rep.at("sources") == bj::value(s));
}

namespace {

// A value of the wrong JSON type for a key of this kind.
const char* wrong_type(const std::string& key) {
  const Config c;
  const bj::value v = c.get(key);
  if (v.is_array()) return "5";
  if (v.is_object()) return "[1]";
  if (v.is_bool()) return "\"yes\"";
  if (v.is_string()) return "7";
  if (v.is_null()) return "{}";
  return "\"many\"";  // numbers
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_key_rejects_a_wrong_type_naming_the_full_key) {
  for (const std::string& key : Config::leaf_keys()) {
    Config c;
    // as a nested config file would have it
    bj::object root;
    {
      bj::object* cur = &root;
      std::string rest = key;
      for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
        cur = &(*cur)[rest.substr(0, dot)].emplace_object();
        rest = rest.substr(dot + 1);
      }
      (*cur)[rest] = bj::parse(wrong_type(key));
    }
    const std::string before = aq::json::to_text(c.to_json());
    expect_error([&] { c.merge_json(root); }, Status::invalid_argument, {("'" + key + "'").c_str()});
    BOOST_TEST(aq::json::to_text(c.to_json()) == before, key);  // nothing applied
    expect_error([&] { c.set_text(key, wrong_type(key)); }, Status::invalid_argument, {("'" + key + "'").c_str()});
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_values_name_the_key_and_the_range) {
  struct Case {
    const char* key;
    const char* value;
    const char* needle;
  };
  const Case cases[] = {
      {"bit_width", "3", "2, 4 or 8"},
      {"bit_width", "4.5", "must be an integer"},
      {"num_time_groups", "0", "[1, 1000000]"},
      {"num_time_groups", "1000001", "[1, 1000000]"},
      {"group_size", "48", "32, 64, 128 or 256"},
      {"min_accuracy", "1.5", "[0, 1]"},
      {"min_accuracy", "-0.1", "[0, 1]"},
      {"calibration_samples", "0", "[1, 1000000]"},
      {"deployment_profile", "\"tiny\"", "\"edge\", \"local\", \"cloud\""},
      {"num_threads", "-1", "[0, 4096]"},
      {"sensitive_layer_names", "[\"a\", 3]", "'sensitive_layer_names[1]': must be a string"},
      {"sensitive_layer_patterns", "[\"(unclosed\"]", "'sensitive_layer_patterns[0]': invalid regular expression"},
      {"layer_bit_widths", "{\"x\": 3}", "'layer_bit_widths[\"x\"]': must be 2, 4, 8 or 16"},
      {"target_model_size_mb", "0", "(0, "},
      {"max_memory_limit_mb", "0", "[1, "},
      {"thermodynamic.validation.smoothness_threshold", "1.01", "[0, 1]"},
      {"thermodynamic.boundary_smoothing.window_size", "21", "[1, 20]"},
      {"thermodynamic.boundary_smoothing.interpolation", "\"spline\"", "\"linear\", \"cubic\", \"sigmoid\""},
      {"thermodynamic.transition_optimization.markov_weight", "-1", "[0, "},
      {"thermodynamic.transition_optimization.learning_rate", "0", "(0, 1]"},
      {"thermodynamic.transition_optimization.max_iterations", "0", "[1, "},
      {"thermodynamic.transition_optimization.convergence_threshold", "0", "(0, "},
      {"thermodynamic.transition_optimization.beta_schedule", "\"quadratic\"", "\"linear\", \"cosine\""},
      {"thermodynamic.transition_optimization.gradient_clip", "0", "(0, "},
      {"thermodynamic.transition_optimization.smoothness_weight", "-0.5", "[0, "},
      {"mode", "\"gptq\"", "\"rtn\", \"search\""},
      {"activation_bits", "1", "[2, 16]"},
      {"num_timesteps", "0", "[1, 1000000]"},
      {"beta_start", "0", "(0, 1)"},
      {"beta_end", "1", "(0, 1)"},
      {"calibration_file", "\"\"", "non-empty string"},
      {"calibration_data_std", "0", "(0, "},
      {"max_shard_size_mb", "0", "[1, "},
  };
  for (const auto& cs : cases) {
    Config c;
    const std::string msg = expect_error([&] { c.set_text(cs.key, cs.value); }, Status::invalid_argument,
                                         {(std::string("'") + cs.key).c_str(), cs.needle});
    BOOST_TEST(c.source(Config::leaf_keys().front()) == "default");
  }
  // JSON cannot hold NaN/Inf; a number too large for a double is rejected at parse time
  Config c;
  expect_error([&] { c.set_text("min_accuracy", "1e999"); }, Status::invalid_argument, {"min_accuracy", "out of range"});
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_errors_with_the_full_path_and_a_hint) {
  Config c;
  expect_error([&] { c.merge_json(R"({"bits": 4})"); }, Status::invalid_argument,
               {"unknown configuration key 'bits'", "did you mean 'bit_width'?"});
  expect_error([&] { c.merge_json(R"({"thermodynamic":{"validation":{"enabeld":true}}})"); }, Status::invalid_argument,
               {"'thermodynamic.validation.enabeld'", "did you mean 'thermodynamic.validation.enabled'?"});
  expect_error([&] { c.merge_json(R"({"thermodynamic":{"smoothing":{}}})"); }, Status::invalid_argument,
               {"'thermodynamic.smoothing'"});
  expect_error([&] { c.set_text("num-time-groups", "4"); }, Status::invalid_argument,
               {"'num-time-groups'", "did you mean 'num_time_groups'?"});
  expect_error([&] { c.merge_json(R"({"thermodynamic": 5})"); }, Status::invalid_argument,
               {"'thermodynamic'", "must be an object"});
  expect_error([&] { c.set_text("thermodynamic.validation.x", "1"); }, Status::invalid_argument,
               {"'thermodynamic.validation.x'"});
  expect_error([&] { c.unset("nope"); }, Status::invalid_argument, {"'nope'"});
}

BOOST_AUTO_TEST_CASE(malformed_json_is_a_format_error_and_non_objects_are_invalid) {
  Config c;
  expect_error([&] { c.merge_json("{\"bit_width\": }"); }, Status::format, {"configuration JSON", "invalid JSON"});
  expect_error([&] { c.merge_json(R"({"bit_width": 2, "bit_width": 8})"); }, Status::format,
               {"duplicate key \"bit_width\""});
  expect_error([&] { c.merge_json("[1]"); }, Status::invalid_argument, {"must be an object"});
}

BOOST_AUTO_TEST_CASE(a_rejected_merge_changes_nothing) {
  Config c;
  expect_error([&] { c.merge_json(R"({"bit_width": 2, "group_size": 7})"); }, Status::invalid_argument,
               {"'group_size'"});
  BOOST_TEST(c.values().bit_width == 4);
  BOOST_TEST(c.source("bit_width") == "default");
}

BOOST_AUTO_TEST_CASE(rules_between_keys_are_checked_by_validate_whatever_the_order_of_setting) {
  Config c;
  c.set_text("beta_start", "0.05");  // above the default beta_end: fine until validated
  expect_error([&] { c.validate(); }, Status::invalid_argument, {"'beta_start'", "'beta_end'", "from cli", "from default"});
  c.set_text("beta_end", "0.1");
  c.validate();
  c.set_text("num_timesteps", "1");
  expect_error([&] { c.validate(); }, Status::invalid_argument, {"'num_timesteps'", "'beta_schedule'"});
  c.set_text("beta_schedule", "cosine");
  c.validate();
}

BOOST_AUTO_TEST_CASE(config_file_is_read_and_errors_name_the_file) {
  iotest::TempDir d;
  iotest::write_text(d / "c.json", R"({"deployment_profile": "edge", "bit_width": 8})");
  Config c;
  c.load_file(d / "c.json");
  BOOST_TEST(c.values().bit_width == 8);
  BOOST_TEST(c.source("bit_width") == "config");
  BOOST_TEST(c.values().group_size == 256);  // the file's profile fills the keys it does not set
  BOOST_TEST(c.source("group_size") == "profile:edge");
  iotest::write_text(d / "bad.json", R"({"group_size": 100})");
  expect_error([&] { c.load_file(d / "bad.json"); }, Status::invalid_argument, {"bad.json", "'group_size'"});
  iotest::write_text(d / "syntax.json", "{");
  expect_error([&] { c.load_file(d / "syntax.json"); }, Status::format, {"syntax.json", "invalid JSON"});
  expect_error([&] { c.load_file(d / "missing.json"); }, Status::io, {"missing.json", "cannot open"});
}

BOOST_AUTO_TEST_CASE(docs_config_md_lists_every_key_and_variable) {
  const auto bytes = iotest::read_file(std::string(AQ_SOURCE_DIR) + "/docs/config.md");
  const std::string doc(bytes.begin(), bytes.end());
  BOOST_TEST_REQUIRE(!doc.empty());
  for (const auto& k : Config::leaf_keys()) BOOST_TEST(doc.find("`" + k + "`") != std::string::npos, k);
  for (const auto& [var, key] : Config::env_variables()) BOOST_TEST(doc.find("`" + var + "`") != std::string::npos, var);
}
