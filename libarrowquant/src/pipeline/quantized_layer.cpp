#include "pipeline/quantized_layer.hpp"

#include <cstdint>
#include <limits>

#include "arrowquant/json_util.hpp"

namespace aq::pipeline {

boost::json::object tensor_meta(const QuantizedLayer& l, const std::vector<uint64_t>& shape, const char* orig_dtype) {
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

uint64_t tensor_meta_bound(const std::string& name, const std::vector<uint64_t>& shape, const char* orig_dtype,
                           bool time_aware) {
  // The same keys as tensor_meta (a header that outgrows the bound fails the write with Status::internal; the
  // streaming tests would show it). Integers as INT64_MIN and reals as the longest shortest-form double.
  const int64_t i = std::numeric_limits<int64_t>::min();
  const double r = -2.2250738585072014e-308;
  boost::json::object o;
  o["bits"] = i;
  o["format"] = "hierarchical";
  o["group_size"] = i;
  boost::json::array sh;
  for (std::size_t k = 0; k < shape.size(); ++k) sh.push_back(i);
  o["shape"] = std::move(sh);
  o["rows"] = i;
  o["cols"] = i;
  o["dtype"] = orig_dtype;
  o["mode"] = "search";
  o["params_dtype"] = "F32";
  o["metrics"] = boost::json::object{{"cosine", r}, {"sqnr_db", r}, {"mse", r}, {"max_abs_error", r}};
  o["fallback_from_bits"] = boost::json::array{i, i};
  if (time_aware) {
    boost::json::object ta;
    ta["num_groups"] = i;
    ta["calibration_source"] = "data-free, recorded";  // longer than either
    ta["synthetic"] = false;
    ta["module"] = name;  // the tensor's name or a prefix of it
    ta["activation_bits"] = i;
    ta["num_timesteps"] = i;
    ta["timestep_order"] = kTimestepOrder;
    ta["smoothness_before"] = r;
    ta["smoothness_after"] = r;
    o["time_aware"] = std::move(ta);
  }
  return json::to_text(o).size();
}

}  // namespace aq::pipeline
