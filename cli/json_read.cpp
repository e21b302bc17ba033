#include "json_read.hpp"

#include <cstdio>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common.hpp"

namespace aqcli {

namespace bj = boost::json;

bj::value parse_json(const std::string& text, const std::string& what) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec) throw LibraryError(AQ_ERR_FORMAT, what + " is not valid JSON: " + ec.message());
  return v;
}

const bj::value* at_path(const bj::value& root, const std::string& path) {
  const bj::value* cur = &root;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t dot = path.find('.', pos);
    if (dot == std::string::npos) dot = path.size();
    const bj::object* obj = cur->if_object();
    if (!obj) return nullptr;
    auto it = obj->find(bj::string_view(path.data() + pos, dot - pos));
    if (it == obj->end()) return nullptr;
    cur = &it->value();
    pos = dot + 1;
  }
  return cur;
}

std::optional<double> number_at(const bj::value& root, const std::string& path, bool null_is_inf) {
  const bj::value* v = at_path(root, path);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_null() && null_is_inf) return std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::optional<std::string> string_at(const bj::value& root, const std::string& path) {
  const bj::value* v = at_path(root, path);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string json_quote(const std::string& s) { return bj::serialize(bj::value(bj::string(s))); }

std::string to_display(const bj::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_double()) {
    // Boost.JSON would write 1.0 as 1E0; %.9g is readable and round-trips a float.
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v.get_double());
    return buf;
  }
  if (const bj::array* a = v.if_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < a->size(); ++i) s += (i ? ", " : "") + to_display((*a)[i]);
    return s + "]";
  }
  return bj::serialize(v);
}

}  // namespace aqcli
