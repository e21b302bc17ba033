// Crash safety of the output (docs/reliability.md): `arrowquant quantize` killed with SIGKILL at random points leaves the
// output path either absent, holding the complete new model (byte-identical to an uninterrupted run), or — when
// it existed before — holding the complete old model; every other leftover is a recognisable temporary
// (st::is_temporary_name) that readers ignore; the input is never modified.
//
// Kill points are drawn (fixed seed) relative to the duration of an uninterrupted run measured in the same test:
// half of them anywhere in the run, half near its end, where the output is written (the pipeline quantizes
// everything first). The test does not assert anything about time: it counts the outcomes and requires that
// some runs were really killed.
#define BOOST_TEST_MODULE kill_quantize
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::Child;
using reltest::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AQ_REL_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AQ_REL_SANITIZED 1
#endif

// Sized so that an uninterrupted release run takes about half a second to a second on the CI machine
// (16 x 1024 x 1024 F32, 64 MiB, search mode, INT8 so that the write is not negligible); sanitizer builds run
// several times slower, so they get a quarter of it.
#ifdef AQ_REL_SANITIZED
constexpr int kLayers = 4;
#else
constexpr int kLayers = 16;
#endif
constexpr uint64_t kRows = 1024, kCols = 1024;
constexpr int kKills = 20;

struct Variant {
  const char* name;
  std::string out_name;          // output path inside its directory
  std::vector<std::string> args;  // extra arguments of quantize
  bool preexisting = false;       // the output exists before the run (an older model with other settings)
  std::vector<std::string> env = {};  // extra environment of the run
};

std::vector<std::string> quantize_argv(const std::string& in, const std::string& out, const std::vector<std::string>& extra) {
  std::vector<std::string> a = {AQ_CLI_PATH, "quantize", in, out, "--quiet", "--threads", "2", "--mode", "search",
                                "--bits", "8"};
  a.insert(a.end(), extra.begin(), extra.end());
  if (!reltest::test_io_mode().empty()) a.insert(a.end(), {"--io-mode", reltest::test_io_mode()});
  return a;
}

double run_to_end(const std::vector<std::string>& argv, const std::string& log,
                  const std::vector<std::string>& env = {}) {
  const auto t0 = Clock::now();
  Child c(argv, env, log);
  const int st = c.wait();
  BOOST_REQUIRE_MESSAGE(WIFEXITED(st) && WEXITSTATUS(st) == 0, "uninterrupted run failed: " + c.err());
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

uint64_t tensor_count(const std::string& path) {
  aq_model* m = nullptr;
  const aq_status s = aq_model_open(path.c_str(), &m);
  BOOST_TEST_REQUIRE(s == AQ_OK, path << ": " << aq_last_error_message());
  const uint64_t n = aq_model_tensor_count(m);
  aq_model_free(m);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigkill_leaves_old_or_new_complete_model_and_only_temporaries) {
  BOOST_TEST_REQUIRE(std::string(AQ_CLI_PATH) != "");
  TempDir d("kill");
  const std::string in = d / "in.safetensors";
  reltest::write_model(in, kLayers, kRows, kCols, 7);
  const uint64_t in_sum = reltest::checksum(in);

  TempDir cfg_dir("kill_cfg");
  {
    std::FILE* f = std::fopen((cfg_dir / "shard.json").c_str(), "w");
    BOOST_REQUIRE(f);
    std::fputs("{\"max_shard_size_mb\": 1}\n", f);
    std::fclose(f);
  }
  std::vector<Variant> variants = {
      {"single file", "out.safetensors", {}, false},
      {"replacing an older model", "out.safetensors", {"--force"}, true},
      {"sharded directory", "out", {"--config", cfg_dir / "shard.json"}, false},
      // Over the memory budget the pipeline writes each tensor as soon as it is quantized (single pass), or, in
      // two passes, quantizes twice and writes during the second: either way the write spans most of the run.
      {"single-pass streaming", "out.safetensors", {}, false, {"ARROW_QUANT_MAX_MEMORY_MB=4"}},
      {"two-pass streaming", "out.safetensors", {}, false, {"ARROW_QUANT_MAX_MEMORY_MB=4", "AQ_TEST_TWO_PASS=1"}},
  };

  // Uninterrupted references: the new model of each variant, and the older model that variant 1 replaces.
  std::vector<std::vector<uint8_t>> reference(variants.size());
  std::vector<double> seconds(variants.size());
  std::vector<uint64_t> ref_tensors(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    TempDir r("kill_ref");
    const std::string out = r / variants[v].out_name;
    seconds[v] = run_to_end(quantize_argv(in, out, variants[v].args), d / "ref", variants[v].env);
    reference[v] = reltest::model_bytes(out);
    ref_tensors[v] = tensor_count(out);
    BOOST_TEST_MESSAGE(variants[v].name << ": uninterrupted run " << seconds[v] << " s, " << reference[v].size()
                                        << " bytes");
  }
  // Two passes write the in-memory layout; a single streamed pass the same tensors and metadata in write order.
  BOOST_TEST((reference[4] == reference[0]), "two-pass streaming wrote other bytes than the in-memory run");
  {
    TempDir a("kill_cmp"), b("kill_cmp");
    run_to_end(quantize_argv(in, a / "out.safetensors", {}), d / "cmp_a");
    run_to_end(quantize_argv(in, b / "out.safetensors", {}), d / "cmp_b", variants[3].env);
    BOOST_TEST(reltest::model_contents(a / "out.safetensors") == reltest::model_contents(b / "out.safetensors"),
               "single-pass streaming wrote other tensors or metadata than the in-memory run");
  }
  TempDir old_dir("kill_old");
  const std::string old_model = old_dir / "out.safetensors";
  run_to_end({AQ_CLI_PATH, "quantize", in, old_model, "--quiet", "--bits", "4"}, d / "old");
  const std::vector<uint8_t> old_bytes = reltest::read_file(old_model);
  BOOST_TEST_REQUIRE(old_bytes != reference[1]);

  aqtest::Rng rng(20240611);
  int killed = 0, finished = 0, absent = 0, complete_new = 0, complete_old = 0, with_temporaries = 0;
  for (int k = 0; k < kKills; ++k) {
    const Variant& var = variants[std::size_t(k) % variants.size()];
    const std::size_t vi = std::size_t(k) % variants.size();
    BOOST_TEST_CONTEXT("kill " << k << " (" << var.name << ")") {
      TempDir out_dir("kill_out");
      const std::string out = out_dir / var.out_name;
      if (var.preexisting) {
        std::FILE* f = std::fopen(out.c_str(), "wb");
        BOOST_REQUIRE(f);
        BOOST_REQUIRE(std::fwrite(old_bytes.data(), 1, old_bytes.size(), f) == old_bytes.size());
        std::fclose(f);
      }
      const double u = rng.uniform();
      const double delay = (k % 2 == 0 ? u * 1.1 : 0.8 + 0.25 * u) * seconds[vi];
      Child c(quantize_argv(in, out, var.args), var.env, d / ("kill" + std::to_string(k)));
      const auto t_kill = Clock::now() + std::chrono::duration<double>(delay);
      int st = 0;
      bool exited = false;
      while (Clock::now() < t_kill && !(exited = c.poll(&st))) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (!exited) {
        ::kill(c.pid, SIGKILL);
        st = c.wait();
      }
      if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
        ++killed;
      } else {
        BOOST_TEST((WIFEXITED(st) && WEXITSTATUS(st) == 0), "the run failed by itself: " << c.err());
        ++finished;
      }

      // Leftovers: only the output name and recognisable temporaries.
      BOOST_TEST(reltest::non_temporary_leftovers(out_dir.path, {var.out_name}).empty());
      if (!reltest::temporaries(out_dir.path).empty()) ++with_temporaries;

      if (!reltest::exists(out)) {
        BOOST_TEST(!var.preexisting, "the older model was removed before the new one was in place");
        ++absent;
      } else {
        const std::vector<uint8_t> got = reltest::model_bytes(out);
        const bool is_new = got == reference[vi];
        const bool is_old = var.preexisting && got == old_bytes;
        BOOST_TEST((is_new || is_old), "output is neither the complete new nor the complete old model ("
                                           << got.size() << " bytes)");
        if (is_new) ++complete_new;
        if (is_old) ++complete_old;
        BOOST_TEST(tensor_count(out) == (is_old ? tensor_count(old_model) : ref_tensors[vi]));
      }
      // Readers ignore the temporaries: the directory opens as the output alone (or has no model at all).
      if (var.out_name == "out.safetensors") {
        aq_model* m = nullptr;
        const aq_status s = aq_model_open(out_dir.path.c_str(), &m);
        if (reltest::exists(out)) {
          BOOST_TEST(s == AQ_OK, aq_last_error_message());
        } else {
          BOOST_TEST(s == AQ_ERR_INVALID_ARGUMENT);
          BOOST_TEST(std::string(aq_last_error_message()).find("holds no .safetensors file") != std::string::npos,
                     aq_last_error_message());
        }
        aq_model_free(m);
      }
    }
  }
  BOOST_TEST_MESSAGE("runs: " << killed << " killed, " << finished << " finished before the kill; outputs: "
                              << absent << " absent, " << complete_new << " complete new, " << complete_old
                              << " complete old; " << with_temporaries << " runs left temporaries");
  BOOST_TEST(killed >= 1, "no run was killed while running");
  BOOST_TEST(reltest::checksum(in) == in_sum, "the input was modified");
}
