// Activation kernel benchmark (not a test): aq_quantize_activations (U8 codes) and aq_fake_quantize_activations
// (F32 values) on one thread, as GB/s of F32 input read and as a ratio to the one-thread read bandwidth measured
// in the same run (bandwidth.hpp). Usage: aq-bench-activation [--log2n 24] [--reps 7]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "arrowquant.h"
#include "bandwidth.hpp"

int main(int argc, char** argv) {
  int log2n = 24, reps = 7;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--log2n") && i + 1 < argc) log2n = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: aq-bench-activation [--log2n 24] [--reps 7]\n");
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument %s (see --help)\n", argv[i]);
      return 2;
    }
  }
  if (log2n < 10 || log2n > 28 || reps < 1) {
    std::fprintf(stderr, "--log2n must be in [10, 28] and --reps >= 1\n");
    return 2;
  }
  const std::size_t n = std::size_t{1} << log2n;
  std::vector<float> x(n);
  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.0f, 1.5f);
  for (auto& v : x) v = g(rng);
  std::vector<uint8_t> codes(n);
  std::vector<float> dst(n);
  const float scale = 9.0f / 255.0f, zero_point = 127.6f;

  const double bw1 = aqbench::read_bandwidth(1);
  std::printf("ArrowQuant activation kernel benchmark: %zu F32 values (%.0f MiB), SIMD target %s, 1 thread\n", n,
              n * 4.0 / (1 << 20), aq_simd_target());
  std::printf("read bandwidth (64 MiB, best of 7, 1 thread): %.2f GB/s\n\n", bw1);
  std::printf("%-28s %10s %10s\n", "kernel", "GB/s read", "x bw1");
  auto run = [&](const char* name, auto&& call) {
    double best = 0;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = aqbench::Clock::now();
      if (call() != AQ_OK) {
        std::fprintf(stderr, "%s failed: %s\n", name, aq_last_error_message());
        std::exit(1);
      }
      best = std::max(best, n * 4.0 / aqbench::seconds_since(t0) / 1e9);
    }
    std::printf("%-28s %10.2f %10.3f\n", name, best, best / bw1);
  };
  for (int bits : {8, 4}) {
    char label[64];
    std::snprintf(label, sizeof label, "quantize (U8 codes, %d bit)", bits);
    run(label, [&] { return aq_quantize_activations(x.data(), n, scale, zero_point, bits, codes.data(), n); });
  }
  run("fake quantize (F32, 8 bit)", [&] { return aq_fake_quantize_activations(x.data(), n, scale, zero_point, 8, dst.data(), n); });
  run("fake quantize in place", [&] { return aq_fake_quantize_activations(dst.data(), n, scale, zero_point, 8, dst.data(), n); });
  return 0;
}
