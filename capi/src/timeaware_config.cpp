// C ABI: enum names and the time-aware configuration handle.
#include <boost/json.hpp>
#include <cstring>

#include "timeaware_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;

extern "C" {

const char* aq_interpolation_name(aq_interpolation method) {
  const long long v = aq::capi::enum_value(method);
  return v >= 0 && v <= 2 ? aq::interpolation_name(static_cast<aq::Interpolation>(v)) : "unknown";
}
const char* aq_beta_schedule_name(aq_beta_schedule_kind kind) {
  const long long v = aq::capi::enum_value(kind);
  return v >= 0 && v <= 1 ? aq::beta_schedule_name(static_cast<aq::BetaScheduleKind>(v)) : "unknown";
}
const char* aq_severity_name(aq_severity severity) {
  const long long v = aq::capi::enum_value(severity);
  return v >= 0 && v <= 2 ? aq::severity_name(static_cast<aq::Severity>(v)) : "unknown";
}

aq_status aq_interpolation_from_name(const char* name, aq_interpolation* out) {
  return guard([&] {
    require_nonnull(name, "name");
    require_nonnull(out, "out");
    *out = static_cast<aq_interpolation>(aq::parse_interpolation(name, "name"));
  });
}
aq_status aq_beta_schedule_from_name(const char* name, aq_beta_schedule_kind* out) {
  return guard([&] {
    require_nonnull(name, "name");
    require_nonnull(out, "out");
    *out = static_cast<aq_beta_schedule_kind>(aq::parse_beta_schedule(name, "name"));
  });
}
aq_status aq_severity_from_name(const char* name, aq_severity* out) {
  return guard([&] {
    require_nonnull(name, "name");
    require_nonnull(out, "out");
    *out = static_cast<aq_severity>(aq::parse_severity(name, "name"));
  });
}

aq_status aq_timeaware_config_create(aq_timeaware_config** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    *out = new aq_timeaware_config();
  });
}

aq_status aq_timeaware_config_set_number(aq_timeaware_config* config, const char* key, double value) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    aq::set_config_number(config->config, key, value);
  });
}

aq_status aq_timeaware_config_set_string(aq_timeaware_config* config, const char* key, const char* value) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(value, "value");
    aq::set_config_string(config->config, key, value);
  });
}

aq_status aq_timeaware_config_get_number(const aq_timeaware_config* config, const char* key, double* value) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(value, "value");
    *value = aq::get_config_number(config->config, key);
  });
}

aq_status aq_timeaware_config_get_string(const aq_timeaware_config* config, const char* key, const char** value) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(value, "value");
    const std::string v = aq::get_config_string(config->config, key);  // validates the key
    // Hand out the static name of the enum value (the config's own strings would die with it).
    const std::string k = key;
    const auto& c = config->config;
    if (k == "thermodynamic.boundary_smoothing.interpolation")
      *value = aq::interpolation_name(c.thermodynamic.boundary_smoothing.interpolation);
    else if (k == "beta_schedule")
      *value = aq::beta_schedule_name(c.beta_schedule);
    else
      *value = aq::beta_schedule_name(c.thermodynamic.transition_optimization.beta_schedule);
  });
}

aq_status aq_timeaware_config_set_json(aq_timeaware_config* config, const char* json) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(json, "json");
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(boost::json::string_view(json, std::strlen(json)), ec);
    if (ec) aq::fail(aq::Status::format, "json: not valid JSON (" + ec.message() + ")");
    aq::apply_config_json(config->config, v);
  });
}

void aq_timeaware_config_free(aq_timeaware_config* config) { delete config; }

}  // extern "C"
