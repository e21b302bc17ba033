// Concurrency stress (arrowquant.h's thread-safety contract): many threads, each with its own configuration,
// model and tensor handles, quantize models, read them back and quantize tensors at the same time; every result equals the one computed single-threaded first,
// and each thread sees its own last-error message.
//
// AQ_STRESS_INNER_THREADS (default 2) is the library's own thread count per call. The TSan job of
// .ci/stage-2-sanitizers.sh sets it to 1: Debian's oneTBB is not instrumented, so TSan could not see the
// synchronisation inside a parallel region (docs/reliability.md explains the choice).
#define BOOST_TEST_MODULE concurrency
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::TempDir;

namespace {

int inner_threads() {
  const char* e = std::getenv("AQ_STRESS_INNER_THREADS");
  return e && *e ? std::atoi(e) : 2;
}

struct Job {
  std::string model;
  std::string config_json;
};

struct Expected {
  std::vector<uint8_t> file;                   // quantized model bytes
  std::vector<std::vector<float>> tensors;     // every logical tensor read back as F32, by index
  std::vector<uint8_t> codes, params;          // aq_quantize_format of the tensor sample
};

// File contents without Boost.Test macros: they are not thread-safe (their bookkeeping races even when a check
// passes), so worker threads must not use them.
bool read_plain(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

std::vector<float> sample_tensor(uint64_t seed) { return aqtest::gaussian(64 * 384, 0.05, seed); }

// One unit of work; returns an empty string on success, else what went wrong (checked by the main thread:
// Boost.Test assertions are not thread-safe).
std::string run_job(const Job& job, const std::string& out, int inner, uint64_t seed, Expected* record,
                    const Expected* expect) {
  aq_config* cfg = nullptr;
  if (aq_config_from_json(job.config_json.c_str(), &cfg) != AQ_OK) return std::string("config: ") + aq_last_error_message();
  if (aq_config_set(cfg, "num_threads", std::to_string(inner).c_str()) != AQ_OK) {
    aq_config_free(cfg);
    return std::string("config num_threads: ") + aq_last_error_message();
  }
  const aq_status qs = aq_quantize_model(job.model.c_str(), out.c_str(), cfg, nullptr, nullptr, nullptr);
  aq_config_free(cfg);
  if (qs != AQ_OK) return std::string("quantize_model: ") + aq_last_error_message();
  Expected got;
  if (!read_plain(out, &got.file)) return "cannot read " + out;

  aq_model* m = nullptr;
  if (aq_model_open(out.c_str(), &m) != AQ_OK) return std::string("model_open: ") + aq_last_error_message();
  const uint64_t n = aq_model_tensor_count(m);
  for (uint64_t i = 0; i < n; ++i) {
    const char* name = nullptr;
    uint64_t e = 0;
    if (aq_model_tensor_name(m, i, &name) != AQ_OK || aq_model_tensor_elements(m, name, &e) != AQ_OK) {
      aq_model_free(m);
      return std::string("tensor: ") + aq_last_error_message();
    }
    std::vector<float> v(e);
    if (aq_model_read_tensor(m, name, AQ_DTYPE_F32, v.data(), e * 4) != AQ_OK) {
      aq_model_free(m);
      return std::string("read_tensor: ") + aq_last_error_message();
    }
    got.tensors.push_back(std::move(v));
  }
  aq_model_free(m);

  const auto x = sample_tensor(seed);
  aq_quantized* q = nullptr;
  if (aq_quantize_format(x.data(), x.size() * 4, AQ_DTYPE_F32, 64, 384, 4, 64, AQ_MODE_SEARCH, AQ_FORMAT_AUTO, &q) != AQ_OK)
    return std::string("quantize_format: ") + aq_last_error_message();
  const uint8_t* d = nullptr;
  uint64_t b = 0;
  aq_quantized_codes(q, &d, &b);
  got.codes.assign(d, d + b);
  aq_quantized_params(q, &d, &b);
  got.params.assign(d, d + b);
  aq_quantized_free(q);

  // The last-error message is per thread: a failure here must report this thread's own path.
  const std::string missing = out + ".missing";
  aq_model* none = nullptr;
  if (aq_model_open(missing.c_str(), &none) != AQ_ERR_IO) return "open of a missing file did not fail with AQ_ERR_IO";
  if (std::string(aq_last_error_message()).find(missing) == std::string::npos)
    return std::string("last error is not this thread's: ") + aq_last_error_message();

  if (record) *record = std::move(got);
  if (expect) {
    if (got.file != expect->file) return "quantized file differs from the single-threaded run";
    if (got.tensors != expect->tensors) return "read-back tensors differ from the single-threaded run";
    if (got.codes != expect->codes || got.params != expect->params) return "tensor quantization differs";
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(parallel_independent_handles_match_single_threaded_results) {
  const int inner = inner_threads();
  BOOST_TEST_MESSAGE("library threads per call: " << inner);
  BOOST_TEST_REQUIRE(aq_set_num_threads(inner) == AQ_OK);
  TempDir d("stress");
  std::vector<Job> jobs;
  for (int k = 0; k < 2; ++k) {
    const std::string path = d / ("model" + std::to_string(k) + ".safetensors");
    reltest::write_model(path, 3, 128, 512, uint64_t(11 + k));
    jobs.push_back({path, "{\"num_time_groups\": 4}"});
    jobs.push_back({path, "{\"bit_width\": 8, \"num_time_groups\": 3, \"mode\": \"search\"}"});
  }
  jobs.push_back({jobs[0].model, "{\"deployment_profile\": \"edge\", \"thermodynamic\": {\"boundary_smoothing\": "
                                 "{\"enabled\": true}, \"transition_optimization\": {\"enabled\": true, "
                                 "\"max_iterations\": 5}}}"});

  // Single-threaded references.
  std::vector<Expected> expected(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const std::string err = run_job(jobs[j], d / ("ref" + std::to_string(j) + ".safetensors"), inner, j, &expected[j], nullptr);
    BOOST_TEST_REQUIRE(err.empty(), "reference job " << j << ": " << err);
  }

  constexpr int kThreads = 8, kRounds = 3;
  std::vector<std::string> errors(kThreads * kRounds);
  std::atomic<int> start{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.fetch_add(1);
      while (start.load() < kThreads) std::this_thread::yield();  // all threads begin together
      for (int r = 0; r < kRounds; ++r) {
        const std::size_t j = std::size_t(t + r) % jobs.size();
        const std::string out = d / ("t" + std::to_string(t) + "_r" + std::to_string(r) + ".safetensors");
        const std::string e = run_job(jobs[j], out, inner, j, nullptr, &expected[j]);
        errors[std::size_t(t * kRounds + r)] = e.empty() ? e : "job " + std::to_string(j) + ": " + e;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < kThreads * kRounds; ++i)
    BOOST_TEST(errors[std::size_t(i)].empty(), "thread " << i / kRounds << " round " << i % kRounds << ": "
                                                           << errors[std::size_t(i)]);
  aq_set_num_threads(0);
}

// arrowquant.h's per-handle contract: the `const` readers of one aq_model, aq_quantized and aq_config may run
// on many threads at once. Every thread asks for the same views and data; all must equal the single-threaded
// answers, and every view handed out must stay valid (and unchanged) until the handle is freed.
BOOST_AUTO_TEST_CASE(shared_read_only_handles_serve_many_threads_at_once) {
  BOOST_TEST_REQUIRE(aq_set_num_threads(inner_threads()) == AQ_OK);  // 1 under TSan (see the top of this file)
  TempDir d("shared");
  const std::string in = d / "model.safetensors", out = d / "model-int4.safetensors";
  reltest::write_model(in, 3, 128, 512, 5);
  BOOST_TEST_REQUIRE(aq_quantize_model(in.c_str(), out.c_str(), nullptr, nullptr, nullptr, nullptr) == AQ_OK,
                     aq_last_error_message());
  aq_model* m = nullptr;
  BOOST_TEST_REQUIRE(aq_model_open(out.c_str(), &m) == AQ_OK, aq_last_error_message());
  aq_config* cfg = nullptr;
  BOOST_TEST_REQUIRE(aq_config_from_profile("edge", &cfg) == AQ_OK, aq_last_error_message());
  const std::vector<float> x = sample_tensor(3);
  aq_quantized* q = nullptr;
  BOOST_TEST_REQUIRE(aq_quantize(x.data(), x.size() * 4, AQ_DTYPE_F32, 64, 384, 4, 64, AQ_MODE_SEARCH, &q) == AQ_OK,
                     aq_last_error_message());

  // Single-threaded answers.
  const char* text = nullptr;
  uint64_t bytes = 0;
  BOOST_TEST_REQUIRE(aq_model_info(m, &text, &bytes) == AQ_OK);
  const std::string info(text, bytes);
  const char* first_name = nullptr;
  BOOST_TEST_REQUIRE(aq_model_tensor_name(m, 0, &first_name) == AQ_OK);
  uint64_t elements = 0;
  BOOST_TEST_REQUIRE(aq_model_tensor_elements(m, first_name, &elements) == AQ_OK);
  std::vector<float> tensor(elements);
  BOOST_TEST_REQUIRE(aq_model_read_tensor(m, first_name, AQ_DTYPE_F32, tensor.data(), elements * 4) == AQ_OK);
  BOOST_TEST_REQUIRE(aq_config_to_json(cfg, &text, &bytes) == AQ_OK, aq_last_error_message());
  const std::string cfg_json(text, bytes);
  std::vector<float> deq(x.size());
  BOOST_TEST_REQUIRE(aq_dequantize(q, AQ_DTYPE_F32, deq.data(), deq.size() * 4) == AQ_OK);

  constexpr int kThreads = 8, kRounds = 20;
  std::vector<std::string> errors(kThreads);
  std::vector<std::vector<std::pair<const char*, std::string>>> views(kThreads);  // view pointer, its text then
  std::atomic<int> start{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.fetch_add(1);
      while (start.load() < kThreads) std::this_thread::yield();
      std::vector<float> buf(elements), dq(x.size());
      for (int r = 0; r < kRounds && errors[t].empty(); ++r) {
        const char* p = nullptr;
        uint64_t n = 0;
        if (aq_model_info(m, &p, &n) != AQ_OK || std::string(p, n) != info) errors[t] = "aq_model_info differs";
        else views[t].emplace_back(p, info);
        if (aq_model_tensor_info(m, first_name, &p, &n) != AQ_OK) errors[t] = "aq_model_tensor_info failed";
        else views[t].emplace_back(p, std::string(p, n));
        if (aq_model_read_tensor(m, first_name, AQ_DTYPE_F32, buf.data(), elements * 4) != AQ_OK || buf != tensor)
          errors[t] = "aq_model_read_tensor differs";
        if (aq_config_to_json(cfg, &p, &n) != AQ_OK || std::string(p, n) != cfg_json) errors[t] = "config JSON differs";
        if (aq_dequantize(q, AQ_DTYPE_F32, dq.data(), dq.size() * 4) != AQ_OK || dq != deq)
          errors[t] = "aq_dequantize differs";
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) BOOST_TEST(errors[t].empty(), "thread " << t << ": " << errors[t]);
  // Views of the model stay valid until aq_model_free, whatever other threads asked for since.
  for (int t = 0; t < kThreads; ++t)
    for (const auto& [p, s] : views[t]) BOOST_TEST(std::string(p, s.size()) == s);
  aq_quantized_free(q);
  aq_config_free(cfg);
  aq_model_free(m);
  aq_set_num_threads(0);
}
