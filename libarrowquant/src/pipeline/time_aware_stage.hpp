// The time-aware stage: per quantized layer, calibration statistics (from the calibration file, else one data-free
// simulation shared by every layer it does not name), time-group parameters and the three phases.
#pragma once
#include <optional>
#include <vector>

#include "arrowquant/pipeline.hpp"
#include "pipeline/calibration_file.hpp"
#include "pipeline/quantized_layer.hpp"
#include "pipeline/run_progress.hpp"

namespace aq::pipeline {

// Sets time_aware, module, num_timesteps, activation_bits and synthetic of every layer (nothing when
// enable_time_aware is off or there are no layers).
void run_time_aware(std::vector<QuantizedLayer>& layers, const std::optional<CalibrationFile>& calib,
                    const PipelineConfig& config, RunProgress& progress);

}  // namespace aq::pipeline
