// Reports built from the pipeline's quality report (docs/report.md) and the accuracy study (docs/accuracy.md):
//  * the baseline-metrics JSON in ArrowQuant V2's format (model_name, bit_width, ..., common_violation_patterns), with
//    a documented aggregation over layers and per-layer detail;
//  * a self-contained HTML page (inline CSS and SVG, no script, no network access);
//  * the accuracy study: baseline / smoothing / optimization / both, with the error accumulated along a
//    simulated reverse diffusion driven by the model's own linear layers.
// Every JSON text produced here writes non-finite numbers as null (json_util.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arrowquant/pipeline.hpp"

namespace aq::report {

// ---- baseline metrics --------------------------------------------------------------------------------------
// quality_report_json: the report of quantize_model with time-aware parameters and Phase 1 validation on
// (phases 2–3 normally off; when they ran, the baseline still uses the metrics *before* them, phase1_before).
// model_name: empty = derived from the report's "input" path (file stem, or directory name).
// Throws Status::format for text that is not a quality report, invalid_argument when it lacks Phase 1 metrics.
std::string baseline_metrics(const std::string& quality_report_json, const std::string& model_name = "");

// The human-readable log lines of a baseline run (the same text the CLI prints), from the baseline JSON.
std::string baseline_summary_text(const std::string& baseline_json);

// ---- HTML ----------------------------------------------------------------------------------------------------
// Any of the three documents may be empty, not all. Sections appear for what is given: the banner and cards,
// the violations table, the boundary-score chart, scale / zero point across time groups before/after for the
// worst layers, per-layer SQNR and bits (quality report), and the error-accumulation curves (accuracy study).
// Throws Status::format naming the document that is not the expected JSON.
std::string html_report(const std::string& quality_report_json, const std::string& baseline_json,
                        const std::string& accuracy_json, const std::string& title = "");

// Banner colour of a smoothness score (the baseline metrics' bands): "green" >= 0.78, "yellow" >= 0.65,
// "red" otherwise (also for NaN).
const char* score_band(double smoothness_score);

// ---- accuracy study ------------------------------------------------------------------------------------------
struct AccuracyOptions {
  uint64_t steps = 50;               // reverse-diffusion steps (respaced from num_timesteps), 2..num_timesteps
  uint64_t samples = 16;             // chains evaluated (same start and noise for every variant)
  uint64_t calibration_chains = 16;  // full-precision chains recorded for the "chain" calibration
  uint64_t blocks = 2;               // denoiser blocks (pairs of linear layers) taken from the model, >= 1
  double block_gain = 1.0;           // each block adds block_gain * rms(h) * out / rms(out); (0, 10]
  std::string calibration = "chain";  // "chain" (recorded from the full-precision chain), "data-free"
                                      // (the pipeline's default) or "file" (config.calibration_file)
  uint64_t seed = 0;
  std::vector<std::string> layers;    // explicit denoiser layers in pairs [up, down, up, down, ...]; empty = auto
  bool model_metrics = true;          // also Phase 1 metrics over every layer the pipeline would quantize
};

// Parses {"steps", "samples", "calibration_chains", "blocks", "block_gain", "calibration", "seed", "layers",
// "model_metrics"}
// (any subset; unknown keys and out-of-range values are invalid_argument naming the key).
AccuracyOptions parse_accuracy_options(const std::string& options_json);

// Runs the study on an unquantized model (safetensors file, index or directory). Returns the study JSON
// ({"model", "bits", "time_groups", "variants": [...]} and the details of docs/accuracy.md).
std::string accuracy_study(const std::string& model_path, const PipelineConfig& config,
                           const AccuracyOptions& options);

// ---- files ---------------------------------------------------------------------------------------------------
// Writes text to path through a temporary file in the same directory, fsync and rename (Status::io naming the
// path on failure; nothing is left under the final name then).
void write_text_atomic(const std::string& path, const std::string& text);

}  // namespace aq::report
