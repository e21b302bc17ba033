// The configuration handle of a quantize run, built in the documented precedence: defaults < profile <
// config file < ARROW_QUANT_* environment < command-line flags (aq_config_set, source "cli").
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arrowquant.h"
#include "args.hpp"

namespace aqcli {

struct ConfigDeleter {
  void operator()(aq_config* c) const { aq_config_free(c); }
};
using ConfigPtr = std::unique_ptr<aq_config, ConfigDeleter>;

struct CliSetting {
  std::string flag;        // as typed, for messages ("--bits")
  std::string key;         // configuration key ("bit_width")
  std::string value_json;  // JSON text of the value
};

struct ConfigRequest {
  std::optional<std::string> profile;      // --profile
  std::optional<std::string> config_file;  // --config
  std::vector<CliSetting> settings;        // the other flags, in command-line order
};

// The request every configurable command starts from: --profile (checked against the three profiles, a usage
// error naming `command` otherwise) and --config.
ConfigRequest base_request(const std::string& command, const ParsedArgs& args);

// LibraryError on failure: exit status 2 when a flag's value is rejected (the command line is wrong), 1 for the
// config file or the environment.
ConfigPtr build_config(const ConfigRequest& request);

// The effective value of key as JSON text ("" when it cannot be read).
std::string config_value(const aq_config* config, const char* key);

}  // namespace aqcli
