#include "pipeline/quantized_layer.hpp"

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

}  // namespace aq::pipeline
