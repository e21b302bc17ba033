// End-to-end benchmark (not a test): a generated BF16 model of --params parameters (default 1e9) is written to
// --dir, then quantized INT4 rtn by the pipeline with time-aware parameters off, and again with data-free
// calibration and Phase 1 on. Prints params/s from the first read to the last byte written, the final
// commit (fsync + rename) separately, and the peak memory: the peak anonymous resident set (RssAnon of
// /proc/self/status, sampled every 2 ms by a background thread during the run; it leaves out the mapped input's
// page-cache pages, which the kernel can drop) and the process's peak resident set (getrusage, which counts them).
// Next to them, measured in the same run: the memory read bandwidth and an I/O probe: reading the input and
// writing the output's byte count plus fsync, once through O_DIRECT from one reused aligned buffer (what the disk
// does) and once through the page cache (labelled buffered).
//
//   aq-bench-pipeline [--params 1e9 | --shapes dream7b] [--threads 2] [--dir /tmp]
//                     [--io-mode auto|direct|buffered] [--memory MB] [--keep]
//
// --shapes dream7b writes the tensors of Dream 7B instead (7.6 B parameters, 15.2 GB; write_dream7b), drops the
// input from the page cache before the run (time-aware off only) and compares with the O_DIRECT probe.
//
// --io-mode sets the output's io_mode (docs/pipeline.md); --memory sets max_memory_limit_mb, the budget above
// which the pipeline streams (in a single pass; with AQ_TEST_TWO_PASS=1 in the environment, in two passes).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include <boost/json.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "arrowquant/fp16.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "bandwidth.hpp"

namespace {
using Clock = std::chrono::steady_clock;

void write_model(const std::string& path, uint64_t params) {
  const uint64_t H = 4096, rows = 4096;  // 16 M parameters per matrix
  const uint64_t n_mats = (params + rows * H - 1) / (rows * H);
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  for (uint64_t m = 0; m < n_mats; ++m) w.declare("layers." + std::to_string(m) + ".weight", aq::st::DType::BF16, {rows, H});
  w.begin();
  std::vector<uint16_t> buf(rows * H);
  uint64_t s = 7;
  for (uint64_t m = 0; m < n_mats; ++m) {
    for (auto& v : buf) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const double u = (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
      v = aq::f32_to_bf16(static_cast<float>(0.02 * (u - 0.5) * 3.4641016));
    }
    w.write("layers." + std::to_string(m) + ".weight", buf.data(), buf.size() * 2);
  }
  w.commit();
}

// The tensors of Dream 7B (the Qwen2.5-7B architecture: hidden 3584, MLP 18944, 28 layers, 28 query and 4
// key/value heads of 128, vocabulary 152064, untied output head; 7.6 B parameters, 15.2 GB in BF16), with
// generated values: a pool of 2^24 BF16 values from the same generator, each tensor starting at its own place in
// it (the kernels' cost does not depend on which values they see). Names as in the checkpoint, so the default
// recipe applies (embeddings and head INT8, the rest INT4).
void write_dream7b(const std::string& path) {
  const uint64_t H = 3584, F = 18944, KV = 512, V = 152064, L = 28;
  std::vector<std::pair<std::string, std::vector<uint64_t>>> t;
  t.push_back({"model.embed_tokens.weight", {V, H}});
  for (uint64_t l = 0; l < L; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    t.push_back({p + "input_layernorm.weight", {H}});
    t.push_back({p + "self_attn.q_proj.weight", {H, H}});
    t.push_back({p + "self_attn.q_proj.bias", {H}});
    t.push_back({p + "self_attn.k_proj.weight", {KV, H}});
    t.push_back({p + "self_attn.k_proj.bias", {KV}});
    t.push_back({p + "self_attn.v_proj.weight", {KV, H}});
    t.push_back({p + "self_attn.v_proj.bias", {KV}});
    t.push_back({p + "self_attn.o_proj.weight", {H, H}});
    t.push_back({p + "post_attention_layernorm.weight", {H}});
    t.push_back({p + "mlp.gate_proj.weight", {F, H}});
    t.push_back({p + "mlp.up_proj.weight", {F, H}});
    t.push_back({p + "mlp.down_proj.weight", {H, F}});
  }
  t.push_back({"model.norm.weight", {H}});
  t.push_back({"lm_head.weight", {V, H}});
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  for (const auto& [name, shape] : t) w.declare(name, aq::st::DType::BF16, shape);
  w.begin();
  const uint64_t pool_n = uint64_t{1} << 24;
  std::vector<uint16_t> pool(2 * pool_n);  // twice, so any start has pool_n values after it
  uint64_t s = 7;
  for (uint64_t i = 0; i < pool_n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const double u = (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
    pool[i] = pool[i + pool_n] = aq::f32_to_bf16(static_cast<float>(0.02 * (u - 0.5) * 3.4641016));
  }
  uint64_t start = 0;
  for (const auto& [name, shape] : t) {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    for (uint64_t done = 0; done < n;) {  // a tensor larger than the pool is written in pool-sized pieces
      const uint64_t k = std::min(pool_n, n - done);
      w.write(name, pool.data() + start, k * 2);
      done += k;
    }
    start = (start + 7919 * 64) % pool_n;
  }
  w.commit();
}

// Drops the file's pages from the page cache, so the run reads it from the disk.
void drop_cached(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

long peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// RssAnon of /proc/self/status in KiB (0 where the line is missing).
long rss_anon_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("RssAnon:", 0) == 0) return std::atol(line.c_str() + 8);
  return 0;
}

// The peak of RssAnon while it lives: a thread reads it every 2 ms.
class AnonPeak {
 public:
  AnonPeak() : peak_(rss_anon_kib()), t_([this] {
    while (!stop_.load()) {
      const long v = rss_anon_kib();
      if (v > peak_.load()) peak_.store(v);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }) {}
  long stop_mb() {
    stop_.store(true);
    t_.join();
    const long v = rss_anon_kib();
    return std::max(v, peak_.load()) / 1024;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_;
  std::thread t_;
};
}  // namespace

int main(int argc, char** argv) {
  double params = 1e9;
  int threads = 2;
  std::string dir = "/tmp";
  bool keep = false;
  aq::IoMode io_mode = aq::IoMode::automatic;
  uint64_t memory_mb = 0;
  bool dream = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--params") && i + 1 < argc) params = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--io-mode") && i + 1 < argc && aq::parse_io_mode(argv[i + 1], &io_mode)) ++i;
    else if (!std::strcmp(argv[i], "--memory") && i + 1 < argc) memory_mb = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--keep")) keep = true;
    else if (!std::strcmp(argv[i], "--shapes") && i + 1 < argc && !std::strcmp(argv[i + 1], "dream7b")) {
      dream = true;
      ++i;
    } else {
      std::fprintf(stderr, "usage: aq-bench-pipeline [--params 1e9 | --shapes dream7b] [--threads 2] [--dir /tmp] "
                           "[--io-mode auto|direct|buffered] [--memory MB] [--keep]\n");
      return 2;
    }
  }
  const std::string in = dir + "/aq-bench-model.safetensors", out = dir + "/aq-bench-model-int4.safetensors";
  if (dream) {
    std::printf("generating the tensors of Dream 7B (BF16) into %s ...\n", in.c_str());
    write_dream7b(in);
  } else {
    std::printf("generating %.3g BF16 parameters into %s ...\n", params, in.c_str());
    write_model(in, static_cast<uint64_t>(params));
  }
  const double in_gb = double(std::filesystem::file_size(in)) / 1e9;
  const double bw = aqbench::read_bandwidth(threads);
  aqbench::AlignedBuffer probe_buf(std::size_t(8) << 20);
  const double read_direct_s = aqbench::file_read_direct_seconds(in, probe_buf);
  // The 1 B model is read through a warm page cache; the 7 B one (15 GB, more than this VM keeps cached) from
  // the disk: its pages are dropped before the run, which then reads it cold like the O_DIRECT probe.
  if (!dream) aqbench::file_read_seconds(in);  // warm the page cache: the pipeline reads through it
  const double read_s = dream ? -1.0 : aqbench::file_read_seconds(in);
  std::printf("machine, same run: memory read %.1f GB/s (%d threads); input %.2f GB read with O_DIRECT in %.3f s "
              "(%.2f GB/s)",
              bw, threads, in_gb, read_direct_s, in_gb / read_direct_s);
  if (read_s >= 0) std::printf(", from the page cache in %.3f s (%.2f GB/s)", read_s, in_gb / read_s);
  std::printf("\n");
  std::printf("io_mode %s, memory budget %s MB\n", aq::io_mode_name(io_mode),
              memory_mb ? std::to_string(memory_mb).c_str() : "1024 (default)");
  for (int phase1 = 0; phase1 < (dream ? 1 : 2); ++phase1) {
    if (dream) drop_cached(in);
    aq::PipelineConfig c;
    c.bit_width = 4;
    c.group_size = 128;
    c.mode = aq::Mode::rtn;
    c.num_threads = threads;
    c.min_accuracy = 0;
    c.enable_time_aware = phase1 == 1;
    c.io_mode = io_mode;
    c.max_memory_limit_mb = memory_mb;
    AnonPeak anon;
    const auto t0 = Clock::now();
    const std::string rep = aq::quantize_model(in, out, c, nullptr);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const long anon_mb = anon.stop_mb();
    const auto root = boost::json::parse(rep).as_object();
    const auto tot = root.at("totals").as_object();
    const double n = tot.at("quantized_params").to_number<double>();
    std::printf("%-44s %8.3f s  %7.0f M params/s  (commit+fsync %.3f s, quantize %.3f s, time-aware %.3f s; "
                "output %s, %s)  peak RssAnon %ld MB, peak RSS %ld MB\n",
                phase1 ? "INT4 rtn, data-free calibration + Phase 1" : "INT4 rtn, time-aware off", s, n / s / 1e6,
                tot.at("commit_fsync_s").to_number<double>(), tot.at("quantize_s").to_number<double>(),
                tot.at("time_aware_s").to_number<double>(), root.at("output_io").as_string().c_str(),
                root.at("streaming_two_pass").as_bool()      ? "streamed, two passes"
                : root.at("streaming_single_pass").as_bool() ? "streamed, single pass (writes overlap quantize)"
                                                             : "held in memory",
                anon_mb,
                peak_rss_mb());
    // The same-size I/O on its own, right after the run: reading the input plus writing as many bytes as the
    // output holds, then fsync; through O_DIRECT (the disk) and through the page cache (buffered). Where fresh
    // page-cache pages are expensive (a VM that returns free memory to its host) the buffered probe varies from
    // run to run as much as a buffered pipeline run does.
    const uint64_t out_bytes = std::filesystem::file_size(out);
    const aqbench::WriteCost dc = aqbench::file_write_direct_cost(dir, out_bytes, probe_buf);
    if (read_direct_s >= 0 && dc.write_s >= 0) {
      const double probe_s = read_direct_s + dc.write_s + dc.fsync_s;
      std::printf("%-44s %8.3f s  %7.0f M params/s  (read %.3f s + write %.2f GB %.3f s = %.2f GB/s + fsync %.3f s);"
                  "  run / probe = %.2f\n",
                  "  I/O probe, O_DIRECT (same bytes, same run)", probe_s, n / probe_s / 1e6, read_direct_s,
                  out_bytes / 1e9, dc.write_s, out_bytes / 1e9 / dc.write_s, dc.fsync_s, s / probe_s);
    } else {
      std::printf("  I/O probe, O_DIRECT: refused by the file system of %s\n", dir.c_str());
    }
    if (dream) continue;  // the buffered probe's page-cache read needs a warm input
    const aqbench::WriteCost wc = aqbench::file_write_cost(dir, out_bytes);
    const double probe_s = read_s + wc.write_s + wc.fsync_s;
    std::printf("%-44s %8.3f s  %7.0f M params/s  (page-cache read %.3f s + write %.2f GB %.3f s = %.2f GB/s + "
                "fsync %.3f s);  run / probe = %.2f\n",
                "  I/O probe, buffered (same bytes, same run)", probe_s, n / probe_s / 1e6, read_s, out_bytes / 1e9,
                wc.write_s, out_bytes / 1e9 / wc.write_s, wc.fsync_s, s / probe_s);
  }
  if (!keep) {
    std::filesystem::remove(in);
    std::filesystem::remove(out);
  }
  return 0;
}
