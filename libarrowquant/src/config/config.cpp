// Layered configuration: defaults < profile < config < env < cli, with the source of every effective value.
#include "arrowquant/config.hpp"

#include <cctype>
#include <charconv>
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <boost/json.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "config/config_keys.hpp"
#include "io/posix_file.hpp"

namespace aq {

namespace bj = boost::json;
using config_detail::find_key;
using config_detail::is_section;
using config_detail::Kind;
using config_detail::KeyDef;
using config_detail::key_table;

namespace {

const std::string kDefault = "default";
constexpr uint64_t kMaxConfigFileBytes = 16u << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// An environment variable's text as a JSON value of the key's kind (then checked by normalize()).
bj::value parse_env_value(const KeyDef& d, const std::string& var, std::string_view raw) {
  const std::string text = trim(raw);
  const std::string at = "environment variable " + var + " (config key '" + d.key + "')";
  switch (d.kind) {
    case Kind::boolean: {
      const std::string l = lower(text);
      if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
      if (l == "false" || l == "0" || l == "no" || l == "off") return false;
      fail(Status::invalid_argument, at + ": must be true or false, got \"" + text + "\"");
    }
    case Kind::integer:
    case Kind::opt_integer: {
      int64_t v = 0;
      const char* b = text.data();
      const char* e = b + text.size();
      auto r = std::from_chars(b, e, v);
      if (text.empty() || r.ec != std::errc() || r.ptr != e)
        fail(Status::invalid_argument, at + ": must be an integer, got \"" + text + "\"");
      return v;
    }
    case Kind::real: {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
        fail(Status::invalid_argument, at + ": must be a finite number, got \"" + text + "\"");
      return v;
    }
    case Kind::choice:
      return bj::string(lower(text));  // checked against the key's choices by normalize()
    default: break;
  }
  fail(Status::internal, at + ": no environment parser for this key");
}

int profile_index(Profile p) { return int(p); }

std::vector<std::string> split_dots(std::string_view key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    parts.emplace_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

// Insert `v` at the dotted path inside `root`, creating section objects as needed.
void put_path(bj::object& root, std::string_view key, bj::value v) {
  const auto parts = split_dots(key);
  bj::object* cur = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    bj::value& child = (*cur)[parts[i]];
    if (!child.is_object()) child = bj::object{};
    cur = &child.get_object();
  }
  (*cur)[parts.back()] = std::move(v);
}

}  // namespace

const char* profile_name(Profile p) {
  switch (p) {
    case Profile::edge: return "edge";
    case Profile::local: return "local";
    case Profile::cloud: return "cloud";
  }
  return "?";
}

Profile parse_profile(std::string_view name) {
  if (name == "edge") return Profile::edge;
  if (name == "local") return Profile::local;
  if (name == "cloud") return Profile::cloud;
  fail(Status::invalid_argument, "config key 'deployment_profile': must be one of \"edge\", \"local\", \"cloud\", got " +
                                     aq::json::quote(name));
}

const std::vector<std::string>& Config::leaf_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& d : key_table()) k.emplace_back(d.key);
    return k;
  }();
  return keys;
}

const std::vector<std::pair<std::string, std::string>>& Config::env_variables() {
  static const std::vector<std::pair<std::string, std::string>> vars = [] {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& d : key_table())
      if (d.env) v.emplace_back(d.env, d.key);
    return v;
  }();
  return vars;
}

const std::string& Config::schema_json() {
  static const std::string text = aq::json::to_text(config_detail::schema_json());
  return text;
}

Config::Config() { resolve(); }

Config Config::from_profile(Profile p) {
  Config c;
  c.set("deployment_profile", bj::string(profile_name(p)));
  return c;
}

const bj::value& Config::effective(const std::string& key, const std::string** source) const {
  for (const Layer* layer : {&cli_, &env_, &config_}) {
    auto it = layer->find(key);
    if (it != layer->end()) {
      *source = &it->second.source;
      return it->second.value;
    }
  }
  const KeyDef* d = find_key(key);
  if (d->per_profile) {
    // The profile layer exists only when a profile was chosen explicitly in some layer.
    for (const Layer* layer : {&cli_, &env_, &config_}) {
      auto it = layer->find("deployment_profile");
      if (it != layer->end()) {
        static const std::string names[3] = {"profile:edge", "profile:local", "profile:cloud"};
        const int p = profile_index(parse_profile(std::string_view(it->second.value.get_string().data(),
                                                                   it->second.value.get_string().size())));
        *source = &names[p];
        return d->profile[p];
      }
    }
  }
  *source = &kDefault;
  return d->def;
}

void Config::resolve() {
  std::map<std::string, std::string, std::less<>> sources;
  std::map<std::string, const bj::value*, std::less<>> v;
  for (const auto& d : key_table()) {
    const std::string* src = nullptr;
    v[d.key] = &effective(d.key, &src);
    sources[d.key] = *src;
  }
  // Every member of the one settings struct is written by its row; nothing is copied field by field.
  Settings q;
  for (const auto& d : key_table()) d.store(q, *v[d.key]);

  values_ = std::move(q);
  sources_ = std::move(sources);
}

void Config::validate() const {
  const TimeAwareConfig& q = values_.time_aware;
  if (q.beta_end < q.beta_start)
    fail(Status::invalid_argument, "config keys 'beta_start' (" + aq::json::number_text(q.beta_start) + ", from " +
                                       source("beta_start") + ") and 'beta_end' (" + aq::json::number_text(q.beta_end) +
                                       ", from " + source("beta_end") + "): beta_end must be >= beta_start");
  if (q.beta_schedule == BetaScheduleKind::linear && q.num_timesteps < 2)
    fail(Status::invalid_argument, "config keys 'num_timesteps' (" + std::to_string(q.num_timesteps) +
                                       ") and 'beta_schedule' (linear): a linear schedule needs num_timesteps >= 2");
}

void Config::add_warnings(const std::vector<std::string>& w) {
  for (const auto& m : w)
    if (std::find(warnings_.begin(), warnings_.end(), m) == warnings_.end()) warnings_.push_back(m);
}

void Config::set_into(Layer& layer, std::string_view key, const bj::value& value, const std::string& source,
                      std::vector<std::string>& warnings) {
  if (is_section(key)) {
    if (!value.is_object())
      fail(Status::invalid_argument, "config key '" + std::string(key) + "': must be an object (a section), got " +
                                         aq::json::to_text(value));
    for (const auto& kv : value.get_object())
      set_into(layer, std::string(key) + "." + std::string(kv.key().data(), kv.key().size()), kv.value(), source,
               warnings);
    return;
  }
  const KeyDef* d = find_key(key);
  if (!d) {
    if (const config_detail::RetiredKey* r = config_detail::find_retired(key)) {
      warnings.push_back("config key '" + std::string(key) + "' has no effect and is ignored: " + r->why);
      return;
    }
    config_detail::unknown_key(key);
  }
  layer[std::string(key)] = Entry{config_detail::normalize(*d, value), source};
}

// The older layout wraps every key in a top-level "quantization" mapping; both layouts read the same.
static const bj::object& unwrap_quantization(const bj::object& obj) {
  if (obj.size() == 1 && obj.contains("quantization")) {
    const bj::value& inner = obj.at("quantization");
    if (!inner.is_object())
      fail(Status::invalid_argument, "config key 'quantization': must be a mapping of configuration keys, got " +
                                         aq::json::to_text(inner));
    return inner.get_object();
  }
  if (obj.contains("quantization"))
    fail(Status::invalid_argument,
         "config key 'quantization': when present it must be the only top-level key (it wraps all the others)");
  return obj;
}

void Config::merge_json(const bj::object& obj, const std::string& source) {
  Layer next = config_;
  std::vector<std::string> warnings;
  for (const auto& kv : unwrap_quantization(obj))
    set_into(next, std::string_view(kv.key().data(), kv.key().size()), kv.value(), source, warnings);
  Layer old = config_;
  std::swap(config_, next);
  try {
    resolve();
  } catch (...) {
    std::swap(config_, old);
    throw;
  }
  add_warnings(warnings);
}

void Config::merge_json(std::string_view json_text, const std::string& source) {
  const bj::value v = aq::json::parse_strict(json_text, "configuration JSON", Status::format);
  if (!v.is_object())
    fail(Status::invalid_argument, "configuration JSON: must be an object, got " + aq::json::to_text(v));
  merge_json(v.get_object(), source);
}

static bool is_yaml_name(const std::string& path) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return path.size() >= e.size() && lower(path.substr(path.size() - e.size())) == e;
  };
  return ends(".yaml") || ends(".yml");
}

void Config::load_file(const std::string& path) {
  const std::string text = io::read_small_file(path, kMaxConfigFileBytes);
  if (is_yaml_name(path)) {
    merge_yaml(text, path, "config");
    return;
  }
  const bj::value v = aq::json::parse_strict(text, path, Status::format);
  if (!v.is_object()) fail(Status::invalid_argument, path + ": configuration must be a JSON object");
  try {
    merge_json(v.get_object(), "config");
  } catch (const Error& e) {
    throw Error(e.status(), path + ": " + e.what());
  }
}

void Config::apply_env() {
  apply_env([](const char* name) -> const char* { return std::getenv(name); });
}

void Config::apply_env(const std::function<const char*(const char*)>& lookup) {
  Layer next;
  for (const auto& [var, key] : env_variables()) {
    const char* raw = lookup(var.c_str());
    if (!raw || !*raw) continue;
    const KeyDef* d = find_key(key);
    const bj::value parsed = parse_env_value(*d, var, raw);
    next[key] = Entry{config_detail::normalize(*d, parsed, "environment variable " + var + " (config key '" + key + "')"),
                      "env:" + var};
  }
  std::swap(env_, next);
  resolve();
}

void Config::clear_env() {
  env_.clear();
  resolve();
}

void Config::set(std::string_view key, const bj::value& value, const std::string& source) {
  Layer next = cli_;
  std::vector<std::string> warnings;
  set_into(next, key, value, source, warnings);
  Layer old = cli_;
  std::swap(cli_, next);
  try {
    resolve();
  } catch (...) {
    std::swap(cli_, old);
    throw;
  }
  add_warnings(warnings);
}

void Config::set_text(std::string_view key, std::string_view text, const std::string& source) {
  bj::error_code ec;
  bj::value v = bj::parse(bj::string_view(text.data(), text.size()), ec);
  if (ec) v = bj::string(bj::string_view(text.data(), text.size()));  // a bare word: take it as a string
  else v = aq::json::parse_strict(text, "value of config key '" + std::string(key) + "'", Status::invalid_argument);
  set(key, v, source);
}

void Config::unset(std::string_view key) {
  if (!is_section(key) && !find_key(key) && !config_detail::find_retired(key)) config_detail::unknown_key(key);
  const std::string prefix = std::string(key) + ".";
  for (auto it = cli_.begin(); it != cli_.end();) {
    if (it->first == key || it->first.compare(0, prefix.size(), prefix) == 0) it = cli_.erase(it);
    else ++it;
  }
  resolve();
}

bj::value Config::get(std::string_view key) const {
  if (is_section(key)) {
    const bj::object all = to_json();
    const bj::value* cur = nullptr;
    const bj::object* obj = &all;
    for (const auto& part : split_dots(key)) {
      cur = obj->if_contains(part);
      obj = cur ? cur->if_object() : nullptr;
    }
    return cur ? *cur : bj::value(bj::object{});
  }
  if (!find_key(key)) config_detail::unknown_key(key);
  const std::string* src = nullptr;
  return effective(std::string(key), &src);
}

std::string Config::get_text(std::string_view key) const { return aq::json::to_text(get(key)); }

const std::string& Config::source(std::string_view key) const {
  auto it = sources_.find(key);
  if (it != sources_.end()) return it->second;
  if (is_section(key))
    fail(Status::invalid_argument, "config key '" + std::string(key) + "' is a section; sources are per leaf key");
  config_detail::unknown_key(key);
}

bj::object Config::to_json() const {
  bj::object root;
  for (const auto& d : key_table()) {
    const std::string* src = nullptr;
    put_path(root, d.key, effective(d.key, &src));
  }
  return root;
}

bj::object Config::sources_json() const {
  bj::object o;
  for (const auto& d : key_table()) o[d.key] = sources_.at(d.key);
  return o;
}

bj::object Config::report_json() const {
  bj::object o;
  o["values"] = to_json();
  o["sources"] = sources_json();
  return o;
}

}  // namespace aq
