#include "args.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace aqcli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string ParsedArgs::as_typed(const std::string& name) const {
  auto it = spelled.find(name);
  return it == spelled.end() ? name : it->second;
}

namespace {

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, const std::string& name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
    for (const auto& a : s.aliases)
      if (a == name) return &s;
  }
  return nullptr;
}

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

}  // namespace

ParsedArgs parse_args(const std::string& command, int argc, char** argv, int first,
                      const std::vector<OptionSpec>& specs, std::size_t min_positionals,
                      std::size_t max_positionals, const std::vector<std::string>& positional_names) {
  ParsedArgs out;
  // --help wins over every other mistake on the line: asking for help must never fail.
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (is_help(arg)) {
      out.help = true;
      return out;
    }
  }

  bool options_done = false;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      out.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.size() < 3 || arg[1] != '-') throw UsageError(command, "unknown option '" + arg + "'");

    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = find_spec(specs, name);
    if (!spec) throw UsageError(command, "unknown option '--" + name + "'");
    out.spelled[spec->name] = name;

    if (!spec->takes_value) {
      if (inline_value) throw UsageError(command, "option '--" + name + "' takes no value");
      out.flags[spec->name] = true;
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else {
      // A following option is not taken as the value: `--config --bits 4` is a mistake, not a file named --bits.
      if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
        throw UsageError(command, "option '--" + name + "' needs a value");
      value = argv[++i];
    }
    if (value.empty()) throw UsageError(command, "option '--" + name + "' needs a non-empty value");
    out.values[spec->name] = value;
    out.all_values[spec->name].push_back(value);
  }

  if (out.positionals.size() < min_positionals) {
    std::string missing = min_positionals - out.positionals.size() == 1 ? "missing argument " : "missing arguments ";
    for (std::size_t k = out.positionals.size(); k < min_positionals; ++k) {
      if (k > out.positionals.size()) missing += " ";
      missing += k < positional_names.size() ? positional_names[k] : "ARG";
    }
    throw UsageError(command, missing);
  }
  if (out.positionals.size() > max_positionals)
    throw UsageError(command, "unexpected argument '" + out.positionals[max_positionals] + "'");
  return out;
}

long long parse_int_option(const std::string& command, const std::string& option, const std::string& text,
                           long long lo, long long hi) {
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  bool digits_only = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
  if (!digits_only || errno != 0 || end == text.c_str() || *end != '\0')
    throw UsageError(command, "option '--" + option + "' expects an integer, got '" + text + "'");
  if (v < lo || v > hi)
    throw UsageError(command, "option '--" + option + "' must be between " + std::to_string(lo) + " and " +
                                  std::to_string(hi) + ", got " + text);
  return v;
}

void check_choice(const std::string& command, const std::string& option, const std::string& text,
                  const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& c : choices) {
    if (c == text) return;
    list += list.empty() ? c : ", " + c;
  }
  throw UsageError(command, "option '--" + option + "' must be one of " + list + ", got '" + text + "'");
}

}  // namespace aqcli
