// The quantization configuration (DESIGN.md §3): the reference's keys plus ours, deployment profiles, ARROW_QUANT_*
// environment overrides, and where every effective value came from.
//
// Values live in layers; a key's effective value is taken from the highest layer that sets it:
//
//   default  <  profile  <  config (JSON text / file)  <  env (ARROW_QUANT_*)  <  cli (explicit setters)
//
// The profile layer holds the profile-dependent keys (bit_width, num_time_groups, group_size, min_accuracy,
// calibration_samples) of the effective deployment_profile, and only when a profile was chosen explicitly
// (in any layer); otherwise those keys come from the defaults, which equal the local profile. Because layers are
// kept apart, the order of the calls does not matter: a CLI flag set before a config file is loaded still wins.
//
// Sources are "default", "profile:<name>", "config" (or the label given to merge_json), "env:ARROW_QUANT_<VAR>"
// and "cli". Every error is aq::Error(Status::invalid_argument) whose message names the full dotted key
// (thermodynamic.boundary_smoothing.window_size) or the environment variable; a rejected call changes nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "arrowquant/quantize.hpp"

namespace aq {

enum class Profile : int { edge = 0, local = 1, cloud = 2 };
const char* profile_name(Profile p);                 // "edge", "local", "cloud"
Profile parse_profile(std::string_view name);        // Status::invalid_argument naming deployment_profile

// The effective, typed configuration. Strings that are enumerations hold one of their documented values.
struct QuantConfig {
  int bit_width = 4;
  int num_time_groups = 10;
  int group_size = 128;
  double min_accuracy = 0.85;
  int calibration_samples = 128;
  Profile deployment_profile = Profile::local;
  bool fail_fast = false;
  int num_threads = 0;  // 0 = the process default
  bool enable_time_aware = true;
  bool enable_streaming = true;
  bool skip_sensitive_layers = false;
  std::vector<std::string> sensitive_layer_names;     // exact names
  std::vector<std::string> sensitive_layer_patterns;  // ECMAScript regular expressions (checked to compile)
  bool enable_mixed_precision = false;
  std::vector<std::pair<std::string, int>> layer_bit_widths;  // name or regex -> 2, 4, 8 or 16 (16 = keep)
  std::optional<double> target_model_size_mb;
  std::optional<uint64_t> max_memory_limit_mb;

  struct Validation {
    bool enabled = true;
    double smoothness_threshold = 0.3;
    bool log_violations = true;
  } validation;
  struct BoundarySmoothing {
    bool enabled = false;
    int window_size = 5;
    std::string interpolation = "linear";  // linear | cubic | sigmoid
  } boundary_smoothing;
  struct TransitionOptimization {
    bool enabled = false;
    double markov_weight = 0.1;
    double entropy_weight = 0.05;
    double learning_rate = 0.01;
    int max_iterations = 50;
    double convergence_threshold = 1e-4;
    std::string beta_schedule = "linear";  // linear | cosine
    double gradient_clip = 1.0;
    double smoothness_weight = 0.1;
    // Phase 3 chain solver
    std::string optimizer = "chain";  // chain | gradient
    double target_smoothness = 0.9;
    int candidates = 64;
  } transition_optimization;

  Mode mode = Mode::rtn;
  int activation_bits = 8;
  int num_timesteps = 1000;
  std::string beta_schedule = "linear";  // linear | cosine
  double beta_start = 1e-4;
  double beta_end = 0.02;
  std::optional<std::string> calibration_file;
  double calibration_data_std = 0.5;
  std::optional<uint64_t> max_shard_size_mb;
};

class Config {
 public:
  Config();  // every key at its default (the local profile's values), source "default"
  static Config from_profile(Profile p);  // deployment_profile set explicitly (source "cli")

  // Merge a JSON object (text or parsed) into the config layer. Nested sections are objects; keys not given keep
  // their lower-layer values. Unknown keys, wrong types and out-of-range values throw; nothing is applied then.
  void merge_json(std::string_view json_text, const std::string& source = "config");
  void merge_json(const boost::json::object& obj, const std::string& source = "config");
  // Read a JSON file and merge it (Status::io when unreadable; parse errors name the file).
  void load_file(const std::string& path);

  // Replace the env layer from the ARROW_QUANT_* variables (BIT_WIDTH, NUM_TIME_GROUPS, GROUP_SIZE, MIN_ACCURACY,
  // CALIBRATION_SAMPLES, FAIL_FAST, NUM_THREADS, ENABLE_STREAMING, MAX_MEMORY_MB). Unset or empty variables are
  // ignored; a malformed value throws naming the variable. `lookup` replaces getenv (for tests).
  void apply_env();
  void apply_env(const std::function<const char*(const char*)>& lookup);
  void clear_env();

  // Explicit setting (layer "cli" unless told otherwise). A section key ("thermodynamic.validation") takes an
  // object and sets each member. set_text parses `text` as JSON; text that is not valid JSON is taken as a bare
  // string, so set_text("mode", "search") works like set_text("mode", "\"search\"").
  void set(std::string_view key, const boost::json::value& value, const std::string& source = "cli");
  void set_text(std::string_view key, std::string_view text, const std::string& source = "cli");
  // Remove a key from the explicit layer again (falls back to env/config/profile/default).
  void unset(std::string_view key);

  // Effective value of a leaf key or a section (as a nested object); Status::invalid_argument for unknown keys.
  boost::json::value get(std::string_view key) const;
  std::string get_text(std::string_view key) const;  // get() as compact JSON text
  const std::string& source(std::string_view key) const;  // leaf keys only

  const QuantConfig& values() const { return values_; }
  // Rules between keys (beta_end >= beta_start; a linear beta schedule needs num_timesteps >= 2). Checked here,
  // not on each set, so that keys can be set in any order; consumers call it before use.
  void validate() const;

  // The effective configuration as nested JSON (loadable again with merge_json) and the source of every leaf key
  // as a flat {"dotted.key": "source"} object, keys in documentation order.
  boost::json::object to_json() const;
  boost::json::object sources_json() const;
  // {"values": to_json(), "sources": sources_json()}: what the report embeds.
  boost::json::object report_json() const;

  // Every leaf key in documentation order, and the environment variables with their keys.
  static const std::vector<std::string>& leaf_keys();
  static const std::vector<std::pair<std::string, std::string>>& env_variables();

 private:
  struct Entry {
    boost::json::value value;
    std::string source;
  };
  using Layer = std::map<std::string, Entry, std::less<>>;
  Layer config_, env_, cli_;
  QuantConfig values_;
  std::map<std::string, std::string, std::less<>> sources_;

  const boost::json::value& effective(const std::string& key, const std::string** source) const;
  void resolve();  // recompute values_ and sources_ (validates cross-key rules; throws before committing)
  void set_into(Layer& layer, std::string_view key, const boost::json::value& value, const std::string& source);
};

}  // namespace aq
