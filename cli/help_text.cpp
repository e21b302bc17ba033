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
                                the seed's baseline Markov smoothness metrics of a model (JSON, HTML, log)
  accuracy MODEL                accuracy study of the time-group variants (phases off/on) on a model
  help COMMAND                  the same as COMMAND --help

Options:
  -h, --help                    show this help and exit
  -V, --version                 show the versions of the tool and the loaded library and exit

Run 'arrowquant COMMAND --help' for the arguments and options of a command.

Exit status:
  0  success
  1  the operation failed; the message is 'arrowquant: STATUS: cause' with the library's status name
  2  usage error: unknown command or option, missing or extra argument, invalid option value

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
report records where each effective value came from ("cli" for these flags).

Options:
  --config FILE           JSON configuration file (the keys of docs/config.md)
  --profile NAME          deployment profile: edge (INT2, 5 time groups, group size 256),
                          local (INT4, 10, 128) or cloud (INT8, 20, 64)
  --bits N                weight bits: 2, 4 or 8 (config key bit_width; alias --bit-width)
  --group-size N          weights per quantization group: 32, 64, 128 or 256 (group_size)
  --mode MODE             rtn (min/max, round half to even) or search (error-minimizing) (mode)
  --time-groups N         timestep groups of the activation parameters, 1..100 (num_time_groups;
                          alias --num-time-groups)
  --calibration FILE      recorded calibration statistics (docs/calibration.md); without it the
                          data-free calibration is used (calibration_file)
  --threads N             worker threads, 0 = the library default, all cores (num_threads); the
                          output is byte-identical for every thread count
  --report FILE.json      write the quality report (per layer and total) as JSON
  --html-report FILE.html write the quality report as a self-contained HTML page (smoothness banner,
                          metric cards, violations, SVG charts)
  --quiet                 print neither progress nor the summary (errors are still printed)
  -h, --help              show this help and exit

Progress goes to standard error: a bar on a terminal, one line per tensor otherwise, then one line
when every tensor is quantized (the time-aware step and the write follow it).
The summary (sizes, compression, cosine, SQNR, smoothness) goes to standard output.

Exit status: 0 success; 1 failure (e.g. AQ_ERR_IO for a missing input, AQ_ERR_QUALITY when fail_fast
stops at a layer below min_accuracy; --report still saves the partial report when the library returns
one); 2 usage error, including a flag value the configuration rejects.
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
    R"(Usage: arrowquant dequantize QUANTIZED OUTPUT [--dtype f32|f16|bf16]

Write a quantized model back as a plain safetensors file: every quantized tensor is dequantized to the
chosen dtype, every other tensor is copied unchanged. Any safetensors reader opens the result.

Options:
  --dtype DTYPE   dtype of the dequantized tensors: f32 (default), f16 or bf16
  -h, --help      show this help and exit

Exit status: 0 success; 1 failure; 2 usage error.
)";

const char* const kValidateHelp =
    R"(Usage: arrowquant validate ORIGINAL QUANTIZED [--json]

Compare a model with its quantized version: for every quantized layer the cosine similarity, SQNR (dB),
mean squared error (MSE) and largest absolute error of the dequantized weights against the original, and
the totals over all layers; below the table, the mean and the lowest layer cosine. An exact reconstruction has an infinite SQNR (printed as inf, null in JSON).

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

Files written in DIR:
  demo-dit.safetensors        the synthetic model
  demo-dit-int4.safetensors   the quantized model
  report.json                 the quality report
  report.html                 the report as a self-contained HTML page with charts

Options:
  --out DIR    directory for the files, created if missing (default: ./arrowquant-demo)
  -h, --help   show this help and exit

Exit status: 0 success; 1 failure; 2 usage error.
)";

}  // namespace aqcli
