// YAML configuration files (yaml-cpp), read with the same schema as JSON. Typing follows YAML 1.2's core schema,
// not yaml-cpp's lenient conversions: a plain scalar is null (~, null), a boolean (true/false in three
// spellings), an integer, a float, or else a string; a quoted scalar is always a string. So "4" is a string (a
// type error naming the key) and yes/on are strings (an error with a hint). Duplicate keys are an error; anchors
// and aliases work (yaml-cpp resolves them). Every message names file:line:column and the key.
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <cerrno>

#include <boost/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "arrowquant/config.hpp"
#include "arrowquant/error.hpp"

namespace aq {
namespace {

namespace bj = boost::json;

constexpr int kMaxDepth = 64;  // configuration files are three levels deep; this only stops hostile nesting

struct Where {
  int line = 0, column = 0;  // 1-based
};

class YamlReader {
 public:
  explicit YamlReader(const std::string& name) : name_(name) {}

  std::map<std::string, Where> positions;  // dotted key -> where its key was written

  [[noreturn]] void error(Status st, const YAML::Mark& m, const std::string& what) const {
    fail(st, name_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what);
  }

  bj::value convert(const YAML::Node& n, const std::string& path, int depth) {
    if (depth > kMaxDepth) error(Status::format, n.Mark(), "nesting deeper than " + std::to_string(kMaxDepth));
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: return nullptr;
      case YAML::NodeType::Scalar: return scalar(n, path);
      case YAML::NodeType::Sequence: {
        bj::array a;
        std::size_t i = 0;
        for (const auto& e : n) a.push_back(convert(e, path + "[" + std::to_string(i++) + "]", depth + 1));
        return a;
      }
      case YAML::NodeType::Map: {
        bj::object o;
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) error(Status::format, kv.first.Mark(), "a mapping key must be a plain name");
          const std::string k = kv.first.Scalar();
          const std::string child = path.empty() ? k : path + "." + k;
          if (o.contains(k)) {
            const auto it = positions.find(child);
            error(Status::format, kv.first.Mark(),
                  "key '" + child + "' is given twice" +
                      (it != positions.end() ? " (first at line " + std::to_string(it->second.line) + ")" : ""));
          }
          positions[child] = Where{kv.first.Mark().line + 1, kv.first.Mark().column + 1};
          o[k] = convert(kv.second, child, depth + 1);
        }
        return o;
      }
    }
    return nullptr;
  }

 private:
  std::string name_;

  // YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
  bj::value scalar(const YAML::Node& n, const std::string& path) {
    const std::string& s = n.Scalar();
    const std::string& tag = n.Tag();
    const std::string at = path.empty() ? "the document" : "config key '" + path + "'";
    static const std::string kCore = "tag:yaml.org,2002:";
    if (tag == "!" || tag == kCore + "str") return bj::string(s);  // quoted, or explicitly a string
    bj::value v = plain(s);
    if (tag == "?" || tag.empty()) return v;
    if (tag == kCore + "int" && (v.is_int64() || v.is_uint64())) return v;
    if (tag == kCore + "float" && (v.is_number())) return v.to_number<double>();
    if (tag == kCore + "bool" && v.is_bool()) return v;
    if (tag == kCore + "null" && v.is_null()) return v;
    error(Status::invalid_argument, n.Mark(), at + ": the tag " + tag + " does not fit the value '" + s + "'");
  }

  // Character scans rather than std::regex: libstdc++'s regex recurses per character and a long scalar would
  // exhaust the stack.
  static bool all_of(const std::string& s, std::size_t from, bool (*ok)(char)) {
    if (from >= s.size()) return false;
    for (std::size_t i = from; i < s.size(); ++i)
      if (!ok(s[i])) return false;
    return true;
  }
  static bool dec(char c) { return c >= '0' && c <= '9'; }
  static bool oct(char c) { return c >= '0' && c <= '7'; }
  static bool hex(char c) { return dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  static bool core_float(const std::string& s) {
    std::size_t i = 0, n = s.size();
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < n && dec(s[i])) ++i, ++int_digits;
    if (i < n && s[i] == '.') {
      ++i;
      while (i < n && dec(s[i])) ++i, ++frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
      std::size_t exp_digits = 0;
      while (i < n && dec(s[i])) ++i, ++exp_digits;
      if (exp_digits == 0) return false;
    }
    return i == n;
  }

  static bj::value plain(const std::string& s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    auto integer = [&](const std::string& digits, int base) -> bj::value {
      errno = 0;
      char* end = nullptr;
      const long long x = std::strtoll(digits.c_str(), &end, base);
      if (errno == ERANGE) return std::strtod(s.c_str(), nullptr);  // too large for int64: a real (then rejected)
      return int64_t(x);
    };
    const std::size_t sign = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (all_of(s, sign, dec)) return integer(s, 10);
    if (s.rfind("0o", 0) == 0 && all_of(s, 2, oct)) return integer(s.substr(2), 8);
    if (s.rfind("0x", 0) == 0 && all_of(s, 2, hex)) return integer(s.substr(2), 16);
    if (core_float(s)) return std::strtod(s.c_str(), nullptr);
    // .inf and .nan are YAML floats too; they stay text so that every numeric key rejects them by name.
    return bj::string(s);
  }
};

// Counts the documents of a stream and where the second one starts. yaml-cpp 0.7's LoadAll can loop forever on
// some malformed input (a document that consumes no token, e.g. ", ,"); counting with a bound avoids that.
class DocumentCounter : public YAML::EventHandler {
 public:
  int documents = 0;
  YAML::Mark second;
  void OnDocumentStart(const YAML::Mark& m) override {
    if (++documents == 2) second = m;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The key a configuration error names ("config key 'a.b[2]': ..." -> "a.b").
std::string key_in_message(const std::string& msg) {
  const auto p = msg.find("key '");
  if (p == std::string::npos) return "";
  const auto q = msg.find('\'', p + 5);
  if (q == std::string::npos) return "";
  std::string k = msg.substr(p + 5, q - p - 5);
  const auto b = k.find('[');
  if (b != std::string::npos) k.erase(b);
  return k;
}

}  // namespace

void Config::merge_yaml(std::string_view yaml_text, const std::string& name, const std::string& source) {
  YamlReader reader(name);
  bj::value root;
  try {
    const std::string text(yaml_text);
    {
      std::istringstream in(text);
      YAML::Parser parser(in);
      DocumentCounter counter;
      for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
      }
      if (counter.documents > 1) reader.error(Status::format, counter.second, "more than one YAML document");
    }
    const YAML::Node doc = YAML::Load(text);
    if (!doc.IsDefined() || doc.IsNull()) {
      root = bj::object{};
    } else {
      if (!doc.IsMap()) reader.error(Status::invalid_argument, doc.Mark(), "a configuration must be a mapping of keys");
      root = reader.convert(doc, "", 0);
    }
  } catch (const YAML::Exception& e) {
    reader.error(Status::format, e.mark, "not valid YAML: " + e.msg);
  }
  // Positions of the wrapped layout are also known without the "quantization." prefix the messages omit.
  std::map<std::string, Where> pos = reader.positions;
  if (root.get_object().size() == 1 && root.get_object().contains("quantization"))
    for (const auto& [k, w] : reader.positions)
      if (k.rfind("quantization.", 0) == 0) pos.emplace(k.substr(13), w);
  try {
    merge_json(root.get_object(), source);
  } catch (const Error& e) {
    const std::string msg = e.what();
    std::string k = key_in_message(msg);
    while (!k.empty() && !pos.count(k)) {  // an element or a section: the nearest written key
      const auto dot = k.rfind('.');
      k = dot == std::string::npos ? "" : k.substr(0, dot);
    }
    if (k.empty()) throw Error(e.status(), name + ": " + msg);
    const Where w = pos.at(k);
    throw Error(e.status(), name + ":" + std::to_string(w.line) + ":" + std::to_string(w.column) + ": " + msg);
  }
}

}  // namespace aq
