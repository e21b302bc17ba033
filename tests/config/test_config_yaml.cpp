// YAML configuration files: both layouts of the older system load, YAML 1.2 core-schema typing, duplicate keys,
// anchors and aliases, errors naming file:line:column and the key, the retired keys' warnings (YAML and JSON),
// and every profile's values round-tripping JSON <-> YAML.
#define BOOST_TEST_MODULE config_yaml
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "../io/io_test_util.hpp"
#include "temp_dir.hpp"

using aq::Config;
using aq::Status;
using iotest::expect_error;
namespace bj = boost::json;

namespace {

const std::string kData = std::string(AQ_SOURCE_DIR) + "/tests/data/config/";

std::string write(const aqtest::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// JSON value -> YAML text through yaml-cpp's emitter (block style), the way a user would write the file.
void emit(YAML::Emitter& out, const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: out << YAML::Null; break;
    case bj::kind::bool_: out << v.get_bool(); break;
    case bj::kind::int64: out << v.get_int64(); break;
    case bj::kind::uint64: out << v.get_uint64(); break;
    case bj::kind::double_: out << v.get_double(); break;
    case bj::kind::string: out << YAML::DoubleQuoted << std::string(v.get_string().c_str()); break;
    case bj::kind::array:
      out << YAML::BeginSeq;
      for (const auto& e : v.get_array()) emit(out, e);
      out << YAML::EndSeq;
      break;
    case bj::kind::object:
      out << YAML::BeginMap;
      for (const auto& kv : v.get_object()) {
        out << YAML::Key << std::string(kv.key()) << YAML::Value;
        emit(out, kv.value());
      }
      out << YAML::EndMap;
      break;
  }
}

std::string to_yaml(const bj::value& v) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  emit(out, v);
  return out.c_str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(top_level_layout_loads_with_one_warning_per_retired_key) {
  Config c;
  c.load_file(kData + "top_level.yaml");
  const auto& v = c.values();
  BOOST_TEST(v.bit_width == 4);
  BOOST_TEST(v.time_aware.thermodynamic.boundary_smoothing.enabled);
  BOOST_TEST(v.time_aware.thermodynamic.boundary_smoothing.window_size == 3);
  BOOST_TEST(int(v.time_aware.thermodynamic.boundary_smoothing.interpolation) == int(aq::Interpolation::cubic));
  BOOST_TEST(v.time_aware.thermodynamic.transition_optimization.max_iterations == 50);
  BOOST_TEST(v.sensitive_layer_patterns.size() == 2u);
  BOOST_TEST(v.sensitive_layer_patterns[0] == "(^|\\.)norm");  // double-quoted YAML escapes
  BOOST_TEST(v.sensitive_layer_patterns[1] == "^final_layer\\.");  // single-quoted: no escapes
  BOOST_TEST(v.target_model_size_mb == 0.0);  // ~ = null = no target
  BOOST_TEST(c.source("thermodynamic.boundary_smoothing.window_size") == "config");
  const auto& w = c.warnings();
  BOOST_TEST(w.size() == 8u);
  for (const char* k : {"modality", "enable_spatial", "use_arrow", "enable_simd", "simd_threshold",
                        "enable_memory_aware_scheduling", "enable_entropy_adaptation", "enable_mixed_precision"}) {
    int n = 0;
    for (const auto& m : w)
      if (m.find("'" + std::string(k) + "' has no effect") != std::string::npos) ++n;
    BOOST_TEST(n == 1, k);
  }
  // Loading the same file again adds no second copy of a warning.
  c.load_file(kData + "top_level.yaml");
  BOOST_TEST(c.warnings().size() == 8u);
}

BOOST_AUTO_TEST_CASE(quantization_wrapped_layout_loads_and_aliases_resolve) {
  Config c;
  c.load_file(kData + "quantization_wrapped.yaml");
  const auto& v = c.values();
  BOOST_TEST(v.bit_width == 8);
  BOOST_TEST(v.time_aware.num_time_groups == 5u);
  BOOST_TEST(int(v.deployment_profile) == int(aq::Profile::cloud));
  BOOST_TEST(v.min_accuracy == 0.95);  // from the cloud profile the file chose
  BOOST_TEST(c.source("min_accuracy") == "profile:cloud");
  BOOST_TEST(int(v.time_aware.beta_schedule) == int(aq::BetaScheduleKind::cosine));
  BOOST_TEST(int(v.time_aware.thermodynamic.transition_optimization.beta_schedule) ==
             int(aq::BetaScheduleKind::cosine));  // *schedule
  BOOST_TEST(v.time_aware.thermodynamic.validation.smoothness_threshold == 0.25f);
  BOOST_TEST(c.warnings().size() == 1u);
  BOOST_TEST(c.warnings()[0].find("'modality'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(both_layouts_give_the_same_settings) {
  const std::string body = "bit_width: 2\nthermodynamic:\n  validation:\n    smoothness_threshold: 0.4\n";
  std::string wrapped = "quantization:\n";
  for (std::size_t p = 0, e; p < body.size(); p = e + 1) {
    e = body.find('\n', p);
    wrapped += "  " + body.substr(p, e - p) + "\n";
  }
  Config a, b;
  a.merge_yaml(body);
  b.merge_yaml(wrapped);
  BOOST_TEST(aq::json::to_text(a.to_json()) == aq::json::to_text(b.to_json()));
  BOOST_TEST(a.values().bit_width == 2);
  // The wrapper works in JSON too, and must be the only top-level key.
  Config j;
  j.merge_json(R"({"quantization": {"bit_width": 2, "thermodynamic": {"validation": {"smoothness_threshold": 0.4}}}})");
  BOOST_TEST(aq::json::to_text(j.to_json()) == aq::json::to_text(a.to_json()));
  expect_error([&] { j.merge_json(R"({"quantization": {}, "bit_width": 4})"); }, Status::invalid_argument,
               {"'quantization'", "only top-level key"});
}

BOOST_AUTO_TEST_CASE(every_profile_round_trips_json_yaml_json) {
  for (aq::Profile p : {aq::Profile::edge, aq::Profile::local, aq::Profile::cloud}) {
    Config c = Config::from_profile(p);
    c.set_text("sensitive_layer_names", R"(["lm_head", "123", "true"])");  // strings that look like other types
    c.set_text("layer_bit_widths", R"({"blocks.0": 8})");
    const bj::object json = c.to_json();
    const std::string yaml = to_yaml(json);
    Config from_yaml;
    from_yaml.merge_yaml(yaml, "emitted.yaml");
    BOOST_TEST(aq::json::to_text(from_yaml.to_json()) == aq::json::to_text(json), aq::profile_name(p) << "\n" << yaml);
    // JSON text is YAML 1.2: the same text read as YAML gives the same configuration.
    Config json_as_yaml;
    json_as_yaml.merge_yaml(aq::json::to_text(json));
    BOOST_TEST(aq::json::to_text(json_as_yaml.to_json()) == aq::json::to_text(json));
  }
}

BOOST_AUTO_TEST_CASE(core_schema_quoted_number_is_a_string_and_a_type_error_naming_the_key) {
  Config c;
  expect_error([&] { c.merge_yaml("bit_width: \"4\"\n", "q.yaml"); }, Status::invalid_argument,
               {"q.yaml:1:1:", "'bit_width'", "must be", "quoted number is a string"});
  expect_error([&] { c.merge_yaml("min_accuracy: '0.9'\n", "q.yaml"); }, Status::invalid_argument,
               {"'min_accuracy'", "quoted number"});
  // And a quoted word where a string belongs is fine.
  c.merge_yaml("mode: \"search\"\n");
  BOOST_TEST(int(c.values().mode) == int(aq::Mode::search));
}

BOOST_AUTO_TEST_CASE(core_schema_yes_and_on_are_not_booleans) {
  Config c;
  for (const char* word : {"yes", "on", "No", "OFF"})
    expect_error([&] { c.merge_yaml(std::string("fail_fast: ") + word + "\n", "b.yaml"); }, Status::invalid_argument,
                 {"b.yaml:1:1:", "'fail_fast'", "write true or false"});
  for (const char* word : {"true", "True", "TRUE"}) {
    Config d;
    d.merge_yaml(std::string("fail_fast: ") + word + "\n");
    BOOST_TEST(d.values().fail_fast, word);
  }
}

BOOST_AUTO_TEST_CASE(core_schema_null_means_unset_where_null_is_allowed) {
  Config c;
  c.merge_yaml("max_shard_size_mb: 512\ncalibration_file: cal.json\n");
  c.merge_yaml("max_shard_size_mb: ~\ncalibration_file: null\ntarget_model_size_mb:\n");
  BOOST_TEST(c.values().max_shard_size_mb == 0u);
  BOOST_TEST(c.values().calibration_file.empty());
  BOOST_TEST(c.get("calibration_file").is_null());
  expect_error([&] { c.merge_yaml("bit_width: ~\n", "n.yaml"); }, Status::invalid_argument,
               {"n.yaml:1:1:", "'bit_width'", "got null"});
}

BOOST_AUTO_TEST_CASE(core_schema_integer_and_float_forms) {
  Config c;
  c.merge_yaml("group_size: 0x40\nnum_timesteps: 1e3\nnum_time_groups: 0o17\nbeta_end: .05\n");
  BOOST_TEST(c.values().group_size == 64);
  BOOST_TEST(c.values().time_aware.num_timesteps == 1000u);
  BOOST_TEST(c.values().time_aware.num_time_groups == 15u);
  BOOST_TEST(c.values().time_aware.beta_end == 0.05f);
  expect_error([&] { c.merge_yaml("min_accuracy: .nan\n"); }, Status::invalid_argument, {"'min_accuracy'"});
  expect_error([&] { c.merge_yaml("bit_width: !!str 4\n"); }, Status::invalid_argument, {"'bit_width'"});
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_an_error_naming_key_and_lines) {
  Config c;
  expect_error([&] { c.merge_yaml("bit_width: 2\nmode: rtn\nbit_width: 8\n", "d.yaml"); }, Status::format,
               {"d.yaml:3:1:", "'bit_width'", "twice", "first at line 1"});
  expect_error([&] { c.merge_yaml("thermodynamic:\n  validation: {enabled: true, enabled: false}\n", "d.yaml"); },
               Status::format, {"d.yaml:2:", "'thermodynamic.validation.enabled'", "twice"});
  BOOST_TEST(c.values().bit_width == 4);  // nothing applied
}

BOOST_AUTO_TEST_CASE(anchors_and_aliases_work) {
  Config c;
  c.merge_yaml("sensitive_layer_names: &names [a, b]\nsensitive_layer_patterns: *names\n"
               "thermodynamic:\n  validation: &v {smoothness_threshold: 0.2}\n");
  BOOST_TEST(c.values().sensitive_layer_patterns.size() == 2u);
  BOOST_TEST(c.values().sensitive_layer_patterns[1] == "b");
  BOOST_TEST(c.values().time_aware.thermodynamic.validation.smoothness_threshold == 0.2f);
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_column_and_key) {
  aqtest::TempDir dir("yaml");
  const std::string range = write(dir, "range.yaml", "bit_width: 4\nthermodynamic:\n  boundary_smoothing:\n"
                                                     "    window_size: 50\n");
  Config c;
  expect_error([&] { c.load_file(range); }, Status::invalid_argument,
               {"range.yaml:4:5:", "'thermodynamic.boundary_smoothing.window_size'", "[1, 20]", "got 50"});
  const std::string unknown = write(dir, "unknown.yml", "thermodynamic:\n  validation:\n    enabeld: true\n");
  expect_error([&] { c.load_file(unknown); }, Status::invalid_argument,
               {"unknown.yml:3:5:", "'thermodynamic.validation.enabeld'", "did you mean 'thermodynamic.validation.enabled'"});
  const std::string wrapped = write(dir, "wrapped.yaml", "quantization:\n  bits: 4\n");
  expect_error([&] { c.load_file(wrapped); }, Status::invalid_argument,
               {"wrapped.yaml:2:3:", "'bits'", "did you mean 'bit_width'"});
  const std::string element = write(dir, "element.yaml", "sensitive_layer_patterns:\n  - ok\n  - '('\n");
  expect_error([&] { c.load_file(element); }, Status::invalid_argument,
               {"element.yaml:1:1:", "sensitive_layer_patterns[1]", "regular expression"});
  const std::string syntax = write(dir, "syntax.yaml", "bit_width: 4\nmode: [rtn\n");
  expect_error([&] { c.load_file(syntax); }, Status::format, {"syntax.yaml:", "not valid YAML"});
  const std::string scalar = write(dir, "scalar.yaml", "just text\n");
  expect_error([&] { c.load_file(scalar); }, Status::invalid_argument, {"scalar.yaml:1:1:", "mapping"});
  const std::string two = write(dir, "two.yaml", "bit_width: 4\n---\nbit_width: 8\n");
  expect_error([&] { c.load_file(two); }, Status::format, {"two.yaml:", "more than one YAML document"});
  BOOST_TEST(c.values().bit_width == 4);
  BOOST_TEST(c.source("bit_width") == "default");  // every failed load changed nothing
  // An empty file is an empty configuration.
  c.load_file(write(dir, "empty.yaml", "# nothing\n"));
  BOOST_TEST(c.source("bit_width") == "default");
  // Unknown keys nobody knows stay errors (not warnings) in YAML as in JSON.
  expect_error([&] { c.merge_yaml("frobnicate: 1\n"); }, Status::invalid_argument, {"'frobnicate'"});
  expect_error([&] { c.merge_json(R"({"frobnicate": 1})"); }, Status::invalid_argument, {"'frobnicate'"});
}

BOOST_AUTO_TEST_CASE(retired_keys_warn_in_json_and_through_set_and_change_nothing) {
  Config c;
  const std::string before = aq::json::to_text(c.to_json());
  c.merge_json(R"({"enable_mixed_precision": true, "use_arrow": true, "modality": "text"})");
  BOOST_TEST(c.warnings().size() == 3u);
  BOOST_TEST(c.warnings()[0] ==
             "config key 'enable_mixed_precision' has no effect and is ignored: per-layer bits from layer_bit_widths "
             "are always honoured");
  BOOST_TEST(aq::json::to_text(c.to_json()) == before);
  c.set_text("enable_simd", "false");
  BOOST_TEST(c.warnings().size() == 4u);
  for (const auto& k : Config::leaf_keys()) BOOST_TEST(k != "enable_mixed_precision");
}

BOOST_AUTO_TEST_CASE(precedence_file_env_flags_with_yaml_and_sources_reported) {
  aqtest::TempDir dir("yaml");
  const std::string f = write(dir, "p.yaml", "bit_width: 2\nnum_time_groups: 7\ngroup_size: 32\n");
  Config c;
  c.set_text("group_size", "64");  // a flag set before the file still wins
  c.load_file(f);
  c.apply_env([](const char* name) -> const char* {
    return std::string(name) == "ARROW_QUANT_NUM_TIME_GROUPS" || std::string(name) == "ARROW_QUANT_BIT_WIDTH"
               ? (std::string(name) == "ARROW_QUANT_BIT_WIDTH" ? "8" : "3")
               : nullptr;
  });
  c.set_text("bit_width", "4");
  BOOST_TEST(c.values().bit_width == 4);
  BOOST_TEST(c.source("bit_width") == "cli");
  BOOST_TEST(c.values().time_aware.num_time_groups == 3u);
  BOOST_TEST(c.source("num_time_groups") == "env:ARROW_QUANT_NUM_TIME_GROUPS");
  BOOST_TEST(c.values().group_size == 64);
  BOOST_TEST(c.source("group_size") == "cli");
  c.unset("group_size");
  BOOST_TEST(c.values().group_size == 32);
  BOOST_TEST(c.source("group_size") == "config");
  BOOST_TEST(c.source("min_accuracy") == "default");
}
