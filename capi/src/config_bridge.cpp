// The pipeline settings of a configuration handle (or of the defaults + environment when it is NULL).
#include "arrowquant/config.hpp"
#include "arrowquant/error.hpp"
#include "config_access.hpp"

namespace aq::capi {
PipelineConfig pipeline_config(const aq_config* config) {
  if (config) return pipeline_config_from(config_of(config));
  Config c;
  c.apply_env();
  return pipeline_config_from(c);
}
}  // namespace aq::capi

namespace aq::capi {
// Weak fallback so the library links while the configuration handle is being written; the strong definition
// next to the aq_config functions replaces it.
__attribute__((weak)) const Config& config_of(const aq_config*) {
  fail(Status::unsupported, "configuration handles are not available in this build");
}
}  // namespace aq::capi
