// Unknown ARROW_QUANT_* environment variables: the library reads only the variables it knows and ignores the
// rest, so a typo (ARROW_QUANT_BITS) would silently do nothing. The tool warns about each one on standard error,
// with the closest real variable when one is near ("did you mean ARROW_QUANT_BIT_WIDTH?").
#pragma once
#include "arrowquant.h"

namespace aqcli {

// config: after aq_config_apply_env. Uses only the C ABI: a variable is known when the library takes it (its
// source appears as "env:NAME"); the real names are found by probing the names derived from the keys.
void warn_unknown_env_variables(const aq_config* config);

}  // namespace aqcli
