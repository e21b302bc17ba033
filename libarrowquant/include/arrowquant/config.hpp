// The quantization configuration (docs/config.md): the reference's keys plus ours, deployment profiles, ARROW_QUANT_*
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
// Every key is a row of one table (src/config/config_keys.cpp, which says how to add a key); the effective values
// fill one aq::Settings struct.
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

#include "arrowquant/settings.hpp"

namespace aq {

const char* profile_name(Profile p);                 // "edge", "local", "cloud"
Profile parse_profile(std::string_view name);        // Status::invalid_argument naming deployment_profile

class Config {
 public:
  Config();  // every key at its default (the local profile's values), source "default"
  static Config from_profile(Profile p);  // deployment_profile set explicitly (source "cli")

  // Merge a JSON object (text or parsed) into the config layer. Nested sections are objects; keys not given keep
  // their lower-layer values. The whole object may be wrapped in {"quantization": {...}} (the older layout).
  // Unknown keys, wrong types and out-of-range values throw; nothing is applied then. Keys of older files that
  // have no effect here (retired keys: enable_mixed_precision, modality, ...) are accepted with one warning each.
  void merge_json(std::string_view json_text, const std::string& source = "config");
  void merge_json(const boost::json::object& obj, const std::string& source = "config");
  // Merge YAML text (YAML 1.2 core schema; see config_yaml.cpp). `name` is the file name used in messages, which
  // name file:line:column and the key.
  void merge_yaml(std::string_view yaml_text, const std::string& name = "configuration YAML",
                  const std::string& source = "config");
  // Read a configuration file and merge it: YAML when the name ends in .yaml or .yml, JSON otherwise
  // (Status::io when unreadable; parse errors name the file).
  void load_file(const std::string& path);

  // Warnings about the configuration (retired keys, ...), each once, in the order they arose. Every run that uses
  // the configuration copies them into its report's "warnings" array.
  const std::vector<std::string>& warnings() const { return warnings_; }

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

  const Settings& values() const { return values_; }
  // Rules between keys (beta_end >= beta_start; a linear beta schedule needs num_timesteps >= 2). Checked here,
  // not on each set, so that keys can be set in any order; consumers call it before use.
  void validate() const;

  // The effective configuration as nested JSON (loadable again with merge_json) and the source of every leaf key
  // as a flat {"dotted.key": "source"} object, keys in documentation order.
  boost::json::object to_json() const;
  boost::json::object sources_json() const;
  // {"values": to_json(), "sources": sources_json()}: what the report embeds.
  boost::json::object report_json() const;

  // Every leaf key in documentation order, and the environment variables with their keys (both from the table).
  static const std::vector<std::string>& leaf_keys();
  static const std::vector<std::pair<std::string, std::string>>& env_variables();
  // The schema (every row of the key table, then the keys accepted without effect) as JSON text.
  static const std::string& schema_json();

 private:
  struct Entry {
    boost::json::value value;
    std::string source;
  };
  using Layer = std::map<std::string, Entry, std::less<>>;
  Layer config_, env_, cli_;
  Settings values_;
  std::map<std::string, std::string, std::less<>> sources_;
  std::vector<std::string> warnings_;

  const boost::json::value& effective(const std::string& key, const std::string** source) const;
  void resolve();  // recompute values_ and sources_ (validates cross-key rules; throws before committing)
  void set_into(Layer& layer, std::string_view key, const boost::json::value& value, const std::string& source,
                std::vector<std::string>& warnings);
  void add_warnings(const std::vector<std::string>& w);
};

}  // namespace aq
