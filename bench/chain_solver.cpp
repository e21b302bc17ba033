// Phase 3 chain solver benchmark (not a test): time per layer on one thread, bisection included, at the
// documented operating point G = 10, K = 64, 256 samples per group, for a calibration whose ranges jump between
// groups and for one where they do not; the table says how many solves each needed (22 when the score target
// binds and the multiplier is searched).
// The solver's work is per layer, not per weight; the memory read bandwidth of the same run is printed as the
// reference the other benches use (the samples of a layer, 10 KB, are read K times: 640 KB per layer).
//
//   aq-bench-chain_solver [--groups G] [--candidates K] [--samples N] [--reps R]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <ctime>
#include <vector>

#include "arrowquant/thermo.hpp"
#include "bandwidth.hpp"
#include "kernels/kernels.hpp"

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Layer {
  std::vector<aq::TimeGroupParam> params;
  std::vector<std::vector<float>> samples;
};

Layer make_layer(size_t groups, size_t n, bool jumpy, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Layer l;
  for (size_t g = 0; g < groups; ++g) {
    const float amp = jumpy ? (g % 2 ? 4.0f : 1.0f) * (1.0f + 0.1f * static_cast<float>(g)) : 1.0f;
    std::vector<float> s(n);
    for (float& v : s) v = amp * nd(rng) + 0.1f;
    const auto [mn, mx] = std::minmax_element(s.begin(), s.end());
    const float scale = (*mx - *mn) / 255.0f;
    l.params.push_back(aq::TimeGroupParam{g * 100, (g + 1) * 100, scale, -*mn / scale, 64});
    l.samples.push_back(std::move(s));
  }
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  size_t groups = 10, k = 64, n = 256;
  int reps = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (a == "--groups") groups = static_cast<size_t>(v);
    else if (a == "--candidates") k = static_cast<size_t>(v);
    else if (a == "--samples") n = static_cast<size_t>(v);
    else if (a == "--reps") reps = static_cast<int>(v);
    else {
      std::fprintf(stderr, "usage: aq-bench-chain_solver [--groups G] [--candidates K] [--samples N] [--reps R]\n");
      return 2;
    }
  }
  aq::TimeAwareConfig c;
  c.num_time_groups = groups;
  c.num_timesteps = groups * 100;
  c.thermodynamic.transition_optimization.enabled = true;
  c.thermodynamic.transition_optimization.candidates = static_cast<int>(k);
  const double bw = aqbench::read_bandwidth(1);
  std::printf("SIMD target %s; read bandwidth (1 thread) %.1f GB/s\n", aq::kernels::simd_target(), bw);
  std::printf("G = %zu, K = %zu, %zu samples per group, one thread, median of %d runs\n\n", groups, k, n, reps);
  std::printf("| calibration | smoothness_weight | solves | multiplier | ms per layer (median wall) | fastest run | thread CPU ms (median) | GB/s equivalent (samples x K) |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (bool jumpy : {false, true})
    for (float sw : {0.1f, 0.0f}) {
      c.thermodynamic.transition_optimization.smoothness_weight = sw;
      const Layer l = make_layer(groups, n, jumpy, 1);
      std::vector<double> t, cpu;
      aq::OptimizationResult r;
      for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = thread_cpu_seconds();
        r = aq::optimize_params_chain(l.params, l.samples, c.num_timesteps, c);
        cpu.push_back(thread_cpu_seconds() - c0);
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(t.begin(), t.end());
      std::sort(cpu.begin(), cpu.end());
      const double med = t[t.size() / 2];
      const double bytes = static_cast<double>(groups * n * 4) * static_cast<double>(r.candidates);
      std::printf("| %s | %g | %llu | %.4g | %.3f | %.3f | %.3f | %.2f (%.1f %% of bandwidth) |\n", jumpy ? "jumpy" : "flat",
                  sw, static_cast<unsigned long long>(r.iterations), r.multiplier, med * 1e3, t[0] * 1e3,
                  cpu[cpu.size() / 2] * 1e3, bytes / med / 1e9, 100.0 * bytes / med / 1e9 / bw);
    }
  return 0;
}
