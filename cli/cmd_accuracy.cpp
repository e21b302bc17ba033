// arrowquant accuracy MODEL: the accuracy study of docs/accuracy.md — the time-group parameters of four variants
// (baseline, smoothing, optimization, both) compared by their Phase 1 metrics and by the error they accumulate
// along a simulated reverse diffusion driven by the model's own layers.
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "config_builder.hpp"
#include "json_read.hpp"
#include "output_guard.hpp"

namespace aqcli {

const char* const kAccuracyHelp =
    R"(Usage: arrowquant accuracy MODEL [OPTIONS]

Run the accuracy study on an unquantized model (a .safetensors file, a sharded index or a directory): for
the same model and calibration compare the time-group activation parameters of four variants - baseline
(phases off), smoothing (Phase 2), optimization (Phase 3) and both - by smoothness score and violation count,
and by the error accumulated along a simulated reverse diffusion whose denoiser is made of the model's own
linear layers (pairs [m, d] / [d, m] in one block): the chain with quantized weights and time-group activation
quantization against the full-precision chain, same start and noise. Prints a table, then for Phase 3's
chain solver (thermodynamic.transition_optimization.optimizer "chain", the default) each denoiser layer's
activation MSE against each group's own best candidate (the price of smoothness), its multiplier, candidates
and solves; docs/accuracy.md defines every number.

Options:
  --bits N                weight bits: 2, 4 or 8 (config key bit_width; alias --bit-width)
  --time-groups N         time groups (num_time_groups; alias --num-time-groups)
  --activation-bits N     activation bits of the time-group parameters, 2..16 (default 8)
  --data-std X            std of the data the chain generates and of the data-free calibration
                          (calibration_data_std, default 0.5; smaller values make the activation ranges
                          change more with t)
  --calibration SOURCE    chain (default: layer inputs recorded from full-precision chains), data-free (the
                          pipeline's default calibration) or a recorded calibration FILE
  --steps N               reverse-diffusion steps (default 50)
  --samples N             chains evaluated (default 16)
  --blocks N              denoiser blocks taken from the model (default 2)
  --seed N                seed of the start points and the noise (default 0)
  --no-model-metrics      skip the Phase 1 metrics over every layer of the model
  --config FILE           JSON configuration file (phase settings such as window_size are used)
  --profile NAME          deployment profile: edge, local or cloud
  --threads N             worker threads (0 = all cores); results do not depend on it
  --report FILE           write the study JSON
  --html-report FILE      write the study as an HTML page with the error-accumulation chart
  --quiet                 print nothing (the files are still written)
  --force                 replace --report / --html-report if they exist (else an error, nothing written)
  -h, --help              show this help and exit

Exit status: 0 success; 1 failure; 2 usage error.
)";

namespace {

const char* const kCommand = "accuracy";

CliSetting int_setting(const ParsedArgs& args, const std::string& option, const std::string& key) {
  const std::string text = *args.value(option);
  parse_int_option(kCommand, args.as_typed(option), text, INT_MIN, INT_MAX);
  return {"--" + args.as_typed(option), key, text};
}

}  // namespace

int run_accuracy(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {
      {"bits", {"bit-width"}, true},  {"time-groups", {"num-time-groups"}, true}, {"activation-bits", {}, true},
      {"data-std", {}, true},         {"calibration", {}, true},                  {"steps", {}, true},
      {"samples", {}, true},          {"blocks", {}, true},                       {"seed", {}, true},
      {"no-model-metrics", {}, false}, {"config", {}, true},                      {"profile", {}, true},
      {"threads", {}, true},          {"report", {}, true},                       {"html-report", {}, true},
      {"quiet", {}, false},           {"force", {}, false},
  };
  ParsedArgs args = parse_args(kCommand, argc, argv, first, specs, 1, 1, {"MODEL"});
  if (args.help) {
    std::fputs(kAccuracyHelp, stdout);
    return kExitOk;
  }
  const std::string& model = args.positionals[0];
  ConfigRequest request = base_request(kCommand, args);
  if (args.has("bits")) request.settings.push_back(int_setting(args, "bits", "bit_width"));
  if (args.has("time-groups")) request.settings.push_back(int_setting(args, "time-groups", "num_time_groups"));
  if (args.has("activation-bits")) request.settings.push_back(int_setting(args, "activation-bits", "activation_bits"));
  if (auto s = args.value("data-std")) {
    char* end = nullptr;
    const double v = std::strtod(s->c_str(), &end);
    if (s->empty() || *end != '\0' || !(v > 0)) throw UsageError(kCommand, "--data-std must be a positive number, got '" + *s + "'");
    request.settings.push_back({"--data-std", "calibration_data_std", *s});
  }
  if (args.has("threads")) request.settings.push_back(int_setting(args, "threads", "num_threads"));

  std::string options = "{";
  auto add = [&](const std::string& k, const std::string& v) { options += (options.size() > 1 ? "," : "") + json_quote(k) + ":" + v; };
  for (const char* k : {"steps", "samples", "blocks", "seed"})
    if (auto v = args.value(k)) {
      parse_int_option(kCommand, k, *v, 0, LLONG_MAX);
      add(k, *v);
    }
  if (auto c = args.value("calibration")) {
    if (*c == "chain" || *c == "data-free") {
      add("calibration", json_quote(*c));
    } else {
      add("calibration", json_quote("file"));
      request.settings.push_back({"--calibration", "calibration_file", json_quote(*c)});
    }
  }
  if (args.has("no-model-metrics")) add("model_metrics", "false");
  options += "}";
  ConfigPtr config = build_config(request);

  OutputGuard guard(args.has("force"));
  guard.input("model", model);
  if (auto c = args.value("config")) guard.input("--config file", *c);
  if (auto c = args.value("calibration"); c && *c != "chain" && *c != "data-free") guard.input("--calibration file", *c);
  if (auto r = args.value("report")) guard.text_output("--report", *r);
  if (auto h = args.value("html-report")) guard.text_output("--html-report", *h);
  guard.check();

  const bool quiet = args.has("quiet");
  if (!quiet) {
    std::printf("Accuracy study of %s (INT%s weights, %s time groups) ...\n", model.c_str(),
                config_value(config.get(), "bit_width").c_str(), config_value(config.get(), "num_time_groups").c_str());
    std::fflush(stdout);
  }
  aq_report* raw = nullptr;
  const aq_status st = aq_accuracy_study(model.c_str(), config.get(), options.c_str(), &raw);
  // An option value the study rejects (steps > num_timesteps, ...) is a usage error like a bad flag.
  if (st == AQ_ERR_INVALID_ARGUMENT) throw LibraryError(st, aq_last_error_message(), kExitUsage);
  check(st);
  ReportPtr report(raw);
  const std::string json = report_text(report.get());
  if (auto r = args.value("report")) guard.commit_text(*r, json);
  if (auto h = args.value("html-report")) {
    aq_report* page = nullptr;
    check(aq_html_report(nullptr, nullptr, json.c_str(), nullptr, &page));
    ReportPtr html(page);
    guard.commit_text(*h, report_text(html.get()));
  }
  if (quiet) return kExitOk;

  const boost::json::value a = parse_json(json, "accuracy study");
  const boost::json::value* layers = at_path(a, "denoiser.layers");
  std::printf("Denoiser: %s\n", layers ? to_display(*layers).c_str() : "-");
  std::printf("Calibration: %s\n", string_at(a, "calibration").value_or("-").c_str());
  std::printf("Weights only (no activation quantization): final relative error %s\n\n",
              sci(number_at(a, "reference.weights_only.final_relative_error").value_or(0), 4).c_str());
  std::printf("  %-13s %-17s %-11s %-13s %-11s %-17s %s\n", "variant", "smoothness", "violations", "all layers",
              "violations", "final rel. error", "mean step error");
  if (const auto* vs = at_path(a, "variants"); vs && vs->is_array())
    for (const auto& v : vs->get_array()) {
      auto f = [&](const char* k, int d) {
        auto x = number_at(v, k);
        return x ? fixed(*x, d) : std::string("-");
      };
      std::printf("  %-13s %-17s %-11s %-13s %-11s %-17s %s\n", string_at(v, "name").value_or("?").c_str(),
                  (f("smoothness_score_before", 4) + " -> " + f("smoothness_score", 4)).c_str(),
                  (f("violation_count_before", 0) + " -> " + f("violation_count", 0)).c_str(),
                  f("model_smoothness_score", 4).c_str(), f("model_violation_count", 0).c_str(),
                  sci(number_at(v, "final_relative_error").value_or(0), 4).c_str(),
                  sci(number_at(v, "mean_step_error").value_or(0), 4).c_str());
    }
  // What Phase 3's chain solver paid for smoothness on the denoiser layers (the `optimization` variant).
  if (const auto* vs = at_path(a, "variants"); vs && vs->is_array())
    for (const auto& v : vs->get_array()) {
      if (string_at(v, "name").value_or("") != "optimization") continue;
      const auto* ls = at_path(v, "layers");
      if (!ls || !ls->is_array()) continue;
      bool header = false;
      for (const auto& l : ls->get_array()) {
        const auto mse = number_at(l, "phase3.mse"), free = number_at(l, "phase3.unconstrained_mse");
        if (!mse || !free) continue;
        if (!header) {
          std::printf("\nPhase 3 chain solver (optimization variant), per denoiser layer:\n");
          std::printf("  %-44s %-11s %-11s %-13s %-11s %s\n", "layer", "mse", "own best", "multiplier",
                      "candidates", "solves");
          header = true;
        }
        const auto m = number_at(l, "phase3.multiplier");
        std::printf("  %-44s %-11s %-11s %-13s %-11s %s\n", string_at(l, "name").value_or("?").c_str(),
                    sci(*mse, 3).c_str(), sci(*free, 3).c_str(), m ? sci(*m, 3).c_str() : "-",
                    fixed(number_at(l, "phase3.candidates").value_or(0), 0).c_str(),
                    fixed(number_at(l, "phase3.iterations").value_or(0), 0).c_str());
      }
    }
  if (auto r = args.value("report")) std::printf("\n  %-12s %s\n", "report", r->c_str());
  if (auto h = args.value("html-report")) std::printf("  %-12s %s\n", "html report", h->c_str());
  return kExitOk;
}

}  // namespace aqcli
