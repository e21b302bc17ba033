// C ABI: time grouping, calibration statistics and time-group parameters.
#include <cmath>
#include <cstring>

#include "timeaware_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;
using aq::capi::to_vector;

extern "C" {

aq_status aq_group_count(uint64_t num_timesteps, uint64_t num_groups, uint64_t* count) {
  return guard([&] {
    require_nonnull(count, "count");
    *count = aq::effective_group_count(num_timesteps, num_groups);
  });
}

aq_status aq_group_timesteps(uint64_t num_timesteps, uint64_t num_groups, uint64_t* dst, uint64_t dst_count) {
  return guard([&] {
    const uint64_t e = aq::effective_group_count(num_timesteps, num_groups);
    require_nonnull(dst, "dst");
    aq::capi::require_capacity(dst_count, e + 1, "dst_count");
    const std::vector<uint64_t> b = aq::group_timesteps(num_timesteps, num_groups);
    std::memcpy(dst, b.data(), b.size() * sizeof(uint64_t));
  });
}

aq_status aq_calib_stats_create(const float* min_values, uint64_t min_values_count, const float* max_values,
                                uint64_t max_values_count, const float* mean_values, uint64_t mean_values_count,
                                const float* std_values, uint64_t std_values_count, aq_calib_stats** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_calib_stats>();
    h->stats = aq::make_calibration_stats(to_vector(min_values, min_values_count, "min_values"),
                                          to_vector(max_values, max_values_count, "max_values"),
                                          to_vector(mean_values, mean_values_count, "mean_values"),
                                          to_vector(std_values, std_values_count, "std_values"));
    *out = h.release();
  });
}

aq_status aq_calib_stats_set_samples(aq_calib_stats* stats, uint64_t timestep, const float* src, uint64_t src_count) {
  return guard([&] {
    require_nonnull(stats, "stats");
    aq::CalibrationStats& s = stats->stats;
    if (timestep >= s.num_timesteps())
      aq::invalid("timestep (" + std::to_string(timestep) + ") must be < the " + std::to_string(s.num_timesteps()) +
                  " timesteps of stats");
    std::vector<float> v = to_vector(src, src_count, "src");
    for (size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i])) aq::invalid("src[" + std::to_string(i) + "] is not finite");
    if (s.samples.empty()) s.samples.resize(s.num_timesteps());
    s.samples[timestep] = std::move(v);
  });
}

aq_status aq_calib_stats_data_free(const aq_timeaware_config* config, uint64_t seed, aq_calib_stats** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_calib_stats>();
    h->stats = aq::data_free_calibration(config->config, seed);
    *out = h.release();
  });
}

uint64_t aq_calib_stats_num_timesteps(const aq_calib_stats* stats) { return stats ? stats->stats.num_timesteps() : 0; }

aq_status aq_calib_stats_get(const aq_calib_stats* stats, uint64_t timestep, float* min_value, float* max_value,
                             float* mean_value, float* std_value, uint64_t* sample_count) {
  return guard([&] {
    require_nonnull(stats, "stats");
    const aq::CalibrationStats& s = stats->stats;
    if (timestep >= s.num_timesteps())
      aq::invalid("timestep (" + std::to_string(timestep) + ") must be < " + std::to_string(s.num_timesteps()));
    if (min_value) *min_value = s.min[timestep];
    if (max_value) *max_value = s.max[timestep];
    if (mean_value) *mean_value = s.mean[timestep];
    if (std_value) *std_value = s.std[timestep];
    if (sample_count) *sample_count = s.samples.empty() ? 0 : s.samples[timestep].size();
  });
}

aq_status aq_calib_stats_samples(const aq_calib_stats* stats, uint64_t timestep, const float** data, uint64_t* count) {
  return guard([&] {
    require_nonnull(stats, "stats");
    require_nonnull(data, "data");
    require_nonnull(count, "count");
    const aq::CalibrationStats& s = stats->stats;
    if (timestep >= s.num_timesteps())
      aq::invalid("timestep (" + std::to_string(timestep) + ") must be < " + std::to_string(s.num_timesteps()));
    if (s.samples.empty() || s.samples[timestep].empty()) {
      *data = nullptr;
      *count = 0;
      return;
    }
    *data = s.samples[timestep].data();
    *count = s.samples[timestep].size();
  });
}

const char* aq_calib_stats_source(const aq_calib_stats* stats) {
  if (!stats) return "";
  return stats->stats.source == "data-free" ? "data-free" : "recorded";
}

void aq_calib_stats_free(aq_calib_stats* stats) { delete stats; }

aq_status aq_params_from_stats(const aq_calib_stats* stats, uint64_t num_groups, int activation_bits,
                               aq_tg_params** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(stats, "stats");
    require_nonnull(out, "out");
    *out = new aq_tg_params(aq::params_from_stats(stats->stats, num_groups, activation_bits));
  });
}

aq_status aq_tg_params_create(const uint64_t* boundaries, uint64_t boundaries_count, const float* scales,
                              uint64_t scales_count, const float* zero_points, uint64_t zero_points_count,
                              aq_tg_params** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    const std::vector<float> s = to_vector(scales, scales_count, "scales");
    const std::vector<float> z = to_vector(zero_points, zero_points_count, "zero_points");
    if (s.empty()) aq::invalid("scales is empty (at least one time group is needed)");
    if (z.size() != s.size())
      aq::invalid("zero_points_count (" + std::to_string(z.size()) + ") must equal scales_count (" +
                  std::to_string(s.size()) + ")");
    std::vector<uint64_t> b;
    if (boundaries) {
      b = to_vector(boundaries, boundaries_count, "boundaries");
      if (b.size() != s.size() + 1)
        aq::invalid("boundaries_count (" + std::to_string(b.size()) + ") must be scales_count + 1 (" +
                    std::to_string(s.size() + 1) + ")");
      if (b[0] != 0) aq::invalid("boundaries[0] must be 0");
      for (size_t i = 0; i + 1 < b.size(); ++i)
        if (b[i + 1] <= b[i]) aq::invalid("boundaries must increase strictly (boundaries[" + std::to_string(i + 1) + "])");
    } else {
      if (boundaries_count != 0) aq::invalid("boundaries is NULL but boundaries_count is not 0");
      for (uint64_t i = 0; i <= s.size(); ++i) b.push_back(i);
    }
    std::vector<aq::TimeGroupParam> p(s.size());
    for (size_t g = 0; g < s.size(); ++g)
      p[g] = aq::TimeGroupParam{b[g], b[g + 1], s[g], z[g], aq::reference_group_size(g, s.size())};
    aq::validate_params(p, "params");
    *out = new aq_tg_params(std::move(p));
  });
}

uint64_t aq_tg_params_count(const aq_tg_params* params) { return params ? params->params.size() : 0; }

aq_status aq_tg_params_get(const aq_tg_params* params, uint64_t index, uint64_t* start, uint64_t* end, float* scale,
                           float* zero_point, uint32_t* group_size) {
  return guard([&] {
    require_nonnull(params, "params");
    if (index >= params->params.size())
      aq::invalid("index (" + std::to_string(index) + ") must be < " + std::to_string(params->params.size()));
    const aq::TimeGroupParam& g = params->params[index];
    if (start) *start = g.start;
    if (end) *end = g.end;
    if (scale) *scale = g.scale;
    if (zero_point) *zero_point = g.zero_point;
    if (group_size) *group_size = g.group_size;
  });
}

namespace {
aq_status float_view(const aq_tg_params* params, const std::vector<float> aq_tg_params::*member, const float** data,
                     uint64_t* count) {
  return guard([&] {
    require_nonnull(params, "params");
    require_nonnull(data, "data");
    require_nonnull(count, "count");
    const std::vector<float>& v = params->*member;
    *data = v.data();
    *count = v.size();
  });
}
}  // namespace

aq_status aq_tg_params_scales(const aq_tg_params* params, const float** data, uint64_t* count) {
  return float_view(params, &aq_tg_params::scales, data, count);
}
aq_status aq_tg_params_zero_points(const aq_tg_params* params, const float** data, uint64_t* count) {
  return float_view(params, &aq_tg_params::zero_points, data, count);
}
aq_status aq_tg_params_table(const aq_tg_params* params, const float** data, uint64_t* count) {
  return float_view(params, &aq_tg_params::table, data, count);
}

void aq_tg_params_free(aq_tg_params* params) { delete params; }

}  // extern "C"
