// Configuration of the time-aware activation parameters and the three thermodynamic phases (docs/time-aware.md).
//
// Field names follow the configuration keys: the top-level keys of ours (num_timesteps, activation_bits,
// beta_schedule, beta_start, beta_end, calibration_samples, calibration_data_std), num_time_groups, and
// thermodynamic.{validation, boundary_smoothing, transition_optimization}.* with ArrowQuant V2's sub-keys plus our
// transition_optimization.{gradient_clip, smoothness_weight}. Defaults are the local profile's.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace boost::json {
class value;
}

namespace aq {

// Enum values equal the C ABI's (aq_interpolation, aq_beta_schedule_kind, aq_severity); they never change.
enum class Interpolation : int { linear = 0, cubic = 1, sigmoid = 2 };
enum class BetaScheduleKind : int { linear = 0, cosine = 1 };
enum class Severity : int { low = 0, medium = 1, high = 2 };
// Phase 3's solver: the chain dynamic programme (thermo/chain_solver.cpp) or the earlier gradient descent.
enum class TransitionOptimizer : int { chain = 0, gradient = 1 };

const char* interpolation_name(Interpolation m);   // "linear", "cubic", "sigmoid"
const char* beta_schedule_name(BetaScheduleKind k);  // "linear", "cosine"
const char* severity_name(Severity s);               // "low", "medium", "high"
const char* optimizer_name(TransitionOptimizer o);   // "chain", "gradient"
// Parse a name; throws aq::Error(invalid_argument) naming `what` when the name is unknown.
Interpolation parse_interpolation(std::string_view name, const std::string& what);
BetaScheduleKind parse_beta_schedule(std::string_view name, const std::string& what);
Severity parse_severity(std::string_view name, const std::string& what);
TransitionOptimizer parse_optimizer(std::string_view name, const std::string& what);

struct ValidationConfig {
  bool enabled = true;               // Phase 1 runs before and after phases 2–3
  float smoothness_threshold = 0.3f;  // a boundary whose relative scale jump exceeds this is a violation; [0, 1]
  bool log_violations = true;        // the pipeline logs violations at warning level
};

struct BoundarySmoothingConfig {
  bool enabled = false;
  int window_size = 5;  // groups on each side of a boundary, 1..20
  Interpolation interpolation = Interpolation::linear;
};

struct TransitionOptimizationConfig {
  bool enabled = false;
  float markov_weight = 0.1f;    // weight of the mean Gaussian KL of the transitions, >= 0
  float entropy_weight = 0.05f;  // weight of -H of the quantized values (evaluated, not differentiated), >= 0
  float learning_rate = 0.01f;   // (0, 1]
  int max_iterations = 50;       // >= 1
  float convergence_threshold = 1e-4f;  // stop when two consecutive losses differ by less; > 0
  BetaScheduleKind beta_schedule = BetaScheduleKind::linear;  // schedule of the transitions
  float gradient_clip = 1.0f;    // per-component clip of the gradient; > 0
  float smoothness_weight = 0.1f;  // coupling term between neighbouring groups (ours); >= 0, 0 = ArrowQuant V2's loss
  // --- chain solver (docs/time-aware.md, "Phase 3: the chain solver") ---
  TransitionOptimizer optimizer = TransitionOptimizer::chain;  // "chain" (default) or "gradient"
  float target_smoothness = 0.9f;  // Phase 1 score the chain must reach; [0, 1]
  int candidates = 64;             // candidate (scale, zero point) pairs per group; 2..1024
  bool clip_ranges = true;         // candidates may cut a group's recorded min/max (quantile ranges)
  bool relative_mse = true;        // MSE term relative to the layer's unconstrained per-group best
};

struct ThermodynamicConfig {
  ValidationConfig validation;
  BoundarySmoothingConfig boundary_smoothing;
  TransitionOptimizationConfig transition_optimization;
};

struct TimeAwareConfig {
  uint64_t num_timesteps = 1000;   // T, >= 1
  uint64_t num_time_groups = 10;   // G, >= 1 (G > T is valid: min(G, T) groups)
  int activation_bits = 8;         // a: 2^a - 1 code steps per group range; 2..16
  BetaScheduleKind beta_schedule = BetaScheduleKind::linear;  // data-free calibration's forward process
  float beta_start = 1e-4f;        // (0, 1)
  float beta_end = 0.02f;          // (0, 1), >= beta_start
  uint64_t calibration_samples = 128;  // data-free samples per timestep, >= 1
  float calibration_data_std = 0.5f;   // std of the data-free x_0, > 0
  ThermodynamicConfig thermodynamic;
};

// Throws aq::Error(invalid_argument) naming the first key whose value is out of range.
void validate_config(const TimeAwareConfig& config);

// Key-based access with the configuration's dotted key names ("num_time_groups",
// "thermodynamic.transition_optimization.learning_rate", ...). Booleans are numbers 0/1; integer keys must get an
// integral value. Unknown keys and out-of-range values throw aq::Error(invalid_argument) naming the key; the
// config is unchanged on failure.
void set_config_number(TimeAwareConfig& config, std::string_view key, double value);
void set_config_string(TimeAwareConfig& config, std::string_view key, std::string_view value);
double get_config_number(const TimeAwareConfig& config, std::string_view key);
std::string get_config_string(const TimeAwareConfig& config, std::string_view key);
// Every key accepted by the setters, in a fixed order.
const std::vector<std::string>& config_keys();
bool config_key_is_string(std::string_view key);

// Apply a JSON object holding any subset of the keys above, nested as in the configuration file
// ({"num_time_groups": 5, "thermodynamic": {"validation": {"enabled": false}}}). Unknown keys, wrong types and
// out-of-range values throw aq::Error(invalid_argument) naming the full dotted key; the config is unchanged on
// failure. `prefix` is prepended to key names in messages (e.g. "quantization.").
void apply_config_json(TimeAwareConfig& config, const boost::json::value& json, const std::string& prefix = "");
// Apply only the "thermodynamic" sub-object (for callers that parse the rest of the configuration themselves).
void apply_thermodynamic_json(ThermodynamicConfig& config, const boost::json::value& json,
                              const std::string& prefix = "thermodynamic.");

}  // namespace aq
