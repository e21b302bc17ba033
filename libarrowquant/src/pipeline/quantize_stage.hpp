// The quantize stage: every planned layer at its planned bits, falling back INT2 -> INT4 -> INT8 while its cosine
// similarity is below min_accuracy (the quality gate).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/quantized_layer.hpp"
#include "pipeline/run_progress.hpp"

namespace aq::pipeline {

// Layers in plan order (kept tensors only count as progress). With fail_fast a layer below min_accuracy is
// Status::quality, and *report_on_error (if given) receives what ran before it. A two-pass (streaming) run keeps
// only each layer's decisions and statistics; its codes are made again while writing. *seconds: the time spent
// quantizing.
// Single-pass streaming: called for every plan entry in plan order as soon as it is final (the quantized layer,
// or nullptr for a kept tensor), on a thread of its own while the next layer is quantized (one call at a time);
// the layer's codes are dropped after it returns, as in a two-pass run.
using LayerSink = std::function<void(const LayerPlan&, const QuantizedLayer*)>;

std::vector<QuantizedLayer> quantize_layers(const st::Reader& reader, const std::vector<LayerPlan>& plan,
                                            const PipelineConfig& config, bool two_pass, RunProgress& progress,
                                            std::string* report_on_error, double* seconds,
                                            const LayerSink& sink = nullptr);

}  // namespace aq::pipeline
