// arrowquant quantize INPUT OUTPUT [options]: the model pipeline with the configuration built from the profile,
// a config file, the environment and the flags (highest precedence, source "cli").
#include <climits>
#include <cstdio>
#include <string>

#include "args.hpp"
#include "cancel_signals.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "config_flags.hpp"
#include "html_report.hpp"
#include "json_read.hpp"
#include "output_guard.hpp"
#include "progress.hpp"
#include "quantize_run.hpp"
#include "recipe.hpp"
#include "summary.hpp"

namespace aqcli {
namespace {

const char* const kCommand = "quantize";

}  // namespace

int run_quantize(int argc, char** argv, int first) {
  std::vector<OptionSpec> specs = {{"config", {}, true}, {"profile", {}, true}};
  for (auto& s : schema_flag_specs()) specs.push_back(std::move(s));  // --bits, --group-size, ... (key table)
  for (const char* s : {"report", "html-report"}) specs.push_back({s, {}, true});
  specs.push_back({"quiet", {}, false});
  for (const char* s : {"tensor-type", "keep"}) specs.push_back({s, {}, true});
  for (const char* s : {"pure", "force"}) specs.push_back({s, {}, false});
  ParsedArgs args = parse_args(kCommand, argc, argv, first, specs, 2, 2, {"INPUT", "OUTPUT"});
  if (args.help) {
    std::fputs(kQuantizeHelp, stdout);
    std::fputs(schema_flag_help().c_str(), stdout);
    std::fputs(kQuantizeHelpTail, stdout);
    return kExitOk;
  }
  const std::string& input = args.positionals[0];
  const std::string& output = args.positionals[1];

  ConfigRequest request = base_request(kCommand, args);
  // Settings in the key table's order; each flag is one key, so the order does not change the result.
  add_schema_flag_settings(kCommand, args, request);

  const bool force = args.has("force");
  // An existing output is kept unless --force (the library refuses it too: overwrite false).
  request.settings.push_back({"--force", "overwrite", force ? "true" : "false"});
  const Recipe recipe = parse_recipe(kCommand, args);
  ConfigPtr config = build_config(request);
  apply_recipe(config.get(), recipe);

  const std::optional<std::string> report_path = args.value("report");
  const std::optional<std::string> html_path = args.value("html-report");
  // Every path is checked before the first tensor is quantized.
  OutputGuard guard(force);
  guard.input("input", input);
  if (auto c = args.value("config")) guard.input("--config file", *c);
  if (auto c = args.value("calibration")) guard.input("--calibration file", *c);
  guard.model_output("output", output);
  if (report_path) guard.text_output("--report", *report_path);
  if (html_path) guard.text_output("--html-report", *html_path);
  guard.check();

  CancelOnSignal signals;
  const bool quiet = args.has("quiet");
  const std::string report = quantize_with_progress(
      input, output, config.get(), Progress::style_for_stderr(quiet), [&](const std::string& text) {
        // A stopped run (fail_fast) still leaves its report: it names the layer that failed.
        if (!report_path) return;
        try {
          guard.commit_text(*report_path, text);
        } catch (const LibraryError& e) {  // the run's own error is the one to report; this one is a warning
          std::fprintf(stderr, "arrowquant: warning: %s\n", e.what());
        }
      });
  print_recovery_notes(report);
  if (report_path) guard.commit_text(*report_path, report);
  if (html_path) guard.commit_text(*html_path, html_report_text(report));

  if (!quiet) {
    print_quantize_summary(parse_json(report, "quality report"), model_parameter_count(output));
    std::printf("  %-12s %s\n", "output", output.c_str());
    if (report_path) std::printf("  %-12s %s\n", "report", report_path->c_str());
    if (html_path) std::printf("  %-12s %s\n", "html report", html_path->c_str());
  }
  return kExitOk;
}

}  // namespace aqcli
