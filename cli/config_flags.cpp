#include "config_flags.hpp"

#include <climits>

#include <boost/json.hpp>

#include "common.hpp"
#include "json_read.hpp"

namespace aqcli {

const std::vector<SchemaFlag>& schema_flags() {
  static const std::vector<SchemaFlag> flags = [] {
    const char* data = nullptr;
    uint64_t bytes = 0;
    check(aq_config_schema_json(&data, &bytes));
    const boost::json::value schema = parse_json(std::string(data, bytes), "configuration schema");
    std::vector<SchemaFlag> out;
    for (const auto& row : schema.as_array()) {
      const auto& o = row.as_object();
      const auto* flag = o.if_contains("flag");
      if (!flag || !flag->is_string()) continue;
      auto text = [&](const char* k) {
        const auto* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->get_string().c_str()) : std::string();
      };
      SchemaFlag f;
      f.name = text("flag").substr(2);
      f.alias = text("flag_alias").empty() ? "" : text("flag_alias").substr(2);
      f.arg = text("flag_arg");
      f.key = text("key");
      f.type = text("type");
      f.help = text("help");
      f.accepted = text("accepted");
      if (const auto* c = o.if_contains("choices"); c && c->is_array())
        for (const auto& x : c->get_array()) f.choices.emplace_back(x.as_string().c_str());
      out.push_back(std::move(f));
    }
    return out;
  }();
  return flags;
}

std::vector<OptionSpec> schema_flag_specs() {
  std::vector<OptionSpec> specs;
  for (const auto& f : schema_flags()) {
    OptionSpec s{f.name, {}, true};
    if (!f.alias.empty()) s.aliases.push_back(f.alias);
    specs.push_back(std::move(s));
  }
  return specs;
}

void add_schema_flag_settings(const std::string& command, const ParsedArgs& args, ConfigRequest& request) {
  for (const auto& f : schema_flags()) {
    const auto value = args.value(f.name);
    if (!value) continue;
    const std::string typed = args.as_typed(f.name);
    std::string json = *value;  // numbers go through as JSON text; the library checks the range and names the key
    if (f.type == "integer" || f.type == "null or integer") {
      parse_int_option(command, typed, *value, LLONG_MIN, LLONG_MAX);
    } else if (!f.choices.empty()) {
      check_choice(command, typed, *value, f.choices);
      json = json_quote(*value);
    } else if (f.type == "string" || f.type == "null or string") {
      json = json_quote(*value);  // a path such as "true" or "123" stays a string
    }
    request.settings.push_back({"--" + typed, f.key, json});
  }
}

std::string schema_flag_help() {
  constexpr std::size_t kColumn = 26, kWidth = 110;
  std::string out;
  for (const auto& f : schema_flags()) {
    std::string head = "  --" + f.name + (f.arg.empty() ? "" : " " + f.arg);
    std::string text = f.help + " (config key " + f.key + (f.alias.empty() ? "" : "; alias --" + f.alias) + ")";
    if (head.size() + 1 > kColumn) head += "\n" + std::string(kColumn, ' ');
    else head += std::string(kColumn - head.size(), ' ');
    // Wrap the description at word boundaries, continuation lines indented to the description column.
    std::string line;
    std::size_t col = kColumn;
    std::size_t pos = 0;
    bool first = true;
    while (pos < text.size()) {
      std::size_t sp = text.find(' ', pos);
      if (sp == std::string::npos) sp = text.size();
      const std::string word = text.substr(pos, sp - pos);
      if (!first && col + 1 + word.size() > kWidth) {
        line += "\n" + std::string(kColumn, ' ');
        col = kColumn;
        first = true;
      }
      line += (first ? "" : " ") + word;
      col += (first ? 0 : 1) + word.size();
      first = false;
      pos = sp + 1;
    }
    out += head + line + "\n";
  }
  return out;
}

}  // namespace aqcli
