#include "pipeline/quality_report.hpp"

#include <cstdio>

#include "arrowquant/json_util.hpp"
#include "arrowquant/thermo.hpp"
#include "report/phase3_json.hpp"

namespace aq::pipeline {

namespace {

boost::json::object markov_json(const MarkovReport& r) {
  boost::json::object o;
  o["is_valid"] = r.is_valid;
  o["smoothness_score"] = static_cast<double>(r.smoothness_score);
  boost::json::array bs;
  for (float b : r.boundary_scores) bs.push_back(static_cast<double>(b));
  o["boundary_scores"] = std::move(bs);
  boost::json::array vs;
  for (const auto& v : r.violations) {
    boost::json::object vo;
    vo["boundary_idx"] = v.boundary_idx;
    vo["scale_jump"] = static_cast<double>(v.scale_jump);
    vo["zero_point_jump"] = static_cast<double>(v.zero_point_jump);
    vo["severity"] = severity_name(v.severity);
    vs.push_back(std::move(vo));
  }
  o["violation_count"] = r.violations.size();
  o["violations"] = std::move(vs);
  o["max_scale_jump"] = static_cast<double>(r.max_scale_jump());
  return o;
}

// "layer L: 3 Markov smoothness violations after the phases (threshold 0.3); largest scale jump 0.52 at
// boundary 4 (high)".
std::string violation_warning(const std::string& layer, const MarkovReport& r, float threshold) {
  auto short_text = [](float x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", double(x));
    return std::string(buf);
  };
  const Violation* worst = &r.violations.front();
  for (const auto& v : r.violations)
    if (v.scale_jump > worst->scale_jump) worst = &v;
  return "layer " + layer + ": " + std::to_string(r.violations.size()) + " Markov smoothness violation" +
         (r.violations.size() == 1 ? "" : "s") + " after the phases (threshold " + short_text(threshold) +
         "); largest scale jump " + short_text(worst->scale_jump) + " at boundary " +
         std::to_string(worst->boundary_idx) + " (" + severity_name(worst->severity) + ")";
}

boost::json::array params_json(const std::vector<TimeGroupParam>& ps) {
  boost::json::array a;
  for (const auto& p : ps) {
    boost::json::object o;
    o["time_range"] = boost::json::array{p.start, p.end};
    o["scale"] = static_cast<double>(p.scale);
    o["zero_point"] = static_cast<double>(p.zero_point);
    o["group_size"] = p.group_size;
    a.push_back(std::move(o));
  }
  return a;
}

}  // namespace

std::string quality_report(const std::string& input_path, const std::string& output_path,
                           const PipelineConfig& config, const std::vector<LayerPlan>& plan,
                           const std::vector<QuantizedLayer>& layers, const st::Writer& w,
                           const boost::json::object& size_plan, bool calibration_file_used, bool two_pass,
                           bool single_pass,
                           const RunTimes& times) {
  boost::json::object rep;
  rep["arrowquant_version"] = std::to_string(AQ_VERSION_MAJOR) + "." + std::to_string(AQ_VERSION_MINOR) + "." +
                              std::to_string(AQ_VERSION_PATCH);
  rep["input"] = input_path;
  rep["output"] = output_path;
  {
    boost::system::error_code ec;
    boost::json::value cfg = boost::json::parse(config.effective_config_json, ec);
    rep["config"] = ec ? boost::json::value(nullptr) : cfg;
  }
  rep["streaming_two_pass"] = two_pass;
  rep["streaming_single_pass"] = single_pass;
  rep["output_io"] = w.direct_io() ? "direct" : "buffered";
  {
    boost::json::array notes;
    for (const auto& n : w.notes()) notes.push_back(boost::json::string(n));
    rep["recovered_temporaries"] = std::move(notes);
  }
  if (config.target_model_size_mb > 0) rep["size_plan"] = size_plan;
  rep["calibration_source"] = !config.enable_time_aware ? "none (time-aware parameters off)"
                              : calibration_file_used ? "recorded file " + config.calibration_file +
                                            " (data-free for layers it does not name)"
                                      : std::string("data-free (simulated forward diffusion, ") +
                                            beta_schedule_name(config.time_aware.beta_schedule) + " beta schedule)";
  boost::json::array layer_entries;
  uint64_t bytes_before = 0, bytes_after = 0, params_total = 0;
  ErrorStats total_stats;
  double smooth_before_sum = 0, smooth_after_sum = 0;
  uint64_t smooth_n = 0, violations_before = 0, violations_after = 0, synthetic_layers = 0;
  // Configuration warnings first, then (thermodynamic.validation.log_violations) one per layer whose parameters
  // still violate the smoothness threshold after the phases. The CLI prints each to standard error.
  boost::json::array warnings;
  for (const auto& w : config.warnings) warnings.push_back(boost::json::string(w));
  const bool log_violations = config.time_aware.thermodynamic.validation.log_violations;
  for (const auto& l : layers) {
    const st::TensorInfo& t = *l.plan.tensor;
    boost::json::object o = tensor_meta(l, t.shape, st::dtype_name(t.dtype));
    o["name"] = t.name;
    o["bits_planned"] = l.plan.bits;
    o["bits_rule"] = l.plan.bits_rule + (l.fallback.empty() ? "" : ", then min_accuracy fallback");
    o["below_min_accuracy"] = l.below_min_accuracy;
    const uint64_t after = l.q.rows * l.q.row_bytes + l.q.param_bytes();
    o["bytes_before"] = t.nbytes;
    o["bytes_after"] = after;
    o["bits_per_weight"] = l.q.bits_per_weight();
    boost::json::object timing;
    timing["quantize_s"] = l.quantize_s;
    if (l.time_aware) {
      const LayerResult& r = *l.time_aware;
      boost::json::object ta;
      ta["calibration_source"] = r.calibration_source;
      ta["synthetic"] = l.synthetic;
      synthetic_layers += l.synthetic ? 1 : 0;
      ta["module"] = l.module;
      ta["activation_bits"] = l.activation_bits;
      ta["num_timesteps"] = l.num_timesteps;
      ta["timestep_order"] = kTimestepOrder;
      ta["params_before"] = params_json(r.initial_params);
      ta["params_after"] = params_json(r.params);
      if (r.stages[0].report) {
        ta["phase1_before"] = markov_json(*r.stages[0].report);
        smooth_before_sum += r.stages[0].report->smoothness_score;
        violations_before += r.stages[0].report->violations.size();
      }
      if (r.final_stage().report) {
        ta["phase1_after"] = markov_json(*r.final_stage().report);
        smooth_after_sum += r.final_stage().report->smoothness_score;
        violations_after += r.final_stage().report->violations.size();
        ++smooth_n;
        if (log_violations && !r.final_stage().report->violations.empty())
          warnings.push_back(boost::json::string(violation_warning(l.plan.tensor->name, *r.final_stage().report,
              config.time_aware.thermodynamic.validation.smoothness_threshold)));
      }
      ta["smoothing_applied"] = r.stages[1].ran;
      if (r.optimization) ta["optimization"] = report::phase3_json(*r.optimization);
      o["time_aware"] = std::move(ta);
      timing["validate_before_s"] = r.timings.validate_before;
      timing["smooth_s"] = r.timings.smooth;
      timing["optimize_s"] = r.timings.optimize;
      timing["validate_after_s"] = r.timings.validate_after;
    }
    o["timing"] = std::move(timing);
    layer_entries.push_back(std::move(o));
    bytes_before += t.nbytes;
    bytes_after += after;
    params_total += t.numel;
    total_stats.merge(l.q.stats);
  }
  uint64_t kept_bytes = 0;
  boost::json::array kept;
  for (const auto& p : plan)
    if (!p.quantize) {
      kept_bytes += p.tensor->nbytes;
      kept.push_back(boost::json::object{{"name", p.tensor->name}, {"reason", p.keep_reason},
                                         {"bytes", p.tensor->nbytes}});
    }
  if (config.target_model_size_mb > 0) {
    auto& sp = rep["size_plan"].as_object();
    sp["achieved_mb"] = double(bytes_after + kept_bytes) / (1024.0 * 1024.0);
    sp["target_met"] = double(bytes_after + kept_bytes) <= config.target_model_size_mb * 1024.0 * 1024.0;
  }
  // io_mode direct on a file system that refused O_DIRECT: said here, and by the CLI on standard error.
  for (const auto& n : w.io_notes()) warnings.push_back(boost::json::string(n));
  rep["warnings"] = std::move(warnings);
  rep["layers"] = std::move(layer_entries);
  rep["kept_tensors"] = std::move(kept);
  boost::json::object tot;
  tot["tensors"] = plan.size();
  tot["quantized_tensors"] = layers.size();
  tot["quantized_params"] = params_total;
  tot["bytes_before"] = bytes_before + kept_bytes;
  tot["bytes_after"] = bytes_after + kept_bytes;
  tot["compression_ratio"] = bytes_after + kept_bytes ? double(bytes_before + kept_bytes) / double(bytes_after + kept_bytes) : 1.0;
  tot["model_size_mb"] = double(bytes_after + kept_bytes) / (1024.0 * 1024.0);
  tot["cosine"] = total_stats.cosine();
  tot["sqnr_db"] = total_stats.sqnr_db();
  tot["mse"] = total_stats.mse();
  tot["max_abs_error"] = total_stats.max_abs;
  // Layers whose time-aware parameters come from the data-free simulation: their smoothness describes the
  // simulation, not the model (the HTML report and the CLI summary say so).
  tot["synthetic_calibration_layers"] = synthetic_layers;
  if (smooth_n) {
    tot["smoothness_score_before"] = smooth_before_sum / double(smooth_n);
    tot["smoothness_score_after"] = smooth_after_sum / double(smooth_n);
    tot["violations_before"] = violations_before;
    tot["violations_after"] = violations_after;
  }
  tot["quantize_s"] = times.quantize_s;
  tot["time_aware_s"] = times.time_aware_s;
  tot["write_s"] = times.write_s;
  tot["commit_fsync_s"] = times.commit_s;
  tot["total_s"] = since(times.start);
  rep["totals"] = std::move(tot);
  rep["output_files"] = [&] {
    boost::json::array a;
    for (const auto& f : w.output_files()) a.push_back(boost::json::string(f));
    return a;
  }();
  return json::to_text_pretty(rep);
}

}  // namespace aq::pipeline
