// C ABI: the runtime side of the time-aware parameters (timestep mapping, lookup in a quantized model, and the
// activation quantization kernels).
#include <mutex>
#include <string>

#include "arrowquant.h"
#include "arrowquant/activation.hpp"
#include "guard.hpp"
#include "model_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;

namespace {

// The parsed table of tensor_name, read once per model handle.
std::shared_ptr<const aq::ActivationParams> table_of(const aq_model* model, const char* tensor_name) {
  require_nonnull(model, "model");
  require_nonnull(tensor_name, "tensor_name");
  {
    std::lock_guard<std::mutex> lock(model->mu);
    auto it = model->activation_params.find(tensor_name);
    if (it != model->activation_params.end()) return it->second;
  }
  auto p = std::make_shared<const aq::ActivationParams>(aq::read_activation_params(model->view, tensor_name));
  std::lock_guard<std::mutex> lock(model->mu);
  return model->activation_params.emplace(tensor_name, std::move(p)).first->second;
}

void check_array(const void* p, uint64_t count, uint64_t need, const char* name, const char* count_name) {
  if (count < need)
    aq::invalid(std::string(count_name) + " is " + std::to_string(count) + " but src_count is " +
                std::to_string(need));
  if (need && !p) aq::invalid(std::string(name) + " is NULL");
}

}  // namespace

extern "C" {

aq_status aq_timestep_index(double t, double t_clean, double t_noise, uint64_t num_timesteps, uint64_t* index) {
  return guard([&] {
    require_nonnull(index, "index");
    *index = aq::timestep_index(t, t_clean, t_noise, num_timesteps);
  });
}

aq_status aq_model_activation_info(const aq_model* model, const char* tensor_name, uint64_t* num_timesteps,
                                   uint64_t* num_groups, int* bits, int* synthetic) {
  return guard([&] {
    const auto p = table_of(model, tensor_name);
    if (num_timesteps) *num_timesteps = p->num_timesteps;
    if (num_groups) *num_groups = p->scale.size();
    if (bits) *bits = p->activation_bits;
    if (synthetic) *synthetic = p->synthetic ? 1 : 0;
  });
}

aq_status aq_model_activation_params(const aq_model* model, const char* tensor_name, uint64_t timestep_index,
                                     float* scale, float* zero_point, int* bits) {
  return guard([&] {
    const auto p = table_of(model, tensor_name);
    const std::size_t g = p->group_of(timestep_index);
    if (scale) *scale = p->scale[g];
    if (zero_point) *zero_point = p->zero_point[g];
    if (bits) *bits = p->activation_bits;
  });
}

aq_status aq_model_activation_group(const aq_model* model, const char* tensor_name, uint64_t group_index,
                                    uint64_t* start, uint64_t* end, float* scale, float* zero_point,
                                    int32_t* integer_zero_point) {
  return guard([&] {
    const auto p = table_of(model, tensor_name);
    if (group_index >= p->scale.size())
      aq::invalid("group_index " + std::to_string(group_index) + " is out of range for tensor " + p->tensor + " (" +
                  std::to_string(p->scale.size()) + " groups)");
    if (start) *start = p->start[group_index];
    if (end) *end = p->end[group_index];
    if (scale) *scale = p->scale[group_index];
    if (zero_point) *zero_point = p->zero_point[group_index];
    if (integer_zero_point)
      *integer_zero_point = aq::integer_zero_point(p->zero_point[group_index], p->activation_bits);
  });
}

aq_status aq_model_activation_json(const aq_model* model, const char* tensor_name, const char** data,
                                   uint64_t* bytes) {
  return guard([&] {
    require_nonnull(data, "data");
    require_nonnull(bytes, "bytes");
    const auto p = table_of(model, tensor_name);
    const std::string& text = model->keep(aq::activation_params_json(*p));
    *data = text.c_str();
    *bytes = text.size();
  });
}

aq_status aq_integer_zero_point(float zero_point, int bits, int32_t* integer_zero_point) {
  return guard([&] {
    require_nonnull(integer_zero_point, "integer_zero_point");
    *integer_zero_point = aq::integer_zero_point(zero_point, bits);
  });
}

aq_status aq_quantize_activations(const float* src, uint64_t src_count, float scale, float zero_point, int bits,
                                  uint8_t* codes, uint64_t codes_count) {
  return guard([&] {
    if (src_count && !src) aq::invalid("src is NULL");
    check_array(codes, codes_count, src_count, "codes", "codes_count");
    aq::quantize_activations(src, src_count, scale, zero_point, bits, codes);
  });
}

aq_status aq_fake_quantize_activations(const float* src, uint64_t src_count, float scale, float zero_point, int bits,
                                       float* dst, uint64_t dst_count) {
  return guard([&] {
    if (src_count && !src) aq::invalid("src is NULL");
    check_array(dst, dst_count, src_count, "dst", "dst_count");
    aq::fake_quantize_activations(src, src_count, scale, zero_point, bits, dst);
  });
}

}  // extern "C"
