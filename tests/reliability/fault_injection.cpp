// Write failures (built only with AQ_FAULT_INJECTION, e.g. the asan preset): with AQ_FAULT_WRITE_AFTER_BYTES=N
// and AQ_FAULT_ERRNO=ENOSPC|EIO the writer's writes fail once N bytes were written. Whatever N, the call returns
// AQ_ERR_IO naming the error, the output name holds nothing new (absent, or the older model it held before),
// no temporary is left behind, and the input is unchanged; with N at least the output's size the run succeeds
// and writes the same bytes as without the switch.
#define BOOST_TEST_MODULE fault_injection
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

using reltest::TempDir;

namespace {

struct FaultSwitch {
  FaultSwitch(uint64_t after, const char* err) {
    ::setenv("AQ_FAULT_WRITE_AFTER_BYTES", std::to_string(after).c_str(), 1);
    ::setenv("AQ_FAULT_ERRNO", err, 1);
  }
  ~FaultSwitch() {
    ::unsetenv("AQ_FAULT_WRITE_AFTER_BYTES");
    ::unsetenv("AQ_FAULT_ERRNO");
  }
};

struct Model {
  TempDir dir{"fault_in"};
  std::string path = dir / "in.safetensors";
  uint64_t sum = 0;
  Model() {
    // 8 x [512, 1024] F32: about 2.4 MB quantized, 3 shards at max_shard_size_mb = 1.
    reltest::write_model(path, 8, 512, 1024, 3);
    sum = reltest::checksum(path);
  }
};

// With the io_mode under test (reltest::test_io_mode()) added.
aq_config* config(const char* json) {
  boost::json::object o = boost::json::parse(json).as_object();
  if (!reltest::test_io_mode().empty()) o["io_mode"] = reltest::test_io_mode();
  aq_config* c = nullptr;
  BOOST_REQUIRE(aq_config_from_json(boost::json::serialize(o).c_str(), &c) == AQ_OK);
  return c;
}

aq_status quantize(const std::string& in, const std::string& out, const aq_config* c) {
  return aq_quantize_model(in.c_str(), out.c_str(), c, nullptr, nullptr, nullptr);
}

// The byte counts at which to fail: the start, inside the 8-byte length, inside the header, the first data
// bytes, the middle, the last byte.
std::vector<uint64_t> fault_points(uint64_t total) {
  return {0, 1, 7, 8, 100, 4096, total / 2, total - 1};
}

const char* errno_text(const char* name) { return std::strcmp(name, "ENOSPC") == 0 ? std::strerror(ENOSPC) : std::strerror(EIO); }

}  // namespace

BOOST_AUTO_TEST_CASE(failed_writes_leave_no_output_and_no_temporary) {
  aq_set_num_threads(2);
  Model m;
  aq_config* c = config("{\"num_time_groups\": 4}");
  TempDir ref_dir("fault_ref");
  const std::string ref = ref_dir / "out.safetensors";
  BOOST_REQUIRE(quantize(m.path, ref, c) == AQ_OK);
  const std::vector<uint8_t> ref_bytes = reltest::read_file(ref);
  const uint64_t total = ref_bytes.size();

  for (const char* err : {"ENOSPC", "EIO"}) {
    for (uint64_t n : fault_points(total)) {
      BOOST_TEST_CONTEXT(err << " after " << n << " of " << total << " bytes") {
        TempDir out_dir("fault_out");
        const std::string out = out_dir / "out.safetensors";
        aq_status s;
        {
          FaultSwitch f(n, err);
          s = quantize(m.path, out, c);
        }
        BOOST_TEST(s == AQ_ERR_IO);
        const std::string msg = aq_last_error_message();
        BOOST_TEST(msg.find("(injected fault)") != std::string::npos, msg);
        BOOST_TEST(msg.find(errno_text(err)) != std::string::npos, msg);
        BOOST_TEST(!reltest::exists(out));
        BOOST_TEST(TempDir::list(out_dir.path).empty());
      }
    }
    // At or above the output's size nothing fails, and the bytes are those of a run without the switch.
    TempDir out_dir("fault_ok");
    const std::string out = out_dir / "out.safetensors";
    {
      FaultSwitch f(total, err);
      BOOST_TEST(quantize(m.path, out, c) == AQ_OK, aq_last_error_message());
    }
    BOOST_TEST((reltest::read_file(out) == ref_bytes));
  }
  aq_config_free(c);
  BOOST_TEST(reltest::checksum(m.path) == m.sum, "the input was modified");
}

BOOST_AUTO_TEST_CASE(failed_replacement_keeps_the_older_model) {
  Model m;
  aq_config* old_cfg = config("{\"bit_width\": 8, \"num_time_groups\": 4}");
  aq_config* c = config("{\"num_time_groups\": 4}");
  TempDir out_dir("fault_replace");
  const std::string out = out_dir / "out.safetensors";
  BOOST_REQUIRE(quantize(m.path, out, old_cfg) == AQ_OK);
  const std::vector<uint8_t> old_bytes = reltest::read_file(out);
  for (const char* err : {"ENOSPC", "EIO"}) {
    for (uint64_t n : {uint64_t(0), uint64_t(8), uint64_t(50000), uint64_t(old_bytes.size() / 3)}) {
      BOOST_TEST_CONTEXT(err << " after " << n << " bytes") {
        FaultSwitch f(n, err);
        BOOST_TEST(quantize(m.path, out, c) == AQ_ERR_IO);
        BOOST_TEST((reltest::read_file(out) == old_bytes), "the older model changed");
        BOOST_TEST(TempDir::list(out_dir.path) == std::vector<std::string>{"out.safetensors"});
      }
    }
  }
  aq_config_free(old_cfg);
  aq_config_free(c);
  BOOST_TEST(reltest::checksum(m.path) == m.sum);
}

BOOST_AUTO_TEST_CASE(failed_sharded_write_leaves_no_directory) {
  Model m;
  aq_config* c = config("{\"num_time_groups\": 4, \"max_shard_size_mb\": 1}");
  TempDir ref_dir("fault_shref");
  BOOST_REQUIRE(quantize(m.path, ref_dir / "out", c) == AQ_OK);
  BOOST_TEST_REQUIRE(reltest::is_dir(ref_dir / "out"));
  const std::vector<std::string> shards = TempDir::list(ref_dir / "out");
  BOOST_TEST_REQUIRE(shards.size() >= 3u);  // at least two shards and the index
  uint64_t total = 0;
  for (const auto& s : shards) total += reltest::read_file(ref_dir / ("out/" + s)).size();
  // Points inside the first shard, in a later shard, and inside the index (written last).
  for (uint64_t n : {uint64_t(0), uint64_t(1) << 20, total / 2, total - 10}) {
    for (const char* err : {"ENOSPC", "EIO"}) {
      BOOST_TEST_CONTEXT(err << " after " << n << " of " << total << " bytes") {
        TempDir out_dir("fault_sh");
        FaultSwitch f(n, err);
        BOOST_TEST(quantize(m.path, out_dir / "out", c) == AQ_ERR_IO);
        BOOST_TEST(TempDir::list(out_dir.path).empty());
      }
    }
  }
  aq_config_free(c);
  BOOST_TEST(reltest::checksum(m.path) == m.sum);
}

BOOST_AUTO_TEST_CASE(failed_dequantized_export_leaves_nothing) {
  Model m;
  aq_config* c = config("{\"num_time_groups\": 4}");
  TempDir q_dir("fault_q");
  const std::string q = q_dir / "q.safetensors";
  BOOST_REQUIRE(quantize(m.path, q, c) == AQ_OK);
  const uint64_t q_sum = reltest::checksum(q);
  for (uint64_t n : {uint64_t(0), uint64_t(64), uint64_t(1) << 20}) {
    TempDir out_dir("fault_exp");
    FaultSwitch f(n, "ENOSPC");
    BOOST_TEST(aq_export_dequantized(q.c_str(), (out_dir / "f32.safetensors").c_str(), AQ_DTYPE_F32) == AQ_ERR_IO);
    BOOST_TEST(TempDir::list(out_dir.path).empty());
  }
  aq_config_free(c);
  BOOST_TEST(reltest::checksum(q) == q_sum);
}

BOOST_AUTO_TEST_CASE(failed_streaming_write_leaves_nothing) {
  // Over the memory budget the pipeline writes while it quantizes (single pass; or, with AQ_TEST_TWO_PASS=1,
  // during the second pass): a failure then comes in the middle of the quantization, with the writer's temporary
  // open; in a single pass also at commit(), which writes the reserved header last.
  Model m;
  aq_config* c = config("{\"num_time_groups\": 4, \"max_memory_limit_mb\": 1}");
  for (const char* field : {"streaming_single_pass", "streaming_two_pass"}) {
    const bool two = std::strcmp(field, "streaming_two_pass") == 0;
    if (two) ::setenv("AQ_TEST_TWO_PASS", "1", 1);
    TempDir ref_dir("fault_2p_ref");
    const std::string ref = ref_dir / "out.safetensors";
    aq_report* rep = nullptr;
    BOOST_REQUIRE(aq_quantize_model(m.path.c_str(), ref.c_str(), c, nullptr, nullptr, &rep) == AQ_OK);
    const char* json = nullptr;
    uint64_t bytes = 0;
    BOOST_REQUIRE(aq_report_text(rep, &json, &bytes) == AQ_OK);
    const boost::json::value r = boost::json::parse(std::string(json, bytes));
    BOOST_TEST_REQUIRE(r.at(field).as_bool());
    aq_report_free(rep);
    const uint64_t total = reltest::file_size(ref);
    for (uint64_t n : {uint64_t(0), uint64_t(8), total / 3, total - 1}) {
      BOOST_TEST_CONTEXT(field << ": EIO after " << n << " of " << total << " bytes") {
        TempDir out_dir("fault_2p");
        FaultSwitch f(n, "EIO");
        BOOST_TEST(quantize(m.path, out_dir / "out.safetensors", c) == AQ_ERR_IO);
        BOOST_TEST(TempDir::list(out_dir.path).empty());
      }
    }
    ::unsetenv("AQ_TEST_TWO_PASS");
  }
  aq_config_free(c);
  BOOST_TEST(reltest::checksum(m.path) == m.sum);
}
