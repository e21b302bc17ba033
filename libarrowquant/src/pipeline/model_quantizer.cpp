// quantize_model: load -> plan -> quantize (with fallback) -> time-aware phases -> write, and the report.
#include <cstdio>
#include <boost/json.hpp>
#include <algorithm>
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
#include "pipeline/test_pause.hpp"
#include "io/path_identity.hpp"
#include "report/phase3_json.hpp"

namespace aq {
namespace {

using Clock = std::chrono::steady_clock;

// Index 0 of every tg_params table is the clean end of the diffusion (t = 0); a sampler walks from
// num_timesteps - 1 down to 0 (docs/time-aware.md).
constexpr const char* kTimestepOrder = "index 0 = clean end, num_timesteps - 1 = noise end";
// NAME.tg_params stores the time ranges as F32, exact for integers up to 2^24.
constexpr uint64_t kMaxTableTimesteps = uint64_t{1} << 24;

// The calibration entry (module) whose input a weight's activation parameters quantize: the file's entry the
// weight matched, else the weight's name without ".weight" (docs/calibration.md's matching rule).
std::string module_name(const std::string& tensor_name, const std::optional<pipeline::CalibrationFile>& calib) {
  if (calib && calib->layers.count(tensor_name)) return tensor_name;
  const std::string suffix = ".weight";
  if (tensor_name.size() > suffix.size() &&
      tensor_name.compare(tensor_name.size() - suffix.size(), suffix.size(), suffix) == 0)
    return tensor_name.substr(0, tensor_name.size() - suffix.size());
  return tensor_name;
}
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct LayerOut {
  pipeline::LayerPlan plan;
  QuantizedTensor q;
  int bits_chosen = 0;
  std::vector<int> fallback;  // bits tried before the chosen one
  bool below_min_accuracy = false;
  double quantize_s = 0;
  std::optional<LayerResult> time_aware;
  // What an engine needs to apply time_aware (written with it): the module whose input the parameters quantize,
  // the timestep axis they index, and whether they come from simulated statistics.
  std::string module;
  uint64_t num_timesteps = 0;
  int activation_bits = 8;
  bool synthetic = false;
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
    ta["synthetic"] = l.synthetic;
    ta["module"] = l.module;
    ta["activation_bits"] = l.activation_bits;
    ta["num_timesteps"] = l.num_timesteps;
    ta["timestep_order"] = kTimestepOrder;
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
    if (plan[i].quantize) {
      plan[i].bits = widths[opts[i].level];
      plan[i].bits_rule = "target_model_size_mb";
    }
  boost::json::object o;
  o["target_mb"] = config.target_model_size_mb;
  o["planned_mb"] = double(size) / (1024.0 * 1024.0);
  o["target_met"] = double(size) <= target;
  return o;
}

}  // namespace

std::string quantize_model(const std::string& input_path, const std::string& output_path,
                           const PipelineConfig& config, const ProgressFn& progress, std::string* report_on_error) {
  if (!progress) return quantize_model_staged(input_path, output_path, config, nullptr, report_on_error);
  // The per-tensor callback sees the quantize stage's counts; in the later stages it is asked again with the
  // final counts (so that it can still cancel).
  uint64_t last[4] = {0, 0, 0, 0};
  const StageProgressFn staged = [&](RunStage stage, const std::string&, uint64_t done, uint64_t total,
                                     uint64_t bytes_done, uint64_t bytes_total) {
    if (stage == RunStage::quantize) {
      if (done == 0) return true;  // the stage's start: not an event of the per-tensor callback
      last[0] = done;
      last[1] = total;
      last[2] = bytes_done;
      last[3] = bytes_total;
    }
    return progress(last[0], last[1], last[2], last[3]);
  };
  return quantize_model_staged(input_path, output_path, config, staged, report_on_error);
}

const char* run_stage_name(RunStage s) {
  switch (s) {
    case RunStage::quantize: return "quantize";
    case RunStage::time_aware: return "time-aware";
    case RunStage::write: return "write";
  }
  return "?";
}

std::string quantize_model_staged(const std::string& input_path, const std::string& output_path,
                                  const PipelineConfig& config, const StageProgressFn& progress,
                                  std::string* report_on_error) {
  const auto t_start = Clock::now();
  check_config(config);
  st::Reader reader = st::Reader::open(input_path);
  {
    // Before any work: the output must not be (or, as a directory, contain) the input, one of its shards or
    // the calibration file (a replace would destroy them).
    std::vector<io::NamedPath> inputs = {{"input", input_path}};
    for (const auto& f : reader.files())
      if (f != input_path) inputs.push_back({"input shard", f});
    if (!config.calibration_file.empty()) inputs.push_back({"calibration file", config.calibration_file});
    io::check_outputs_distinct(inputs, {{"output", output_path}});
  }
  // Quantizing our own output again would quantize its codes and parameter tensors as if they were weights.
  if (reader.metadata().count(st::kFormatKey))
    invalid(input_path + " is already quantized by ArrowQuant (its metadata has " + st::kFormatKey +
            "); quantize the original model, or `arrowquant dequantize` this one first");
  std::vector<pipeline::LayerPlan> plan = pipeline::plan_layers(reader.tensors(), config);

  const uint64_t total_tensors = plan.size();
  const uint64_t total_bytes = reader.total_tensor_bytes();
  // Where the run is: the stage, the item just done and the stage's counts. The callback is told after each
  // item and asked again, unchanged, between write chunks; returning false cancels in any stage.
  struct At {
    RunStage stage = RunStage::quantize;
    std::string item;
    uint64_t done = 0, total = 0, bytes_done = 0, bytes_total = 0;
  } at;
  at.total = total_tensors;
  at.bytes_total = total_bytes;
  const std::function<bool()> cancelled = [&] {
    return progress && !progress(at.stage, at.item, at.done, at.total, at.bytes_done, at.bytes_total);
  };
  auto check_cancel = [&]() {
    if (cancelled())
      fail(Status::cancelled, std::string("cancelled by the progress callback during the ") + run_stage_name(at.stage) +
                                  " stage after " + std::to_string(at.done) + " of " + std::to_string(at.total) +
                                  (at.stage == RunStage::time_aware ? " layers" : " tensors"));
  };
  auto enter = [&](RunStage stage, uint64_t total, uint64_t bytes_total) {
    at.stage = stage;
    at.item.clear();
    at.done = at.bytes_done = 0;
    at.total = total;
    at.bytes_total = bytes_total;
    check_cancel();
  };
  auto item_done = [&](const std::string& name, uint64_t bytes) {
    at.item = name;
    ++at.done;
    at.bytes_done += bytes;
    check_cancel();
  };
  auto report_progress = [&](const std::string& name, uint64_t bytes) { item_done(name, bytes); };

  // The output is checked and its place held (a locked temporary) before the first tensor is quantized.
  st::WriterOptions wo;
  wo.max_shard_bytes = config.max_shard_size_mb * 1024 * 1024;
  wo.overwrite = config.overwrite;
  if (progress) wo.cancelled = cancelled;
  st::Writer w(output_path, wo);
  w.reserve();

  boost::json::object size_plan;
  if (config.target_model_size_mb > 0) size_plan = plan_for_size(reader, plan, config);

  std::optional<pipeline::CalibrationFile> calib;
  if (!config.calibration_file.empty()) calib = pipeline::read_calibration_file(config.calibration_file);


  // Streaming: when the quantized outputs would not fit the memory budget, keep only each tensor's decisions
  // (bits after fallback, format, statistics) in the first pass and quantize it again while writing. The result
  // is the same bytes (quantization is deterministic); the cost is a second quantization pass.
  uint64_t planned_out = 0;
  for (const auto& p : plan)
    if (p.quantize) planned_out += p.rows * packed_row_bytes(p.cols, p.bits) + p.rows * (p.cols / 8 + 8);
  const uint64_t budget = (config.max_memory_limit_mb ? config.max_memory_limit_mb : 1024) * 1024 * 1024;
  const bool two_pass = config.enable_streaming && planned_out > budget;

  check_cancel();  // the quantize stage starts
  // ---- quantize every planned layer (each tensor in parallel inside the kernel) ---------------------------------
  std::vector<LayerOut> outs;
  std::vector<CalibrationStats> stats_store;
  std::vector<std::string> quality_failures;
  double t_quant = 0;
  for (const auto& p : plan) {
    if (!p.quantize) {
      report_progress(p.tensor->name, p.tensor->nbytes);
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
    report_progress(t.name, t.nbytes);
    pipeline::pause_for_test("quantize", progress ? cancelled : std::function<bool()>());
  }

  // ---- time-aware parameters and the phases, layers in parallel ------------------------------------------------
  const auto t_ta0 = Clock::now();
  std::vector<std::string> calibration_sources;
  if (config.enable_time_aware && !outs.empty()) {
    stats_store.reserve(outs.size());
    std::vector<LayerInput> inputs;
    // One data-free simulation serves every layer the calibration file does not name: it does not depend on the
    // layer, so giving each layer its own simulation would only invent differences between layers.
    std::optional<CalibrationStats> simulated;
    for (auto& l : outs) {
      const std::string& name = l.plan.tensor->name;
      const CalibrationStats* s = calib ? calib->find(name) : nullptr;
      if (s) {
        stats_store.push_back(*s);
      } else {
        if (!simulated) simulated = data_free_calibration(config.time_aware, pipeline::time_aware_seed());
        stats_store.push_back(*simulated);
      }
      l.synthetic = !s;
      l.module = module_name(name, calib);
      l.num_timesteps = stats_store.back().num_timesteps();
      l.activation_bits = config.time_aware.activation_bits;
      if (l.num_timesteps > kMaxTableTimesteps)
        invalid("calibration for " + l.module + " has " + std::to_string(l.num_timesteps) +
                " timesteps; NAME.tg_params stores time ranges as F32, exact up to 2^24 = 16777216");
    }
    for (std::size_t i = 0; i < outs.size(); ++i)
      inputs.push_back(LayerInput{&stats_store[i], pipeline::time_aware_seed()});
    TimeAwareConfig ta = config.time_aware;
    enter(RunStage::time_aware, inputs.size(), 0);
    pipeline::pause_for_test("time-aware", progress ? cancelled : std::function<bool()>());
    // In batches, reporting (and asking for cancellation) between them; layers are independent (own random stream and
    // statistics), so the batching does not change any result.
    constexpr std::size_t kBatch = 16;
    for (std::size_t b = 0; b < inputs.size(); b += kBatch) {
      check_cancel();
      const std::size_t end = std::min(inputs.size(), b + kBatch);
      const std::vector<LayerInput> batch(inputs.begin() + long(b), inputs.begin() + long(end));
      std::vector<LayerResult> results = process_layers(batch, ta, config.num_threads);
      for (std::size_t i = 0; i < results.size(); ++i) outs[b + i].time_aware = std::move(results[i]);
      at.done = end - 1;
      item_done(outs[end - 1].plan.tensor->name, 0);
    }
  }
  const double t_time_aware = since(t_ta0);

  // ---- write -----------------------------------------------------------------------------------------------
  enter(RunStage::write, total_tensors, total_bytes);
  const auto t_w0 = Clock::now();
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
  bool paused = false;
  for (const auto& p : plan) {
    if (!paused && w.bytes_written() > 0) {  // the temporary holds data: the point a signal test wants
      pipeline::pause_for_test("write", progress ? cancelled : std::function<bool()>());
      paused = true;
      check_cancel();
    }
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      if (t.nbytes) w.write(t.name, reader.data(t), t.nbytes);
      reader.release(t);
      item_done(t.name, t.nbytes);
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
    item_done(t.name, t.nbytes);
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
  {
    boost::json::array notes;
    for (const auto& n : w.notes()) notes.push_back(boost::json::string(n));
    rep["recovered_temporaries"] = std::move(notes);
  }
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
  uint64_t smooth_n = 0, violations_before = 0, violations_after = 0, synthetic_layers = 0;
  // Configuration warnings first, then (thermodynamic.validation.log_violations) one per layer whose parameters
  // still violate the smoothness threshold after the phases. The CLI prints each to standard error.
  boost::json::array warnings;
  for (const auto& w : config.warnings) warnings.push_back(boost::json::string(w));
  const bool log_violations = config.time_aware.thermodynamic.validation.log_violations;
  for (const auto& l : outs) {
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
  rep["warnings"] = std::move(warnings);
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
  // Layers whose time-aware parameters come from the data-free simulation: their smoothness describes the
  // simulation, not the model (the HTML report and the CLI summary say so).
  tot["synthetic_calibration_layers"] = synthetic_layers;
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
