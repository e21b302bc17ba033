// The configuration flags of `arrowquant quantize` (--bits, --group-size, --mode, ...) and their --help lines,
// taken from the library's configuration schema (aq_config_schema_json): a key gets a flag by its row in the
// library's key table, and the tool follows without a second list.
#pragma once
#include <string>
#include <vector>

#include "args.hpp"
#include "config_builder.hpp"

namespace aqcli {

struct SchemaFlag {
  std::string name;   // without dashes: "bits"
  std::string alias;  // "" or "bit-width"
  std::string arg;    // "N", "FILE", "MODE"
  std::string key;    // "bit_width"
  std::string type;   // the schema's type: "integer", "number", "string", "null or string", ...
  std::string help;
  std::string accepted;
  std::vector<std::string> choices;
};

// Every key with a flag, in the schema's (documentation) order.
const std::vector<SchemaFlag>& schema_flags();
// The OptionSpecs of those flags.
std::vector<OptionSpec> schema_flag_specs();
// The settings of the flags present in args (syntax checked here: integers, choices; ranges by the library).
void add_schema_flag_settings(const std::string& command, const ParsedArgs& args, ConfigRequest& request);
// The --help lines of the flags ("  --bits N                weight bits: 2, 4 or 8 (config key bit_width; ...)").
std::string schema_flag_help();

}  // namespace aqcli
