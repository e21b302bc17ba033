// Definitions of the time-aware section's opaque handles and the argument helpers its entry points share.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "guard.hpp"

struct aq_timeaware_config {
  aq::TimeAwareConfig config;
};

struct aq_calib_stats {
  aq::CalibrationStats stats;
};

struct aq_tg_params {
  std::vector<aq::TimeGroupParam> params;
  std::vector<float> scales, zero_points, table;  // views handed out by the getters
  explicit aq_tg_params(std::vector<aq::TimeGroupParam> p) : params(std::move(p)) {
    for (const auto& g : params) {
      scales.push_back(g.scale);
      zero_points.push_back(g.zero_point);
      table.push_back(static_cast<float>(g.start));
      table.push_back(static_cast<float>(g.end));
      table.push_back(g.scale);
      table.push_back(g.zero_point);
    }
  }
};

struct aq_markov_report {
  aq::MarkovReport report;
};

struct aq_baseline_report {
  aq::BaselineSummary summary;
};

struct aq_transition_computer {
  aq::TransitionComputer computer;
};

struct aq_optimization {
  aq::OptimizationResult result;
  aq_tg_params params;
  aq_tg_params unconstrained;  // the chain solver's per-group best (empty for the gradient optimizer)
  explicit aq_optimization(aq::OptimizationResult r)
      : result(std::move(r)), params(result.params), unconstrained(result.unconstrained_params) {}
};

struct aq_layer_result {
  aq::LayerResult result;
  std::unique_ptr<aq_tg_params> final_params;
  std::unique_ptr<aq_tg_params> stage_params[3];
  std::unique_ptr<aq_markov_report> stage_reports[3];
  std::unique_ptr<aq_optimization> optimization;
};

namespace aq::capi {

// A (pointer, count) input array as a vector; NULL is allowed only with count 0.
template <class T>
std::vector<T> to_vector(const T* p, uint64_t count, const char* name) {
  if (count > 0 && !p) invalid(std::string(name) + " is NULL but " + name + "_count is " + std::to_string(count));
  if (count > (uint64_t{1} << 40)) invalid(std::string(name) + "_count is too large");
  return std::vector<T>(p, p + count);
}

inline void require_capacity(uint64_t have, uint64_t need, const char* name) {
  if (have < need)
    invalid(std::string(name) + " is " + std::to_string(have) + ", at least " + std::to_string(need) + " needed");
}

inline aq::Stage to_stage(const aq_stage& s) {
  const long long v = enum_value(s);
  if (v < 0 || v > 2) invalid("stage must be AQ_STAGE_INITIAL, AQ_STAGE_SMOOTHED or AQ_STAGE_OPTIMIZED, got " + std::to_string(v));
  return static_cast<aq::Stage>(v);
}

inline aq::Interpolation to_interpolation(const aq_interpolation& m) {
  const long long v = enum_value(m);
  if (v < 0 || v > 2) invalid("method must be an aq_interpolation value, got " + std::to_string(v));
  return static_cast<aq::Interpolation>(v);
}

inline aq::BetaScheduleKind to_schedule(const aq_beta_schedule_kind& k) {
  const long long v = enum_value(k);
  if (v < 0 || v > 1) invalid("kind must be an aq_beta_schedule_kind value, got " + std::to_string(v));
  return static_cast<aq::BetaScheduleKind>(v);
}

template <class T>
void reset_out(T** out) {
  if (out) *out = nullptr;
}

}  // namespace aq::capi
