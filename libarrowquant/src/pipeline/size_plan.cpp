#include "pipeline/size_plan.hpp"

#include "arrowquant/quantize.hpp"
#include "pipeline/planned_tensor.hpp"

namespace aq::pipeline {

boost::json::object plan_for_size(const st::Reader& reader, std::vector<LayerPlan>& plan,
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
    const TensorWeights weights(reader, *p.tensor);
    for (int k = 0; k < 3; ++k) {
      const QuantizedTensor q = quantize_planned(
          weights, p, QuantSpec{widths[k], config.group_size, config.mode, ParamFormat::automatic}, config.num_threads);
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

}  // namespace aq::pipeline
