#include "recipe.hpp"

#include <regex>

#include <boost/json.hpp>

#include "common.hpp"
#include "config_builder.hpp"

namespace aqcli {

const char* const kRecipeEmbeddings =
    R"((^|\.)(embed_tokens|tok_embeddings|token_embd|wte|wpe|word_embeddings|position_embeddings|embed_positions|pos_embed|embedding_table|x_embedder)(\.|$))";
const char* const kRecipeHead = R"(^(lm_head|output|head|final_layer)\.(linear\.)?weight$)";

namespace {

void check_regex(const std::string& command, const std::string& option, const std::string& re) {
  try {
    std::regex r(re, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw UsageError(command, "option '--" + option + "': invalid regular expression '" + re + "': " + e.what());
  }
}

}  // namespace

Recipe parse_recipe(const std::string& command, const ParsedArgs& args) {
  Recipe r;
  r.pure = args.has("pure");
  if (auto it = args.all_values.find("tensor-type"); it != args.all_values.end()) {
    for (const auto& text : it->second) {
      const auto eq = text.rfind('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError(command, "option '--tensor-type' expects REGEX=BITS, got '" + text + "'");
      const std::string re = text.substr(0, eq);
      const long long bits = parse_int_option(command, "tensor-type", text.substr(eq + 1), 2, 16);
      if (bits != 2 && bits != 4 && bits != 8 && bits != 16)
        throw UsageError(command, "option '--tensor-type': bits must be 2, 4, 8 or 16 (16 = keep), got '" +
                                      text.substr(eq + 1) + "'");
      check_regex(command, "tensor-type", re);
      r.tensor_types.emplace_back(re, int(bits));
    }
  }
  if (auto it = args.all_values.find("keep"); it != args.all_values.end())
    for (const auto& re : it->second) {
      check_regex(command, "keep", re);
      r.keep.push_back(re);
    }
  return r;
}

void apply_recipe(aq_config* config, const Recipe& recipe) {
  namespace bj = boost::json;
  bj::object widths;
  for (const auto& [re, bits] : recipe.tensor_types) widths[re] = bits;  // a repeated REGEX: the last wins
  const bj::value existing = bj::parse(config_value(config, "layer_bit_widths"));
  for (const auto& kv : existing.as_object())
    if (!widths.contains(kv.key())) widths[kv.key()] = kv.value();
  if (!recipe.pure)
    for (const char* re : {kRecipeEmbeddings, kRecipeHead})
      if (!widths.contains(re)) widths[re] = 8;
  if (!recipe.tensor_types.empty() || !recipe.pure || !existing.as_object().empty())
    check(aq_config_set(config, "layer_bit_widths", bj::serialize(widths).c_str()), kExitUsage);

  if (!recipe.keep.empty()) {
    bj::array keep = bj::parse(config_value(config, "sensitive_layer_patterns")).as_array();
    for (const auto& re : recipe.keep) keep.emplace_back(re);
    check(aq_config_set(config, "sensitive_layer_patterns", bj::serialize(keep).c_str()), kExitUsage);
  }
}

}  // namespace aqcli
