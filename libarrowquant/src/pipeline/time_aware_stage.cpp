#include "pipeline/time_aware_stage.hpp"

#include <algorithm>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "arrowquant/timegroups.hpp"
#include "pipeline/layer_seed.hpp"
#include "pipeline/test_pause.hpp"

namespace aq::pipeline {

namespace {

// NAME.tg_params stores the time ranges as F32, exact for integers up to 2^24.
constexpr uint64_t kMaxTableTimesteps = uint64_t{1} << 24;

// The calibration entry (module) whose input a weight's activation parameters quantize: the file's entry the
// weight matched, else the weight's name without ".weight" (docs/calibration.md's matching rule).
std::string module_name(const std::string& tensor_name, const std::optional<CalibrationFile>& calib) {
  if (calib && calib->layers.count(tensor_name)) return tensor_name;
  const std::string suffix = ".weight";
  if (tensor_name.size() > suffix.size() &&
      tensor_name.compare(tensor_name.size() - suffix.size(), suffix.size(), suffix) == 0)
    return tensor_name.substr(0, tensor_name.size() - suffix.size());
  return tensor_name;
}

}  // namespace

void run_time_aware(std::vector<QuantizedLayer>& layers, const std::optional<CalibrationFile>& calib,
                    const PipelineConfig& config, RunProgress& progress) {
  if (!config.enable_time_aware || layers.empty()) return;
  std::vector<CalibrationStats> stats_store;  // the inputs point into it
  stats_store.reserve(layers.size());
  std::vector<LayerInput> inputs;
  // One data-free simulation serves every layer the calibration file does not name: it does not depend on the
  // layer, so giving each layer its own simulation would only invent differences between layers.
  std::optional<CalibrationStats> simulated;
  for (auto& l : layers) {
    const std::string& name = l.plan.tensor->name;
    const CalibrationStats* s = calib ? calib->find(name) : nullptr;
    if (s) {
      stats_store.push_back(*s);
    } else {
      if (!simulated) simulated = data_free_calibration(config.time_aware, time_aware_seed());
      stats_store.push_back(*simulated);
    }
    l.synthetic = !s;
    l.module = module_name(name, calib);
    l.num_timesteps = stats_store.back().num_timesteps();
    l.activation_bits = config.time_aware.activation_bits;
    if (l.num_timesteps > kMaxTableTimesteps)
      invalid("calibration for " + l.module + " has " + std::to_string(l.num_timesteps) +
              " timesteps; NAME.tg_params stores time ranges as F32, exact up to 2^24 = 16777216");
  }
  for (std::size_t i = 0; i < layers.size(); ++i)
    inputs.push_back(LayerInput{&stats_store[i], time_aware_seed()});
  TimeAwareConfig ta = config.time_aware;
  progress.enter(RunStage::time_aware, inputs.size(), 0);
  pause_for_test("time-aware", progress.cancel_check());
  // In batches, reporting (and asking for cancellation) between them; layers are independent (own random stream
  // and statistics), so the batching does not change any result.
  constexpr std::size_t kBatch = 16;
  for (std::size_t b = 0; b < inputs.size(); b += kBatch) {
    progress.check_cancel();
    const std::size_t end = std::min(inputs.size(), b + kBatch);
    const std::vector<LayerInput> batch(inputs.begin() + long(b), inputs.begin() + long(end));
    std::vector<LayerResult> results = process_layers(batch, ta, config.num_threads);
    for (std::size_t i = 0; i < results.size(); ++i) layers[b + i].time_aware = std::move(results[i]);
    progress.items_done_up_to(end, layers[end - 1].plan.tensor->name);
  }
}

}  // namespace aq::pipeline
