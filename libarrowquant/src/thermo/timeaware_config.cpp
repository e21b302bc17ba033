// The time-aware configuration: enum names, and the key setters of the aq_timeaware_config handle, which are a
// view of the time-aware members of the one configuration table (config/config_keys.cpp).
#include "arrowquant/timeaware_config.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

#include "arrowquant/error.hpp"
#include "arrowquant/settings.hpp"
#include "config/config_keys.hpp"

namespace aq {

const char* interpolation_name(Interpolation m) {
  switch (m) {
    case Interpolation::linear: return "linear";
    case Interpolation::cubic: return "cubic";
    case Interpolation::sigmoid: return "sigmoid";
  }
  return "unknown";
}
const char* beta_schedule_name(BetaScheduleKind k) {
  switch (k) {
    case BetaScheduleKind::linear: return "linear";
    case BetaScheduleKind::cosine: return "cosine";
  }
  return "unknown";
}
const char* severity_name(Severity s) {
  switch (s) {
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
  }
  return "unknown";
}

const char* optimizer_name(TransitionOptimizer o) {
  switch (o) {
    case TransitionOptimizer::chain: return "chain";
    case TransitionOptimizer::gradient: return "gradient";
  }
  return "unknown";
}
TransitionOptimizer parse_optimizer(std::string_view name, const std::string& what) {
  if (name == "chain") return TransitionOptimizer::chain;
  if (name == "gradient") return TransitionOptimizer::gradient;
  invalid(what + " must be \"chain\" or \"gradient\", got \"" + std::string(name) + "\"");
}

Interpolation parse_interpolation(std::string_view name, const std::string& what) {
  if (name == "linear") return Interpolation::linear;
  if (name == "cubic") return Interpolation::cubic;
  if (name == "sigmoid") return Interpolation::sigmoid;
  invalid(what + " must be \"linear\", \"cubic\" or \"sigmoid\", got \"" + std::string(name) + "\"");
}
BetaScheduleKind parse_beta_schedule(std::string_view name, const std::string& what) {
  if (name == "linear") return BetaScheduleKind::linear;
  if (name == "cosine") return BetaScheduleKind::cosine;
  invalid(what + " must be \"linear\" or \"cosine\", got \"" + std::string(name) + "\"");
}
Severity parse_severity(std::string_view name, const std::string& what) {
  if (name == "low") return Severity::low;
  if (name == "medium") return Severity::medium;
  if (name == "high") return Severity::high;
  invalid(what + " must be \"low\", \"medium\" or \"high\", got \"" + std::string(name) + "\"");
}

namespace {

namespace bj = boost::json;
using config_detail::KeyDef;
using config_detail::Kind;

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

// The time-aware keys are the rows of the one configuration table whose member lies in Settings::time_aware;
// this handle is a view of those members, with the same names, ranges and messages.
const KeyDef& require_key(std::string_view key) {
  const KeyDef* k = config_detail::find_key(key);
  if (!k || !k->time_aware) invalid("unknown configuration key \"" + std::string(key) + "\"");
  return *k;
}

bool is_string_kind(Kind k) { return k == Kind::choice; }

// A number given through the numeric setter, as the JSON value the table checks.
bj::value number_value(const KeyDef& k, double v) {
  if (!std::isfinite(v)) invalid(std::string(k.key) + " must be a finite number, got " + fmt(v));
  if (k.kind == Kind::boolean) {
    if (v != 0.0 && v != 1.0) invalid(std::string(k.key) + " must be a boolean (0 or 1), got " + fmt(v));
    return v == 1.0;
  }
  if (k.kind == Kind::integer && std::floor(v) != v) invalid(std::string(k.key) + " must be an integer, got " + fmt(v));
  return v;
}

void check_cross(const TimeAwareConfig& c, const std::string& prefix) {
  if (c.beta_start > c.beta_end)
    invalid(prefix + "beta_start (" + fmt(c.beta_start) + ") must not exceed " + prefix + "beta_end (" +
            fmt(c.beta_end) + ")");
}

void store(TimeAwareConfig& c, const KeyDef& k, const bj::value& v, const std::string& origin) {
  Settings s;
  s.time_aware = c;
  k.store(s, config_detail::normalize(k, v, origin));
  c = s.time_aware;
}

void apply_object(TimeAwareConfig& c, const bj::value& json, const std::string& path, const std::string& prefix) {
  const auto* obj = json.if_object();
  if (!obj) invalid((path.empty() ? prefix + "(root)" : prefix + path) + " must be a JSON object");
  for (const auto& kv : *obj) {
    const std::string key = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
    const std::string shown = prefix + key;
    if (config_detail::is_section(key)) {
      if (!kv.value().is_object()) invalid(shown + " must be a JSON object");
      apply_object(c, kv.value(), key, prefix);
      continue;
    }
    const KeyDef* k = config_detail::find_key(key);
    if (!k || !k->time_aware) invalid("unknown configuration key \"" + shown + "\"");
    store(c, *k, kv.value(), "config key '" + shown + "'");
  }
}

}  // namespace

void validate_config(const TimeAwareConfig& c) {
  Settings s;
  s.time_aware = c;
  for (const auto& k : config_detail::key_table()) {
    if (!k.time_aware) continue;
    bj::value v = k.load(s);
    if (v.is_double() && !std::isfinite(v.get_double()))
      invalid(std::string(k.key) + " must be a finite number, got " + fmt(v.get_double()));
    config_detail::normalize(k, v, k.key);
  }
  check_cross(c, "");
}

void set_config_number(TimeAwareConfig& c, std::string_view key, double value) {
  const KeyDef& k = require_key(key);
  if (is_string_kind(k.kind)) invalid(std::string(k.key) + " takes a string value");
  TimeAwareConfig copy = c;
  store(copy, k, number_value(k, value), k.key);
  check_cross(copy, "");
  c = copy;
}

void set_config_string(TimeAwareConfig& c, std::string_view key, std::string_view value) {
  const KeyDef& k = require_key(key);
  if (!is_string_kind(k.kind)) invalid(std::string(k.key) + " takes a number, not a string");
  store(c, k, bj::string(value), k.key);
}

double get_config_number(const TimeAwareConfig& c, std::string_view key) {
  const KeyDef& k = require_key(key);
  if (is_string_kind(k.kind)) invalid(std::string(k.key) + " has a string value");
  Settings s;
  s.time_aware = c;
  const bj::value v = k.load(s);
  if (v.is_bool()) return v.get_bool() ? 1.0 : 0.0;
  return v.to_number<double>();
}

std::string get_config_string(const TimeAwareConfig& c, std::string_view key) {
  const KeyDef& k = require_key(key);
  if (!is_string_kind(k.kind)) invalid(std::string(k.key) + " has a number value");
  Settings s;
  s.time_aware = c;
  return std::string(k.load(s).as_string().c_str());
}

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& k : config_detail::key_table())
      if (k.time_aware) out.push_back(k.key);
    return out;
  }();
  return keys;
}

bool config_key_is_string(std::string_view key) {
  const KeyDef* k = config_detail::find_key(key);
  return k && k->time_aware && is_string_kind(k->kind);
}

void apply_config_json(TimeAwareConfig& c, const boost::json::value& json, const std::string& prefix) {
  TimeAwareConfig copy = c;
  apply_object(copy, json, "", prefix);
  check_cross(copy, prefix);
  c = copy;
}

void apply_thermodynamic_json(ThermodynamicConfig& c, const boost::json::value& json, const std::string& prefix) {
  // Reuse the full table by wrapping the sub-object; messages keep the caller's prefix.
  TimeAwareConfig wrapper;
  wrapper.thermodynamic = c;
  std::string outer = prefix;
  const std::string tail = "thermodynamic.";
  if (outer.size() >= tail.size() && outer.compare(outer.size() - tail.size(), tail.size(), tail) == 0)
    outer.erase(outer.size() - tail.size());
  boost::json::object root;
  root["thermodynamic"] = json;
  apply_object(wrapper, root, "", outer);
  c = wrapper.thermodynamic;
}

}  // namespace aq
