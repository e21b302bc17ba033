// quantize_model: load -> plan -> quantize (with fallback) -> time-aware phases -> write, and the report.
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "arrowquant/thermo.hpp"
#include "arrowquant/timegroups.hpp"
#include "pipeline/calibration_file.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/layer_seed.hpp"
#include "pipeline/model_format.hpp"
#include "report/phase3_json.hpp"

namespace aq {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct LayerOut {
  pipeline::LayerPlan plan;
  QuantizedTensor q;
  int bits_chosen = 0;
  std::vector<int> fallback;  // bits tried before the chosen one
  bool below_min_accuracy = false;
  double quantize_s = 0;
  std::optional<LayerResult> time_aware;
};

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

// Deterministic per-tensor description stored in the model's __metadata__ (no timings, no paths).
boost::json::object tensor_meta(const LayerOut& l, const std::vector<uint64_t>& shape, const char* orig_dtype) {
  boost::json::object o;
  o["bits"] = l.q.spec.bits;
  o["format"] = format_name(l.q.spec.format);
  o["group_size"] = l.q.spec.group_size;
  boost::json::array sh;
  for (uint64_t d : shape) sh.push_back(d);
  o["shape"] = std::move(sh);
  o["rows"] = l.q.rows;
  o["cols"] = l.q.cols;
  o["dtype"] = orig_dtype;
  o["mode"] = mode_name(l.q.spec.mode);
  o["params_dtype"] = l.q.params_f32 ? "F32" : "F16";
  boost::json::object m;
  m["cosine"] = l.q.stats.cosine();
  m["sqnr_db"] = l.q.stats.sqnr_db();
  m["mse"] = l.q.stats.mse();
  m["max_abs_error"] = l.q.stats.max_abs;
  o["metrics"] = std::move(m);
  boost::json::array fb;
  for (int b : l.fallback) fb.push_back(b);
  o["fallback_from_bits"] = std::move(fb);
  if (l.time_aware) {
    const LayerResult& r = *l.time_aware;
    boost::json::object ta;
    ta["num_groups"] = r.params.size();
    ta["calibration_source"] = r.calibration_source;
    if (r.stages[0].report) ta["smoothness_before"] = static_cast<double>(r.stages[0].report->smoothness_score);
    if (r.final_stage().report) ta["smoothness_after"] = static_cast<double>(r.final_stage().report->smoothness_score);
    o["time_aware"] = std::move(ta);
  }
  return o;
}

void check_config(const PipelineConfig& c) {
  if (c.bit_width != 2 && c.bit_width != 4 && c.bit_width != 8)
    invalid("bit_width must be 2, 4 or 8, got " + std::to_string(c.bit_width));
  if (c.group_size != 32 && c.group_size != 64 && c.group_size != 128 && c.group_size != 256)
    invalid("group_size must be 32, 64, 128 or 256, got " + std::to_string(c.group_size));
  if (!(c.min_accuracy >= 0 && c.min_accuracy <= 1)) invalid("min_accuracy must be in [0, 1]");
  for (const auto& [n, b] : c.layer_bit_widths)
    if (b != 2 && b != 4 && b != 8 && b != 16)
      invalid("layer_bit_widths." + n + " must be 2, 4, 8 or 16, got " + std::to_string(b));
  if (c.target_model_size_mb < 0) invalid("target_model_size_mb must be >= 0");
  validate_config(c.time_aware);
}

DType to_dtype(st::DType d) {
  switch (d) {
    case st::DType::F16: return DType::f16;
    case st::DType::BF16: return DType::bf16;
    default: return DType::f32;
  }
}

// target_model_size_mb: per-layer bits (2/4/8) that meet the size with the least total squared error (the
// highest model-level SQNR). Every planned layer is quantized at each width once to measure its error and bytes;
// then, from all-INT2, the upgrade with the largest error reduction per added byte that still fits is applied
// until none fits (greedy on the convex hull of each layer's (bytes, error) points). Returns the report object.
boost::json::object plan_for_size(const st::Reader& reader, std::vector<pipeline::LayerPlan>& plan,
                                  const PipelineConfig& config) {
  struct Option {
    uint64_t bytes[3];
    double sse[3];
    int level = 0;  // index into {2, 4, 8}
  };
  const int widths[3] = {2, 4, 8};
  std::vector<Option> opts(plan.size());
  uint64_t fixed = 0, total = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    auto& p = plan[i];
    if (!p.quantize) {
      fixed += p.tensor->nbytes;
      continue;
    }
    const uint8_t* raw = reader.data(*p.tensor);
    std::vector<uint8_t> aligned;
    if (reinterpret_cast<uintptr_t>(raw) % 4 != 0) {
      aligned.assign(raw, raw + p.tensor->nbytes);
      raw = aligned.data();
    }
    for (int k = 0; k < 3; ++k) {
      const QuantizedTensor q = quantize(raw, to_dtype(p.tensor->dtype), p.rows, p.cols,
                                         QuantSpec{widths[k], config.group_size, config.mode, ParamFormat::automatic},
                                         config.num_threads);
      opts[i].bytes[k] = q.rows * q.row_bytes + q.param_bytes();
      opts[i].sse[k] = q.stats.sse;
    }
    reader.release(*p.tensor);
    total += opts[i].bytes[0];
  }
  const double target = config.target_model_size_mb * 1024.0 * 1024.0;
  uint64_t size = fixed + total;
  while (true) {
    double best_gain = 0;
    std::size_t best_i = 0;
    int best_to = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (!plan[i].quantize) continue;
      const Option& o = opts[i];
      for (int to = o.level + 1; to < 3; ++to) {
        const double db = double(o.bytes[to]) - double(o.bytes[o.level]);
        const double de = o.sse[o.level] - o.sse[to];
        if (db <= 0 || double(size) + db > target) continue;
        const double gain = de / db;
        if (gain > best_gain) {
          best_gain = gain;
          best_i = i;
          best_to = to;
        }
      }
    }
    if (best_gain <= 0) break;
    size += opts[best_i].bytes[best_to] - opts[best_i].bytes[opts[best_i].level];
    opts[best_i].level = best_to;
  }
  for (std::size_t i = 0; i < plan.size(); ++i)
    if (plan[i].quantize) plan[i].bits = widths[opts[i].level];
  boost::json::object o;
  o["target_mb"] = config.target_model_size_mb;
  o["planned_mb"] = double(size) / (1024.0 * 1024.0);
  o["target_met"] = double(size) <= target;
  return o;
}

}  // namespace

std::string quantize_model(const std::string& input_path, const std::string& output_path,
                           const PipelineConfig& config, const ProgressFn& progress, std::string* report_on_error) {
  const auto t_start = Clock::now();
  check_config(config);
  st::Reader reader = st::Reader::open(input_path);
  // Quantizing our own output again would quantize its codes and parameter tensors as if they were weights.
  if (reader.metadata().count(st::kFormatKey))
    invalid(input_path + " is already quantized by ArrowQuant (its metadata has " + st::kFormatKey +
            "); quantize the original model, or `arrowquant dequantize` this one first");
  std::vector<pipeline::LayerPlan> plan = pipeline::plan_layers(reader.tensors(), config);

  boost::json::object size_plan;
  if (config.target_model_size_mb > 0) size_plan = plan_for_size(reader, plan, config);

  std::optional<pipeline::CalibrationFile> calib;
  if (!config.calibration_file.empty()) calib = pipeline::read_calibration_file(config.calibration_file);

  const uint64_t total_tensors = plan.size();
  const uint64_t total_bytes = reader.total_tensor_bytes();
  uint64_t done_tensors = 0, done_bytes = 0;
  auto report_progress = [&](uint64_t bytes) {
    ++done_tensors;
    done_bytes += bytes;
    if (progress && !progress(done_tensors, total_tensors, done_bytes, total_bytes))
      fail(Status::cancelled, "cancelled by the progress callback after " + std::to_string(done_tensors) + " of " +
                                  std::to_string(total_tensors) + " tensors");
  };

  // Streaming: when the quantized outputs would not fit the memory budget, keep only each tensor's decisions
  // (bits after fallback, format, statistics) in the first pass and quantize it again while writing. The result
  // is the same bytes (quantization is deterministic); the cost is a second quantization pass.
  uint64_t planned_out = 0;
  for (const auto& p : plan)
    if (p.quantize) planned_out += p.rows * packed_row_bytes(p.cols, p.bits) + p.rows * (p.cols / 8 + 8);
  const uint64_t budget = (config.max_memory_limit_mb ? config.max_memory_limit_mb : 1024) * 1024 * 1024;
  const bool two_pass = config.enable_streaming && planned_out > budget;

  // ---- quantize every planned layer (each tensor in parallel inside the kernel) ---------------------------------
  std::vector<LayerOut> outs;
  std::vector<CalibrationStats> stats_store;
  std::vector<std::string> quality_failures;
  double t_quant = 0;
  for (const auto& p : plan) {
    if (!p.quantize) {
      report_progress(p.tensor->nbytes);
      continue;
    }
    const auto t0 = Clock::now();
    const st::TensorInfo& t = *p.tensor;
    // The mapping may not be aligned for the element type: copy through an aligned buffer then.
    const uint8_t* raw = reader.data(t);
    std::vector<uint8_t> aligned;
    if (reinterpret_cast<uintptr_t>(raw) % 4 != 0) {
      aligned.assign(raw, raw + t.nbytes);
      raw = aligned.data();
    }
    LayerOut l;
    l.plan = p;
    int bits = p.bits;
    while (true) {
      QuantSpec spec{bits, config.group_size, config.mode, ParamFormat::automatic};
      try {
        l.q = quantize(raw, to_dtype(t.dtype), p.rows, p.cols, spec, config.num_threads);
      } catch (const Error& e) {
        fail(e.status(), "tensor " + t.name + ": " + e.what());
      }
      if (l.q.stats.cosine() >= config.min_accuracy) break;
      if (config.fail_fast) {
        quality_failures.push_back(t.name);
        if (report_on_error) {
          // What ran before the failure, so that callers (and bindings) can show it with the error.
          boost::json::object rep;
          rep["status"] = "AQ_ERR_QUALITY";
          rep["failed_layer"] = t.name;
          rep["failed_bits"] = bits;
          rep["failed_cosine"] = l.q.stats.cosine();
          rep["min_accuracy"] = config.min_accuracy;
          boost::json::array done;
          for (const auto& o : outs)
            done.push_back(boost::json::object{{"name", o.plan.tensor->name}, {"bits", o.bits_chosen},
                                               {"cosine", o.q.stats.cosine()}});
          rep["layers"] = std::move(done);
          *report_on_error = json::to_text_pretty(rep);
        }
        fail(Status::quality, "tensor " + t.name + ": cosine similarity " + json::number_text(l.q.stats.cosine()) +
                                  " at " + std::to_string(bits) + " bits is below min_accuracy " +
                                  json::number_text(config.min_accuracy) + " (fail_fast: no fallback)");
      }
      if (bits == 8) {
        l.below_min_accuracy = true;
        break;
      }
      l.fallback.push_back(bits);
      bits = bits == 2 ? 4 : 8;
    }
    l.bits_chosen = bits;
    if (two_pass) {
      std::vector<uint8_t>().swap(l.q.codes);
      std::vector<float>().swap(l.q.scales);
      std::vector<float>().swap(l.q.offsets);
      std::vector<uint16_t>().swap(l.q.super_params);
      std::vector<uint8_t>().swap(l.q.sub_params);
    }
    reader.release(t);
    l.quantize_s = since(t0);
    t_quant += l.quantize_s;
    outs.push_back(std::move(l));
    report_progress(t.nbytes);
  }

  // ---- time-aware parameters and the phases, layers in parallel ------------------------------------------------
  const auto t_ta0 = Clock::now();
  std::vector<std::string> calibration_sources;
  if (config.enable_time_aware && !outs.empty()) {
    stats_store.reserve(outs.size());
    std::vector<LayerInput> inputs;
    for (const auto& l : outs) {
      const std::string& name = l.plan.tensor->name;
      const CalibrationStats* s = calib ? calib->find(name) : nullptr;
      if (s) {
        stats_store.push_back(*s);
      } else {
        stats_store.push_back(data_free_calibration(config.time_aware, pipeline::layer_seed(name)));
      }
    }
    for (std::size_t i = 0; i < outs.size(); ++i)
      inputs.push_back(LayerInput{&stats_store[i], pipeline::layer_seed(outs[i].plan.tensor->name)});
    TimeAwareConfig ta = config.time_aware;
    std::vector<LayerResult> results = process_layers(inputs, ta, config.num_threads);
    for (std::size_t i = 0; i < outs.size(); ++i) outs[i].time_aware = std::move(results[i]);
  }
  const double t_time_aware = since(t_ta0);

  // ---- write -----------------------------------------------------------------------------------------------
  const auto t_w0 = Clock::now();
  st::WriterOptions wo;
  wo.max_shard_bytes = config.max_shard_size_mb * 1024 * 1024;
  wo.overwrite = true;
  st::Writer w(output_path, wo);
  w.set_metadata(st::kFormatKey, st::kFormatVersion);
  w.set_metadata(st::kVersionKey, std::to_string(AQ_VERSION_MAJOR) + "." + std::to_string(AQ_VERSION_MINOR) + "." +
                                      std::to_string(AQ_VERSION_PATCH));
  for (const auto& [k, v] : reader.metadata())
    if (k != st::kFormatKey && k != st::kVersionKey) w.set_metadata(k, v);
  std::size_t oi = 0;
  std::vector<std::vector<float>> tg_buffers(outs.size());
  for (const auto& p : plan) {
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      w.declare(t.name, t.dtype, t.shape);
      continue;
    }
    LayerOut& l = outs[oi];
    std::vector<float>* tg = nullptr;
    if (l.time_aware) {
      auto& buf = tg_buffers[oi];
      for (const auto& gp : l.time_aware->params) {
        buf.push_back(static_cast<float>(gp.start));
        buf.push_back(static_cast<float>(gp.end));
        buf.push_back(gp.scale);
        buf.push_back(gp.zero_point);
      }
      tg = &buf;
    }
    pipeline::declare_quantized(w, t.name, l.q, tg);
    // Attached to the shard holding NAME.qweight (the writer puts tensor metadata only into that shard).
    w.set_tensor_metadata(t.name + ".qweight", tensor_metadata_key(t.name),
                          json::to_text(tensor_meta(l, t.shape, st::dtype_name(t.dtype))));
    ++oi;
  }
  w.begin();
  oi = 0;
  for (const auto& p : plan) {
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      if (t.nbytes) w.write(t.name, reader.data(t), t.nbytes);
      reader.release(t);
      continue;
    }
    if (two_pass) {
      const uint8_t* raw = reader.data(t);
      std::vector<uint8_t> aligned;
      if (reinterpret_cast<uintptr_t>(raw) % 4 != 0) {
        aligned.assign(raw, raw + t.nbytes);
        raw = aligned.data();
      }
      const QuantizedTensor again =
          quantize(raw, to_dtype(t.dtype), p.rows, p.cols, outs[oi].q.spec, config.num_threads);
      pipeline::write_quantized(w, t.name, again, outs[oi].time_aware ? &tg_buffers[oi] : nullptr);
      reader.release(t);
    } else {
      pipeline::write_quantized(w, t.name, outs[oi].q, outs[oi].time_aware ? &tg_buffers[oi] : nullptr);
      std::vector<uint8_t>().swap(outs[oi].q.codes);  // written: release early
    }
    ++oi;
  }
  const auto t_c0 = Clock::now();
  w.commit();  // fsync of the file(s), rename, fsync of the directory
  const double t_commit = since(t_c0);
  const double t_write = since(t_w0);

  // ---- report ---------------------------------------------------------------------------------------------------
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
  if (config.target_model_size_mb > 0) rep["size_plan"] = size_plan;
  rep["calibration_source"] = !config.enable_time_aware ? "none (time-aware parameters off)"
                              : calib ? "recorded file " + config.calibration_file +
                                            " (data-free for layers it does not name)"
                                      : std::string("data-free (simulated forward diffusion, ") +
                                            beta_schedule_name(config.time_aware.beta_schedule) + " beta schedule)";
  boost::json::array layers;
  uint64_t bytes_before = 0, bytes_after = 0, params_total = 0;
  ErrorStats total_stats;
  double smooth_before_sum = 0, smooth_after_sum = 0;
  uint64_t smooth_n = 0, violations_before = 0, violations_after = 0;
  for (const auto& l : outs) {
    const st::TensorInfo& t = *l.plan.tensor;
    boost::json::object o = tensor_meta(l, t.shape, st::dtype_name(t.dtype));
    o["name"] = t.name;
    o["bits_planned"] = l.plan.bits;
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
    layers.push_back(std::move(o));
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
  rep["layers"] = std::move(layers);
  rep["kept_tensors"] = std::move(kept);
  boost::json::object tot;
  tot["tensors"] = plan.size();
  tot["quantized_tensors"] = outs.size();
  tot["quantized_params"] = params_total;
  tot["bytes_before"] = bytes_before + kept_bytes;
  tot["bytes_after"] = bytes_after + kept_bytes;
  tot["compression_ratio"] = bytes_after + kept_bytes ? double(bytes_before + kept_bytes) / double(bytes_after + kept_bytes) : 1.0;
  tot["model_size_mb"] = double(bytes_after + kept_bytes) / (1024.0 * 1024.0);
  tot["cosine"] = total_stats.cosine();
  tot["sqnr_db"] = total_stats.sqnr_db();
  tot["mse"] = total_stats.mse();
  tot["max_abs_error"] = total_stats.max_abs;
  if (smooth_n) {
    tot["smoothness_score_before"] = smooth_before_sum / double(smooth_n);
    tot["smoothness_score_after"] = smooth_after_sum / double(smooth_n);
    tot["violations_before"] = violations_before;
    tot["violations_after"] = violations_after;
  }
  tot["quantize_s"] = t_quant;
  tot["time_aware_s"] = t_time_aware;
  tot["write_s"] = t_write;
  tot["commit_fsync_s"] = t_commit;
  tot["total_s"] = since(t_start);
  rep["totals"] = std::move(tot);
  rep["output_files"] = [&] {
    boost::json::array a;
    for (const auto& f : w.output_files()) a.push_back(boost::json::string(f));
    return a;
  }();
  return json::to_text_pretty(rep);
}

std::string tensor_metadata_key(const std::string& name) { return "arrowquant.tensor." + name; }

}  // namespace aq
