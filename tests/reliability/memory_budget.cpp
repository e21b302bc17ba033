// Memory budget: `arrowquant quantize` of a model whose input *and* quantized output are both larger than the
// configured max_memory_limit_mb keeps the peak resident set of the whole process (ru_maxrss of the child,
// which includes the mapped input's resident pages) under that budget.
//
// How the pipeline manages (docs/reliability.md "Memory budget"): the input is streamed (each tensor's pages are
// released once it is used), and when the quantized outputs would exceed the budget it writes each tensor as
// soon as it is quantized (report field streaming_single_pass), or, in the two-pass path (sharded outputs;
// AQ_TEST_TWO_PASS=1 here), keeps only each tensor's decisions in a first pass and quantizes again while writing
// (streaming_two_pass); both are measured. The numbers are
// chosen so that either mechanism missing would break the budget: 256 MiB of F32 input, about 66 MiB of INT8
// output, a 48 MiB budget. A second run with enable_streaming off shows that the outputs alone would exceed it.
// Not run in sanitizer builds (label `memory`): their allocators inflate the resident set.
#define BOOST_TEST_MODULE memory_budget
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::Child;
using reltest::TempDir;

namespace {

constexpr uint64_t kBudgetMb = 48;

struct Run {
  long peak_kib = 0;
  bool two_pass = false, single_pass = false;
  uint64_t out_mb = 0;
};

// two_pass: AQ_TEST_TWO_PASS=1, the two-pass path instead of the single streamed pass.
Run quantize(const TempDir& d, const std::string& in, const std::string& name, bool streaming, bool two_pass = false) {
  const std::string out = d / (name + ".safetensors"), report = d / (name + ".json");
  std::vector<std::string> env = {"ARROW_QUANT_MAX_MEMORY_MB=" + std::to_string(kBudgetMb),
                                  std::string("ARROW_QUANT_ENABLE_STREAMING=") + (streaming ? "true" : "false")};
  if (two_pass) env.push_back("AQ_TEST_TWO_PASS=1");
  Child c({AQ_CLI_PATH, "quantize", in, out, "--quiet", "--threads", "2", "--bits", "8", "--report", report}, env,
          d / name);
  Run r;
  const int st = c.wait(&r.peak_kib);
  BOOST_TEST_REQUIRE((WIFEXITED(st) && WEXITSTATUS(st) == 0), c.err());
  const auto text = reltest::read_file(report);
  const boost::json::value rep = boost::json::parse(std::string(text.begin(), text.end()));
  const auto* tp = rep.as_object().if_contains("streaming_two_pass");
  r.two_pass = tp && tp->is_bool() && tp->as_bool();
  const auto* sp = rep.as_object().if_contains("streaming_single_pass");
  r.single_pass = sp && sp->is_bool() && sp->as_bool();
  r.out_mb = reltest::file_size(out) >> 20;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(peak_rss_stays_under_the_budget_when_input_and_output_exceed_it) {
  BOOST_TEST_REQUIRE(std::string(AQ_CLI_PATH) != "");
  TempDir d("membudget");
  const std::string in = d / "in.safetensors";
  reltest::write_model(in, 16, 4096, 1024, 21);  // 16 x [4096, 1024] F32: 256 MiB
  const uint64_t model_mb = reltest::file_size(in) >> 20;
  BOOST_TEST_REQUIRE(model_mb > kBudgetMb);

  const Run r = quantize(d, in, "streamed", true);
  BOOST_TEST_MESSAGE("model " << model_mb << " MiB, INT8 output " << r.out_mb << " MiB, budget " << kBudgetMb
                              << " MiB: peak RSS " << r.peak_kib / 1024 << " MiB, single pass " << r.single_pass);
  BOOST_TEST_REQUIRE(r.out_mb > kBudgetMb);
  BOOST_TEST(r.single_pass);
  BOOST_TEST(!r.two_pass);
  BOOST_TEST(uint64_t(r.peak_kib) < kBudgetMb * 1024, "peak RSS " << r.peak_kib / 1024 << " MiB");

  const Run r2 = quantize(d, in, "streamed2", true, true);
  BOOST_TEST_MESSAGE("two passes: peak RSS " << r2.peak_kib / 1024 << " MiB");
  BOOST_TEST(r2.two_pass);
  BOOST_TEST(uint64_t(r2.peak_kib) < kBudgetMb * 1024, "peak RSS " << r2.peak_kib / 1024 << " MiB");

  // Without streaming the held outputs alone exceed the budget: the check above is not vacuous.
  const Run held = quantize(d, in, "held", false);
  BOOST_TEST_MESSAGE("enable_streaming off: peak RSS " << held.peak_kib / 1024 << " MiB");
  BOOST_TEST(!held.two_pass);
  BOOST_TEST(!held.single_pass);
  BOOST_TEST(uint64_t(held.peak_kib) > kBudgetMb * 1024);
}
