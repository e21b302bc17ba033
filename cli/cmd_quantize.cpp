// arrowquant quantize INPUT OUTPUT [options]: the model pipeline with the configuration built from the profile,
// a config file, the environment and the flags (highest precedence, source "cli").
#include <climits>
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "html_report.hpp"
#include "json_read.hpp"
#include "progress.hpp"
#include "quantize_run.hpp"
#include "summary.hpp"

namespace aqcli {
namespace {

const char* const kCommand = "quantize";

// An integer flag: the syntax is checked here, the range by the configuration (its message names the key).
CliSetting int_setting(const ParsedArgs& args, const std::string& option, const std::string& key) {
  const std::string text = *args.value(option);
  const std::string typed = args.as_typed(option);
  parse_int_option(kCommand, typed, text, INT_MIN, INT_MAX);
  return {"--" + typed, key, text};
}

}  // namespace

int run_quantize(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {
      {"config", {}, true},        {"profile", {}, true},
      {"bits", {"bit-width"}, true}, {"group-size", {}, true},
      {"mode", {}, true},          {"time-groups", {"num-time-groups"}, true},
      {"calibration", {}, true},   {"threads", {}, true},
      {"report", {}, true},        {"html-report", {}, true},
      {"quiet", {}, false},
  };
  ParsedArgs args = parse_args(kCommand, argc, argv, first, specs, 2, 2, {"INPUT", "OUTPUT"});
  if (args.help) {
    std::fputs(kQuantizeHelp, stdout);
    return kExitOk;
  }
  const std::string& input = args.positionals[0];
  const std::string& output = args.positionals[1];

  ConfigRequest request = base_request(kCommand, args);
  // Settings in a fixed order; each flag is one key, so the order does not change the result.
  if (args.has("bits")) request.settings.push_back(int_setting(args, "bits", "bit_width"));
  if (args.has("group-size")) request.settings.push_back(int_setting(args, "group-size", "group_size"));
  if (auto m = args.value("mode")) {
    check_choice(kCommand, "mode", *m, {"rtn", "search"});
    request.settings.push_back({"--mode", "mode", json_quote(*m)});
  }
  if (args.has("time-groups")) request.settings.push_back(int_setting(args, "time-groups", "num_time_groups"));
  if (auto c = args.value("calibration")) request.settings.push_back({"--calibration", "calibration_file", json_quote(*c)});
  if (args.has("threads")) request.settings.push_back(int_setting(args, "threads", "num_threads"));

  ConfigPtr config = build_config(request);

  const std::optional<std::string> report_path = args.value("report");
  const bool quiet = args.has("quiet");
  const std::string report = quantize_with_progress(
      input, output, config.get(), Progress::style_for_stderr(quiet), [&](const std::string& text) {
        // A stopped run (fail_fast) still leaves its report: it names the layer that failed.
        if (!report_path) return;
        try {
          write_text_file(*report_path, text, "report");
        } catch (const LibraryError& e) {  // the run's own error is the one to report; this one is a warning
          std::fprintf(stderr, "arrowquant: warning: %s\n", e.what());
        }
      });
  if (report_path) write_text_file(*report_path, report, "report");
  const std::optional<std::string> html_path = args.value("html-report");
  if (html_path) write_html_report(report, *html_path);

  if (!quiet) {
    print_quantize_summary(parse_json(report, "quality report"), model_parameter_count(output));
    std::printf("  %-12s %s\n", "output", output.c_str());
    if (report_path) std::printf("  %-12s %s\n", "report", report_path->c_str());
    if (html_path) std::printf("  %-12s %s\n", "html report", html_path->c_str());
  }
  return kExitOk;
}

}  // namespace aqcli
