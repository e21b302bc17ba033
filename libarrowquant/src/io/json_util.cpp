// Strict JSON parsing (duplicate keys rejected in the same pass that builds the DOM) and deterministic writing.
#include "arrowquant/json_util.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace aq::json {
namespace {

namespace bj = boost::json;

// A Boost.JSON parse handler that feeds a value_stack (as boost::json::parser does) and also remembers the keys
// of every open object, so that a repeated key stops the parse with a message naming it.
struct StrictHandler {
  static constexpr std::size_t max_object_size = bj::object::max_size();
  static constexpr std::size_t max_array_size = bj::array::max_size();
  static constexpr std::size_t max_key_size = bj::string::max_size();
  static constexpr std::size_t max_string_size = bj::string::max_size();

  bj::value_stack st;
  std::vector<std::unordered_set<std::string>> keys;  // one set per open object
  std::string key_buf;
  std::string problem;  // set when the handler itself rejects the input

  bool fail(bj::error_code& ec, std::string what) {
    problem = std::move(what);
    ec = bj::error::syntax;  // any error code: the message in `problem` is what we report
    return false;
  }

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) {
    keys.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, bj::error_code&) {
    keys.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t n, bj::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    key_buf.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    key_buf.append(s.data(), s.size());
    if (!keys.back().insert(key_buf).second) return fail(ec, "duplicate key " + quote(key_buf));
    key_buf.clear();
    st.push_key(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, bj::string_view text, bj::error_code& ec) {
    if (!std::isfinite(d)) return fail(ec, "number " + std::string(text.data(), text.size()) + " is out of range");
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(bj::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

void append_quoted(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(char(c));
        }
    }
  }
  out.push_back('"');
}

void write_value(std::string& out, const bj::value& v, int indent, int depth) {
  const bool pretty = indent > 0;
  auto newline = [&](int d) {
    if (!pretty) return;
    out.push_back('\n');
    out.append(std::size_t(d * indent), ' ');
  };
  switch (v.kind()) {
    case bj::kind::null: out += "null"; break;
    case bj::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case bj::kind::int64: out += std::to_string(v.get_int64()); break;
    case bj::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case bj::kind::double_: out += number_text(v.get_double()); break;
    case bj::kind::string: append_quoted(out, std::string_view(v.get_string().data(), v.get_string().size())); break;
    case bj::kind::array: {
      const auto& a = v.get_array();
      out.push_back('[');
      bool first = true;
      for (const auto& e : a) {
        if (!first) out.push_back(',');
        first = false;
        newline(depth + 1);
        write_value(out, e, indent, depth + 1);
      }
      if (!a.empty()) newline(depth);
      out.push_back(']');
      break;
    }
    case bj::kind::object: {
      const auto& o = v.get_object();
      out.push_back('{');
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out.push_back(',');
        first = false;
        newline(depth + 1);
        append_quoted(out, std::string_view(kv.key().data(), kv.key().size()));
        out += pretty ? ": " : ":";
        write_value(out, kv.value(), indent, depth + 1);
      }
      if (!o.empty()) newline(depth);
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

boost::json::value parse_strict(std::string_view text, const std::string& label, Status status,
                                const ParseLimits& limits) {
  bj::parse_options opt;
  opt.max_depth = limits.max_depth;
  bj::basic_parser<StrictHandler> p(opt);
  p.handler().st.reset();
  bj::error_code ec;
  const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && used != text.size()) ec = bj::error::extra_data;
  if (ec) {
    std::string what = p.handler().problem.empty() ? ec.message() : p.handler().problem;
    if (ec == bj::error::too_deep) what = "nesting deeper than " + std::to_string(limits.max_depth) + " levels";
    fail(status, label + ": invalid JSON: " + what + " at byte " + std::to_string(used));
  }
  return p.handler().st.release();
}

std::string number_text(double d) {
  if (!std::isfinite(d)) return "null";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";  // keep it a real, not an integer
  return s;
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_quoted(out, s);
  return out;
}

std::string to_text(const boost::json::value& v) {
  std::string out;
  write_value(out, v, 0, 0);
  return out;
}

std::string to_text_pretty(const boost::json::value& v) {
  std::string out;
  write_value(out, v, 2, 0);
  out.push_back('\n');
  return out;
}

}  // namespace aq::json
