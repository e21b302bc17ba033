// The --help texts. docs/cli.md repeats them with examples; the man page (help2man) is made from kMainHelp.
#include "commands.hpp"

namespace aqcli {

const char* const kMainHelp =
    R"(Usage: arrowquant COMMAND [ARGUMENTS] [OPTIONS]
  or:  arrowquant --help | --version

Quantize the weights of diffusion models (diffusion LLMs, diffusion transformers) to INT2, INT4 or INT8 and
compute time-aware activation quantization parameters, checked by Markov smoothness metrics.

Commands:
  quantize INPUT OUTPUT         quantize a safetensors model (file, sharded index or directory)
  inspect FILE                  list the tensors, dtypes, shapes, bits, sizes and metadata of a model
  dequantize QUANTIZED OUTPUT   write a quantized model back as a plain f32/f16/bf16 safetensors file
  validate ORIGINAL QUANTIZED   per-layer cosine, SQNR, MSE and max error of a quantized model
  demo                          write the synthetic demo model, quantize it and print a summary
  baseline --model M --output DIR
                                baseline Markov smoothness metrics of a model (JSON, HTML, log)
  accuracy MODEL                accuracy study of the time-group variants (phases off/on) on a model
  help COMMAND                  the same as COMMAND --help

Options:
  -h, --help                    show this help and exit
  -V, --version                 show the versions of the tool and the loaded library and exit

Run 'arrowquant COMMAND --help' for the arguments and options of a command.

Exit status:
  0    success
  1    the operation failed; the message is 'arrowquant: STATUS: cause' with the library's status name
  2    usage error: unknown command or option, missing or extra argument, invalid option value
  130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: 'arrowquant: cancelled, nothing written'

Your files are safe: no command writes over one of its inputs (the same file, a hard link, a symlink, a
directory holding it) or over one of its own outputs, and an existing output is kept unless --force is
given (demo replaces its own files). Every output path is checked, and its temporary created, before any
work; an interrupted run leaves nothing under the output names, and the next run removes its temporaries.

Documentation: docs/cli.md (every command, option and exit status, with examples).
)";

const char* const kQuantizeHelp =
    R"(Usage: arrowquant quantize INPUT OUTPUT [OPTIONS]

Quantize the weights of a model group-wise and compute its time-aware activation parameters.
INPUT is a .safetensors file, a sharded *.safetensors.index.json, or a directory holding either; F32, F16
and BF16 tensors are quantized, 1-D tensors (norms, biases) and other dtypes are copied unchanged.
OUTPUT is a safetensors file (a directory of shards above max_shard_size_mb), written atomically; the input
is never modified.

Configuration, lowest to highest precedence: built-in defaults (the local profile) < --profile <
--config FILE < ARROW_QUANT_* environment variables < the flags below. The profile is chosen by --profile,
else by deployment_profile in the config file; the file's other keys override the profile's values. The
report records where each effective value came from ("cli" for these flags). An unknown ARROW_QUANT_*
variable is ignored with a warning naming the nearest real one.

Options:
  --config FILE           configuration file, YAML (.yaml, .yml) or JSON (the keys of docs/config.md;
                          keys may be wrapped in a top-level "quantization" mapping)
  --profile NAME          deployment profile: edge (INT2, 5 time groups, group size 256),
                          local (INT4, 10, 128) or cloud (INT8, 20, 64)
)";

// After the configuration flags, which come from the library's key table (config_flags.cpp).
const char* const kQuantizeHelpTail =
    R"(  --report FILE.json      write the quality report (per layer and total) as JSON
  --html-report FILE.html write the quality report as a self-contained HTML page (smoothness banner,
                          metric cards, violations, SVG charts, per-layer table)
  --quiet                 print neither progress, warnings nor the summary (errors are still printed;
                          warnings stay in the report)
  --tensor-type RE=BITS   quantize the tensors whose name matches the regular expression RE
                          (ECMAScript, searched) at BITS: 2, 4, 8, or 16 = keep unquantized;
                          repeatable, the first match wins (layer_bit_widths, before the file's)
  --keep RE               keep the tensors matching RE unquantized; repeatable
                          (sensitive_layer_patterns)
  --pure                  no default recipe: every tensor of 2 or more dimensions at --bits
  --force                 replace OUTPUT, --report and --html-report if they exist (atomically);
                          without it an existing output is an error and nothing is written
  -h, --help              show this help and exit

Default recipe (as llama-quantize has one): token and position embeddings and the output head get
INT8, every other tensor of 2 or more dimensions --bits; 1-D tensors, norms and biases are never
quantized. Embeddings are names with a component embed_tokens, tok_embeddings, token_embd, wte, wpe,
word_embeddings, position_embeddings, embed_positions, pos_embed, embedding_table or x_embedder; the
head is lm_head.weight, output.weight, head.weight or final_layer[.linear].weight (top level only, so
attention out-projections such as attn.output_proj are not caught). The first rule that applies decides:
dtype/1-D/norm/bias kept < skip_sensitive_layers (embeddings and heads kept) < --keep and the sensitive
keys < layer_bit_widths (exact name, then --tensor-type in order, the config file's, the recipe's) <
--bits. target_model_size_mb then re-chooses the bits of every quantized layer, and the min_accuracy
fallback raises bits last. The report's bits_rule names the rule behind each layer's bits.

OUTPUT, --report and --html-report must not be INPUT (or one of its shards, or a directory holding it),
the --config or --calibration file, or one another; this is checked before any work, and so is every
output's directory (a missing or unwritable directory fails at once). Ctrl-C or SIGTERM cancels at the next
tensor, time-aware layer or write chunk, removes every temporary and exits 130 / 143; a second signal exits
at once. Temporaries of a killed run (.OUTPUT.aqtmp-*) are removed by the next run writing OUTPUT, with
a line saying so.

Progress goes to standard error through every stage (quantize, time-aware, write): one line with
stage, counts, bytes, rate, ETA and current tensor redrawn in place on a terminal (cut to its width);
otherwise one plain line per stage start and per tensor.
The summary (sizes, compression, bits per weight overall and per bit width with the parameter format,
cosine, SQNR, smoothness, the layers that fell back to more bits) goes to standard output.
Warnings (keys without effect, layers with smoothness violations when
thermodynamic.validation.log_violations is on) go to standard error as 'arrowquant: warning: ...' and
into the report's "warnings" array.

Exit status: 0 success; 1 failure (e.g. AQ_ERR_IO for a missing input, AQ_ERR_INVALID_ARGUMENT for an
output that exists without --force or that is an input, AQ_ERR_QUALITY when fail_fast stops at a layer
below min_accuracy; --report still saves the partial report when the library returns one); 2 usage error,
including a flag value the configuration rejects (e.g. --bits 3); 130 / 143 cancelled by SIGINT / SIGTERM.
)";

const char* const kInspectHelp =
    R"(Usage: arrowquant inspect FILE [--json] [--time-aware[=LAYER]]

Print the metadata of a model, a count line (tensors, quantized tensors, parameters, stored size) and a
table of its tensors with dtype, shape, bits, parameter format, group size, number of time groups and
stored size. Works on input models (.safetensors, sharded index, directory) and on quantized models,
where each quantized tensor is listed once under its original name, dtype and shape.

Options:
  --json       print the library's JSON description of the model instead of the table
  --time-aware[=LAYER]
               print the time-aware activation parameters of every quantized tensor that has them (or of
               LAYER, a quantized tensor's name): the module whose input they quantize, calibration source
               (synthetic when data-free), activation bits, num_timesteps, and per time group the timestep
               range [start, end), scale, zero point and integer zero point (rounded half to even, clamped to
               the code range). With --json: {"model", "time_aware": [aq_model_activation_json per tensor]}
  -h, --help   show this help and exit

Exit status: 0 success; 1 the file cannot be opened or is malformed, or LAYER has no time-aware parameters
(AQ_ERR_INVALID_ARGUMENT); 2 usage error.
)";

const char* const kDequantizeHelp =
    R"(Usage: arrowquant dequantize QUANTIZED OUTPUT [--dtype f32|f16|bf16] [--force]

Write a quantized model back as a plain safetensors file: every quantized tensor is dequantized to the
chosen dtype, every other tensor is copied unchanged. Any safetensors reader opens the result.

Options:
  --dtype DTYPE   dtype of the dequantized tensors: f32 (default), f16 or bf16
  --force         replace OUTPUT if it exists (without it an existing OUTPUT is an error)
  -h, --help      show this help and exit

OUTPUT must not be QUANTIZED (or one of its shards, or a directory holding it). QUANTIZED must be an
ArrowQuant output: a model without quantized tensors is an error naming the file.

Exit status: 0 success; 1 failure; 2 usage error.
)";

const char* const kValidateHelp =
    R"(Usage: arrowquant validate ORIGINAL QUANTIZED [--json]

Compare a model with its quantized version: for every quantized layer the cosine similarity, SQNR (dB),
mean squared error (MSE) and largest absolute error of the dequantized weights against the original, and
the totals over all layers; below the table, the mean and the lowest layer cosine. An exact reconstruction
has an infinite SQNR (printed as inf, null in JSON). QUANTIZED must be an ArrowQuant output; a plain model
there is an error naming it.

Options:
  --json       print the library's comparison report as JSON instead of the table
  -h, --help   show this help and exit

Exit status: 0 success; 1 failure (a file cannot be read, or the two models do not match); 2 usage error.
)";

const char* const kDemoHelp =
    R"(Usage: arrowquant demo [--out DIR]

Run the whole pipeline on a synthetic model: write the demo model (a DiT-shaped diffusion transformer of
about 30 M parameters with heavy-tailed weights and outlier channels, generated from seed 0 and labelled
synthetic in its metadata), quantize it with the local profile (INT4, group size 128) and time-aware
activation parameters (10 time groups, data-free calibration), and print a summary: tensors, parameters,
size before and after, compression, cosine, SQNR and Markov smoothness score. The demo does not read
ARROW_QUANT_* variables, so every machine prints the same quality figures.

Files written in DIR (replaced when they exist: the demo owns them; --force is not needed):
  demo-dit.safetensors        the synthetic model
  demo-dit-int4.safetensors   the quantized model
  report.json                 the quality report
  report.html                 the report as a self-contained HTML page with charts

Options:
  --out DIR    directory for the files, created if missing (default: ./arrowquant-demo)
  -h, --help   show this help and exit

Exit status: 0 success; 1 failure; 2 usage error; 130 / 143 cancelled by SIGINT / SIGTERM.
)";

}  // namespace aqcli
