// Command-line parsing for the subcommands: long options (--name VALUE, --name=VALUE), -h/--help, positionals.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace aqcli {

// A mistake on the command line (exit status 2). The message says what is wrong without the program name.
class UsageError : public std::runtime_error {
 public:
  UsageError(std::string command, const std::string& message)
      : std::runtime_error(message), command_(std::move(command)) {}
  const std::string& command() const { return command_; }

 private:
  std::string command_;
};

struct OptionSpec {
  std::string name;                  // canonical long name without dashes, e.g. "bits"
  std::vector<std::string> aliases;  // other accepted long names, e.g. {"bit-width"}
  bool takes_value = false;
};

struct ParsedArgs {
  bool help = false;
  std::vector<std::string> positionals;
  std::map<std::string, std::string> values;  // canonical name -> value (the last occurrence wins)
  std::map<std::string, std::vector<std::string>> all_values;  // every occurrence, for repeatable options
  std::map<std::string, bool> flags;          // canonical name -> present
  std::map<std::string, std::string> spelled;  // canonical name -> name as typed (an alias), for messages

  bool has(const std::string& name) const { return values.count(name) != 0 || flags.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
  // The option as the user wrote it, without dashes ("bit-width" for an alias of "bits").
  std::string as_typed(const std::string& name) const;
};

// Parses argv[first..argc). `--help`/`-h` anywhere (before `--`) sets help and skips all other checks, so
// `CMD --help` always works. Otherwise throws UsageError for an unknown option, a missing or unexpected value,
// or a positional count outside [min_positionals, max_positionals].
ParsedArgs parse_args(const std::string& command, int argc, char** argv, int first,
                      const std::vector<OptionSpec>& specs, std::size_t min_positionals,
                      std::size_t max_positionals, const std::vector<std::string>& positional_names);

// A strictly decimal integer in [lo, hi]; UsageError naming the option otherwise.
long long parse_int_option(const std::string& command, const std::string& option, const std::string& text,
                           long long lo, long long hi);

// text must be one of choices; UsageError listing them otherwise.
void check_choice(const std::string& command, const std::string& option, const std::string& text,
                  const std::vector<std::string>& choices);

}  // namespace aqcli
