// Reading fields of the JSON texts the library returns (reports, model info). The schemas belong to the
// library (docs/pipeline.md); the tool only picks fields for its tables and summaries, and a missing field
// prints as "-" instead of failing the command.
#pragma once
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace aqcli {

// Parses text; LibraryError(AQ_ERR_FORMAT) naming `what` if it is not JSON (a library bug).
boost::json::value parse_json(const std::string& text, const std::string& what);

// The member at a dotted path ("totals.cosine"), or nullptr.
const boost::json::value* at_path(const boost::json::value& root, const std::string& path);

// A number at path (integers converted). JSON null reads as +inf when null_is_inf (the library writes the SQNR
// of an exact reconstruction as null), otherwise as absent.
std::optional<double> number_at(const boost::json::value& root, const std::string& path, bool null_is_inf = false);
std::optional<std::string> string_at(const boost::json::value& root, const std::string& path);

// s as a JSON string literal (quoted and escaped), for aq_config_set: a path such as "true" or "123" must stay
// a string.
std::string json_quote(const std::string& s);

// Compact text of any value: strings unquoted, numbers as JSON, arrays like [1, 2].
std::string to_display(const boost::json::value& v);

}  // namespace aqcli
