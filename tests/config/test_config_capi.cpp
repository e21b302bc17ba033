// The configuration handle through the C ABI: statuses, messages naming keys, views, sources, round trip.
#define BOOST_TEST_MODULE config_capi
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <fstream>
#include <string>

#include "arrowquant.h"

namespace {

bool message_has(const std::string& needle) {
  return std::string(aq_last_error_message()).find(needle) != std::string::npos;
}

std::string get(const aq_config* c, const char* key) {
  const char* data = nullptr;
  uint64_t bytes = 0;
  BOOST_REQUIRE(aq_config_get(c, key, &data, &bytes) == AQ_OK);
  BOOST_TEST(std::string(data).size() == bytes);
  return data;
}

std::string source(const aq_config* c, const char* key) {
  const char* s = nullptr;
  BOOST_REQUIRE(aq_config_get_source(c, key, &s) == AQ_OK);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_set_get_and_sources) {
  aq_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_config_create(&c) == AQ_OK);
  BOOST_TEST(get(c, "bit_width") == "4");
  BOOST_TEST(source(c, "bit_width") == "default");
  BOOST_TEST(aq_config_set(c, "bit_width", "2") == AQ_OK);
  BOOST_TEST(aq_config_set(c, "mode", "search") == AQ_OK);
  BOOST_TEST(aq_config_set(c, "thermodynamic.boundary_smoothing", R"({"enabled":true,"interpolation":"cubic"})") == AQ_OK);
  BOOST_TEST(get(c, "bit_width") == "2");
  BOOST_TEST(source(c, "bit_width") == "cli");
  BOOST_TEST(get(c, "mode") == "\"search\"");
  BOOST_TEST(get(c, "thermodynamic.boundary_smoothing.interpolation") == "\"cubic\"");
  BOOST_TEST(get(c, "thermodynamic.boundary_smoothing") == R"({"enabled":true,"window_size":5,"interpolation":"cubic"})");
  BOOST_TEST(aq_config_unset(c, "bit_width") == AQ_OK);
  BOOST_TEST(source(c, "bit_width") == "default");
  aq_config_free(c);
  aq_config_free(nullptr);
}

BOOST_AUTO_TEST_CASE(views_stay_valid_until_the_handle_is_modified) {
  aq_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_config_create(&c) == AQ_OK);
  const char* a = nullptr;
  const char* j = nullptr;
  BOOST_TEST(aq_config_get(c, "group_size", &a, nullptr) == AQ_OK);
  BOOST_TEST(aq_config_to_json(c, &j, nullptr) == AQ_OK);
  const char* b = nullptr;
  BOOST_TEST(aq_config_get(c, "min_accuracy", &b, nullptr) == AQ_OK);
  BOOST_TEST(std::string(a) == "128");  // still valid after other getters
  BOOST_TEST(std::string(b) == "0.85");
  BOOST_TEST(std::string(j).find("\"group_size\":128") != std::string::npos);
  aq_config_free(c);
}

BOOST_AUTO_TEST_CASE(errors_return_status_and_name_the_key) {
  aq_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_config_create(&c) == AQ_OK);
  BOOST_TEST(aq_config_set(c, "group_size", "100") == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("'group_size'"));
  BOOST_TEST(aq_config_set(c, "thermodynamic.transition_optimization.learning_rate", "2") == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("'thermodynamic.transition_optimization.learning_rate'"));
  BOOST_TEST(aq_config_set(c, "bitwidth", "4") == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("unknown configuration key 'bitwidth'"));
  BOOST_TEST(aq_config_merge_json(c, "{\"bit_width\": ") == AQ_ERR_FORMAT);
  BOOST_TEST(message_has("invalid JSON"));
  const char* v = nullptr;
  BOOST_TEST(aq_config_get(c, "nope", &v, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("'nope'"));
  BOOST_TEST(aq_config_get(c, "bit_width", nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("data is NULL"));
  BOOST_TEST(aq_config_set(nullptr, "bit_width", "4") == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("config is NULL"));
  BOOST_TEST(aq_config_set(c, "beta_start", "0.5") == AQ_OK);
  BOOST_TEST(aq_config_validate(c) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(message_has("'beta_end'"));
  BOOST_TEST(aq_config_get(c, "bit_width", &v, nullptr) == AQ_OK);
  BOOST_TEST(std::string(aq_last_error_message()).empty());  // success clears the message
  BOOST_TEST(aq_config_load_file(c, "/nonexistent/config.json") == AQ_ERR_IO);
  BOOST_TEST(message_has("/nonexistent/config.json"));
  aq_config_free(c);
}

BOOST_AUTO_TEST_CASE(constructors_set_out_to_null_on_failure) {
  aq_config* c = reinterpret_cast<aq_config*>(0x1);
  BOOST_TEST(aq_config_from_json("{\"group_size\": 7}", &c) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(c == nullptr);
  BOOST_TEST(message_has("'group_size'"));
  c = reinterpret_cast<aq_config*>(0x1);
  BOOST_TEST(aq_config_from_json("[", &c) == AQ_ERR_FORMAT);
  BOOST_TEST(c == nullptr);
  c = reinterpret_cast<aq_config*>(0x1);
  BOOST_TEST(aq_config_from_profile("huge", &c) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(c == nullptr);
  BOOST_TEST(message_has("deployment_profile"));
  BOOST_TEST(aq_config_from_json(nullptr, &c) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_config_create(nullptr) == AQ_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(profile_json_round_trip_clone_and_key_listing) {
  aq_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_config_from_profile("edge", &c) == AQ_OK);
  BOOST_TEST(get(c, "group_size") == "256");
  BOOST_TEST(source(c, "group_size") == "profile:edge");
  const char* json = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST_REQUIRE(aq_config_to_json(c, &json, &bytes) == AQ_OK);
  aq_config* d = nullptr;
  BOOST_TEST_REQUIRE(aq_config_from_json(json, &d) == AQ_OK);
  const char* json2 = nullptr;
  BOOST_TEST_REQUIRE(aq_config_to_json(d, &json2, nullptr) == AQ_OK);
  BOOST_TEST(std::string(json) == std::string(json2));
  BOOST_TEST(source(d, "group_size") == "config");
  const char* src = nullptr;
  BOOST_TEST_REQUIRE(aq_config_sources_json(c, &src, nullptr) == AQ_OK);
  BOOST_TEST(std::string(src).find("\"bit_width\":\"profile:edge\"") != std::string::npos);

  aq_config* e = nullptr;
  BOOST_TEST_REQUIRE(aq_config_clone(c, &e) == AQ_OK);
  BOOST_TEST(aq_config_set(e, "bit_width", "8") == AQ_OK);
  BOOST_TEST(get(c, "bit_width") == "2");  // independent
  BOOST_TEST(get(e, "bit_width") == "8");

  const uint64_t n = aq_config_key_count();
  BOOST_TEST(n == 47u);  // enable_mixed_precision is a retired key (a warning), not a setting
  for (uint64_t i = 0; i < n; ++i) {
    const char* k = aq_config_key_name(i);
    BOOST_TEST_REQUIRE(k != nullptr);
    const char* val = nullptr;
    BOOST_TEST(aq_config_get(c, k, &val, nullptr) == AQ_OK, k);
  }
  BOOST_TEST(aq_config_key_name(n) == nullptr);
  aq_config_free(c);
  aq_config_free(d);
  aq_config_free(e);
}

BOOST_AUTO_TEST_CASE(environment_and_file_layers_through_the_c_abi) {
  const std::string path = std::string("/tmp/aq_config_capi_") + std::to_string(::getpid()) + ".json";
  {
    std::ofstream f(path);
    f << R"({"bit_width": 8, "num_time_groups": 4})";
  }
  aq_config* c = nullptr;
  BOOST_TEST_REQUIRE(aq_config_create(&c) == AQ_OK);
  BOOST_TEST(aq_config_set(c, "num_time_groups", "6") == AQ_OK);
  BOOST_TEST(aq_config_load_file(c, path.c_str()) == AQ_OK);
  ::setenv("ARROW_QUANT_BIT_WIDTH", "2", 1);
  BOOST_TEST(aq_config_apply_env(c) == AQ_OK);
  ::unsetenv("ARROW_QUANT_BIT_WIDTH");
  BOOST_TEST(get(c, "bit_width") == "2");
  BOOST_TEST(source(c, "bit_width") == "env:ARROW_QUANT_BIT_WIDTH");
  BOOST_TEST(get(c, "num_time_groups") == "6");
  BOOST_TEST(source(c, "num_time_groups") == "cli");
  ::setenv("ARROW_QUANT_FAIL_FAST", "perhaps", 1);
  BOOST_TEST(aq_config_apply_env(c) == AQ_ERR_INVALID_ARGUMENT);
  ::unsetenv("ARROW_QUANT_FAIL_FAST");
  BOOST_TEST(message_has("ARROW_QUANT_FAIL_FAST"));
  BOOST_TEST(source(c, "bit_width") == "env:ARROW_QUANT_BIT_WIDTH");  // unchanged by the failed call
  aq_config_free(c);
  ::unlink(path.c_str());
}
