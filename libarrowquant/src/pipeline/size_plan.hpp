// The size plan (target_model_size_mb): per-layer bit widths that meet a model size with the least error.
#pragma once
#include <vector>

#include <boost/json.hpp>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "pipeline/layer_plan.hpp"

namespace aq::pipeline {

// target_model_size_mb: per-layer bits (2/4/8) that meet the size with the least total squared error (the
// highest model-level SQNR). Every planned layer is quantized at each width once to measure its error and bytes;
// then, from all-INT2, the upgrade with the largest error reduction per added byte that still fits is applied
// until none fits (greedy on the convex hull of each layer's (bytes, error) points). Returns the report object.
boost::json::object plan_for_size(const st::Reader& reader, std::vector<LayerPlan>& plan,
                                  const PipelineConfig& config);

}  // namespace aq::pipeline
