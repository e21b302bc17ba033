// Configuration keys (DESIGN.md §3; the reference's keys and defaults, plus ours), and their validation.
#include "config/config_keys.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include <boost/json.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"

namespace aq::config_detail {
namespace {

namespace bj = boost::json;

KeyDef boolean(const char* key, bool def, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = Kind::boolean;
  d.def = def;
  d.help = help;
  return d;
}

KeyDef integer(const char* key, int64_t def, double lo, double hi, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = Kind::integer;
  d.def = def;
  d.lo = lo;
  d.hi = hi;
  d.help = help;
  return d;
}

KeyDef real(const char* key, double def, double lo, double hi, bool lo_open, bool hi_open, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = Kind::real;
  d.def = def;
  d.lo = lo;
  d.hi = hi;
  d.lo_open = lo_open;
  d.hi_open = hi_open;
  d.help = help;
  return d;
}

KeyDef choice(const char* key, const char* def, std::vector<std::string> choices, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = Kind::choice;
  d.def = def;
  d.choices = std::move(choices);
  d.help = help;
  return d;
}

KeyDef simple(const char* key, Kind kind, bj::value def, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = kind;
  d.def = std::move(def);
  d.help = help;
  return d;
}

KeyDef per_profile(KeyDef d, bj::value edge, bj::value local, bj::value cloud) {
  d.per_profile = true;
  d.profile[0] = std::move(edge);
  d.profile[1] = std::move(local);
  d.profile[2] = std::move(cloud);
  return d;
}

constexpr double kBig = 9007199254740992.0;  // 2^53: integers beyond are not exactly representable as reals

std::vector<KeyDef> build_table() {
  std::vector<KeyDef> t;
  KeyDef bw = integer("bit_width", 4, 2, 8, "weight bits: 2, 4 or 8");
  bw.allowed = {2, 4, 8};
  t.push_back(per_profile(bw, 2, 4, 8));
  t.push_back(per_profile(integer("num_time_groups", 10, 1, 100, "time groups G, 1..100"), 5, 10, 20));
  KeyDef gs = integer("group_size", 128, 32, 256, "weight group size: 32, 64, 128 or 256");
  gs.allowed = {32, 64, 128, 256};
  t.push_back(per_profile(gs, 256, 128, 64));
  t.push_back(per_profile(real("min_accuracy", 0.85, 0, 1, false, false, "cosine-similarity floor, 0..1"), 0.65,
                          0.85, 0.95));
  t.push_back(per_profile(integer("calibration_samples", 128, 1, 1000000, "calibration samples per timestep"), 32,
                          128, 512));
  t.push_back(choice("deployment_profile", "local", {"edge", "local", "cloud"}, "edge | local | cloud"));
  t.push_back(boolean("fail_fast", false, "stop at the first layer below min_accuracy (no fallback)"));
  t.push_back(integer("num_threads", 0, 0, 4096, "worker threads, 0 = process default"));
  t.push_back(boolean("enable_time_aware", true, "compute time-group activation parameters"));
  t.push_back(boolean("enable_streaming", true, "bounded memory: tensors streamed from input to output"));
  t.push_back(boolean("skip_sensitive_layers", false, "keep embeddings, norms and output heads unquantized"));
  t.push_back(simple("sensitive_layer_names", Kind::string_list, bj::array{}, "exact names kept unquantized"));
  t.push_back(simple("sensitive_layer_patterns", Kind::regex_list, bj::array{}, "regexes of names kept unquantized"));
  t.push_back(boolean("enable_mixed_precision", false, "per-layer bits from layer_bit_widths"));
  t.push_back(simple("layer_bit_widths", Kind::bits_map, bj::object{}, "name or regex -> 2, 4, 8 or 16 (keep)"));
  {
    KeyDef d = simple("target_model_size_mb", Kind::opt_real, nullptr, "null or a size > 0 to meet");
    d.lo = 0;
    d.hi = 1e12;
    d.lo_open = true;
    t.push_back(d);
  }
  {
    KeyDef d = simple("max_memory_limit_mb", Kind::opt_integer, nullptr, "null or a memory budget >= 1 MB");
    d.lo = 1;
    d.hi = 1e9;
    t.push_back(d);
  }
  t.push_back(boolean("thermodynamic.validation.enabled", true, "Phase 1 Markov validation"));
  t.push_back(real("thermodynamic.validation.smoothness_threshold", 0.3, 0, 1, false, false,
                   "scale jump above which a boundary is a violation, 0..1"));
  t.push_back(boolean("thermodynamic.validation.log_violations", true, "log violations as warnings"));
  t.push_back(boolean("thermodynamic.boundary_smoothing.enabled", false, "Phase 2 boundary smoothing"));
  t.push_back(integer("thermodynamic.boundary_smoothing.window_size", 5, 1, 20, "groups on each side, 1..20"));
  t.push_back(choice("thermodynamic.boundary_smoothing.interpolation", "linear", {"linear", "cubic", "sigmoid"},
                     "linear | cubic | sigmoid"));
  t.push_back(boolean("thermodynamic.transition_optimization.enabled", false, "Phase 3 transition optimization"));
  t.push_back(real("thermodynamic.transition_optimization.markov_weight", 0.1, 0, 1e6, false, false, ">= 0"));
  t.push_back(real("thermodynamic.transition_optimization.entropy_weight", 0.05, 0, 1e6, false, false, ">= 0"));
  t.push_back(real("thermodynamic.transition_optimization.learning_rate", 0.01, 0, 1, true, false, "in (0, 1]"));
  t.push_back(integer("thermodynamic.transition_optimization.max_iterations", 50, 1, 1000000, ">= 1"));
  t.push_back(real("thermodynamic.transition_optimization.convergence_threshold", 1e-4, 0, 1e6, true, false, "> 0"));
  t.push_back(choice("thermodynamic.transition_optimization.beta_schedule", "linear", {"linear", "cosine"},
                     "linear | cosine"));
  t.push_back(real("thermodynamic.transition_optimization.gradient_clip", 1.0, 0, 1e6, true, false, "> 0"));
  t.push_back(real("thermodynamic.transition_optimization.smoothness_weight", 0.1, 0, 1e6, false, false,
                   ">= 0 (0 = the seed's loss)"));
  // ---- Phase 3 chain solver keys (begin) ----
  t.push_back(choice("thermodynamic.transition_optimization.optimizer", "chain", {"chain", "gradient"},
                     "chain | gradient (Phase 3 solver)"));
  t.push_back(real("thermodynamic.transition_optimization.target_smoothness", 0.9, 0, 1, false, false,
                   "Phase 1 score the chain solver must reach, 0..1"));
  t.push_back(integer("thermodynamic.transition_optimization.candidates", 64, 2, 1024,
                      "candidate (scale, zero point) pairs per time group, 2..1024"));
  // ---- Phase 3 chain solver keys (end) ----
  t.push_back(choice("mode", "rtn", {"rtn", "search"}, "rtn | search"));
  t.push_back(integer("activation_bits", 8, 2, 16, "activation bits, 2..16"));
  t.push_back(integer("num_timesteps", 1000, 1, 1000000, "diffusion timesteps T, 1..1000000"));
  t.push_back(choice("beta_schedule", "linear", {"linear", "cosine"}, "linear | cosine"));
  t.push_back(real("beta_start", 1e-4, 0, 1, true, true, "in (0, 1)"));
  t.push_back(real("beta_end", 0.02, 0, 1, true, true, "in (0, 1)"));
  t.push_back(simple("calibration_file", Kind::opt_string, nullptr, "null or a calibration file path"));
  t.push_back(real("calibration_data_std", 0.5, 0, 1e6, true, false, "> 0"));
  {
    KeyDef d = simple("max_shard_size_mb", Kind::opt_integer, nullptr, "null or a shard size >= 1 MB");
    d.lo = 1;
    d.hi = 1e9;
    t.push_back(d);
  }
  return t;
}

// The reference (ArrowQuant V2) accepted these; we name them explicitly instead of calling them unknown.
const char* kReferenceOnly[] = {"modality", "enable_spatial", "enable_entropy_adaptation",
                                "enable_memory_aware_scheduling", "use_arrow"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string what_is(const bj::value& v) {
  std::string s = aq::json::to_text(v);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::string range_text(const KeyDef& d) {
  auto num = [](double x) {
    if (x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string(int64_t(x));
    return aq::json::number_text(x);
  };
  return std::string(d.lo_open ? "(" : "[") + num(d.lo) + ", " + num(d.hi) + (d.hi_open ? ")" : "]");
}

bool in_range(const KeyDef& d, double x) {
  if (d.lo_open ? !(x > d.lo) : !(x >= d.lo)) return false;
  if (d.hi_open ? !(x < d.hi) : !(x <= d.hi)) return false;
  return true;
}

// Integral value of a JSON number, if it has one.
bool integral(const bj::value& v, int64_t* out) {
  if (v.is_int64()) {
    *out = v.get_int64();
    return true;
  }
  if (v.is_uint64()) {
    if (v.get_uint64() > uint64_t(INT64_MAX)) return false;
    *out = int64_t(v.get_uint64());
    return true;
  }
  if (v.is_double()) {
    const double x = v.get_double();
    if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) <= kBig) {
      *out = int64_t(x);
      return true;
    }
  }
  return false;
}

bool numeric(const bj::value& v, double* out) {
  if (v.is_int64()) *out = double(v.get_int64());
  else if (v.is_uint64()) *out = double(v.get_uint64());
  else if (v.is_double()) *out = v.get_double();
  else return false;
  return std::isfinite(*out);
}

}  // namespace

const std::vector<KeyDef>& key_table() {
  static const std::vector<KeyDef> t = build_table();
  return t;
}

const KeyDef* find_key(std::string_view key) {
  for (const auto& d : key_table())
    if (key == d.key) return &d;
  return nullptr;
}

const std::vector<std::string>& sections() {
  static const std::vector<std::string> s = {"thermodynamic", "thermodynamic.validation",
                                             "thermodynamic.boundary_smoothing",
                                             "thermodynamic.transition_optimization"};
  return s;
}

bool is_section(std::string_view key) {
  for (const auto& s : sections())
    if (key == s) return true;
  return false;
}

void unknown_key(std::string_view key, const std::string& origin) {
  std::string msg = (origin.empty() ? std::string() : origin + ": ") + "unknown configuration key '" +
                    std::string(key) + "'";
  for (const char* r : kReferenceOnly)
    if (key == r)
      fail(Status::invalid_argument, msg + " (an ArrowQuant V2 option that ArrowQuant does not support; remove it)");
  // Common spellings from other tools and from the command line.
  static const std::pair<const char*, const char*> kAliases[] = {
      {"bits", "bit_width"},           {"time_groups", "num_time_groups"}, {"profile", "deployment_profile"},
      {"threads", "num_threads"},      {"calibration", "calibration_file"}, {"timesteps", "num_timesteps"},
      {"shard_size_mb", "max_shard_size_mb"}, {"max_memory_mb", "max_memory_limit_mb"}};
  std::string norm(key);
  for (char& ch : norm)
    if (ch == '-') ch = '_';
  if (norm != key && find_key(norm))
    fail(Status::invalid_argument, msg + " (did you mean '" + norm + "'?)");
  for (const auto& [alias, target] : kAliases)
    if (norm == alias) fail(Status::invalid_argument, msg + " (did you mean '" + target + "'?)");
  std::string best;
  std::size_t best_d = 3;
  auto consider = [&](const std::string& cand) {
    const std::size_t d = edit_distance(key, cand);
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  };
  for (const auto& d : key_table()) consider(d.key);
  for (const auto& s : sections()) consider(s);
  if (!best.empty()) msg += " (did you mean '" + best + "'?)";
  fail(Status::invalid_argument, msg);
}

bj::value normalize(const KeyDef& d, const bj::value& v, const std::string& origin) {
  const std::string at = origin.empty() ? "config key '" + std::string(d.key) + "'" : origin;
  // Elements are named inside the key's quotes: config key 'sensitive_layer_names[1]'.
  auto elem = [&](const std::string& suffix) {
    return origin.empty() ? "config key '" + std::string(d.key) + suffix + "'" : origin + suffix;
  };
  auto bad = [&](const std::string& why) -> bj::value {
    fail(Status::invalid_argument, at + ": " + why + ", got " + what_is(v));
  };
  switch (d.kind) {
    case Kind::boolean:
      if (!v.is_bool()) bad("must be true or false");
      return v;
    case Kind::integer:
    case Kind::opt_integer: {
      if (d.kind == Kind::opt_integer && v.is_null()) return nullptr;
      int64_t i;
      if (!integral(v, &i))
        return bad(d.kind == Kind::opt_integer ? "must be null or an integer" : "must be an integer");
      if (!d.allowed.empty()) {
        if (std::find(d.allowed.begin(), d.allowed.end(), i) == d.allowed.end()) return bad(std::string("must be ") + d.help);
      } else if (!in_range(d, double(i))) {
        return bad("must be an integer in " + range_text(d));
      }
      return i;
    }
    case Kind::real:
    case Kind::opt_real: {
      if (d.kind == Kind::opt_real && v.is_null()) return nullptr;
      double x;
      if (!numeric(v, &x)) return bad(d.kind == Kind::opt_real ? "must be null or a number" : "must be a number");
      if (!in_range(d, x)) return bad("must be a number in " + range_text(d));
      return x;
    }
    case Kind::choice: {
      std::string list;
      for (const auto& c : d.choices) list += (list.empty() ? "" : ", ") + aq::json::quote(c);
      if (!v.is_string()) return bad("must be one of " + list);
      const std::string s(v.get_string().data(), v.get_string().size());
      if (std::find(d.choices.begin(), d.choices.end(), s) == d.choices.end()) return bad("must be one of " + list);
      return v;
    }
    case Kind::opt_string:
      if (v.is_null()) return nullptr;
      if (!v.is_string() || v.get_string().empty()) return bad("must be null or a non-empty string");
      return v;
    case Kind::string_list:
    case Kind::regex_list: {
      if (!v.is_array()) return bad("must be an array of strings");
      const bj::array& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string ai = elem("[" + std::to_string(i) + "]");
        if (!a[i].is_string())
          fail(Status::invalid_argument, ai + ": must be a string, got " + what_is(a[i]));
        if (d.kind == Kind::regex_list) {
          try {
            std::regex re(a[i].get_string().c_str(), std::regex::ECMAScript);
          } catch (const std::regex_error& e) {
            fail(Status::invalid_argument, ai + ": invalid regular expression " + what_is(a[i]) + ": " + e.what());
          }
        }
      }
      return v;
    }
    case Kind::bits_map: {
      if (!v.is_object()) return bad("must be an object mapping layer names or patterns to 2, 4, 8 or 16");
      bj::object out;
      for (const auto& kv : v.get_object()) {
        const std::string name(kv.key().data(), kv.key().size());
        const std::string ai = elem("[" + aq::json::quote(name) + "]");
        if (name.empty()) fail(Status::invalid_argument, at + ": a layer name is empty");
        int64_t b;
        if (!integral(kv.value(), &b) || (b != 2 && b != 4 && b != 8 && b != 16))
          fail(Status::invalid_argument, ai + ": must be 2, 4, 8 or 16 (16 = keep), got " + what_is(kv.value()));
        out[name] = b;
      }
      return out;
    }
  }
  return v;
}

}  // namespace aq::config_detail
