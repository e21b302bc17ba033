// The C ABI of the reports section: argument checks, handles, atomic HTML output, the study through the ABI.
#define BOOST_TEST_MODULE report_capi
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

#include "arrowquant.h"
#include "report_fixtures.hpp"

namespace {
std::string text_of(const aq_report* r) {
  const char* d = nullptr;
  uint64_t n = 0;
  BOOST_REQUIRE(aq_report_text(r, &d, &n) == AQ_OK);
  return std::string(d, n);
}
}  // namespace

BOOST_AUTO_TEST_CASE(baseline_metrics_through_the_abi) {
  const std::string q = aqtest::two_layer_quality_report();
  aq_report* r = nullptr;
  BOOST_REQUIRE(aq_baseline_metrics(q.c_str(), "named", &r) == AQ_OK);
  BOOST_TEST(text_of(r).find("\"model_name\": \"named\"") != std::string::npos);
  aq_report_free(r);
  r = nullptr;
  BOOST_REQUIRE(aq_baseline_metrics(q.c_str(), nullptr, &r) == AQ_OK);
  BOOST_TEST(text_of(r).find("\"model_name\": \"dream-7b\"") != std::string::npos);
  aq_report_free(r);
  aq_report_free(nullptr);
}

// aq_report_json is the first name of aq_report_text: the same view, byte for byte, for JSON and for HTML.
BOOST_AUTO_TEST_CASE(report_json_is_an_alias_of_report_text) {
  const std::string q = aqtest::two_layer_quality_report();
  aq_report* reports[2] = {nullptr, nullptr};
  BOOST_REQUIRE(aq_baseline_metrics(q.c_str(), "named", &reports[0]) == AQ_OK);
  BOOST_REQUIRE(aq_html_report(q.c_str(), nullptr, nullptr, "t", &reports[1]) == AQ_OK);
  for (const aq_report* r : reports) {
    const char* text = nullptr;
    const char* json = nullptr;
    uint64_t text_bytes = 0;
    uint64_t json_bytes = 1;
    BOOST_REQUIRE(aq_report_text(r, &text, &text_bytes) == AQ_OK);
    BOOST_REQUIRE(aq_report_json(r, &json, &json_bytes) == AQ_OK);
    BOOST_TEST(text_bytes > 0u);
    BOOST_TEST(json_bytes == text_bytes);
    BOOST_TEST(std::string(json, json_bytes) == std::string(text, text_bytes));
  }
  BOOST_TEST(text_of(reports[1]).find("<title>t</title>") != std::string::npos);
  const char* d = nullptr;
  uint64_t n = 0;
  BOOST_TEST(aq_report_text(nullptr, &d, &n) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_report_json(nullptr, &d, &n) == AQ_ERR_INVALID_ARGUMENT);
  for (aq_report* r : reports) aq_report_free(r);
}

BOOST_AUTO_TEST_CASE(null_arguments_are_invalid_and_named) {
  aq_report* r = reinterpret_cast<aq_report*>(1);
  BOOST_TEST(aq_baseline_metrics(nullptr, nullptr, &r) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(r == nullptr);
  BOOST_TEST(std::string(aq_last_error_message()).find("quality_report_json") != std::string::npos);
  BOOST_TEST(aq_html_report(nullptr, nullptr, nullptr, nullptr, &r) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_html_report("{}", nullptr, nullptr, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_html_report_write("{}", nullptr, nullptr, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("path") != std::string::npos);
  BOOST_TEST(aq_accuracy_study(nullptr, nullptr, nullptr, &r) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_baseline_metrics("not json", nullptr, &r) == AQ_ERR_FORMAT);
}

BOOST_AUTO_TEST_CASE(html_write_is_atomic) {
  aqtest::TempDir dir("capi");
  const std::string q = aqtest::two_layer_quality_report();
  const std::string path = dir / "r.html";
  BOOST_REQUIRE(aq_html_report_write(q.c_str(), nullptr, nullptr, "t", path.c_str()) == AQ_OK);
  const std::string first = aqtest::slurp(path);
  BOOST_TEST(first.find("<title>t</title>") != std::string::npos);
  // A failing call (malformed document) leaves the previous file untouched and no temporary behind.
  BOOST_TEST(aq_html_report_write("{", nullptr, nullptr, nullptr, path.c_str()) == AQ_ERR_FORMAT);
  BOOST_TEST(aqtest::slurp(path) == first);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    (void)e;
    ++files;
  }
  BOOST_TEST(files == 1u);
  aq_report* r = nullptr;
  BOOST_REQUIRE(aq_html_report(q.c_str(), nullptr, nullptr, "t", &r) == AQ_OK);
  BOOST_TEST(text_of(r) == first);
  aq_report_free(r);
}

BOOST_AUTO_TEST_CASE(accuracy_study_through_the_abi) {
  aqtest::TempDir dir("capi-acc");
  aqtest::write_tiny_mlp_model(dir / "m.safetensors");
  aq_config* c = nullptr;
  BOOST_REQUIRE(aq_config_create(&c) == AQ_OK);
  BOOST_REQUIRE(aq_config_set(c, "num_timesteps", "50") == AQ_OK);
  BOOST_REQUIRE(aq_config_set(c, "num_time_groups", "4") == AQ_OK);
  BOOST_REQUIRE(aq_config_set(c, "group_size", "32") == AQ_OK);
  aq_report* r = nullptr;
  const std::string path = dir / "m.safetensors";
  BOOST_REQUIRE(aq_accuracy_study(path.c_str(), c,
                                  R"({"steps": 5, "samples": 2, "calibration_chains": 2, "model_metrics": false})",
                                  &r) == AQ_OK);
  const std::string t = text_of(r);
  BOOST_TEST(t.find("\"variants\"") != std::string::npos);
  BOOST_TEST(t.find("\"time_groups\": 4") != std::string::npos);
  aq_report_free(r);
  r = nullptr;
  BOOST_TEST(aq_accuracy_study(path.c_str(), c, R"({"steps": 500})", &r) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("steps") != std::string::npos);
  BOOST_TEST(r == nullptr);
  aq_config_free(c);
}
