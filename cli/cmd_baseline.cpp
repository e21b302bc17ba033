// arrowquant baseline: ArrowQuant V2's "establish baseline metrics" tool. Quantizes with the time-aware parameters,
// Phase 1 validation on and phases 2–3 off, then writes the baseline-metrics JSON, an HTML page and a log that
// mirrors what is printed on standard output.
#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "args.hpp"
#include "cancel_signals.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "json_read.hpp"
#include "output_guard.hpp"
#include "progress.hpp"
#include "quantize_run.hpp"

namespace aqcli {

const char* const kBaselineHelp =
    R"(Usage: arrowquant baseline --model DIR_OR_FILE --output OUT_DIR [OPTIONS]

Establish the baseline Markov smoothness metrics of a model (as ArrowQuant V2's establish_baseline_metrics): quantize
it with time-aware activation parameters, Phase 1 validation on and phases 2-3 (boundary smoothing,
transition optimization) off, and write the baseline-metrics JSON (model_name, bit_width, num_time_groups,
smoothness_score, violation_count, violations with their layer, boundary_scores, cosine_similarity,
compression_ratio, model_size_mb, quantization_time_s, min/max/mean/std_boundary_score,
common_violation_patterns, per-layer detail), an HTML page with charts and a log of the console output.
Model-level values aggregate the layers: the smoothness score is the mean of the layer scores, boundary
score b the mean over layers of boundary b, violations are every layer's (docs/report.md).

Options:
  --model PATH            the model: a .safetensors file, a sharded index or a directory
  --output DIR            directory for the quantized model and, by default, the reports (created)
  --bit-width N           weight bits: 2, 4 or 8 (alias --bits; default: the configuration's, 4)
  --num-time-groups N     time groups of the activation parameters (alias --time-groups; default 10)
  --report FILE           baseline-metrics JSON (default OUT_DIR/baseline_metrics.json)
  --html-report FILE      HTML report (default OUT_DIR/baseline_metrics.html)
  --log FILE              log of the console output (default OUT_DIR/baseline_metrics.log)
  --calibration FILE      recorded calibration statistics (docs/calibration.md); default data-free
  --config FILE           JSON configuration file (phases 2-3 and validation are forced as above)
  --profile NAME          deployment profile: edge, local or cloud
  --threads N             worker threads (0 = all cores)
  --quiet                 no progress bar and no console summary (the files are still written)
  --force                 replace files of a previous run (without it an existing output is an error)
  -h, --help              show this help and exit

Files in OUT_DIR: MODEL-intN.safetensors (the quantized model), quality_report.json (the full quality
report), and the three reports unless placed elsewhere. No output may be the model, the --config or
--calibration file, or another output; all are checked before any work.

Exit status: 0 success; 1 failure; 2 usage error; 130 / 143 cancelled by SIGINT / SIGTERM.
)";

namespace {

const char* const kCommand = "baseline";

// Console output that is also kept for the log file.
struct Console {
  bool quiet = false;
  std::string text;
  void print(const std::string& s) {
    text += s;
    if (!quiet) std::fputs(s.c_str(), stdout);
  }
};

std::string model_stem(const std::string& path) {
  std::filesystem::path p(path);
  std::string s = p.filename().string();
  if (s.empty()) s = p.parent_path().filename().string();
  for (const char* ext : {".safetensors.index.json", ".safetensors"}) {
    const std::string e = ext;
    if (s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) s.resize(s.size() - e.size());
  }
  return s.empty() ? "model" : s;
}

CliSetting int_setting(const ParsedArgs& args, const std::string& option, const std::string& key) {
  const std::string text = *args.value(option);
  parse_int_option(kCommand, args.as_typed(option), text, INT_MIN, INT_MAX);
  return {"--" + args.as_typed(option), key, text};
}

}  // namespace

int run_baseline(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {
      {"model", {}, true},       {"output", {}, true},        {"bit-width", {"bits"}, true},
      {"num-time-groups", {"time-groups"}, true},             {"report", {}, true},
      {"html-report", {}, true}, {"log", {}, true},           {"calibration", {}, true},
      {"config", {}, true},      {"profile", {}, true},       {"threads", {}, true},
      {"quiet", {}, false},      {"force", {}, false},
  };
  ParsedArgs args = parse_args(kCommand, argc, argv, first, specs, 0, 0, {});
  if (args.help) {
    std::fputs(kBaselineHelp, stdout);
    return kExitOk;
  }
  if (!args.has("model")) throw UsageError(kCommand, "--model is required");
  if (!args.has("output")) throw UsageError(kCommand, "--output is required");
  const std::string model = *args.value("model");
  const std::string out_dir = *args.value("output");

  ConfigRequest request = base_request(kCommand, args);
  if (args.has("bit-width")) request.settings.push_back(int_setting(args, "bit-width", "bit_width"));
  if (args.has("num-time-groups"))
    request.settings.push_back(int_setting(args, "num-time-groups", "num_time_groups"));
  if (auto c = args.value("calibration")) request.settings.push_back({"--calibration", "calibration_file", json_quote(*c)});
  if (args.has("threads")) request.settings.push_back(int_setting(args, "threads", "num_threads"));
  // What makes it a baseline: time-aware parameters with Phase 1 only.
  request.settings.push_back({"baseline", "enable_time_aware", "true"});
  request.settings.push_back({"baseline", "thermodynamic.validation.enabled", "true"});
  request.settings.push_back({"baseline", "thermodynamic.boundary_smoothing.enabled", "false"});
  request.settings.push_back({"baseline", "thermodynamic.transition_optimization.enabled", "false"});
  request.settings.push_back({"--force", "overwrite", args.has("force") ? "true" : "false"});
  ConfigPtr config = build_config(request);

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw LibraryError(AQ_ERR_IO, "cannot create the output directory '" + out_dir + "': " + ec.message());
  const std::filesystem::path dir(out_dir);
  const std::string stem = model_stem(model);
  const std::string bits = config_value(config.get(), "bit_width");
  const std::string quantized = (dir / (stem + "-int" + bits + ".safetensors")).string();
  const std::string quality_path = (dir / "quality_report.json").string();
  const std::string report_path = args.value("report").value_or((dir / "baseline_metrics.json").string());
  const std::string html_path = args.value("html-report").value_or((dir / "baseline_metrics.html").string());
  const std::string log_path = args.value("log").value_or((dir / "baseline_metrics.log").string());

  OutputGuard guard(args.has("force"));
  guard.input("model", model);
  if (auto c = args.value("config")) guard.input("--config file", *c);
  if (auto c = args.value("calibration")) guard.input("--calibration file", *c);
  guard.model_output("quantized model", quantized);
  guard.text_output("quality report", quality_path);
  guard.text_output("--report", report_path);
  guard.text_output("--html-report", html_path);
  guard.text_output("--log", log_path);
  guard.check();
  CancelOnSignal signals;

  Console con;
  con.quiet = args.has("quiet");
  con.print("Establishing baseline metrics of " + model + " (INT" + bits + ", " +
            config_value(config.get(), "num_time_groups") + " time groups, phases 2-3 off)\n");
  std::fflush(stdout);
  try {
    const std::string quality = quantize_with_progress(model, quantized, config.get(),
                                                       Progress::style_for_stderr(con.quiet), nullptr, &con.text);
    print_recovery_notes(quality);
    guard.commit_text(quality_path, quality);
    aq_report* raw = nullptr;
    check(aq_baseline_metrics(quality.c_str(), stem.c_str(), &raw));
    ReportPtr baseline(raw);
    const std::string json = report_text(baseline.get());
    guard.commit_text(report_path, json);
    {
      aq_report* page = nullptr;
      check(aq_html_report(quality.c_str(), json.c_str(), nullptr, nullptr, &page));
      ReportPtr html(page);
      guard.commit_text(html_path, report_text(html.get()));
    }

    // The console summary, from the JSON just written (same figures as the file).
    const boost::json::value b = parse_json(json, "baseline metrics");
    auto num = [&](const char* k, int decimals) {
      auto v = number_at(b, k);
      return v ? fixed(*v, decimals) : std::string("-");
    };
    auto row = [&](const char* label, const std::string& text) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "  %-20s ", label);
      con.print(buf + text + "\n");
    };
    con.print("\nBaseline metrics: " + string_at(b, "model_name").value_or(stem) + "\n");
    row("smoothness score", num("smoothness_score", 4) + "  (" + string_at(b, "interpretation").value_or("") + ")");
    row("violations", num("violation_count", 0) + " in " + num("layers_with_violations", 0) + " of " +
                          num("num_layers", 0) + " layers");
    row("boundary scores", "min " + num("min_boundary_score", 4) + ", max " + num("max_boundary_score", 4) +
                               ", mean " + num("mean_boundary_score", 4) + ", std " + num("std_boundary_score", 4));
    row("worst boundary", num("worst_boundary_score", 4) + " (lowest single-layer boundary score)");
    row("cosine similarity", num("cosine_similarity", 6));
    row("compression ratio", num("compression_ratio", 2) + "x, model size " + num("model_size_mb", 2) + " MiB");
    row("quantization time", num("quantization_time_s", 3) + " s");
    row("calibration", string_at(b, "calibration_source").value_or("-"));
    con.print("  patterns:\n");
    if (const auto* ps = at_path(b, "common_violation_patterns"); ps && ps->is_array())
      for (const auto& p : ps->get_array()) con.print("    - " + to_display(p) + "\n");
    const std::size_t shown = 10;
    if (const auto* vs = at_path(b, "violations"); vs && vs->is_array() && !vs->get_array().empty()) {
      con.print("  violations (first " + std::to_string(std::min(shown, vs->get_array().size())) + "):\n");
      std::size_t i = 0;
      for (const auto& v : vs->get_array()) {
        if (i++ == shown) break;
        char buf[256];
        std::snprintf(buf, sizeof buf, "    %-40s boundary %-3s scale jump %6.1f%%  %s\n",
                      string_at(v, "layer").value_or("?").c_str(),
                      fixed(number_at(v, "boundary_idx").value_or(-1), 0).c_str(),
                      number_at(v, "scale_jump").value_or(0) * 100, string_at(v, "severity").value_or("?").c_str());
        con.print(buf);
      }
    }
    con.print("\nFiles:\n");
    row("quantized model", quantized);
    row("quality report", quality_path);
    row("baseline metrics", report_path);
    row("html report", html_path);
    row("log", log_path);
  } catch (const LibraryError& e) {
    con.text += std::string("arrowquant: ") + aq_status_name(e.status()) + ": " + e.what() + "\n";
    try {
      guard.commit_text(log_path, con.text);
    } catch (const LibraryError&) {  // the run's own error is the one to report
    }
    throw;
  }
  guard.commit_text(log_path, con.text);
  return kExitOk;
}

}  // namespace aqcli
