// Strict JSON parsing (duplicates, depth, out-of-range numbers) and deterministic, valid JSON output.
#define BOOST_TEST_MODULE json_util
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include <boost/json.hpp>

#include "arrowquant/json_util.hpp"
#include "io_test_util.hpp"

using aq::Status;
using iotest::expect_error;
namespace bj = boost::json;

BOOST_AUTO_TEST_CASE(parse_strict_builds_the_same_dom_as_boost) {
  const char* text = R"({"a":[1,-2,3.5,true,null,"s"],"b":{"c":18446744073709551615}})";
  const bj::value v = aq::json::parse_strict(text, "t", Status::format);
  BOOST_TEST(v == bj::parse(text));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_at_any_depth_are_errors_naming_the_key) {
  expect_error([] { aq::json::parse_strict(R"({"a":1,"a":2})", "cfg.json", Status::format); }, Status::format,
               {"cfg.json", "duplicate key \"a\"", "at byte"});
  expect_error([] { aq::json::parse_strict(R"({"x":[{"k":1,"k":1}]})", "t", Status::invalid_argument); },
               Status::invalid_argument, {"duplicate key \"k\""});
  // the same key in sibling objects is fine
  BOOST_TEST(aq::json::parse_strict(R"([{"k":1},{"k":2}])", "t", Status::format).is_array());
}

BOOST_AUTO_TEST_CASE(depth_and_range_limits) {
  aq::json::ParseLimits lim;
  lim.max_depth = 3;
  BOOST_TEST(aq::json::parse_strict("[[[1]]]", "t", Status::format, lim).is_array());
  expect_error([&] { aq::json::parse_strict("[[[[1]]]]", "t", Status::format, lim); }, Status::format,
               {"nesting deeper than 3"});
  expect_error([] { aq::json::parse_strict("[1e999]", "t", Status::format); }, Status::format,
               {"1e999", "out of range"});
  expect_error([] { aq::json::parse_strict("", "empty", Status::format); }, Status::format, {"empty", "invalid JSON"});
}

BOOST_AUTO_TEST_CASE(numbers_are_written_shortest_and_never_as_infinity_or_nan) {
  BOOST_TEST(aq::json::number_text(1.0) == "1.0");
  BOOST_TEST(aq::json::number_text(0.85) == "0.85");
  BOOST_TEST(aq::json::number_text(1e-4) == "1e-04");  // std::to_chars shortest form
  BOOST_TEST(aq::json::number_text(-0.0) == "-0.0");
  BOOST_TEST(aq::json::number_text(1e300) == "1e+300");
  BOOST_TEST(aq::json::number_text(std::numeric_limits<double>::infinity()) == "null");
  BOOST_TEST(aq::json::number_text(std::nan("")) == "null");
  bj::object o;
  o["inf"] = std::numeric_limits<double>::infinity();
  o["x"] = 0.1;
  o["n"] = int64_t(-3);
  o["s"] = "tab\t\"q\"\x01";
  const std::string t = aq::json::to_text(o);
  BOOST_TEST(t == R"({"inf":null,"x":0.1,"n":-3,"s":"tab\t\"q\"\u0001"})");
  BOOST_TEST(bj::parse(t).at("x").as_double() == 0.1);  // reads back exactly
}

BOOST_AUTO_TEST_CASE(pretty_output_parses_back_to_the_same_value) {
  const bj::value v = bj::parse(R"({"a":{"b":[1,2,{}],"c":[]},"d":"e"})");
  const std::string p = aq::json::to_text_pretty(v);
  BOOST_TEST(p.find("\n  \"a\": {") != std::string::npos);
  BOOST_TEST(bj::parse(p) == v);
}
