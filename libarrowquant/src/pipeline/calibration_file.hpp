// Reading a recorded calibration file (JSON or safetensors; schema in docs/calibration.md).
#pragma once
#include <map>
#include <string>

#include "arrowquant/timegroups.hpp"

namespace aq::pipeline {

struct CalibrationFile {
  std::map<std::string, CalibrationStats> layers;  // by layer (module) name
  // Statistics for a weight tensor: its own name, or the name without a trailing ".weight". nullptr if absent.
  const CalibrationStats* find(const std::string& tensor_name) const;
};

// Throws Status::io when unreadable, Status::format naming the layer/field when malformed.
CalibrationFile read_calibration_file(const std::string& path);

}  // namespace aq::pipeline
