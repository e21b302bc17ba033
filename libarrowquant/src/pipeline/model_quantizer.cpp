// quantize_model: load -> plan -> quantize (with the min_accuracy fallback) -> time-aware phases -> write ->
// report. Each stage is a function of its own file; this one only passes their results along.
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <boost/json.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "arrowquant/thermo.hpp"
#include "io/path_identity.hpp"
#include "pipeline/calibration_file.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/quality_report.hpp"
#include "pipeline/quantize_stage.hpp"
#include "pipeline/run_progress.hpp"
#include "pipeline/size_plan.hpp"
#include "pipeline/time_aware_stage.hpp"
#include "pipeline/write_stage.hpp"

namespace aq {
namespace {

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

// Before any work: the output must not be (or, as a directory, contain) the input, one of its shards or the
// calibration file (a replace would destroy them).
void check_output_is_not_an_input(const st::Reader& reader, const std::string& input_path,
                                  const std::string& output_path, const PipelineConfig& config) {
  std::vector<io::NamedPath> inputs = {{"input", input_path}};
  for (const auto& f : reader.files())
    if (f != input_path) inputs.push_back({"input shard", f});
  if (!config.calibration_file.empty()) inputs.push_back({"calibration file", config.calibration_file});
  io::check_outputs_distinct(inputs, {{"output", output_path}});
}

// Streaming: a single-file output of 64 MiB or more, and any output that would not fit the memory budget, is
// not held until the write. A single file is written while it is quantized (single pass: the writer's streaming
// layout, a header reserved up front and filled at commit; each write overlaps the next layer's quantization and
// two layers' buffers alternate, so a large model neither waits for its writes nor faults in fresh memory for
// its outputs). A sharded output above the budget, whose shard boundaries need every size first, keeps only each
// tensor's decisions (bits after fallback, format, statistics) in a first pass and quantizes it again while
// writing (two passes; the same bytes as the in-memory path, at the cost of quantizing twice).
enum class Streaming { none, single_pass, two_pass };
constexpr uint64_t kSinglePassMinBytes = uint64_t(64) << 20;

Streaming streaming_mode(const std::vector<pipeline::LayerPlan>& plan, const PipelineConfig& config,
                         uint64_t* planned_out_bytes) {
  uint64_t planned_out = 0;
  for (const auto& p : plan)
    if (p.quantize) planned_out += p.rows * packed_row_bytes(p.cols, p.bits) + p.rows * (p.cols / 8 + 8);
  *planned_out_bytes = planned_out;
  const uint64_t budget = (config.max_memory_limit_mb ? config.max_memory_limit_mb : 1024) * 1024 * 1024;
  if (!config.enable_streaming) return Streaming::none;
  const bool sharded = config.max_shard_size_mb > 0;
  if (planned_out <= budget) return sharded || planned_out < kSinglePassMinBytes ? Streaming::none : Streaming::single_pass;
  // AQ_TEST_TWO_PASS=1: the two-pass path for a single file too (tests and bench/pipeline compare the two).
  const char* force = std::getenv("AQ_TEST_TWO_PASS");
  if (sharded || (force && std::strcmp(force, "1") == 0)) return Streaming::two_pass;
  return Streaming::single_pass;
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

std::string quantize_model_staged(const std::string& input_path, const std::string& output_path,
                                  const PipelineConfig& config, const StageProgressFn& progress,
                                  std::string* report_on_error) {
  pipeline::RunTimes times;
  times.start = pipeline::Clock::now();
  check_config(config);

  // ---- load ----------------------------------------------------------------------------------------------------
  st::Reader reader = st::Reader::open(input_path);
  check_output_is_not_an_input(reader, input_path, output_path, config);
  // Quantizing our own output again would quantize its codes and parameter tensors as if they were weights.
  if (reader.metadata().count(st::kFormatKey))
    invalid(input_path + " is already quantized by ArrowQuant (its metadata has " + st::kFormatKey +
            "); quantize the original model, or `arrowquant dequantize` this one first");

  // ---- plan ----------------------------------------------------------------------------------------------------
  std::vector<pipeline::LayerPlan> plan = pipeline::plan_layers(reader.tensors(), config);
  const uint64_t total_tensors = plan.size();
  const uint64_t total_bytes = reader.total_tensor_bytes();
  pipeline::RunProgress run(progress, total_tensors, total_bytes);

  // The output is checked and its place held (a locked temporary) before the first tensor is quantized.
  st::WriterOptions wo;
  wo.max_shard_bytes = config.max_shard_size_mb * 1024 * 1024;
  wo.overwrite = config.overwrite;
  wo.io_mode = config.io_mode;
  // The writer asks between chunks. A single-pass run writes on another thread (quantize_stage.hpp), where the
  // callback, promised to run on the calling thread, is not asked: the caller's thread asks it after each tensor.
  if (progress) {
    const auto caller = std::this_thread::get_id();
    wo.cancelled = [&run, caller] { return std::this_thread::get_id() == caller && run.cancelled(); };
  }
  st::Writer w(output_path, wo);
  w.reserve();

  boost::json::object size_plan;
  if (config.target_model_size_mb > 0) size_plan = pipeline::plan_for_size(reader, plan, config);

  std::optional<pipeline::CalibrationFile> calib;
  if (!config.calibration_file.empty()) calib = pipeline::read_calibration_file(config.calibration_file);

  uint64_t planned_out = 0;
  const Streaming streaming = streaming_mode(plan, config, &planned_out);  // after plan_for_size chose the bits
  const bool two_pass = streaming == Streaming::two_pass;

  // ---- quantize every planned layer (each tensor in parallel inside the kernel) --------------------------------
  run.check_cancel();  // the quantize stage starts
  pipeline::LayerSink sink;
  if (streaming == Streaming::single_pass) {
    w.set_streaming_layout(pipeline::streaming_header_bound(reader, plan, config), planned_out);
    pipeline::set_model_metadata(w, reader);
    w.begin();
    sink = pipeline::streaming_sink(w, reader);
  }
  std::vector<pipeline::QuantizedLayer> layers =
      pipeline::quantize_layers(reader, plan, config, two_pass, run, report_on_error, &times.quantize_s, sink);

  // ---- time-aware parameters and the phases, layers in parallel ------------------------------------------------
  const auto t_ta0 = pipeline::Clock::now();
  pipeline::run_time_aware(layers, calib, config, run);
  times.time_aware_s = pipeline::since(t_ta0);

  // ---- write ---------------------------------------------------------------------------------------------------
  run.enter(RunStage::write, total_tensors, total_bytes);
  const pipeline::WriteTimes wt = streaming == Streaming::single_pass
                                      ? pipeline::finish_streamed_model(w, plan, layers, run)
                                      : pipeline::write_model(w, reader, plan, layers, config, two_pass, run);
  times.write_s = wt.write_s;
  times.commit_s = wt.commit_s;

  // ---- report --------------------------------------------------------------------------------------------------
  return pipeline::quality_report(input_path, output_path, config, plan, layers, w, size_plan, calib.has_value(),
                                  two_pass, streaming == Streaming::single_pass, times);
}

std::string tensor_metadata_key(const std::string& name) { return "arrowquant.tensor." + name; }

}  // namespace aq
