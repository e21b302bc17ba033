// The write stage: the quantized model through the crash-safe writer (reserved before the quantize stage), each
// quantized layer as its parts (model_format.hpp) with its description in the metadata, kept tensors as they are.
#pragma once
#include <vector>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/quantize_stage.hpp"
#include "pipeline/quantized_layer.hpp"
#include "pipeline/run_progress.hpp"

namespace aq::pipeline {

struct WriteTimes {
  double write_s = 0;   // the whole stage
  double commit_s = 0;  // fsync of the file(s), rename, fsync of the directory
};

// A two-pass (streaming) run quantizes each layer again here, with the spec its first pass decided. Releases
// each layer's codes once written.
WriteTimes write_model(st::Writer& w, const st::Reader& reader, const std::vector<LayerPlan>& plan,
                       std::vector<QuantizedLayer>& layers, const PipelineConfig& config, bool two_pass,
                       RunProgress& progress);

// Single-pass streaming (docs/pipeline.md "Memory"): the writer's streaming layout (a reserved header) is begun
// before the quantize stage, whose sink (below) writes every tensor as soon as it is final, in plan order.
void set_model_metadata(st::Writer& w, const st::Reader& reader);
LayerSink streaming_sink(st::Writer& w, const st::Reader& reader);
// After the time-aware stage: the NAME.tg_params tables (after all other tensors), the per-tensor metadata, commit.
WriteTimes finish_streamed_model(st::Writer& w, const std::vector<LayerPlan>& plan,
                                 std::vector<QuantizedLayer>& layers, RunProgress& progress);
// An upper bound of the header the streamed model will need, from what is known before quantizing: names,
// shapes, the plan and the configuration (numbers at their longest).
uint64_t streaming_header_bound(const st::Reader& reader, const std::vector<LayerPlan>& plan,
                                const PipelineConfig& config);

}  // namespace aq::pipeline
