// The table of configuration keys: type, default, profile values and range of every leaf key.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

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
  const char* key;  // full dotted path
  Kind kind;
  boost::json::value def;               // default (= the local profile's value for profile keys)
  bool per_profile = false;
  boost::json::value profile[3];        // edge, local, cloud when per_profile
  double lo = 0, hi = 0;                // numeric range (inclusive unless lo_open/hi_open)
  bool lo_open = false, hi_open = false;
  std::vector<int> allowed;             // integer keys restricted to a set
  std::vector<std::string> choices;     // choice keys
  const char* help = "";                // one line for messages and documentation
};

const std::vector<KeyDef>& key_table();
const KeyDef* find_key(std::string_view key);
bool is_section(std::string_view key);  // "thermodynamic", "thermodynamic.validation", ...
const std::vector<std::string>& sections();

// Check `v` for the key and return its canonical form (integers as int64, reals as double). Throws
// aq::Error(invalid_argument) "config key '<key>': ..." (or "<origin>: ..." when origin is non-empty).
boost::json::value normalize(const KeyDef& def, const boost::json::value& v, const std::string& origin = "");

// Message for a key that is not in the table: names it, says whether it is a reference option we do not
// support, and suggests a near spelling.
[[noreturn]] void unknown_key(std::string_view key, const std::string& origin = "");

}  // namespace aq::config_detail
