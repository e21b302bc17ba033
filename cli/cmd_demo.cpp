// arrowquant demo [--out DIR]: the synthetic demo model, quantized with the local profile and time-aware
// parameters, and a summary. Reproducible: seed 0, no environment overrides, so every machine prints the same
// quality figures.
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "args.hpp"
#include "cancel_signals.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "html_report.hpp"
#include "json_read.hpp"
#include "output_guard.hpp"
#include "progress.hpp"
#include "quantize_run.hpp"
#include "summary.hpp"

namespace aqcli {

int run_demo(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {{"out", {}, true}};
  ParsedArgs args = parse_args("demo", argc, argv, first, specs, 0, 0, {});
  if (args.help) {
    std::fputs(kDemoHelp, stdout);
    return kExitOk;
  }
  const std::string dir = args.value("out").value_or("arrowquant-demo");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw LibraryError(AQ_ERR_IO, "cannot create the output directory '" + dir + "': " + ec.message());

  const std::string model = (std::filesystem::path(dir) / "demo-dit.safetensors").string();
  const std::string quantized = (std::filesystem::path(dir) / "demo-dit-int4.safetensors").string();
  const std::string report_path = (std::filesystem::path(dir) / "report.json").string();
  const std::string html_path = (std::filesystem::path(dir) / "report.html").string();

  // The demo replaces its own files in its own directory (force), but they must still be distinct and writable.
  OutputGuard guard(true);
  guard.model_output("demo model", model);
  guard.model_output("quantized model", quantized);
  guard.text_output("report", report_path);
  guard.text_output("html report", html_path);
  guard.check();
  CancelOnSignal signals;

  std::printf("Writing the synthetic demo model (DiT-shaped, seed 0) to %s\n", model.c_str());
  std::fflush(stdout);
  check(aq_write_demo_model(model.c_str(), 0));

  aq_config* raw = nullptr;
  check(aq_config_from_profile("local", &raw));
  ConfigPtr config(raw);
  check(aq_config_set(config.get(), "enable_time_aware", "true"));

  std::printf("Quantizing it with the local profile (INT4, group size 128, 10 time groups) to %s\n",
              quantized.c_str());
  std::fflush(stdout);
  const std::string report = quantize_with_progress(model, quantized, config.get(),
                                                    Progress::style_for_stderr(false), nullptr);
  print_recovery_notes(report);
  guard.commit_text(report_path, report);
  guard.commit_text(html_path, html_report_text(report));

  std::printf("\n");
  print_quantize_summary(parse_json(report, "quality report"), model_parameter_count(model));
  std::printf("\nFiles:\n");
  std::printf("  %-12s %s\n", "model", model.c_str());
  std::printf("  %-12s %s\n", "quantized", quantized.c_str());
  std::printf("  %-12s %s\n", "report", report_path.c_str());
  std::printf("  %-12s %s\n", "html report", html_path.c_str());
  std::printf("\nNext: arrowquant inspect %s\n      arrowquant validate %s %s\n", quantized.c_str(), model.c_str(),
              quantized.c_str());
  return kExitOk;
}

}  // namespace aqcli
