// Writes the sample HTML report of the browser test: a tiny model quantized with phases 2–3 on, its baseline
// metrics and a short accuracy study, all three documents on one page (every section and chart present).
//   aq_report_make_sample OUT_DIR   ->  OUT_DIR/sample.html (+ the JSON documents beside it)
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "arrowquant/pipeline.hpp"
#include "arrowquant/report.hpp"
#include "report_fixtures.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: aq_report_make_sample OUT_DIR\n");
    return 2;
  }
  try {
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir);
    const std::string model = (dir / "tiny.safetensors").string();
    aqtest::write_tiny_mlp_model(model);
    aq::PipelineConfig c;
    c.bit_width = 4;
    c.group_size = 32;
    c.min_accuracy = 0;
    c.time_aware.num_timesteps = 200;
    c.time_aware.num_time_groups = 10;
    c.time_aware.calibration_data_std = 0.1f;  // ranges change with t: violations, a non-trivial banner
    c.time_aware.thermodynamic.boundary_smoothing.enabled = true;
    c.time_aware.thermodynamic.transition_optimization.enabled = true;
    c.time_aware.thermodynamic.transition_optimization.max_iterations = 10;
    c.effective_config_json = R"({"values": {"bit_width": 4, "num_time_groups": 10}})";
    const std::string quality = aq::quantize_model(model, (dir / "tiny-int4.safetensors").string(), c, nullptr);
    const std::string baseline = aq::report::baseline_metrics(quality, "tiny");
    aq::report::AccuracyOptions o;
    o.steps = 20;
    o.samples = 4;
    o.calibration_chains = 4;
    const std::string study = aq::report::accuracy_study(model, c, o);
    std::ofstream(dir / "quality_report.json") << quality;
    std::ofstream(dir / "baseline_metrics.json") << baseline;
    std::ofstream(dir / "accuracy.json") << study;
    aq::report::write_text_atomic((dir / "sample.html").string(),
                                  aq::report::html_report(quality, baseline, study, "ArrowQuant browser test"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aq_report_make_sample: %s\n", e.what());
    return 1;
  }
  return 0;
}
