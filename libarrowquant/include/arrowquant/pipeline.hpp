// The model pipeline: load -> plan -> quantize -> time-aware phases -> validate -> write (docs/pipeline.md).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "arrowquant/quantize.hpp"
#include "arrowquant/settings.hpp"

namespace aq {
namespace st {
class Reader;
}

// Everything the pipeline needs: the one settings struct (settings.hpp), already resolved by the configuration
// layer (defaults < profile < file < environment < flags), plus what the report carries about it.
struct PipelineConfig : Settings {
  std::string effective_config_json = "{}";  // for the report
  std::vector<std::string> warnings;         // configuration warnings, copied into the report's "warnings"
};

class Config;
// The pipeline settings of a layered configuration (config.hpp), with the effective config for the report.
PipelineConfig pipeline_config_from(const Config& config);

// Progress: (tensors_done, tensors_total, bytes_done, bytes_total); return false to cancel. Called after each
// tensor is quantized, then again with unchanged counts between the layers of the time-aware step and the
// chunks of the write, so that every stage can be cancelled.
using ProgressFn = std::function<bool(uint64_t, uint64_t, uint64_t, uint64_t)>;

// The stages of a quantize run, in order, for stage-aware progress.
enum class RunStage { quantize = 0, time_aware = 1, write = 2 };
const char* run_stage_name(RunStage stage);  // "quantize", "time-aware", "write"
// (stage, item just done or "" at a stage's start, done, total, bytes_done, bytes_total) of the current stage:
// tensors for quantize and write (bytes of the input tensors), layers for time-aware (bytes 0). Called on the
// calling thread at each stage's start, after each item, and again unchanged between write chunks; return false
// to cancel.
using StageProgressFn = std::function<bool(RunStage, const std::string&, uint64_t, uint64_t, uint64_t, uint64_t)>;
std::string quantize_model_staged(const std::string& input_path, const std::string& output_path,
                                  const PipelineConfig& config, const StageProgressFn& progress,
                                  std::string* report_on_error = nullptr);

// Quantize input_path into output_path (atomic). Returns the report JSON text. Throws aq::Error; with
// Status::quality the partial report is available through *report_on_error when non-null.
std::string quantize_model(const std::string& input_path, const std::string& output_path,
                           const PipelineConfig& config, const ProgressFn& progress,
                           std::string* report_on_error = nullptr);

// Per-layer comparison of an original and a quantized model (JSON).
std::string compare_models(const std::string& original_path, const std::string& quantized_path);

// Dequantized export to a plain safetensors file (quantized tensors become dtype; others are copied).
void export_dequantized(const std::string& quantized_path, const std::string& output_path, DType dtype);

// The synthetic DiT-shaped demo model (deterministic in seed).
void write_demo_model(const std::string& path, uint64_t seed);

// A model opened for reading; quantized tensors appear once under their original name.
class ModelView {
 public:
  static ModelView open(const std::string& path);
  ModelView(ModelView&&) noexcept;
  ModelView& operator=(ModelView&&) noexcept;
  ~ModelView();
  const std::vector<std::string>& names() const;
  std::string tensor_info_json(const std::string& name) const;
  std::string info_json() const;
  uint64_t elements(const std::string& name) const;
  void read(const std::string& name, DType dtype, void* dst, uint64_t dst_bytes) const;
  bool is_quantized(const std::string& name) const;
  const st::Reader& reader() const;  // the underlying safetensors file(s)

 private:
  struct Impl;
  explicit ModelView(Impl* impl);
  Impl* impl_;
};

// Metadata key of a quantized tensor's description in __metadata__.
std::string tensor_metadata_key(const std::string& name);

}  // namespace aq
