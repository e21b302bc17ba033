// The default recipe of `quantize`, in the spirit of llama-quantize's: token and position embeddings and the
// output head get INT8, every other tensor of two or more dimensions `bit_width` (1-D tensors, norms and biases
// stay unquantized as always). It is written into the existing configuration keys, after the user's own:
//   --tensor-type REGEX=BITS  (repeatable) layer_bit_widths entries, before those of the config file/environment
//   --keep REGEX              (repeatable) sensitive_layer_patterns entries (kept unquantized)
//   the recipe                layer_bit_widths entries kRecipeEmbeddings -> 8, kRecipeHead -> 8, last, so any
//                             user rule for the same tensor wins; --pure leaves them out.
// The pipeline's precedence then decides (docs/cli.md, docs/pipeline.md): structural keeps (dtype, 1-D, norms,
// biases) < skip_sensitive_layers < sensitive names/patterns (--keep) < layer_bit_widths (exact name, then the
// first matching regex in order) < bit_width; target_model_size_mb re-chooses the bits of every planned layer;
// the min_accuracy fallback raises bits last. The report names the rule behind each layer's bits ("bits_rule").
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "arrowquant.h"
#include "args.hpp"

namespace aqcli {

extern const char* const kRecipeEmbeddings;  // token/position embedding tensors
extern const char* const kRecipeHead;        // the output head (top-level only: not attention out-projections)

struct Recipe {
  std::vector<std::pair<std::string, int>> tensor_types;  // --tensor-type, in command-line order
  std::vector<std::string> keep;                          // --keep
  bool pure = false;                                      // --pure
};

// UsageError for a malformed --tensor-type (no '=', bits not 2|4|8|16) or an invalid regular expression.
Recipe parse_recipe(const std::string& command, const ParsedArgs& args);

// Merges the recipe into config's effective layer_bit_widths and sensitive_layer_patterns (source "cli").
void apply_recipe(aq_config* config, const Recipe& recipe);

}  // namespace aqcli
