// The configuration schema: ONE table of every key (config_keys.cpp, build_table()). Each row holds the key's
// dotted name, type, range, default and per-profile values, the member of aq::Settings it fills, its
// ARROW_QUANT_* environment variable, its `arrowquant quantize` flag and its help line. Parsing (JSON and YAML),
// the layers and their sources, validation, both C handles (aq_config and the aq_timeaware_config view), the
// CLI's flags and --help, and the key table of docs/config.md (checked by tests/config/test_config_docs.cpp)
// are all driven by it.
//
// How to add a key:
//   1. add the member to aq::Settings (arrowquant/settings.hpp; under time_aware when the time-aware C handle
//      should see it);
//   2. add one row in build_table() (config_keys.cpp), in documentation order, naming that member;
//   3. regenerate the key table of docs/config.md with
//      `AQ_UPDATE_DOCS=1 build/release/tests/aq_config_test_config_schema` (the test fails while it differs),
//      and add a test of the key's behaviour. A new section (a new nested block) also goes into sections().
// The key then exists in JSON and YAML files, aq_config_set/get, the report's effective config and sources, the
// environment (when the row names a variable), `arrowquant quantize` (when it names a flag) and its --help.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "arrowquant/settings.hpp"

namespace aq::config_detail {

enum class Kind {
  boolean,
  integer,       // JSON integer (an integral real such as 4.0 is accepted and stored as 4)
  real,          // JSON number, finite
  choice,        // one of `choices`
  string_list,   // array of strings
  regex_list,    // array of strings that compile as ECMAScript regular expressions
  bits_map,      // object: name or regex -> 2, 4, 8 or 16
  opt_real,      // null or real
  opt_integer,   // null or integer
  opt_string,    // null or non-empty string
};

struct KeyDef {
  const char* key = "";  // full dotted path
  Kind kind = Kind::boolean;
  boost::json::value def;               // default (= the local profile's value for profile keys)
  bool per_profile = false;
  boost::json::value profile[3];        // edge, local, cloud when per_profile
  double lo = 0, hi = 0;                // numeric range (inclusive unless lo_open/hi_open)
  bool lo_open = false, hi_open = false;
  std::vector<int> allowed;             // integer keys restricted to a set
  std::vector<std::string> choices;     // choice keys
  const char* help = "";                // one line for messages, --help and documentation
  const char* range_note = "";          // why the range is what it is (documentation), may be empty
  const char* env = nullptr;            // ARROW_QUANT_* variable, or null
  const char* flag = nullptr;           // `arrowquant quantize` flag without dashes, or null
  const char* flag_alias = nullptr;     // second spelling of the flag, or null
  const char* flag_arg = nullptr;       // the name of the flag's value in --help ("N", "FILE", "MODE")
  bool binary32 = false;                // stored as float: the range is checked on the stored value
  bool time_aware = false;              // a member of Settings::time_aware (seen by aq_timeaware_config)
  // Write a normalized value into its member / read the member back as JSON (null for "not set").
  std::function<void(Settings&, const boost::json::value&)> store;
  std::function<boost::json::value(const Settings&)> load;
};

// A key that older configuration files carry and that ArrowQuant accepts without effect: one warning each.
struct RetiredKey {
  const char* key;
  const char* why;  // completes "config key 'K' has no effect: ..."
};

const std::vector<KeyDef>& key_table();
const std::vector<RetiredKey>& retired_keys();
const KeyDef* find_key(std::string_view key);
const RetiredKey* find_retired(std::string_view key);
bool is_section(std::string_view key);  // "thermodynamic", "thermodynamic.validation", ...
const std::vector<std::string>& sections();

// Check `v` for the key and return its canonical form (integers as int64, reals as double). Throws
// aq::Error(invalid_argument) "config key '<key>': ..." (or "<origin>: ..." when origin is non-empty).
boost::json::value normalize(const KeyDef& def, const boost::json::value& v, const std::string& origin = "");

// Message for a key that is not in the table: names it and suggests a near spelling.
[[noreturn]] void unknown_key(std::string_view key, const std::string& origin = "");

// "[1, 20]", "(0, 1]", "2, 4 or 8", "linear | cubic": the accepted values in words (docs, --help, schema).
std::string accepted_text(const KeyDef& d);
// Type name for documentation: "boolean", "integer", "number", "string", "array", "object", "null or ...".
const char* type_name(Kind k);

// The whole table as JSON (aq_config_schema_json): an array of rows in documentation order.
boost::json::array schema_json();
// The key table of docs/config.md (Markdown), generated from the schema.
std::string docs_key_table();

}  // namespace aq::config_detail
