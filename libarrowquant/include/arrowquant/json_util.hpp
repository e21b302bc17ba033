// Strict JSON reading and deterministic JSON writing on top of Boost.JSON.
//
// Why not plain boost::json::parse/serialize: Boost.JSON 1.81 silently keeps the last of duplicate object keys
// (a file could then mean two things to two readers), and it serializes 1.0 as `1E0` and non-finite doubles as
// `Infinity`/`NaN`, which are not JSON. These helpers reject duplicates (naming the key and byte offset) and
// write the shortest round-trip decimal for doubles, `null` for non-finite ones.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "arrowquant/error.hpp"

namespace aq::json {

struct ParseLimits {
  std::size_t max_depth = 32;  // nesting of objects/arrays
};

// Parse `text` as one JSON document. On malformed text, a duplicate key in any object, or nesting deeper than
// limits.max_depth, throws aq::Error(status, "<label>: <what> at byte <offset>"). Numbers that overflow a double
// (1e400) are rejected as well, so a parsed document never holds a non-finite value.
boost::json::value parse_strict(std::string_view text, const std::string& label, Status status,
                                const ParseLimits& limits = {});

// Compact, deterministic JSON text: object members in their stored order, doubles in the shortest form that
// reads back to the same double (integral values keep a ".0"), non-finite doubles as null.
std::string to_text(const boost::json::value& v);
// Indented variant (2 spaces) for files meant to be read by people (reports, index files).
std::string to_text_pretty(const boost::json::value& v);

// A JSON string literal (with quotes) for `s`, escaped as JSON requires.
std::string quote(std::string_view s);
// The shortest decimal text of a finite double that reads back to it; "null" for NaN/Inf.
std::string number_text(double d);

}  // namespace aq::json
