// Shared fixtures of the report tests: a temporary directory, a tiny model with two MLP blocks (so the accuracy
// study finds a denoiser in it), and hand-written quality reports with known Phase 1 metrics.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "arrowquant/safetensors.hpp"
#include "test_data.hpp"

namespace aqtest {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("aq-report-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& n) const { return (path / n).string(); }
};

inline std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// blocks.{0,1}.mlp.up [hidden, dim] + bias, blocks.{0,1}.mlp.down [dim, hidden], an attention matrix, a norm.
inline void write_tiny_mlp_model(const std::string& path, uint64_t dim = 32, uint64_t hidden = 64) {
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  std::vector<std::pair<std::string, std::vector<float>>> tensors;
  std::vector<std::vector<uint64_t>> shapes;
  uint64_t seed = 11;
  auto add = [&](const std::string& name, std::vector<uint64_t> shape, double std) {
    uint64_t n = 1;
    for (auto d : shape) n *= d;
    tensors.push_back({name, gaussian(n, std, seed++)});
    shapes.push_back(shape);
  };
  for (int b = 0; b < 2; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".";
    add(p + "mlp.up.weight", {hidden, dim}, 1.0 / std::sqrt(double(dim)));
    add(p + "mlp.up.bias", {hidden}, 0.05);
    add(p + "mlp.down.weight", {dim, hidden}, 1.0 / std::sqrt(double(hidden)));
    add(p + "attn.to_q.weight", {dim, dim}, 1.0 / std::sqrt(double(dim)));
    add(p + "norm1.weight", {dim}, 0.01);
  }
  for (std::size_t i = 0; i < tensors.size(); ++i) w.declare(tensors[i].first, aq::st::DType::F32, shapes[i]);
  w.begin();
  for (const auto& [name, v] : tensors) w.write(name, v.data(), v.size() * 4);
  w.commit();
}

// A quality report with two time-aware layers and known Phase 1 metrics (4 groups of 25 timesteps, 3 boundaries);
// b<x>&.weight fell back from INT2 to INT4, a.weight kept its planned INT2; two tensors were kept unquantized.
inline std::string two_layer_quality_report(const char* sqnr_second = "12.5") {
  auto params = [](const std::vector<double>& s, const std::vector<double>& z) {
    std::string o = "[";
    for (int g = 0; g < 4; ++g)
      o += std::string(g ? ", " : "") + "{\"time_range\": [" + std::to_string(25 * g) + ", " +
           std::to_string(25 * g + 25) + "], \"scale\": " + std::to_string(s[g]) +
           ", \"zero_point\": " + std::to_string(z[g]) + "}";
    return o + "]";
  };
  const std::string pa = params({1.0, 1.58, 1.6, 1.7}, {100, 110, 111, 112}),
                    pb = params({2.0, 2.1, 2.2, 3.0}, {10, 11, 12, 13});
  return std::string(R"J({
  "arrowquant_version": "0.1.0",
  "input": "/models/dream-7b/",
  "output": "/out/q.safetensors",
  "config": {"values": {"bit_width": 2, "num_time_groups": 4, "min_accuracy": 0.99,
             "thermodynamic": {"validation": {"smoothness_threshold": 0.3}}}, "sources": {}},
  "calibration_source": "data-free (simulated forward diffusion, linear beta schedule)",
  "layers": [
    {"name": "a.weight", "shape": [64, 32], "bits_planned": 2, "bits": 2, "bits_rule": "bit_width",
     "fallback_from_bits": [], "below_min_accuracy": false, "bits_per_weight": 2.5,
     "metrics": {"cosine": 0.9, "sqnr_db": 10.0},
     "time_aware": {"num_timesteps": 100, "timestep_order": "index 0 = clean end, num_timesteps - 1 = noise end",
       "params_before": )J") + pa + R"J(,
       "params_after": )J" + pa + R"J(,
       "phase1_before": {"smoothness_score": 0.7, "boundary_scores": [0.5, 0.9, 0.8],
         "violations": [{"boundary_idx": 0, "scale_jump": 0.58, "zero_point_jump": 0.12, "severity": "high"}]},
       "phase1_after": {"smoothness_score": 0.7, "boundary_scores": [0.5, 0.9, 0.8],
         "violations": [{"boundary_idx": 0, "scale_jump": 0.58, "zero_point_jump": 0.12, "severity": "high"}]}}},
    {"name": "b<x>&.weight", "shape": [32, 64], "bits_planned": 2, "bits": 4,
     "bits_rule": "bit_width, then min_accuracy fallback", "fallback_from_bits": [2], "below_min_accuracy": false,
     "bits_per_weight": 4.5, "metrics": {"cosine": 0.99, "sqnr_db": )J" +
         sqnr_second + R"J(},
     "time_aware": {"num_timesteps": 100, "timestep_order": "index 0 = clean end, num_timesteps - 1 = noise end",
       "params_before": )J" + pb + R"J(,
       "params_after": )J" + pb + R"J(,
       "phase1_before": {"smoothness_score": 0.8, "boundary_scores": [0.7, 0.9, 1.0],
         "violations": [{"boundary_idx": 2, "scale_jump": 0.35, "zero_point_jump": 0.08, "severity": "medium"}]},
       "phase1_after": {"smoothness_score": 0.8, "boundary_scores": [0.7, 0.9, 1.0],
         "violations": [{"boundary_idx": 2, "scale_jump": 0.35, "zero_point_jump": 0.08, "severity": "medium"}]}}},
    {"name": "no_time_aware.weight", "shape": [16, 16], "bits_planned": 4, "bits": 4,
     "bits_rule": "layer_bit_widths[\"no_time\"]", "fallback_from_bits": [], "bits_per_weight": 4.5,
     "metrics": {"cosine": 0.95, "sqnr_db": 20.0}}
  ],
  "kept_tensors": [{"name": "norm.weight", "reason": "1-D", "bytes": 128}],
  "totals": {"cosine": 0.7156, "compression_ratio": 16.0, "model_size_mb": 34.2, "bytes_before": 573900000,
             "bytes_after": 35863347, "total_s": 1.5}
})J";
}

}  // namespace aqtest
