// The quality report of a quantize run (docs/report.md): per-layer metrics, bits and fallback, the time-aware
// parameters with the phase metrics before and after, the kept tensors, totals, timings and warnings.
#pragma once
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/quantized_layer.hpp"
#include "pipeline/run_progress.hpp"

namespace aq::pipeline {

struct RunTimes {
  Clock::time_point start;
  double quantize_s = 0, time_aware_s = 0, write_s = 0, commit_s = 0;
};

// The report JSON text. size_plan: the size plan's object (used when target_model_size_mb > 0); w: the committed
// writer (recovered temporaries, output files).
std::string quality_report(const std::string& input_path, const std::string& output_path,
                           const PipelineConfig& config, const std::vector<LayerPlan>& plan,
                           const std::vector<QuantizedLayer>& layers, const st::Writer& w,
                           const boost::json::object& size_plan, bool calibration_file_used, bool two_pass,
                           bool single_pass,
                           const RunTimes& times);

}  // namespace aq::pipeline
