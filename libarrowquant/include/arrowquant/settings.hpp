// The one settings struct: every configuration key of the schema (config/config_schema.cpp) is a member here,
// and the pipeline, the accuracy study and the C handles all read these members. The layered configuration
// (config.hpp) fills it from defaults < profile < file < environment < flags; nothing copies it field by field.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arrowquant/io_mode.hpp"
#include "arrowquant/quantize.hpp"
#include "arrowquant/timeaware_config.hpp"

namespace aq {

enum class Profile : int { edge = 0, local = 1, cloud = 2 };

// Defaults are the local profile's values. "0 / empty = not set" stands for the keys that take null.
struct Settings {
  int bit_width = 4;
  int group_size = 128;
  Mode mode = Mode::rtn;
  double min_accuracy = 0.85;
  Profile deployment_profile = Profile::local;
  bool fail_fast = false;
  int num_threads = 0;  // 0 = the process default
  bool enable_time_aware = true;
  bool enable_streaming = true;      // above the memory budget, write while quantizing instead of holding outputs
  bool skip_sensitive_layers = false;
  std::vector<std::string> sensitive_layer_names;     // exact names kept unquantized
  std::vector<std::string> sensitive_layer_patterns;  // ECMAScript regex, searched in the name
  std::vector<std::pair<std::string, int>> layer_bit_widths;  // exact name or regex -> 2/4/8, 16 = keep
  double target_model_size_mb = 0;   // 0 = no target (null)
  uint64_t max_memory_limit_mb = 0;  // budget for held outputs; 0 (null) = 1024 MB
  std::string calibration_file;      // empty (null) = data-free calibration
  uint64_t max_shard_size_mb = 0;    // 0 (null) = one file
  bool overwrite = true;             // replace an existing output (the C ABI's default; the CLI passes false)
  IoMode io_mode = IoMode::automatic;  // how the output's data is written (O_DIRECT or the page cache)
  // num_timesteps, num_time_groups, activation_bits, beta_*, calibration_samples, calibration_data_std and the
  // thermodynamic section: the part of the settings the time-aware C handle (aq_timeaware_config) views.
  TimeAwareConfig time_aware;
};

}  // namespace aq
