// Memory budget: `arrowquant quantize` of a model larger than the configured max_memory_limit_mb keeps its peak
// resident set (ru_maxrss of the child process, which includes the mapped input's resident pages) under that
// budget. The input is streamed: each tensor's pages are released once it is quantized (Reader::release).
//
// What this does not show (docs/reliability.md): the pipeline does not read max_memory_limit_mb yet, and it
// holds every quantized output in memory until it writes the file, so the peak grows with the model's
// *quantized* size (about 1/7 of an F32 model at 4 bits). The test's numbers are chosen so that input streaming
// decides the outcome: if the input stayed resident, the peak would exceed the budget.
// Not run in sanitizer builds (label `memory`): their allocators inflate the resident set.
#define BOOST_TEST_MODULE memory_budget
#include <boost/test/unit_test.hpp>

#include <string>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::Child;
using reltest::TempDir;

BOOST_AUTO_TEST_CASE(peak_rss_stays_under_the_budget_on_a_larger_model) {
  BOOST_TEST_REQUIRE(std::string(AQ_CLI_PATH) != "");
  constexpr uint64_t kBudgetMb = 160;
  TempDir d("membudget");
  const std::string in = d / "in.safetensors", out = d / "out.safetensors";
  // 16 x [4096, 1024] F32: 256 MiB of weights.
  reltest::write_model(in, 16, 4096, 1024, 21);
  const uint64_t model_mb = reltest::file_size(in) >> 20;
  BOOST_TEST_REQUIRE(model_mb > kBudgetMb);

  Child c({AQ_CLI_PATH, "quantize", in, out, "--quiet", "--threads", "2"},
          {"ARROW_QUANT_MAX_MEMORY_MB=" + std::to_string(kBudgetMb)}, d / "quantize");
  long peak_kib = 0;
  const int st = c.wait(&peak_kib);
  BOOST_TEST_REQUIRE((WIFEXITED(st) && WEXITSTATUS(st) == 0), c.err());
  const uint64_t out_mb = reltest::file_size(out) >> 20;
  BOOST_TEST_MESSAGE("model " << model_mb << " MiB, quantized " << out_mb << " MiB, budget " << kBudgetMb
                              << " MiB, peak RSS " << peak_kib / 1024 << " MiB");
  BOOST_TEST(uint64_t(peak_kib) < kBudgetMb * 1024, "peak RSS " << peak_kib / 1024 << " MiB");
}
