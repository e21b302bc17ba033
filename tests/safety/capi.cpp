// Output safety through the C ABI (what every binding gets): outputs that are inputs are refused before any work,
// the `overwrite` key, output paths checked before the first tensor, cancellation in every stage, and the
// recovery of an interrupted run's leftovers. The input's checksum is compared before and after every case.
#define BOOST_TEST_MODULE safety_capi
#include <boost/test/unit_test.hpp>

#include <sys/file.h>

#include <cstdio>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::TempDir;

namespace {

struct Run {
  aq_status status;
  std::string message;
  std::string report;
  int progress_calls = 0;
};

struct Counter {
  int calls = 0;
  int cancel_at = -1;  // the call (1-based) that returns non-zero; -1: never
};

int count_progress(void* user_data, uint64_t, uint64_t, uint64_t, uint64_t) {
  auto* c = static_cast<Counter*>(user_data);
  return ++c->calls == c->cancel_at;
}

Run quantize(const std::string& in, const std::string& out, const std::vector<std::pair<std::string, std::string>>& keys = {},
             int cancel_at = -1) {
  aq_config* cfg = nullptr;
  BOOST_REQUIRE(aq_config_create(&cfg) == AQ_OK);
  for (const auto& [k, v] : keys) BOOST_REQUIRE_MESSAGE(aq_config_set(cfg, k.c_str(), v.c_str()) == AQ_OK, k);
  Counter counter;
  counter.cancel_at = cancel_at;
  aq_report* rep = nullptr;
  Run r;
  r.status = aq_quantize_model(in.c_str(), out.c_str(), cfg, count_progress, &counter, &rep);
  r.message = aq_last_error_message();
  r.progress_calls = counter.calls;
  if (rep) {
    const char* d = nullptr;
    uint64_t n = 0;
    aq_report_text(rep, &d, &n);
    r.report.assign(d, n);
  }
  aq_report_free(rep);
  aq_config_free(cfg);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Fixture {
  TempDir d;
  std::string model = d / "m.safetensors";
  uint64_t sum = 0;
  Fixture() {
    reltest::write_model(model, 4, 64, 256, 7);
    sum = reltest::checksum(model);
  }
  void input_unchanged() const { BOOST_TEST(reltest::checksum(model) == sum); }
  // 4 x 2 MiB of F32: at INT8 the output exceeds 1 MiB, so max_shard_size_mb 1 shards it into a directory.
  std::string big_model() const {
    const std::string p = d / "big.safetensors";
    if (!reltest::exists(p)) reltest::write_model(p, 4, 512, 1024, 9);
    return p;
  }
  const std::vector<std::pair<std::string, std::string>> kSharded = {
      {"bit_width", "8"}, {"max_shard_size_mb", "1"}, {"enable_time_aware", "false"}};
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_output_that_is_the_input_is_refused_before_any_work, Fixture) {
  BOOST_REQUIRE(::link(model.c_str(), (d / "hard.safetensors").c_str()) == 0);
  BOOST_REQUIRE(::symlink("m.safetensors", (d / "sym.safetensors").c_str()) == 0);
  const std::vector<std::string> same = {model, d.path + "/./m.safetensors", d / "hard.safetensors",
                                         d / "sym.safetensors", d.path};
  for (const auto& out : same) {
    const Run r = quantize(model, out, {{"overwrite", "true"}});
    BOOST_TEST(r.status == AQ_ERR_INVALID_ARGUMENT, out);
    BOOST_TEST(has(r.message, out), r.message);
    BOOST_TEST(has(r.message, model), r.message);
    BOOST_TEST(r.progress_calls == 0);  // refused before the first tensor
    input_unchanged();
    BOOST_TEST(reltest::temporaries(d.path).empty());
  }
}

BOOST_FIXTURE_TEST_CASE(the_calibration_file_and_an_input_shard_are_refused_as_outputs, Fixture) {
  reltest::write_model(d / "calib.json", 1, 1, 8, 1);  // any existing file: refused before it is parsed
  const uint64_t calib_sum = reltest::checksum(d / "calib.json");
  const Run r = quantize(model, d / "calib.json", {{"calibration_file", "\"" + d / "calib.json" + "\""}});
  BOOST_TEST(r.status == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(has(r.message, "calibration file"), r.message);
  BOOST_TEST(reltest::checksum(d / "calib.json") == calib_sum);

  // A sharded input: the output may not be one of its shards.
  const Run s = quantize(big_model(), d / "sharded", kSharded);
  BOOST_REQUIRE_MESSAGE(s.status == AQ_OK, s.message);
  BOOST_REQUIRE(reltest::is_dir(d / "sharded"));
  const std::string shard = d / ("sharded/" + TempDir::list(d / "sharded").front());
  const uint64_t shard_sum = reltest::checksum(d / "sharded");
  aq_status st = aq_export_dequantized((d / "sharded").c_str(), shard.c_str(), AQ_DTYPE_F32);
  BOOST_TEST(st == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(has(aq_last_error_message(), "input shard"), aq_last_error_message());
  BOOST_TEST(reltest::checksum(d / "sharded") == shard_sum);
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(dequantize_into_its_input_and_of_an_unquantized_model_are_errors, Fixture) {
  BOOST_REQUIRE(quantize(model, d / "q.safetensors").status == AQ_OK);
  const uint64_t q_sum = reltest::checksum(d / "q.safetensors");
  BOOST_TEST(aq_export_dequantized((d / "q.safetensors").c_str(), (d / "q.safetensors").c_str(), AQ_DTYPE_F32) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(reltest::checksum(d / "q.safetensors") == q_sum);
  BOOST_TEST(aq_export_dequantized(model.c_str(), (d / "x.safetensors").c_str(), AQ_DTYPE_F32) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(has(aq_last_error_message(), model), aq_last_error_message());
  BOOST_TEST(!reltest::exists(d / "x.safetensors"));
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(overwrite_false_keeps_an_existing_output_and_the_default_replaces_it, Fixture) {
  BOOST_REQUIRE(quantize(model, d / "q.safetensors", {{"bit_width", "8"}}).status == AQ_OK);
  const uint64_t first = reltest::checksum(d / "q.safetensors");
  const Run kept = quantize(model, d / "q.safetensors", {{"bit_width", "4"}, {"overwrite", "false"}});
  BOOST_TEST(kept.status == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(has(kept.message, "already exists"), kept.message);
  BOOST_TEST(kept.progress_calls == 0);
  BOOST_TEST(reltest::checksum(d / "q.safetensors") == first);
  const Run replaced = quantize(model, d / "q.safetensors", {{"bit_width", "4"}});  // documented default
  BOOST_TEST(replaced.status == AQ_OK);
  BOOST_TEST(reltest::checksum(d / "q.safetensors") != first);
  BOOST_TEST(reltest::temporaries(d.path).empty());
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(a_bad_output_directory_fails_before_the_first_tensor, Fixture) {
  const Run missing = quantize(model, d / "no/such/q.safetensors");
  BOOST_TEST(missing.status == AQ_ERR_IO);
  BOOST_TEST(has(missing.message, "does not exist"), missing.message);
  BOOST_TEST(missing.progress_calls == 0);
  const Run file_parent = quantize(model, model + "/q.safetensors");
  BOOST_TEST(file_parent.status == AQ_ERR_IO);
  BOOST_TEST(has(file_parent.message, "not a directory"), file_parent.message);
  BOOST_TEST(file_parent.progress_calls == 0);
  input_unchanged();
  BOOST_TEST((TempDir::list(d.path) == std::vector<std::string>{"m.safetensors"}));
}

BOOST_FIXTURE_TEST_CASE(cancelling_in_every_stage_leaves_nothing_behind, Fixture) {
  // An uninterrupted run counts the callback's calls: one per tensor, then the time-aware and write checks.
  const Run full = quantize(model, d / "full.safetensors");
  BOOST_REQUIRE(full.status == AQ_OK);
  const int tensors = 8;  // 4 linear weights + 4 norms
  BOOST_REQUIRE_GT(full.progress_calls, tensors + 2);
  // Cancel at a tensor, at the time-aware step (the first call after the last tensor) and at each write check.
  for (int at : {1, tensors, tensors + 1, tensors + 2, full.progress_calls - 1, full.progress_calls}) {
    const Run r = quantize(model, d / "q.safetensors", {}, at);
    BOOST_TEST(r.status == AQ_ERR_CANCELLED, "cancel at call " << at << ": " << r.message);
    BOOST_TEST(!reltest::exists(d / "q.safetensors"));
    BOOST_TEST(reltest::temporaries(d.path).empty(), "cancel at call " << at);
  }
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(stale_temporaries_are_removed_and_locked_ones_kept, Fixture) {
  const std::string stale = d / ".q.safetensors.aqtmp-STALE1";
  const std::string live = d / ".q.safetensors.aqtmp-LIVE01";
  reltest::write_model(stale, 1, 1, 8, 2);
  reltest::write_model(live, 1, 1, 8, 3);
  const int fd = ::open(live.c_str(), O_RDONLY);
  BOOST_REQUIRE(fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0);  // a writer that is still running
  const Run r = quantize(model, d / "q.safetensors");
  ::close(fd);
  BOOST_REQUIRE(r.status == AQ_OK);
  BOOST_TEST(!reltest::exists(stale));
  BOOST_TEST(reltest::exists(live));
  BOOST_TEST(has(r.report, "removed " + stale));
  BOOST_TEST(!has(r.report, live));
  input_unchanged();
}

BOOST_FIXTURE_TEST_CASE(a_moved_aside_old_output_is_restored_never_deleted, Fixture) {
  BOOST_REQUIRE(quantize(big_model(), d / "out", kSharded).status == AQ_OK);
  BOOST_REQUIRE(reltest::is_dir(d / "out"));
  const uint64_t old_sum = reltest::checksum(d / "out");
  // A directory replace killed between its two renames: the old output is aside, nothing under the name.
  const std::string aside = d / ".out.aqtmp-old-Ab12Cd";
  BOOST_REQUIRE(::rename((d / "out").c_str(), aside.c_str()) == 0);
  const Run refused = quantize(model, d / "out", {{"overwrite", "false"}});
  BOOST_TEST(refused.status == AQ_ERR_INVALID_ARGUMENT);  // restored first, so the output exists again
  BOOST_TEST(has(refused.message, "restored"), refused.message);
  BOOST_TEST(!reltest::exists(aside));
  BOOST_TEST(reltest::checksum(d / "out") == old_sum);
  // An aside copy next to an existing output is kept (and said so), never deleted.
  BOOST_REQUIRE(::mkdir(aside.c_str(), 0777) == 0);
  const Run other = quantize(model, d / "out", {{"overwrite", "false"}});
  BOOST_TEST(has(other.message, "kept " + aside), other.message);
  BOOST_TEST(reltest::is_dir(aside));
  input_unchanged();
}
