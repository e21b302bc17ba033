// Reading a quantized tensor's time-aware parameters back: NAME.tg_params ([G, 4] F32: start, end, scale,
// zero_point) and the "time_aware" object of its metadata (activation_bits, num_timesteps, module, ...).
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstring>

#include "arrowquant/activation.hpp"
#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "common/fmt.hpp"

namespace aq {

std::size_t ActivationParams::group_of(uint64_t timestep_index) const {
  if (timestep_index >= num_timesteps)
    invalid("timestep_index " + std::to_string(timestep_index) + " is out of range for tensor " + tensor +
            " (num_timesteps " + std::to_string(num_timesteps) + ": indices 0.." +
            std::to_string(num_timesteps - 1) + ")");
  // Groups are contiguous and ordered (checked when read): the last group starting at or before the index.
  const auto it = std::upper_bound(start.begin(), start.end(), timestep_index);
  return static_cast<std::size_t>(it - start.begin()) - 1;
}

std::vector<std::string> time_aware_tensors(const ModelView& model) {
  std::vector<std::string> out;
  for (const auto& n : model.names())
    if (model.is_quantized(n) && model.reader().find(n + ".tg_params")) out.push_back(n);
  return out;
}

ActivationParams read_activation_params(const ModelView& model, const std::string& name) {
  const st::Reader& r = model.reader();
  if (!model.is_quantized(name)) {
    bool exists = false;
    for (const auto& n : model.names()) exists = exists || n == name;
    invalid(exists ? "tensor " + name + " is not quantized, so it has no time-aware parameters"
                   : "no tensor named '" + name + "'");
  }
  const st::TensorInfo* t = r.find(name + ".tg_params");
  if (!t)
    invalid("tensor " + name + " has no time-aware parameters (it was quantized with enable_time_aware off)");
  const std::string label = "tensor " + name + " time-aware parameters";
  boost::json::value meta = json::parse_strict(r.metadata().at(tensor_metadata_key(name)), label, Status::format);
  const boost::json::object* ta = nullptr;
  if (meta.is_object())
    if (auto* v = meta.as_object().if_contains("time_aware"); v && v->is_object()) ta = &v->as_object();
  if (!ta) fail(Status::format, label + ": the metadata has no \"time_aware\" object");
  if (!ta->if_contains("activation_bits") || !ta->if_contains("num_timesteps"))
    fail(Status::format, label + ": the metadata has no activation_bits / num_timesteps (the file was written "
                                 "by an older ArrowQuant; quantize the model again)");
  auto integer = [&](const char* key, int64_t lo, int64_t hi) -> int64_t {
    const boost::json::value& v = ta->at(key);
    if (!v.is_int64() && !v.is_uint64()) fail(Status::format, label + ": " + key + " is not an integer");
    const int64_t x = v.is_int64() ? v.as_int64() : static_cast<int64_t>(std::min<uint64_t>(v.as_uint64(), INT64_MAX));
    if (x < lo || x > hi)
      fail(Status::format, label + ": " + key + " = " + std::to_string(x) + " is outside " + std::to_string(lo) +
                               ".." + std::to_string(hi));
    return x;
  };
  auto text = [&](const char* key) -> std::string {
    const boost::json::value* v = ta->if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  ActivationParams p;
  p.tensor = name;
  p.activation_bits = static_cast<int>(integer("activation_bits", 2, 16));
  // F32 boundaries are exact integers only up to 2^24.
  p.num_timesteps = static_cast<uint64_t>(integer("num_timesteps", 1, int64_t{1} << 24));
  p.module = text("module");
  p.calibration_source = text("calibration_source");
  if (const boost::json::value* v = ta->if_contains("synthetic"); v && v->is_bool()) p.synthetic = v->as_bool();

  if (t->dtype != st::DType::F32 || t->shape.size() != 2 || t->shape[1] != 4 || t->shape[0] == 0)
    fail(Status::format, label + ": " + name + ".tg_params must be F32 [G, 4] with G >= 1");
  const uint64_t g = t->shape[0];
  std::vector<float> table(g * 4);
  r.read(*t, 0, table.data(), t->nbytes);
  uint64_t expect = 0;
  for (uint64_t i = 0; i < g; ++i) {
    const float s = table[4 * i], e = table[4 * i + 1], sc = table[4 * i + 2], zp = table[4 * i + 3];
    const std::string row = label + ": group " + std::to_string(i);
    if (!(s == static_cast<float>(expect)) || !(e > s) || !(e == std::floor(e)) || !(e <= float(p.num_timesteps)))
      fail(Status::format, row + " has time range [" + detail::num(s) + ", " + detail::num(e) +
                               ") but the groups must tile [0, " + std::to_string(p.num_timesteps) + ") in order");
    if (!std::isfinite(sc) || !(sc > 0.0f)) fail(Status::format, row + " has scale " + detail::num(sc));
    if (!std::isfinite(zp)) fail(Status::format, row + " has a non-finite zero_point");
    p.start.push_back(expect);
    expect = static_cast<uint64_t>(e);
    p.end.push_back(expect);
    p.scale.push_back(sc);
    p.zero_point.push_back(zp);
  }
  if (expect != p.num_timesteps)
    fail(Status::format, label + ": the groups end at " + std::to_string(expect) + " but num_timesteps is " +
                             std::to_string(p.num_timesteps));
  return p;
}

std::string activation_params_json(const ActivationParams& p) {
  boost::json::object o;
  o["tensor"] = p.tensor;
  o["module"] = p.module;
  o["calibration_source"] = p.calibration_source;
  o["synthetic"] = p.synthetic;
  o["activation_bits"] = p.activation_bits;
  o["num_timesteps"] = p.num_timesteps;
  o["timestep_order"] = "index 0 = clean end, num_timesteps - 1 = noise end";
  boost::json::array groups;
  for (std::size_t g = 0; g < p.scale.size(); ++g)
    groups.push_back(boost::json::object{{"start", p.start[g]},
                                         {"end", p.end[g]},
                                         {"scale", static_cast<double>(p.scale[g])},
                                         {"zero_point", static_cast<double>(p.zero_point[g])},
                                         {"integer_zero_point", integer_zero_point(p.zero_point[g], p.activation_bits)}});
  o["groups"] = std::move(groups);
  return json::to_text(o);
}

}  // namespace aq
