// Phase 3 result of a layer as JSON (see phase3_json.hpp).
#include "report/phase3_json.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace aq::report {

namespace {
boost::json::value num(double x) {
  if (!std::isfinite(x)) return nullptr;
  return x;
}
}  // namespace

boost::json::object phase3_json(const OptimizationResult& r) {
  boost::json::object op;
  op["optimizer"] = optimizer_name(r.optimizer);
  op["iterations"] = r.iterations;
  op["converged"] = r.converged;
  op["initial_loss"] = num(r.initial_loss);
  op["final_loss"] = num(r.final_loss);
  if (r.optimizer == TransitionOptimizer::chain) {
    op["multiplier"] = num(r.multiplier);
    op["target_bound"] = r.target_bound;
    op["candidates"] = r.candidates;
    op["mse"] = num(r.mse);
    op["unconstrained_mse"] = num(r.unconstrained_mse);
    boost::json::array sc, zp;
    for (const auto& p : r.unconstrained_params) {
      sc.push_back(num(p.scale));
      zp.push_back(num(p.zero_point));
    }
    op["unconstrained_scales"] = std::move(sc);
    op["unconstrained_zero_points"] = std::move(zp);
  }
  return op;
}

}  // namespace aq::report
