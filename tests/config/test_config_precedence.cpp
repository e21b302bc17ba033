// Precedence defaults < profile < config < env < cli, independent of call order, with sources; ARROW_QUANT_*.
#define BOOST_TEST_MODULE config_precedence
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <map>
#include <string>

#include "arrowquant/config.hpp"
#include "../io/io_test_util.hpp"

using aq::Config;
using aq::Status;
using iotest::expect_error;

namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> fn() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(each_layer_overrides_the_one_below_and_records_its_source) {
  Config c;
  BOOST_TEST(c.values().bit_width == 4);
  BOOST_TEST(c.source("bit_width") == "default");
  c.merge_json(R"({"deployment_profile": "edge"})");
  BOOST_TEST(c.values().bit_width == 2);
  BOOST_TEST(c.source("bit_width") == "profile:edge");
  c.merge_json(R"({"bit_width": 8})");
  BOOST_TEST(c.values().bit_width == 8);
  BOOST_TEST(c.source("bit_width") == "config");
  FakeEnv env;
  env.vars["ARROW_QUANT_BIT_WIDTH"] = "2";
  c.apply_env(env.fn());
  BOOST_TEST(c.values().bit_width == 2);
  BOOST_TEST(c.source("bit_width") == "env:ARROW_QUANT_BIT_WIDTH");
  c.set_text("bit_width", "4");
  BOOST_TEST(c.values().bit_width == 4);
  BOOST_TEST(c.source("bit_width") == "cli");
  c.unset("bit_width");
  BOOST_TEST(c.source("bit_width") == "env:ARROW_QUANT_BIT_WIDTH");
  c.clear_env();
  BOOST_TEST(c.source("bit_width") == "config");
  BOOST_TEST(c.source("group_size") == "profile:edge");
  BOOST_TEST(c.source("num_timesteps") == "default");
}

BOOST_AUTO_TEST_CASE(order_of_calls_does_not_change_precedence) {
  FakeEnv env;
  env.vars["ARROW_QUANT_GROUP_SIZE"] = "64";
  env.vars["ARROW_QUANT_NUM_TIME_GROUPS"] = "7";
  Config a;  // natural order
  a.merge_json(R"({"group_size": 256, "num_time_groups": 3, "min_accuracy": 0.5})");
  a.apply_env(env.fn());
  a.set_text("num_time_groups", "12");
  Config b;  // reversed order
  b.set_text("num_time_groups", "12");
  b.apply_env(env.fn());
  b.merge_json(R"({"group_size": 256, "num_time_groups": 3, "min_accuracy": 0.5})");
  for (const Config* c : {&a, &b}) {
    BOOST_TEST(c->values().time_aware.num_time_groups == 12u);
    BOOST_TEST(c->source("num_time_groups") == "cli");
    BOOST_TEST(c->values().group_size == 64);
    BOOST_TEST(c->source("group_size") == "env:ARROW_QUANT_GROUP_SIZE");
    BOOST_TEST(c->values().min_accuracy == 0.5);
    BOOST_TEST(c->source("min_accuracy") == "config");
  }
}

BOOST_AUTO_TEST_CASE(an_explicit_profile_beats_the_config_files_profile_but_not_its_values) {
  Config c;
  c.set_text("deployment_profile", "cloud");
  c.merge_json(R"({"deployment_profile": "edge", "min_accuracy": 0.7})");
  BOOST_TEST(int(c.values().deployment_profile) == int(aq::Profile::cloud));
  BOOST_TEST(c.values().bit_width == 8);
  BOOST_TEST(c.source("bit_width") == "profile:cloud");
  BOOST_TEST(c.values().min_accuracy == 0.7);  // the file's explicit value beats the profile's
  BOOST_TEST(c.source("min_accuracy") == "config");
}

BOOST_AUTO_TEST_CASE(every_environment_variable_maps_to_its_key) {
  FakeEnv env;
  env.vars = {{"ARROW_QUANT_BIT_WIDTH", "8"},         {"ARROW_QUANT_NUM_TIME_GROUPS", "20"},
              {"ARROW_QUANT_GROUP_SIZE", "32"},       {"ARROW_QUANT_MIN_ACCURACY", " 0.95 "},
              {"ARROW_QUANT_CALIBRATION_SAMPLES", "64"}, {"ARROW_QUANT_FAIL_FAST", "TRUE"},
              {"ARROW_QUANT_NUM_THREADS", "3"},       {"ARROW_QUANT_ENABLE_STREAMING", "0"},
              {"ARROW_QUANT_MAX_MEMORY_MB", "2048"},  {"ARROW_QUANT_IO_MODE", " Buffered "},
              {"ARROW_QUANT_SOMETHING_ELSE", "ignored"}};
  Config c;
  c.apply_env(env.fn());
  const auto& v = c.values();
  BOOST_TEST(v.bit_width == 8);
  BOOST_TEST(v.time_aware.num_time_groups == 20u);
  BOOST_TEST(v.group_size == 32);
  BOOST_TEST(v.min_accuracy == 0.95);
  BOOST_TEST(v.time_aware.calibration_samples == 64u);
  BOOST_TEST(v.fail_fast);
  BOOST_TEST(v.num_threads == 3);
  BOOST_TEST(!v.enable_streaming);
  BOOST_TEST(v.max_memory_limit_mb == 2048u);
  BOOST_TEST((v.io_mode == aq::IoMode::buffered));
  for (const auto& [var, key] : Config::env_variables()) BOOST_TEST(c.source(key) == "env:" + var, key);
  BOOST_TEST(Config::env_variables().size() == 10u);
}

BOOST_AUTO_TEST_CASE(empty_variables_are_unset_and_bad_ones_name_the_variable) {
  FakeEnv env;
  env.vars["ARROW_QUANT_BIT_WIDTH"] = "";
  Config c;
  c.apply_env(env.fn());
  BOOST_TEST(c.source("bit_width") == "default");
  const struct {
    const char* var;
    const char* value;
    const char* needle;
  } bad[] = {
      {"ARROW_QUANT_BIT_WIDTH", "four", "must be an integer"},
      {"ARROW_QUANT_BIT_WIDTH", "3", "2, 4 or 8"},
      {"ARROW_QUANT_NUM_TIME_GROUPS", "10x", "must be an integer"},
      {"ARROW_QUANT_GROUP_SIZE", "99999999999999999999", "must be an integer"},
      {"ARROW_QUANT_MIN_ACCURACY", "nan", "finite number"},
      {"ARROW_QUANT_MIN_ACCURACY", "inf", "finite number"},
      {"ARROW_QUANT_MIN_ACCURACY", "2", "[0, 1]"},
      {"ARROW_QUANT_CALIBRATION_SAMPLES", "-5", "[1, 1000000]"},
      {"ARROW_QUANT_FAIL_FAST", "maybe", "true or false"},
      {"ARROW_QUANT_NUM_THREADS", "1.5", "must be an integer"},
      {"ARROW_QUANT_ENABLE_STREAMING", "2", "true or false"},
      {"ARROW_QUANT_MAX_MEMORY_MB", "0", "[1, "},
      {"ARROW_QUANT_IO_MODE", "fast", "must be one of"},
  };
  for (const auto& b : bad) {
    FakeEnv e;
    e.vars[b.var] = b.value;
    e.vars.emplace("ARROW_QUANT_NUM_THREADS", "2");  // a good variable next to the bad one is not applied either
    Config k;
    expect_error([&] { k.apply_env(e.fn()); }, Status::invalid_argument, {b.var, b.needle});
    BOOST_TEST(k.source("num_threads") == "default", b.var);  // nothing applied
  }
}

BOOST_AUTO_TEST_CASE(apply_env_reads_the_process_environment) {
  ::setenv("ARROW_QUANT_CALIBRATION_SAMPLES", "77", 1);
  ::setenv("ARROW_QUANT_FAIL_FAST", "true", 1);
  Config c;
  c.apply_env();
  ::unsetenv("ARROW_QUANT_CALIBRATION_SAMPLES");
  ::unsetenv("ARROW_QUANT_FAIL_FAST");
  BOOST_TEST(c.values().time_aware.calibration_samples == 77u);
  BOOST_TEST(c.source("calibration_samples") == "env:ARROW_QUANT_CALIBRATION_SAMPLES");
  BOOST_TEST(c.values().fail_fast);
  c.apply_env();  // re-reading replaces the layer: the variables are gone now
  BOOST_TEST(c.source("calibration_samples") == "default");
}
