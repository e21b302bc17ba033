// The Phase 3 result of one layer as JSON, shared by the quality report (layers[].time_aware.optimization) and
// the accuracy study (variants[].layers[].phase3).
#pragma once
#include <boost/json/object.hpp>

#include "arrowquant/thermo.hpp"

namespace aq::report {

// {"optimizer", "iterations", "converged", "initial_loss", "final_loss", and for the chain solver "multiplier",
//  "target_bound", "candidates", "mse", "unconstrained_mse", "unconstrained_scales", "unconstrained_zero_points"}.
// Non-finite numbers are null.
boost::json::object phase3_json(const OptimizationResult& r);

}  // namespace aq::report
