// From the layered configuration (config/) to the pipeline: the resolved settings themselves, no field copies.
#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"

namespace aq {

PipelineConfig pipeline_config_from(const Config& c) {
  c.validate();  // rules between keys (beta_end >= beta_start, ...) are checked here, not per key
  PipelineConfig p;
  static_cast<Settings&>(p) = c.values();
  p.effective_config_json = json::to_text(c.report_json());
  p.warnings = c.warnings();
  return p;
}

}  // namespace aq
