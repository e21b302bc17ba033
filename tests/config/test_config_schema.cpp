// The one key table drives everything: every row's member round-trips through the settings struct, the
// environment variables, the time-aware handle's keys and the docs/config.md key table all come from it, and
// the reconciled ranges hold in both C handles. AQ_UPDATE_DOCS=1 rewrites docs/config.md's key table instead of
// checking it (then review the diff).
#define BOOST_TEST_MODULE config_schema
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "arrowquant.h"
#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/timeaware_config.hpp"
#include "config/config_keys.hpp"
#include "../io/io_test_util.hpp"

using aq::Config;
using aq::Status;
using aq::config_detail::Kind;
using iotest::expect_error;
namespace bj = boost::json;
namespace cd = aq::config_detail;

namespace {

// A valid value different from the default, for every kind of key.
bj::value other_value(const cd::KeyDef& d) {
  switch (d.kind) {
    case Kind::boolean: return !d.def.as_bool();
    case Kind::integer:
    case Kind::opt_integer:
      if (!d.allowed.empty()) return int64_t(d.allowed.front() == d.def.as_int64() ? d.allowed.back() : d.allowed.front());
      return int64_t(d.hi);
    case Kind::real:
    case Kind::opt_real: return d.hi_open ? (d.lo + d.hi) / 4 : d.hi / 2;
    case Kind::choice: return bj::string(d.choices.back() == d.def.as_string() ? d.choices.front() : d.choices.back());
    case Kind::string_list:
    case Kind::regex_list: return bj::array{"a.b", "c"};
    case Kind::bits_map: return bj::object{{"a", 8}, {"b", 16}};
    case Kind::opt_string: return "some/file";
  }
  return nullptr;
}

// A binary32 member holds the value rounded to float.
bj::value as_stored(const cd::KeyDef& d, const bj::value& v) {
  if (d.binary32 && v.is_double()) return double(float(v.get_double()));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_row_stores_into_and_loads_from_its_own_member) {
  for (const auto& d : cd::key_table()) {
    Config c;
    const bj::value v = other_value(d);
    c.set(d.key, v);
    const bj::value back = d.load(c.values());
    BOOST_TEST(aq::json::to_text(back) == aq::json::to_text(as_stored(d, cd::normalize(d, v))), d.key);
    // No other key changed: each row has a member of its own (a profile changes the profile keys, by design).
    const Config fresh;
    for (const auto& e : cd::key_table())
      if (std::string(e.key) != d.key && !(std::string(d.key) == "deployment_profile" && e.per_profile))
        BOOST_TEST(aq::json::to_text(e.load(c.values())) == aq::json::to_text(e.load(fresh.values())),
                   d.key << " changed " << e.key);
  }
}

BOOST_AUTO_TEST_CASE(defaults_of_the_table_are_the_settings_struct_defaults) {
  const aq::Settings s;
  for (const auto& d : cd::key_table())
    BOOST_TEST(aq::json::to_text(d.load(s)) == aq::json::to_text(as_stored(d, cd::normalize(d, d.def))), d.key);
  const aq::TimeAwareConfig t;
  aq::validate_config(t);
}

BOOST_AUTO_TEST_CASE(environment_variables_and_timeaware_keys_come_from_the_table) {
  std::size_t env = 0, ta = 0;
  for (const auto& d : cd::key_table()) {
    if (d.env) ++env;
    if (d.time_aware) ++ta;
  }
  BOOST_TEST(Config::env_variables().size() == env);
  BOOST_TEST(aq::config_keys().size() == ta);
  BOOST_TEST(aq_config_key_count() == cd::key_table().size());
  // The schema getter lists every row and every retired key.
  const char* data = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST(aq_config_schema_json(&data, &bytes) == AQ_OK);
  const bj::value schema = bj::parse(std::string(data, bytes));
  BOOST_TEST(schema.as_array().size() == cd::key_table().size() + cd::retired_keys().size());
  BOOST_TEST(schema.as_array()[0].at("key").as_string() == "bit_width");
  BOOST_TEST(schema.as_array()[0].at("flag").as_string() == "--bits");
  BOOST_TEST(schema.as_array()[0].at("env").as_string() == "ARROW_QUANT_BIT_WIDTH");
}

BOOST_AUTO_TEST_CASE(reconciled_ranges_are_the_same_in_both_handles) {
  // num_time_groups: the wider 1..10^6; num_timesteps: the safe 1..10^6 (not 10^8).
  Config c;
  c.set_text("num_time_groups", "1000000");
  expect_error([&] { c.set_text("num_time_groups", "1000001"); }, Status::invalid_argument,
               {"'num_time_groups'", "[1, 1000000]"});
  expect_error([&] { c.set_text("num_timesteps", "1000001"); }, Status::invalid_argument,
               {"'num_timesteps'", "[1, 1000000]"});
  aq::TimeAwareConfig t;
  aq::set_config_number(t, "num_time_groups", 1e6);
  BOOST_TEST(t.num_time_groups == 1000000u);
  expect_error([&] { aq::set_config_number(t, "num_time_groups", 1e6 + 1); }, Status::invalid_argument,
               {"num_time_groups"});
  expect_error([&] { aq::set_config_number(t, "num_timesteps", 1e8); }, Status::invalid_argument, {"num_timesteps"});
  // Through the C handle as well.
  aq_timeaware_config* h = nullptr;
  BOOST_REQUIRE(aq_timeaware_config_create(&h) == AQ_OK);
  BOOST_TEST(aq_timeaware_config_set_number(h, "num_time_groups", 1e6) == AQ_OK);
  BOOST_TEST(aq_timeaware_config_set_number(h, "num_timesteps", 1e8) == AQ_ERR_INVALID_ARGUMENT);
  // Keys of aq_config that are not time-aware are not visible through the time-aware view.
  BOOST_TEST(aq_timeaware_config_set_number(h, "bit_width", 4) == AQ_ERR_INVALID_ARGUMENT);
  aq_timeaware_config_free(h);
}

BOOST_AUTO_TEST_CASE(config_warnings_getter_lists_retired_keys) {
  aq_config* c = nullptr;
  BOOST_REQUIRE(aq_config_from_json(R"({"enable_mixed_precision": true, "enable_spatial": false})", &c) == AQ_OK);
  const char* data = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST(aq_config_warnings_json(c, &data, &bytes) == AQ_OK);
  const bj::value w = bj::parse(std::string(data, bytes));
  BOOST_TEST(w.as_array().size() == 2u);
  BOOST_TEST(std::string(w.as_array()[1].as_string().c_str()).find("'enable_spatial' has no effect") !=
             std::string::npos);
  BOOST_TEST(aq_config_warnings_json(nullptr, &data, &bytes) == AQ_ERR_INVALID_ARGUMENT);
  aq_config_free(c);
}

BOOST_AUTO_TEST_CASE(docs_config_md_key_table_is_generated_from_the_schema) {
  const std::string path = std::string(AQ_SOURCE_DIR) + "/docs/config.md";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  const std::string begin = "<!-- key table: generated from the schema, do not edit -->\n";
  const std::string end = "<!-- end of key table -->";
  const auto b = doc.find(begin);
  const auto e = doc.find(end);
  BOOST_REQUIRE_MESSAGE(b != std::string::npos && e != std::string::npos && b < e, "markers missing in " << path);
  const std::string table = cd::docs_key_table();
  const std::string current = doc.substr(b + begin.size(), e - b - begin.size());
  if (const char* u = std::getenv("AQ_UPDATE_DOCS"); u && std::string(u) == "1") {
    doc.replace(b + begin.size(), e - b - begin.size(), table);
    std::ofstream(path) << doc;
    return;
  }
  BOOST_TEST(current == table, "docs/config.md's key table differs from the schema; regenerate it with "
                               "AQ_UPDATE_DOCS=1 build/release/tests/aq_config_test_config_schema");
}
