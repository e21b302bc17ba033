// C ABI: the model pipeline (aq_quantize_model, aq_model_*, reports, export, comparison, demo model).
#include <string>

#include "arrowquant.h"
#include "arrowquant/pipeline.hpp"
#include "config_access.hpp"
#include "guard.hpp"
#include "model_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;
using aq::capi::to_dtype;

extern "C" {

aq_status aq_quantize_model(const char* input_path, const char* output_path, const aq_config* config,
                            aq_progress_fn progress, void* user_data, aq_report** report) {
  if (report) *report = nullptr;
  return guard([&] {
    require_nonnull(input_path, "input_path");
    require_nonnull(output_path, "output_path");
    const aq::PipelineConfig pc = aq::capi::pipeline_config(config);
    aq::ProgressFn fn;
    if (progress)
      fn = [&](uint64_t td, uint64_t tt, uint64_t bd, uint64_t bt) { return progress(user_data, td, tt, bd, bt) == 0; };
    std::string partial;
    try {
      std::string json = aq::quantize_model(input_path, output_path, pc, fn, &partial);
      if (report) *report = new aq_report{std::move(json)};
    } catch (const aq::Error& e) {
      if (e.status() == aq::Status::quality && report && !partial.empty()) *report = new aq_report{std::move(partial)};
      throw;
    }
  });
}

aq_status aq_quantize_model_staged(const char* input_path, const char* output_path, const aq_config* config,
                                   aq_run_progress_fn progress, void* user_data, aq_report** report) {
  if (report) *report = nullptr;
  return guard([&] {
    require_nonnull(input_path, "input_path");
    require_nonnull(output_path, "output_path");
    const aq::PipelineConfig pc = aq::capi::pipeline_config(config);
    aq::StageProgressFn fn;
    if (progress)
      fn = [&](aq::RunStage stage, const std::string& item, uint64_t d, uint64_t t, uint64_t bd, uint64_t bt) {
        return progress(user_data, static_cast<aq_run_stage>(stage), item.c_str(), d, t, bd, bt) == 0;
      };
    std::string partial;
    try {
      std::string json = aq::quantize_model_staged(input_path, output_path, pc, fn, &partial);
      if (report) *report = new aq_report{std::move(json)};
    } catch (const aq::Error& e) {
      if (e.status() == aq::Status::quality && report && !partial.empty()) *report = new aq_report{std::move(partial)};
      throw;
    }
  });
}

aq_status aq_compare_models(const char* original_path, const char* quantized_path, aq_report** report) {
  if (report) *report = nullptr;
  return guard([&] {
    require_nonnull(original_path, "original_path");
    require_nonnull(quantized_path, "quantized_path");
    require_nonnull(report, "report");
    *report = new aq_report{aq::compare_models(original_path, quantized_path)};
  });
}

aq_status aq_export_dequantized(const char* quantized_path, const char* output_path, aq_dtype dtype) {
  return guard([&] {
    require_nonnull(quantized_path, "quantized_path");
    require_nonnull(output_path, "output_path");
    aq::export_dequantized(quantized_path, output_path, to_dtype(dtype));
  });
}

aq_status aq_write_demo_model(const char* path, uint64_t seed) {
  return guard([&] {
    require_nonnull(path, "path");
    aq::write_demo_model(path, seed);
  });
}

aq_status aq_report_text(const aq_report* report, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(report, "report");
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    *data = report->json.c_str();
    *bytes = report->json.size();
  });
}

// The first name of aq_report_text, from before reports could hold HTML; exported for compatibility.
aq_status aq_report_json(const aq_report* report, const char** data, uint64_t* bytes) {
  return aq_report_text(report, data, bytes);
}
void aq_report_free(aq_report* report) { delete report; }

aq_status aq_model_open(const char* path, aq_model** out) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(path, "path");
    require_nonnull(out, "out");
    *out = new aq_model{aq::ModelView::open(path), {}, {}, {}};
  });
}
uint64_t aq_model_tensor_count(const aq_model* model) { return model ? model->view.names().size() : 0; }
aq_status aq_model_tensor_name(const aq_model* model, uint64_t index, const char** name) {
  return guard([&] {
    require_nonnull(model, "model");
    require_nonnull(name, "name");
    if (index >= model->view.names().size())
      aq::invalid("index " + std::to_string(index) + " is out of range (" + std::to_string(model->view.names().size()) +
                  " tensors)");
    *name = model->view.names()[index].c_str();
  });
}
aq_status aq_model_tensor_info(const aq_model* model, const char* name, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(model, "model");
    require_nonnull(name, "name");
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    const std::string& text = model->keep(model->view.tensor_info_json(name));
    *data = text.c_str();
    *bytes = text.size();
  });
}
aq_status aq_model_info(const aq_model* model, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(model, "model");
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    const std::string& text = model->keep(model->view.info_json());
    *data = text.c_str();
    *bytes = text.size();
  });
}
aq_status aq_model_tensor_elements(const aq_model* model, const char* name, uint64_t* elements) {
  return guard([&] {
    require_nonnull(model, "model");
    require_nonnull(name, "name");
    require_nonnull(elements, "elements");
    *elements = model->view.elements(name);
  });
}
aq_status aq_model_read_tensor(const aq_model* model, const char* name, aq_dtype dtype, void* dst, uint64_t dst_bytes) {
  return guard([&] {
    require_nonnull(model, "model");
    require_nonnull(name, "name");
    model->view.read(name, to_dtype(dtype), dst, dst_bytes);
  });
}
void aq_model_free(aq_model* model) { delete model; }

}  // extern "C"
