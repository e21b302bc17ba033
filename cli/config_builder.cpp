#include "config_builder.hpp"

#include "common.hpp"
#include "env_check.hpp"

namespace aqcli {

ConfigPtr build_config(const ConfigRequest& request) {
  aq_config* raw = nullptr;
  // The profile is an explicit setting: it wins over a deployment_profile in the config file, while the
  // file's other keys still override the profile's values (the layers resolve by precedence, not call order).
  if (request.profile)
    check(aq_config_from_profile(request.profile->c_str(), &raw), kExitUsage);
  else
    check(aq_config_create(&raw));
  ConfigPtr config(raw);

  if (request.config_file) check(aq_config_load_file(config.get(), request.config_file->c_str()));
  check(aq_config_apply_env(config.get()));
  warn_unknown_env_variables(config.get());
  for (const auto& s : request.settings) {
    const aq_status st = aq_config_set(config.get(), s.key.c_str(), s.value_json.c_str());
    if (st != AQ_OK) throw LibraryError(st, s.flag + ": " + aq_last_error_message(), kExitUsage);
  }
  check(aq_config_validate(config.get()));
  return config;
}

std::string config_value(const aq_config* config, const char* key) {
  const char* data = nullptr;
  uint64_t bytes = 0;
  if (aq_config_get(config, key, &data, &bytes) != AQ_OK) return "";
  return std::string(data, bytes);
}

ConfigRequest base_request(const std::string& command, const ParsedArgs& args) {
  ConfigRequest request;
  if (auto p = args.value("profile")) {
    check_choice(command, "profile", *p, {"edge", "local", "cloud"});
    request.profile = *p;
  }
  request.config_file = args.value("config");
  return request;
}

}  // namespace aqcli
