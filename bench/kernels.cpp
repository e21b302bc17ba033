// Kernel benchmark (not a test): throughput of the tensor quantizer against the read bandwidth of this machine,
// measured in the same run with the same number of threads, plus the accuracy of each configuration.
//
//   aq-bench-kernels [--log2n 24] [--reps 3] [--only TEXT]
//
// --only runs the configurations whose name contains TEXT (for profiling one kernel).
//
// Each configuration quantizes into one reused aq::QuantizedTensor (aq::quantize_into), as a quantizer writing
// into a caller's buffer would: the first call's page faults for the output are not part of the best time.
// "1T cpu" is the one-thread rate from the thread's CPU time instead of wall time: on a shared machine other
// processes delay the wall clock much more than they change what the kernel itself costs.
//
// Data: 2^log2n values from N(0, 0.02) and from a Student-t with 4 degrees of freedom scaled to std 0.02,
// laid out as a [2^(log2n/2), 2^(log2n - log2n/2)] tensor. params/s equivalent of the bandwidth = GB/s / 4 (F32).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <hwy/targets.h>

#include "arrowquant/quantize.hpp"
#include "bandwidth.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()); }
};

std::vector<float> make_data(bool student, std::size_t n) {
  Rng r{student ? 2u : 1u};
  std::vector<float> v(n);
  for (auto& x : v) {
    if (!student) {
      x = static_cast<float>(0.02 * r.normal());
    } else {
      double chi = 0;
      for (int k = 0; k < 4; ++k) {
        const double z = r.normal();
        chi += z * z;
      }
      const double t = r.normal() / std::sqrt(chi / 4.0);  // variance 4/(4-2) = 2
      x = static_cast<float>(0.02 / std::sqrt(2.0) * t);
    }
  }
  return v;
}

struct Config {
  const char* name;
  int bits, gs;
  aq::Mode mode;
  aq::ParamFormat format;
};

}  // namespace

int main(int argc, char** argv) {
  int log2n = 24, reps = 3;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--log2n") && i + 1 < argc) log2n = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--help")) {
      std::printf("usage: aq-bench-kernels [--log2n 24] [--reps 3] [--only TEXT]\n");
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
  const uint64_t rows = uint64_t{1} << (log2n / 2), cols = uint64_t{1} << (log2n - log2n / 2);
  const double n = static_cast<double>(rows * cols);
  const double bw1 = aqbench::read_bandwidth(1), bw2 = aqbench::read_bandwidth(2);
  std::printf("ArrowQuant kernel benchmark: %llu x %llu F32 values\n", static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(cols));
  // Every figure below is from the target the library dispatches to; the others this CPU could run are listed
  // (tests check all of them against the scalar reference bit for bit).
  std::printf("SIMD target run: %s (compiled and supported here:", aq::simd_target_name());
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) std::printf(" %s", hwy::TargetName(t));
  std::printf(")\n");
  std::printf("read bandwidth (64 MiB, best of 7): 1 thread %.1f GB/s = %.0f M params/s; 2 threads %.1f GB/s = %.0f M params/s\n\n",
              bw1, bw1 / 4 * 1e3, bw2, bw2 / 4 * 1e3);
  // Search uses the hierarchical format (docs/quantized-layouts.md): group_size is the super-block; sub-groups
  // of 32 (INT4) / 16 (INT2) elements. Group 256 is the K-quant budget (4.5 and 2.625 bits per weight).
  // "rtn hier" is rtn in the hierarchical format (sub-groups of 32, super-block 256: 4.5 bits per weight).
  constexpr aq::ParamFormat kAuto = aq::ParamFormat::automatic, kHier = aq::ParamFormat::hierarchical;
  const Config configs[] = {
      {"INT8 rtn g64", 8, 64, aq::Mode::rtn, kAuto},          {"INT4 rtn g64", 4, 64, aq::Mode::rtn, kAuto},
      {"INT4 rtn g128", 4, 128, aq::Mode::rtn, kAuto},        {"INT4 rtn hier g256", 4, 256, aq::Mode::rtn, kHier},
      {"INT4 search g64", 4, 64, aq::Mode::search, kAuto},    {"INT4 search g128", 4, 128, aq::Mode::search, kAuto},
      {"INT4 search g256", 4, 256, aq::Mode::search, kAuto},  {"INT2 search g128", 2, 128, aq::Mode::search, kAuto},
      {"INT2 search g256", 2, 256, aq::Mode::search, kAuto},
  };
  std::printf("%-9s %-18s %6s %10s %6s %10s %10s %6s %6s %8s %9s %10s\n", "data", "config", "bpw", "Mp/s 1T", "x bw1",
              "1T cpu", "Mp/s 2T", "x bw2", "2T/1T", "SQNR dB", "cosine", "max err");
  for (bool student : {false, true}) {
    const std::vector<float> x = make_data(student, rows * cols);
    for (const Config& c : configs) {
      if (std::string(c.name).find(only) == std::string::npos) continue;
      aq::QuantSpec spec{c.bits, c.gs, c.mode, c.format};
      double best[3] = {0, 0, 0}, best_cpu = 0;
      aq::QuantizedTensor q;
      for (int t : {1, 2}) {
        for (int r = 0; r < reps; ++r) {
          const double c0 = thread_cpu_seconds();
          const auto t0 = Clock::now();
          aq::quantize_into(q, x.data(), aq::DType::f32, rows, cols, spec, t);
          const double s = std::chrono::duration<double>(Clock::now() - t0).count();
          best[t] = std::max(best[t], n / s);
          // One thread runs in this thread: its CPU time is what the kernel cost, whatever else the machine ran.
          if (t == 1) best_cpu = std::max(best_cpu, n / (thread_cpu_seconds() - c0));
        }
      }
      const double m1 = best[1] / 1e6, m2 = best[2] / 1e6, mc = best_cpu / 1e6;
      std::printf("%-9s %-18s %6.3f %10.0f %6.3f %10.0f %10.0f %6.3f %6.2f %8.2f %9.6f %10.3g\n",
                  student ? "student4" : "gaussian", c.name, q.bits_per_weight(), m1, m1 / (bw1 / 4 * 1e3), mc, m2,
                  m2 / (bw2 / 4 * 1e3), m2 / m1, q.stats.sqnr_db(), q.stats.cosine(), q.stats.max_abs);
    }
  }
  return 0;
}
