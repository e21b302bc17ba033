// Accuracy-study and phase-overhead benchmark (not a test; docs/accuracy.md quotes its output).
//
//   aq-bench-accuracy [--model PATH[=NAME]]... [--bits 2,4] [--groups 4,10] [--stds 0.5,0.1]
//                     [--activation-bits 8] [--steps 50] [--samples 16] [--threads N]
//                     [--overhead-params 1e9] [--overhead-reps 3] [--work DIR] [--json FILE]
//
// Part 1, the study (docs/accuracy.md): for every model (default: the synthetic demo model, written into the
// work directory), calibration_data_std, time-group count and bit width, the four variants' smoothness and
// violations (denoiser layers, chain calibration; and every layer of the model, the pipeline's data-free
// calibration) and their error accumulation; printed as Markdown tables with the smoothness targets checked.
// Part 2, overhead: end-to-end quantize_model of a generated DiT-shaped model of about --overhead-params
// parameters (0 skips; hidden 2048, 7 matrices per block) and of the demo model, with time-aware parameters
// off, with Phase 1 only, and with Phase 2 / Phase 3 / both; the best of --overhead-reps runs each. Reports
// the wall time of each run and of its time-aware stage, and the phases' time relative to the Phase-1-only
// run (ratios on the large model, milliseconds on the demo model).
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "arrowquant/fp16.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/report.hpp"
#include "arrowquant/safetensors.hpp"

namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t a = 0;
  while (a <= s.size()) {
    const std::size_t b = s.find(',', a);
    out.push_back(s.substr(a, b == std::string::npos ? std::string::npos : b - a));
    if (b == std::string::npos) break;
    a = b + 1;
  }
  return out;
}

struct Args {
  std::vector<std::pair<std::string, std::string>> models;  // path, name
  std::vector<int> bits = {2, 4};
  std::vector<uint64_t> groups = {4, 10};
  std::vector<double> stds = {0.5, 0.1};
  int activation_bits = 8;
  uint64_t steps = 50, samples = 16;
  int threads = 0;
  double overhead_params = 1e9;
  int overhead_reps = 3;
  std::string work = "aq-bench-accuracy-work";
  std::string json_out;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--model") {
      const std::string v = next();
      const auto eq = v.find('=');
      a.models.push_back({v.substr(0, eq), eq == std::string::npos ? "" : v.substr(eq + 1)});
    } else if (k == "--bits") {
      a.bits.clear();
      for (auto& s : split(next())) a.bits.push_back(std::atoi(s.c_str()));
    } else if (k == "--groups") {
      a.groups.clear();
      for (auto& s : split(next())) a.groups.push_back(std::strtoull(s.c_str(), nullptr, 10));
    } else if (k == "--stds") {
      a.stds.clear();
      for (auto& s : split(next())) a.stds.push_back(std::atof(s.c_str()));
    } else if (k == "--activation-bits") {
      a.activation_bits = std::atoi(next().c_str());
    } else if (k == "--steps") {
      a.steps = std::strtoull(next().c_str(), nullptr, 10);
    } else if (k == "--samples") {
      a.samples = std::strtoull(next().c_str(), nullptr, 10);
    } else if (k == "--threads") {
      a.threads = std::atoi(next().c_str());
    } else if (k == "--overhead-params") {
      a.overhead_params = std::atof(next().c_str());
    } else if (k == "--overhead-reps") {
      a.overhead_reps = std::max(1, std::atoi(next().c_str()));
    } else if (k == "--work") {
      a.work = next();
    } else if (k == "--json") {
      a.json_out = next();
    } else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of bench/accuracy.cpp)\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double num(const bj::value& v, const char* k) {
  const auto* x = v.as_object().if_contains(k);
  return x && x->is_number() ? x->to_number<double>() : NAN;
}

const char* mark(bool ok) { return ok ? "yes" : "**no**"; }

// ---- part 1 ------------------------------------------------------------------------------------------------
void study(const Args& a, bj::array& out) {
  for (const auto& [path, given_name] : a.models) {
    const std::string name = given_name.empty() ? fs::path(path).stem().string() : given_name;
    for (double std_ : a.stds) {
      std::printf("\n### %s, calibration_data_std %.2g, activation bits %d\n\n", name.c_str(), std_, a.activation_bits);
      std::printf("Smoothness and violations (the parameters do not depend on the weight bits):\n\n");
      std::printf("| G | variant | denoiser layers: smoothness | violations | all layers (data-free): smoothness "
                  "| violations | targets met |\n|---|---|---|---|---|---|---|\n");
      std::vector<std::string> error_rows;
      for (uint64_t g : a.groups) {
        for (std::size_t bi = 0; bi < a.bits.size(); ++bi) {
          aq::PipelineConfig c;
          c.bit_width = a.bits[bi];
          c.num_threads = a.threads;
          c.time_aware.num_time_groups = g;
          c.time_aware.calibration_data_std = static_cast<float>(std_);
          c.time_aware.activation_bits = a.activation_bits;
          aq::report::AccuracyOptions o;
          o.steps = a.steps;
          o.samples = a.samples;
          o.calibration_chains = a.samples;
          o.model_metrics = bi == 0;  // the same for every bit width
          const auto t0 = Clock::now();
          const bj::value s = bj::parse(aq::report::accuracy_study(path, c, o));
          const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
          std::fprintf(stderr, "  study %s std %.2g G %llu INT%d: %.1f s\n", name.c_str(), std_,
                       static_cast<unsigned long long>(g), a.bits[bi], secs);
          const auto& vs = s.at("variants").as_array();
          if (bi == 0) {
            for (const auto& v : vs) {
              const std::string vn(v.at("name").as_string());
              const double ms = num(v, "model_smoothness_score"), ds = num(v, "smoothness_score");
              std::string targets = "-";
              if (vn == "smoothing") targets = std::string("≥0.82: ") + mark(ms >= 0.82 && ds >= 0.82);
              if (vn == "both")
                targets = std::string("≥0.90: ") + mark(ms >= 0.90 && ds >= 0.90) + ", 0 violations: " +
                          mark(num(v, "model_violation_count") == 0 && num(v, "violation_count") == 0);
              if (vn == "optimization")
                targets = std::string("0 violations: ") +
                          mark(num(v, "model_violation_count") == 0 && num(v, "violation_count") == 0);
              std::printf("| %llu | %s | %.4f → %.4f | %.0f → %.0f | %.4f | %.0f | %s |\n",
                          static_cast<unsigned long long>(g), vn.c_str(), num(v, "smoothness_score_before"), ds,
                          num(v, "violation_count_before"), num(v, "violation_count"), ms,
                          num(v, "model_violation_count"), targets.c_str());
            }
          }
          char row[512];
          auto cell = [&](const bj::value& v) {
            char c[64];
            std::snprintf(c, sizeof c, "%.4g (%.3g)", num(v, "final_relative_error"), num(v, "mean_step_error"));
            return std::string(c);
          };
          std::snprintf(row, sizeof row, "| %llu | INT%d | %s | %s | %s | %s | %s |",
                        static_cast<unsigned long long>(g), a.bits[bi], cell(s.at("reference").at("weights_only")).c_str(),
                        cell(vs[0]).c_str(), cell(vs[1]).c_str(), cell(vs[2]).c_str(), cell(vs[3]).c_str());
          error_rows.push_back(row);
          bj::object rec;
          rec["model"] = name;
          rec["calibration_data_std"] = std_;
          rec["study"] = s;
          out.push_back(std::move(rec));
        }
      }
      std::printf("\nFinal relative error of the reverse chain (chain calibration), and in parentheses the mean "
                  "one-step (teacher-forced) error of x0_hat:\n\n");
      std::printf("| G | weights | weights only | baseline | smoothing | optimization | both |\n"
                  "|---|---|---|---|---|---|---|\n");
      for (const auto& r : error_rows) std::printf("%s\n", r.c_str());
      std::fflush(stdout);
    }
  }
}

// ---- part 2 ------------------------------------------------------------------------------------------------
// A DiT-shaped model of about `params` parameters (hidden 2048, per block q/k/v/out, mlp up/down, adaLN),
// values copied from a pool of Laplace variates at pseudo-random offsets (fast and deterministic).
uint64_t write_large_model(const std::string& path, double params) {
  const uint64_t h = 2048;
  const uint64_t per_block = 18 * h * h;
  const uint64_t blocks = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(params / double(per_block))));
  std::vector<uint16_t> pool(1 << 22);
  uint64_t s = 12345;
  auto next = [&]() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (auto& v : pool) {
    const double u = (double(next() >> 11) + 0.5) / 9007199254740992.0 - 0.5;
    const double m = -std::log(1.0 - 2.0 * std::fabs(u)) / std::sqrt(2.0) * 0.02;
    v = aq::f32_to_bf16(static_cast<float>(u < 0 ? -m : m));
  }
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> specs;
  for (uint64_t b = 0; b < blocks; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".";
    for (const char* n : {"attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out"}) specs.push_back({p + n + ".weight", {h, h}});
    specs.push_back({p + "mlp.up.weight", {4 * h, h}});
    specs.push_back({p + "mlp.down.weight", {h, 4 * h}});
    specs.push_back({p + "adaLN_modulation.1.weight", {6 * h, h}});
  }
  uint64_t total = 0;
  for (const auto& [n, sh] : specs) {
    w.declare(n, aq::st::DType::BF16, {sh.first, sh.second});
    total += sh.first * sh.second;
  }
  w.begin();
  std::vector<uint16_t> row;
  for (const auto& [n, sh] : specs) {
    const uint64_t rows = sh.first, cols = sh.second;
    std::vector<uint16_t> buf(rows * cols);
    for (uint64_t r = 0; r < rows; ++r) {
      const uint64_t off = next() % (pool.size() - cols);
      std::memcpy(buf.data() + r * cols, pool.data() + off, cols * 2);
    }
    w.write(n, buf.data(), buf.size() * 2);
  }
  w.commit();
  return total;
}

struct RunTimes {
  double total = INFINITY, time_aware = INFINITY, quantize = INFINITY, write = INFINITY;
  double phase_cpu = 0;  // sum over layers of smooth + optimize seconds (CPU time spread over threads)
};

RunTimes time_runs(const std::string& in, const std::string& out, const aq::PipelineConfig& c, int reps) {
  RunTimes best;
  for (int r = 0; r < reps; ++r) {
    const bj::value rep = bj::parse(aq::quantize_model(in, out, c, nullptr));
    const auto& t = rep.at("totals");
    const double total = num(t, "total_s");
    if (total < best.total) {
      best.total = total;
      best.time_aware = num(t, "time_aware_s");
      best.quantize = num(t, "quantize_s");
      best.write = num(t, "write_s");
      best.phase_cpu = 0;
      for (const auto& l : rep.at("layers").as_array()) {
        const auto* tm = l.as_object().if_contains("timing");
        if (tm && tm->as_object().contains("smooth_s")) best.phase_cpu += num(*tm, "smooth_s") + num(*tm, "optimize_s");
      }
    }
  }
  fs::remove_all(out);
  return best;
}

void overhead(const std::string& name, const std::string& model, const Args& a, bool ratios, bj::array& out) {
  struct Variant {
    const char* name;
    bool time_aware, smoothing, optimization;
  };
  const Variant variants[] = {{"time-aware off", false, false, false},
                              {"Phase 1 only (baseline)", true, false, false},
                              {"+ Phase 2", true, true, false},
                              {"+ Phase 3", true, false, true},
                              {"+ Phases 2 and 3", true, true, true}};
  std::printf("\n### Overhead on %s (best of %d runs, %d threads requested)\n\n", name.c_str(), a.overhead_reps,
              a.threads);
  std::printf("| configuration | total (s) | quantize (s) | time-aware stage (s) | write (s) | phases 2-3 CPU (s) "
              "| phases vs Phase-1-only run |\n|---|---|---|---|---|---|---|\n");
  RunTimes base;
  for (const auto& v : variants) {
    aq::PipelineConfig c;
    c.num_threads = a.threads;
    c.min_accuracy = 0;  // no fallback: every run quantizes the same way
    c.enable_time_aware = v.time_aware;
    c.time_aware.thermodynamic.boundary_smoothing.enabled = v.smoothing;
    c.time_aware.thermodynamic.transition_optimization.enabled = v.optimization;
    const std::string out_path = (fs::path(a.work) / (name + "-overhead.safetensors")).string();
    const RunTimes t = time_runs(model, out_path, c, a.overhead_reps);
    if (std::string(v.name) == "Phase 1 only (baseline)") base = t;
    std::string rel = "-";
    char buf[128];
    if (v.smoothing || v.optimization) {
      // The phases' cost: the growth of the time-aware stage over the Phase-1-only run, relative to that run's
      // total; wall-clock differences of the whole run are within the noise of the write on this machine.
      const double extra = t.time_aware - base.time_aware;
      if (ratios) std::snprintf(buf, sizeof buf, "%+.2f %% (end to end %+.2f %%)", 100 * extra / base.total,
                                100 * (t.total - base.total) / base.total);
      else std::snprintf(buf, sizeof buf, "%+.1f ms (end to end %+.1f ms)", 1e3 * extra, 1e3 * (t.total - base.total));
      rel = buf;
    }
    std::printf("| %s | %.3f | %.3f | %.4f | %.3f | %.4f | %s |\n", v.name, t.total, t.quantize, t.time_aware,
                t.write, t.phase_cpu, rel.c_str());
    std::fflush(stdout);
    out.push_back(bj::object{{"model", name}, {"configuration", v.name}, {"total_s", t.total},
                             {"quantize_s", t.quantize}, {"time_aware_s", t.time_aware}, {"write_s", t.write},
                             {"phase_cpu_s", t.phase_cpu}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  try {
    fs::create_directories(a.work);
    if (a.models.empty()) {
      const std::string demo = (fs::path(a.work) / "demo-dit.safetensors").string();
      aq::write_demo_model(demo, 0);
      a.models.push_back({demo, "demo-dit"});
    }
    std::printf("# aq-bench-accuracy\n\nsteps %llu, samples %llu, activation bits %d, threads %d (0 = all)\n",
                static_cast<unsigned long long>(a.steps), static_cast<unsigned long long>(a.samples),
                a.activation_bits, a.threads);
    bj::object doc;
    bj::array studies, overheads;
    study(a, studies);
    overhead(a.models.front().second.empty() ? "model" : a.models.front().second, a.models.front().first, a, false,
             overheads);
    if (a.overhead_params > 0) {
      const std::string big = (fs::path(a.work) / "generated-1b.safetensors").string();
      const auto t0 = Clock::now();
      const uint64_t n = write_large_model(big, a.overhead_params);
      std::fprintf(stderr, "  generated %llu parameters in %.1f s\n", static_cast<unsigned long long>(n),
                   std::chrono::duration<double>(Clock::now() - t0).count());
      std::printf("\nGenerated model: %llu parameters (BF16, hidden 2048, %llu matrices)\n",
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(n / (18ull * 2048 * 2048) * 7));
      overhead("generated-" + std::to_string(n / 1000000) + "M", big, a, true, overheads);
      fs::remove(big);
    }
    doc["studies"] = std::move(studies);
    doc["overhead"] = std::move(overheads);
    if (!a.json_out.empty()) aq::report::write_text_atomic(a.json_out, aq::json::to_text_pretty(doc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aq-bench-accuracy: %s\n", e.what());
    return 1;
  }
  return 0;
}
