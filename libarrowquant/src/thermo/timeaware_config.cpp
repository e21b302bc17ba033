// Keys, defaults and range checks of the time-aware configuration. One table drives the key setters, the JSON
// reader and the validation, so a key's name, type and range are written down exactly once.
#include "arrowquant/timeaware_config.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

#include "arrowquant/error.hpp"

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

enum class KeyType { boolean, integer, real, interpolation, schedule, optimizer };

struct KeyDef {
  std::string key;
  KeyType type;
  double lo, hi;          // numeric range
  bool lo_open, hi_open;  // open ends
  std::function<double(const TimeAwareConfig&)> get;
  std::function<void(TimeAwareConfig&, double)> set;
  std::function<std::string(const TimeAwareConfig&)> get_str;
  std::function<void(TimeAwareConfig&, std::string_view, const std::string&)> set_str;
};


std::string fmt(double v) {
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

#define AQ_NUM(KEY, TYPE, LO, HI, LO_OPEN, HI_OPEN, FIELD, CTYPE)                                          \
  KeyDef {                                                                                                \
    KEY, TYPE, LO, HI, LO_OPEN, HI_OPEN, [](const TimeAwareConfig& c) { return static_cast<double>(c.FIELD); }, \
        [](TimeAwareConfig& c, double v) { c.FIELD = static_cast<CTYPE>(v); }, nullptr, nullptr             \
  }

const std::vector<KeyDef>& key_table() {
  static const std::vector<KeyDef> table = [] {
    std::vector<KeyDef> t;
    t.push_back(AQ_NUM("num_timesteps", KeyType::integer, 1, 1e8, false, false, num_timesteps, uint64_t));
    t.push_back(AQ_NUM("num_time_groups", KeyType::integer, 1, 1e6, false, false, num_time_groups, uint64_t));
    t.push_back(AQ_NUM("activation_bits", KeyType::integer, 2, 16, false, false, activation_bits, int));
    t.push_back(KeyDef{"beta_schedule", KeyType::schedule, 0, 0, false, false, nullptr, nullptr,
                       [](const TimeAwareConfig& c) { return std::string(beta_schedule_name(c.beta_schedule)); },
                       [](TimeAwareConfig& c, std::string_view v, const std::string& w) {
                         c.beta_schedule = parse_beta_schedule(v, w);
                       }});
    t.push_back(AQ_NUM("beta_start", KeyType::real, 0, 1, true, true, beta_start, float));
    t.push_back(AQ_NUM("beta_end", KeyType::real, 0, 1, true, true, beta_end, float));
    t.push_back(AQ_NUM("calibration_samples", KeyType::integer, 1, 1e6, false, false, calibration_samples, uint64_t));
    t.push_back(AQ_NUM("calibration_data_std", KeyType::real, 0, 1e6, true, false, calibration_data_std, float));
    t.push_back(AQ_NUM("thermodynamic.validation.enabled", KeyType::boolean, 0, 1, false, false,
                       thermodynamic.validation.enabled, bool));
    t.push_back(AQ_NUM("thermodynamic.validation.smoothness_threshold", KeyType::real, 0, 1, false, false,
                       thermodynamic.validation.smoothness_threshold, float));
    t.push_back(AQ_NUM("thermodynamic.validation.log_violations", KeyType::boolean, 0, 1, false, false,
                       thermodynamic.validation.log_violations, bool));
    t.push_back(AQ_NUM("thermodynamic.boundary_smoothing.enabled", KeyType::boolean, 0, 1, false, false,
                       thermodynamic.boundary_smoothing.enabled, bool));
    t.push_back(AQ_NUM("thermodynamic.boundary_smoothing.window_size", KeyType::integer, 1, 20, false, false,
                       thermodynamic.boundary_smoothing.window_size, int));
    t.push_back(KeyDef{"thermodynamic.boundary_smoothing.interpolation", KeyType::interpolation, 0, 0, false,
                       false, nullptr, nullptr,
                       [](const TimeAwareConfig& c) {
                         return std::string(interpolation_name(c.thermodynamic.boundary_smoothing.interpolation));
                       },
                       [](TimeAwareConfig& c, std::string_view v, const std::string& w) {
                         c.thermodynamic.boundary_smoothing.interpolation = parse_interpolation(v, w);
                       }});
    const std::string to = "thermodynamic.transition_optimization.";
    t.push_back(AQ_NUM(to + "enabled", KeyType::boolean, 0, 1, false, false,
                       thermodynamic.transition_optimization.enabled, bool));
    t.push_back(AQ_NUM(to + "markov_weight", KeyType::real, 0, 1e6, false, false,
                       thermodynamic.transition_optimization.markov_weight, float));
    t.push_back(AQ_NUM(to + "entropy_weight", KeyType::real, 0, 1e6, false, false,
                       thermodynamic.transition_optimization.entropy_weight, float));
    t.push_back(AQ_NUM(to + "learning_rate", KeyType::real, 0, 1, true, false,
                       thermodynamic.transition_optimization.learning_rate, float));
    t.push_back(AQ_NUM(to + "max_iterations", KeyType::integer, 1, 1e6, false, false,
                       thermodynamic.transition_optimization.max_iterations, int));
    t.push_back(AQ_NUM(to + "convergence_threshold", KeyType::real, 0, 1e6, true, false,
                       thermodynamic.transition_optimization.convergence_threshold, float));
    t.push_back(KeyDef{to + "beta_schedule", KeyType::schedule, 0, 0, false, false, nullptr, nullptr,
                       [](const TimeAwareConfig& c) {
                         return std::string(beta_schedule_name(c.thermodynamic.transition_optimization.beta_schedule));
                       },
                       [](TimeAwareConfig& c, std::string_view v, const std::string& w) {
                         c.thermodynamic.transition_optimization.beta_schedule = parse_beta_schedule(v, w);
                       }});
    t.push_back(AQ_NUM(to + "gradient_clip", KeyType::real, 0, 1e6, true, false,
                       thermodynamic.transition_optimization.gradient_clip, float));
    t.push_back(AQ_NUM(to + "smoothness_weight", KeyType::real, 0, 1e6, false, false,
                       thermodynamic.transition_optimization.smoothness_weight, float));
    // ---- Phase 3 chain solver keys (begin) ----
    t.push_back(KeyDef{to + "optimizer", KeyType::optimizer, 0, 0, false, false, nullptr, nullptr,
                       [](const TimeAwareConfig& c) {
                         return std::string(optimizer_name(c.thermodynamic.transition_optimization.optimizer));
                       },
                       [](TimeAwareConfig& c, std::string_view v, const std::string& w) {
                         c.thermodynamic.transition_optimization.optimizer = parse_optimizer(v, w);
                       }});
    t.push_back(AQ_NUM(to + "target_smoothness", KeyType::real, 0, 1, false, false,
                       thermodynamic.transition_optimization.target_smoothness, float));
    t.push_back(AQ_NUM(to + "candidates", KeyType::integer, 2, 1024, false, false,
                       thermodynamic.transition_optimization.candidates, int));
    // ---- Phase 3 chain solver keys (end) ----
    return t;
  }();
  return table;
}
#undef AQ_NUM

const KeyDef* find_key(std::string_view key) {
  for (const auto& k : key_table())
    if (k.key == key) return &k;
  return nullptr;
}

const KeyDef& require_key(std::string_view key, const std::string& shown) {
  const KeyDef* k = find_key(key);
  if (!k) invalid("unknown configuration key \"" + shown + "\"");
  return *k;
}

bool is_string_type(KeyType t) {
  return t == KeyType::interpolation || t == KeyType::schedule || t == KeyType::optimizer;
}

// Range check of one numeric value (as stored: real keys are narrowed to binary32 first).
void check_number(const KeyDef& k, double v, const std::string& shown) {
  if (!std::isfinite(v)) invalid(shown + " must be a finite number, got " + fmt(v));
  if (k.type == KeyType::real) {
    if (std::fabs(v) > std::numeric_limits<float>::max()) invalid(shown + " is out of binary32 range: " + fmt(v));
    v = static_cast<double>(static_cast<float>(v));  // the stored value is what gets checked
  }
  if (k.type == KeyType::boolean) {
    if (v != 0.0 && v != 1.0) invalid(shown + " must be a boolean (0 or 1), got " + fmt(v));
    return;
  }
  if (k.type == KeyType::integer && std::floor(v) != v)
    invalid(shown + " must be an integer, got " + fmt(v));
  bool below = k.lo_open ? !(v > k.lo) : !(v >= k.lo);
  bool above = k.hi_open ? !(v < k.hi) : !(v <= k.hi);
  if (below || above)
    invalid(shown + " must be in " + (k.lo_open ? "(" : "[") + fmt(k.lo) + ", " + fmt(k.hi) + (k.hi_open ? ")" : "]") +
            ", got " + fmt(v));
}

void set_number_checked(TimeAwareConfig& c, const KeyDef& k, double v, const std::string& shown) {
  if (is_string_type(k.type)) invalid(shown + " takes a string value");
  check_number(k, v, shown);
  k.set(c, v);
}

// Cross-key rules that a single key's range cannot express.
void check_cross(const TimeAwareConfig& c, const std::string& prefix) {
  if (c.beta_start > c.beta_end)
    invalid(prefix + "beta_start (" + fmt(c.beta_start) + ") must not exceed " + prefix + "beta_end (" +
            fmt(c.beta_end) + ")");
}

void apply_object(TimeAwareConfig& c, const boost::json::value& json, const std::string& path,
                  const std::string& prefix) {
  const auto* obj = json.if_object();
  if (!obj) invalid((path.empty() ? prefix + "(root)" : prefix + path) + " must be a JSON object");
  for (const auto& kv : *obj) {
    std::string key = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
    std::string shown = prefix + key;
    const boost::json::value& v = kv.value();
    bool is_section = false;
    for (const auto& k : key_table())
      if (k.key.compare(0, key.size() + 1, key + ".") == 0) is_section = true;
    if (is_section) {
      if (!v.is_object()) invalid(shown + " must be a JSON object");
      apply_object(c, v, key, prefix);
      continue;
    }
    const KeyDef& k = require_key(key, shown);
    if (is_string_type(k.type)) {
      if (!v.is_string()) invalid(shown + " must be a string");
      k.set_str(c, std::string_view(v.get_string().data(), v.get_string().size()), shown);
    } else if (k.type == KeyType::boolean) {
      if (!v.is_bool()) invalid(shown + " must be true or false");
      k.set(c, v.get_bool() ? 1.0 : 0.0);
    } else if (k.type == KeyType::integer) {
      double d;
      if (v.is_int64()) d = static_cast<double>(v.get_int64());
      else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
      else invalid(shown + " must be an integer");
      set_number_checked(c, k, d, shown);
    } else {
      if (!v.is_number()) invalid(shown + " must be a number");
      set_number_checked(c, k, v.to_number<double>(), shown);
    }
  }
}

}  // namespace

void validate_config(const TimeAwareConfig& c) {
  for (const auto& k : key_table()) {
    if (is_string_type(k.type)) continue;
    check_number(k, k.get(c), k.key);
  }
  check_cross(c, "");
}

void set_config_number(TimeAwareConfig& c, std::string_view key, double value) {
  const KeyDef& k = require_key(key, std::string(key));
  TimeAwareConfig copy = c;
  set_number_checked(copy, k, value, k.key);
  check_cross(copy, "");
  c = copy;
}

void set_config_string(TimeAwareConfig& c, std::string_view key, std::string_view value) {
  const KeyDef& k = require_key(key, std::string(key));
  if (!is_string_type(k.type)) invalid(k.key + " takes a number, not a string");
  k.set_str(c, value, k.key);
}

double get_config_number(const TimeAwareConfig& c, std::string_view key) {
  const KeyDef& k = require_key(key, std::string(key));
  if (is_string_type(k.type)) invalid(k.key + " has a string value");
  return k.get(c);
}

std::string get_config_string(const TimeAwareConfig& c, std::string_view key) {
  const KeyDef& k = require_key(key, std::string(key));
  if (!is_string_type(k.type)) invalid(k.key + " has a number value");
  return k.get_str(c);
}

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& k : key_table()) out.push_back(k.key);
    return out;
  }();
  return keys;
}

bool config_key_is_string(std::string_view key) {
  const KeyDef* k = find_key(key);
  return k && is_string_type(k->type);
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
