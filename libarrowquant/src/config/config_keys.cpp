// The configuration schema (see config_keys.hpp for how to add a key) and the checks of a key's value.
#include "config/config_keys.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <type_traits>

#include <boost/json.hpp>

#include "arrowquant/config.hpp"
#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"

namespace aq::config_detail {
namespace {

namespace bj = boost::json;

// ---- member binding: a row names its member with AQ_MEMBER(path); store/load convert JSON <-> member type ----

void put(bool& m, const bj::value& v) { m = v.as_bool(); }
void put(int& m, const bj::value& v) { m = int(v.as_int64()); }
void put(uint64_t& m, const bj::value& v) { m = v.is_null() ? 0 : uint64_t(v.as_int64()); }
void put(float& m, const bj::value& v) { m = float(v.as_double()); }
void put(double& m, const bj::value& v) { m = v.is_null() ? 0.0 : v.as_double(); }
void put(std::string& m, const bj::value& v) { m = v.is_null() ? std::string() : std::string(v.as_string().c_str()); }
void put(Mode& m, const bj::value& v) { m = v.as_string() == "search" ? Mode::search : Mode::rtn; }
void put(Profile& m, const bj::value& v) { m = parse_profile(v.as_string().c_str()); }
void put(Interpolation& m, const bj::value& v) { m = parse_interpolation(v.as_string().c_str(), "interpolation"); }
void put(BetaScheduleKind& m, const bj::value& v) { m = parse_beta_schedule(v.as_string().c_str(), "beta_schedule"); }
void put(TransitionOptimizer& m, const bj::value& v) { m = parse_optimizer(v.as_string().c_str(), "optimizer"); }
void put(IoMode& m, const bj::value& v) { parse_io_mode(v.as_string().c_str(), &m); }  // the choice is checked
void put(std::vector<std::string>& m, const bj::value& v) {
  m.clear();
  for (const auto& e : v.as_array()) m.emplace_back(e.as_string().c_str());
}
void put(std::vector<std::pair<std::string, int>>& m, const bj::value& v) {
  m.clear();
  for (const auto& kv : v.as_object()) m.emplace_back(std::string(kv.key()), int(kv.value().as_int64()));
}

bj::value get(bool m, Kind) { return m; }
bj::value get(int m, Kind) { return int64_t(m); }
bj::value get(uint64_t m, Kind k) {
  if (k == Kind::opt_integer && m == 0) return nullptr;
  return int64_t(m);
}
bj::value get(float m, Kind) { return double(m); }
bj::value get(double m, Kind k) {
  if (k == Kind::opt_real && m == 0) return nullptr;
  return m;
}
bj::value get(const std::string& m, Kind k) {
  if (k == Kind::opt_string && m.empty()) return nullptr;
  return bj::string(m);
}
bj::value get(Mode m, Kind) { return m == Mode::search ? "search" : "rtn"; }
bj::value get(Profile m, Kind) { return profile_name(m); }
bj::value get(Interpolation m, Kind) { return interpolation_name(m); }
bj::value get(BetaScheduleKind m, Kind) { return beta_schedule_name(m); }
bj::value get(TransitionOptimizer m, Kind) { return optimizer_name(m); }
bj::value get(IoMode m, Kind) { return io_mode_name(m); }
bj::value get(const std::vector<std::string>& m, Kind) {
  bj::array a;
  for (const auto& s : m) a.emplace_back(s);
  return a;
}
bj::value get(const std::vector<std::pair<std::string, int>>& m, Kind) {
  bj::object o;
  for (const auto& [k, b] : m) o[k] = int64_t(b);
  return o;
}

#define AQ_MEMBER(path) [](Settings & s) -> auto& { return s.path; }

// One row: key, kind, the member it fills, default, help. Modifiers below add range, profile values, env, flag.
template <class Member>
KeyDef row(const char* key, Kind kind, Member member, bj::value def, const char* help) {
  KeyDef d;
  d.key = key;
  d.kind = kind;
  d.def = std::move(def);
  d.help = help;
  using T = std::remove_reference_t<decltype(member(std::declval<Settings&>()))>;
  d.binary32 = std::is_same_v<T, float>;
  d.time_aware = std::string_view(key).rfind("thermodynamic.", 0) == 0;  // refined by the time_aware() modifier
  d.store = [member](Settings& s, const bj::value& v) { put(member(s), v); };
  d.load = [member, kind](const Settings& s) { return get(member(const_cast<Settings&>(s)), kind); };
  return d;
}

struct Row {
  KeyDef d;
  Row& range(double lo, double hi, bool lo_open = false, bool hi_open = false) {
    d.lo = lo, d.hi = hi, d.lo_open = lo_open, d.hi_open = hi_open;
    return *this;
  }
  Row& allow(std::vector<int> a) { return d.allowed = std::move(a), *this; }
  Row& choices(std::vector<std::string> c) { return d.choices = std::move(c), *this; }
  Row& profiles(bj::value edge, bj::value local, bj::value cloud) {
    d.per_profile = true;
    d.profile[0] = std::move(edge), d.profile[1] = std::move(local), d.profile[2] = std::move(cloud);
    return *this;
  }
  Row& env(const char* var) { return d.env = var, *this; }
  Row& flag(const char* name, const char* arg, const char* alias = nullptr) {
    d.flag = name, d.flag_arg = arg, d.flag_alias = alias;
    return *this;
  }
  Row& note(const char* why) { return d.range_note = why, *this; }
  Row& time_aware() { return d.time_aware = true, *this; }
};

template <class Member>
Row key(const char* name, Kind kind, Member member, bj::value def, const char* help) {
  return Row{row(name, kind, member, std::move(def), help)};
}

constexpr double kHuge = 1e6;  // upper end of the weights, clips and thresholds: far beyond any useful value
constexpr Kind B = Kind::boolean, I = Kind::integer, R = Kind::real, C = Kind::choice;

// THE table. Order = documentation order (docs/config.md, to_json, sources). Ranges: where the two earlier tables
// of this project disagreed, the wider range was taken unless it was unsafe; the note says which and why.
std::vector<KeyDef> build_table() {
  std::vector<Row> t;
  t.push_back(key("bit_width", I, AQ_MEMBER(bit_width), 4, "weight bits: 2, 4 or 8")
                  .range(2, 8).allow({2, 4, 8}).profiles(2, 4, 8).env("ARROW_QUANT_BIT_WIDTH")
                  .flag("bits", "N", "bit-width"));
  t.push_back(key("num_time_groups", I, AQ_MEMBER(time_aware.num_time_groups), 10,
                  "timestep groups G of the activation parameters (E = min(G, num_timesteps))")
                  .range(1, 1000000).profiles(5, 10, 20).env("ARROW_QUANT_NUM_TIME_GROUPS")
                  .flag("time-groups", "N", "num-time-groups").time_aware()
                  .note("1..10^6 (the wider of 1..100 and 1..10^6): E = min(G, T) never exceeds num_timesteps, so "
                        "G costs no more than T already may"));
  t.push_back(key("group_size", I, AQ_MEMBER(group_size), 128, "weights per quantization group: 32, 64, 128 or 256")
                  .range(32, 256).allow({32, 64, 128, 256}).profiles(256, 128, 64).env("ARROW_QUANT_GROUP_SIZE")
                  .flag("group-size", "N"));
  t.push_back(key("min_accuracy", R, AQ_MEMBER(min_accuracy), 0.85, "cosine-similarity floor of a layer")
                  .range(0, 1).profiles(0.65, 0.85, 0.95).env("ARROW_QUANT_MIN_ACCURACY"));
  t.push_back(key("calibration_samples", I, AQ_MEMBER(time_aware.calibration_samples), 128,
                  "data-free calibration samples per timestep")
                  .range(1, 1000000).profiles(32, 128, 512).env("ARROW_QUANT_CALIBRATION_SAMPLES").time_aware());
  t.push_back(key("deployment_profile", C, AQ_MEMBER(deployment_profile), "local",
                  "profile whose values fill bit_width, num_time_groups, group_size, min_accuracy, "
                  "calibration_samples").choices({"edge", "local", "cloud"}));
  t.push_back(key("fail_fast", B, AQ_MEMBER(fail_fast), false,
                  "no fallback: the first layer below min_accuracy stops the run").env("ARROW_QUANT_FAIL_FAST"));
  t.push_back(key("num_threads", I, AQ_MEMBER(num_threads), 0,
                  "worker threads, 0 = the process default; the output is the same for every count")
                  .range(0, 4096).env("ARROW_QUANT_NUM_THREADS").flag("threads", "N"));
  t.push_back(key("enable_time_aware", B, AQ_MEMBER(enable_time_aware), true,
                  "compute time-group activation parameters"));
  t.push_back(key("enable_streaming", B, AQ_MEMBER(enable_streaming), true,
                  "write each tensor as it is quantized instead of holding the outputs: a single-file output of 64 MiB or more in one pass, any output above the memory budget (a sharded one: quantize twice)")
                  .env("ARROW_QUANT_ENABLE_STREAMING"));
  t.push_back(key("skip_sensitive_layers", B, AQ_MEMBER(skip_sensitive_layers), false,
                  "keep embeddings, norms and output heads unquantized"));
  t.push_back(key("sensitive_layer_names", Kind::string_list, AQ_MEMBER(sensitive_layer_names), bj::array{},
                  "exact tensor names kept unquantized"));
  t.push_back(key("sensitive_layer_patterns", Kind::regex_list, AQ_MEMBER(sensitive_layer_patterns), bj::array{},
                  "ECMAScript regular expressions of names kept unquantized (checked to compile)"));
  t.push_back(key("layer_bit_widths", Kind::bits_map, AQ_MEMBER(layer_bit_widths), bj::object{},
                  "per-layer bits: name or regex -> 2, 4, 8 or 16 (16 = keep); always honoured"));
  t.push_back(key("target_model_size_mb", Kind::opt_real, AQ_MEMBER(target_model_size_mb), nullptr,
                  "null or an output size to meet by choosing per-layer bits").range(0, 1e12, true));
  t.push_back(key("max_memory_limit_mb", Kind::opt_integer, AQ_MEMBER(max_memory_limit_mb), nullptr,
                  "null (1024) or the memory budget for held outputs in MB").range(1, 1e9)
                  .env("ARROW_QUANT_MAX_MEMORY_MB"));
  t.push_back(key("thermodynamic.validation.enabled", B, AQ_MEMBER(time_aware.thermodynamic.validation.enabled),
                  true, "Phase 1: Markov smoothness validation before and after phases 2-3"));
  t.push_back(key("thermodynamic.validation.smoothness_threshold", R,
                  AQ_MEMBER(time_aware.thermodynamic.validation.smoothness_threshold), 0.3,
                  "relative scale jump above which a boundary is a violation").range(0, 1));
  t.push_back(key("thermodynamic.validation.log_violations", B,
                  AQ_MEMBER(time_aware.thermodynamic.validation.log_violations), true,
                  "one warning per layer with violations after the phases (report warnings, CLI stderr)"));
  t.push_back(key("thermodynamic.boundary_smoothing.enabled", B,
                  AQ_MEMBER(time_aware.thermodynamic.boundary_smoothing.enabled), false, "Phase 2: boundary smoothing"));
  t.push_back(key("thermodynamic.boundary_smoothing.window_size", I,
                  AQ_MEMBER(time_aware.thermodynamic.boundary_smoothing.window_size), 5,
                  "groups on each side of a boundary").range(1, 20));
  t.push_back(key("thermodynamic.boundary_smoothing.interpolation", C,
                  AQ_MEMBER(time_aware.thermodynamic.boundary_smoothing.interpolation), "linear", "ramp shape")
                  .choices({"linear", "cubic", "sigmoid"}));
  t.push_back(key("thermodynamic.transition_optimization.enabled", B,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.enabled), false,
                  "Phase 3: transition optimization"));
  t.push_back(key("thermodynamic.transition_optimization.markov_weight", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.markov_weight), 0.1,
                  "weight of the mean Gaussian KL of the transitions").range(0, kHuge));
  t.push_back(key("thermodynamic.transition_optimization.entropy_weight", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.entropy_weight), 0.05,
                  "weight of -H of the quantized values (0 disables the entropy term)").range(0, kHuge));
  t.push_back(key("thermodynamic.transition_optimization.learning_rate", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.learning_rate), 0.01,
                  "step size on ln(scale) and zero point").range(0, 1, true));
  t.push_back(key("thermodynamic.transition_optimization.max_iterations", I,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.max_iterations), 50,
                  "evaluated points at most").range(1, 1000000));
  t.push_back(key("thermodynamic.transition_optimization.convergence_threshold", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.convergence_threshold), 1e-4,
                  "stop when two consecutive losses differ by less").range(0, kHuge, true));
  t.push_back(key("thermodynamic.transition_optimization.beta_schedule", C,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.beta_schedule), "linear",
                  "beta schedule of the transitions").choices({"linear", "cosine"}));
  t.push_back(key("thermodynamic.transition_optimization.gradient_clip", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.gradient_clip), 1.0,
                  "per-component gradient clip").range(0, kHuge, true));
  t.push_back(key("thermodynamic.transition_optimization.smoothness_weight", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.smoothness_weight), 0.1,
                  "coupling between neighbouring groups (0 = the original loss)").range(0, kHuge));
  t.push_back(key("thermodynamic.transition_optimization.optimizer", C,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.optimizer), "chain",
                  "Phase 3 solver: chain (best sequence under the smoothness constraints, dynamic programming) or "
                  "gradient (clipped gradient steps)").choices({"chain", "gradient"}));
  t.push_back(key("thermodynamic.transition_optimization.target_smoothness", R,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.target_smoothness), 0.9,
                  "Phase 1 smoothness score the chain solver must reach").range(0, 1));
  t.push_back(key("thermodynamic.transition_optimization.candidates", I,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.candidates), 64,
                  "candidate (scale, zero point) pairs per time group of the chain solver").range(2, 1024));
  t.push_back(key("thermodynamic.transition_optimization.clip_ranges", B,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.clip_ranges), true,
                  "chain solver candidates may cut a time group's recorded min/max (false: every candidate covers "
                  "it)"));
  t.push_back(key("thermodynamic.transition_optimization.relative_mse", B,
                  AQ_MEMBER(time_aware.thermodynamic.transition_optimization.relative_mse), true,
                  "chain solver: activation MSE relative to the layer's unconstrained per-group best (false: the "
                  "absolute MSE, which the other terms outweigh on real activations)"));
  t.push_back(key("mode", C, AQ_MEMBER(mode), "rtn", "rtn (min/max, round half to even) or search "
                  "(error-minimizing; at 2 and 4 bits it stores the hierarchical parameter format: INT4 4.625 bits "
                  "per weight at group size 128 instead of 4.25, INT2 2.75 instead of 2.25)").choices({"rtn", "search"}).flag("mode", "MODE"));
  t.push_back(key("activation_bits", I, AQ_MEMBER(time_aware.activation_bits), 8,
                  "activation grid: 2^a - 1 steps per range").range(2, 16).time_aware());
  t.push_back(key("num_timesteps", I, AQ_MEMBER(time_aware.num_timesteps), 1000,
                  "denoising steps T (data-free calibration; a recorded file brings its own T)")
                  .range(1, 1000000).time_aware()
                  .note("1..10^6 (the narrower of 1..10^6 and 1..10^8): data-free calibration keeps statistics "
                        "per timestep and layer, and 10^8 of them per layer does not fit in memory"));
  t.push_back(key("beta_schedule", C, AQ_MEMBER(time_aware.beta_schedule), "linear",
                  "beta schedule of the data-free calibration").choices({"linear", "cosine"}).time_aware());
  t.push_back(key("beta_start", R, AQ_MEMBER(time_aware.beta_start), 1e-4,
                  "first beta (data-free calibration and Phase 3 transitions)").range(0, 1, true, true).time_aware());
  t.push_back(key("beta_end", R, AQ_MEMBER(time_aware.beta_end), 0.02, "last beta, >= beta_start")
                  .range(0, 1, true, true).time_aware());
  t.push_back(key("calibration_file", Kind::opt_string, AQ_MEMBER(calibration_file), nullptr,
                  "null (data-free calibration) or a recorded calibration file").flag("calibration", "FILE"));
  t.push_back(key("calibration_data_std", R, AQ_MEMBER(time_aware.calibration_data_std), 0.5,
                  "std of the simulated clean signal x_0 (data-free)").range(0, kHuge, true).time_aware());
  t.push_back(key("max_shard_size_mb", Kind::opt_integer, AQ_MEMBER(max_shard_size_mb), nullptr,
                  "null (one file) or the size above which the output is sharded, MB").range(1, 1e9));
  t.push_back(key("overwrite", B, AQ_MEMBER(overwrite), true,
                  "replace an existing output (the CLI sets false unless --force)"));
  t.push_back(key("io_mode", C, AQ_MEMBER(io_mode), "auto",
                  "how the output's data is written: auto (O_DIRECT from 64 MiB up where the file system accepts "
                  "it, else the page cache), direct (O_DIRECT, the page cache where refused) or buffered; the bytes "
                  "are the same. Except with buffered, input tensors of 8 MiB or more that are not in the page "
                  "cache are read with O_DIRECT").choices({"auto", "direct", "buffered"}).env("ARROW_QUANT_IO_MODE")
                  .flag("io-mode", "MODE"));
  std::vector<KeyDef> out;
  for (auto& r : t) out.push_back(std::move(r.d));
  return out;
}

// Keys that older configuration files (ArrowQuant V2) carry. Accepted in every format, one warning each.
const std::vector<RetiredKey> kRetired = {
    {"enable_mixed_precision", "per-layer bits from layer_bit_widths are always honoured"},
    {"modality", "ArrowQuant treats every model the same way (an ArrowQuant V2 option)"},
    {"enable_spatial", "ArrowQuant has no spatial quantization (an ArrowQuant V2 option)"},
    {"use_arrow", "ArrowQuant reads and writes safetensors only (an ArrowQuant V2 option)"},
    {"enable_simd", "SIMD kernels are always used where the CPU has them (an ArrowQuant V2 option)"},
    {"simd_threshold", "SIMD kernels are always used where the CPU has them (an ArrowQuant V2 option)"},
    {"enable_memory_aware_scheduling",
     "memory is bounded by enable_streaming and max_memory_limit_mb (an ArrowQuant V2 option)"},
    {"enable_entropy_adaptation", "ArrowQuant has no entropy adaptation (an ArrowQuant V2 option)"},
};

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

std::string num_text(double x) {
  if (x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string(int64_t(x));
  return aq::json::number_text(x);
}

std::string range_text(const KeyDef& d) {
  return std::string(d.lo_open ? "(" : "[") + num_text(d.lo) + ", " + num_text(d.hi) + (d.hi_open ? ")" : "]");
}

bool in_range(const KeyDef& d, double x) {
  if (d.lo_open ? !(x > d.lo) : !(x >= d.lo)) return false;
  if (d.hi_open ? !(x < d.hi) : !(x <= d.hi)) return false;
  return true;
}

constexpr double kBig = 9007199254740992.0;  // 2^53: integers beyond are not exactly representable as reals

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

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = char(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// Hints for the typing mistakes YAML 1.1 habits cause under YAML 1.2's core schema.
std::string string_hint(const KeyDef& d, const bj::value& v) {
  if (!v.is_string()) return "";
  const std::string s = lower(std::string_view(v.get_string().data(), v.get_string().size()));
  if (d.kind == Kind::boolean && (s == "yes" || s == "no" || s == "on" || s == "off" || s == "y" || s == "n"))
    return " (YAML 1.2 reads yes/no/on/off as strings: write true or false)";
  if (d.kind != Kind::boolean && d.kind != Kind::choice && !s.empty()) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size()) return " (a quoted number is a string: remove the quotes)";
  }
  return "";
}

}  // namespace

const std::vector<KeyDef>& key_table() {
  static const std::vector<KeyDef> t = build_table();
  return t;
}

const std::vector<RetiredKey>& retired_keys() { return kRetired; }

const KeyDef* find_key(std::string_view key) {
  for (const auto& d : key_table())
    if (key == d.key) return &d;
  return nullptr;
}

const RetiredKey* find_retired(std::string_view key) {
  for (const auto& r : kRetired)
    if (key == r.key) return &r;
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
  // Common spellings from other tools and from the command line.
  static const std::pair<const char*, const char*> kAliases[] = {
      {"bits", "bit_width"},           {"time_groups", "num_time_groups"}, {"profile", "deployment_profile"},
      {"threads", "num_threads"},      {"calibration", "calibration_file"}, {"timesteps", "num_timesteps"},
      {"shard_size_mb", "max_shard_size_mb"}, {"max_memory_mb", "max_memory_limit_mb"}};
  std::string norm(key);
  for (char& ch : norm)
    if (ch == '-') ch = '_';
  if (norm != key && (find_key(norm) || is_section(norm)))
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
  for (const auto& r : kRetired) consider(r.key);
  // A leaf name given at the wrong level ("window_size" at the top): point to the full key.
  if (best.empty() && key.find('.') == std::string_view::npos)
    for (const auto& d : key_table()) {
      const std::string_view full(d.key);
      const auto dot = full.rfind('.');
      if (dot != std::string_view::npos && full.substr(dot + 1) == key) {
        best = d.key;
        break;
      }
    }
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
    fail(Status::invalid_argument, at + ": " + why + ", got " + what_is(v) + string_hint(d, v));
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
        if (std::find(d.allowed.begin(), d.allowed.end(), i) == d.allowed.end())
          return bad("must be " + accepted_text(d));
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
      // A key stored as binary32 is checked as stored: 1e-50 is not "> 0" once it is a float.
      const double stored = d.binary32 ? (std::fabs(x) > std::numeric_limits<float>::max()
                                              ? x
                                              : double(float(x)))
                                       : x;
      if (!in_range(d, x) || !in_range(d, stored)) return bad("must be a number in " + range_text(d));
      return x;
    }
    case Kind::choice: {
      if (!v.is_string()) return bad("must be one of " + accepted_text(d));
      const std::string s(v.get_string().data(), v.get_string().size());
      if (std::find(d.choices.begin(), d.choices.end(), s) == d.choices.end())
        return bad("must be one of " + accepted_text(d));
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

std::string accepted_text(const KeyDef& d) {
  auto list = [](const std::vector<std::string>& items, const char* last) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i)
      s += (i == 0 ? "" : i + 1 == items.size() ? last : ", ") + items[i];
    return s;
  };
  switch (d.kind) {
    case Kind::boolean: return "true or false";
    case Kind::integer:
    case Kind::opt_integer:
    case Kind::real:
    case Kind::opt_real:
      if (!d.allowed.empty()) {
        std::vector<std::string> a;
        for (int x : d.allowed) a.push_back(std::to_string(x));
        return list(a, " or ");
      }
      return range_text(d);
    case Kind::choice: {
      std::vector<std::string> q;
      for (const auto& c : d.choices) q.push_back(aq::json::quote(c));
      return list(q, ", ");
    }
    case Kind::opt_string: return "a non-empty string";
    case Kind::string_list: return "array of strings";
    case Kind::regex_list: return "array of regular expressions";
    case Kind::bits_map: return "name or regex -> 2, 4, 8 or 16";
  }
  return "";
}

const char* type_name(Kind k) {
  switch (k) {
    case Kind::boolean: return "boolean";
    case Kind::integer: return "integer";
    case Kind::real: return "number";
    case Kind::choice: return "string";
    case Kind::string_list:
    case Kind::regex_list: return "array";
    case Kind::bits_map: return "object";
    case Kind::opt_real: return "null or number";
    case Kind::opt_integer: return "null or integer";
    case Kind::opt_string: return "null or string";
  }
  return "?";
}

bj::array schema_json() {
  bj::array a;
  for (const auto& d : key_table()) {
    bj::object o;
    o["key"] = d.key;
    o["type"] = type_name(d.kind);
    o["accepted"] = accepted_text(d);
    if (d.kind == Kind::choice) {
      bj::array c;
      for (const auto& x : d.choices) c.emplace_back(x);
      o["choices"] = std::move(c);
    }
    o["default"] = d.def;
    if (d.per_profile) o["profiles"] = bj::object{{"edge", d.profile[0]}, {"local", d.profile[1]}, {"cloud", d.profile[2]}};
    o["env"] = d.env ? bj::value(d.env) : bj::value(nullptr);
    o["flag"] = d.flag ? bj::value(std::string("--") + d.flag) : bj::value(nullptr);
    o["flag_alias"] = d.flag_alias ? bj::value(std::string("--") + d.flag_alias) : bj::value(nullptr);
    o["flag_arg"] = d.flag_arg ? bj::value(d.flag_arg) : bj::value(nullptr);
    o["help"] = d.help;
    o["time_aware"] = d.time_aware;
    a.push_back(std::move(o));
  }
  for (const auto& r : kRetired) {
    bj::object o;
    o["key"] = r.key;
    o["type"] = "any";
    o["retired"] = r.why;
    a.push_back(std::move(o));
  }
  return a;
}

std::string docs_key_table() {
  auto code = [](const std::string& s) { return "`" + s + "`"; };
  auto val = [&](const bj::value& v) { return code(aq::json::to_text(v)); };
  std::string md = "| Key | Type | Accepted | Default (edge / local / cloud) | Environment | Flag | Meaning |\n"
                   "|-----|------|----------|---------|-------------|------|---------|\n";
  for (const auto& d : key_table()) {
    std::string def = d.per_profile ? val(d.profile[0]) + " / " + val(d.profile[1]) + " / " + val(d.profile[2])
                                    : val(d.def);
    std::string flag = d.flag ? code(std::string("--") + d.flag) : "";
    if (d.flag_alias) flag += ", " + code(std::string("--") + d.flag_alias);
    std::string help = d.help;
    if (*d.range_note) help += ". Range: " + std::string(d.range_note);
    md += "| " + code(d.key) + " | " + type_name(d.kind) + " | " + accepted_text(d) + " | " + def + " | " +
          (d.env ? code(d.env) : "") + " | " + flag + " | " + help + " |\n";
  }
  md += "\nAccepted with a warning and no effect (keys of older configuration files):\n\n";
  for (const auto& r : kRetired) md += "- " + code(r.key) + ": " + r.why + "\n";
  return md;
}

}  // namespace aq::config_detail
