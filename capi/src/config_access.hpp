// Bridge from the C configuration handle to the pipeline's resolved configuration.
#pragma once
#include "arrowquant.h"
#include "arrowquant/pipeline.hpp"

namespace aq {
class Config;
namespace capi {
// The C++ configuration behind a handle (implemented next to the aq_config functions).
const Config& config_of(const aq_config* config);
// config may be NULL: the defaults (local profile) with ARROW_QUANT_* environment overrides applied.
PipelineConfig pipeline_config(const aq_config* config);
}  // namespace capi
}  // namespace aq
