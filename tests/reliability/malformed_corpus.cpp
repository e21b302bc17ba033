// The malformed-input corpus (tests/data/malformed/, written by scripts/make-malformed-corpus) through the C ABI:
// every file gets the status and message its manifest entry expects at each stage (open + info, read of every
// tensor, quantize), a failed quantization leaves nothing under the output name and no temporary, and no input
// file is ever modified.
#define BOOST_TEST_MODULE malformed_corpus
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "reliability_util.hpp"

namespace bj = boost::json;
using reltest::TempDir;

namespace {

const std::string kDir = std::string(AQ_SOURCE_DIR) + "/tests/data/malformed";

const bj::object& manifest() {
  static const bj::value m = [] {
    const auto bytes = reltest::read_file(kDir + "/manifest.json");
    return bj::parse(std::string(bytes.begin(), bytes.end()));
  }();
  return m.as_object();
}
const bj::array& entries() { return manifest().at("files").as_array(); }

// Checksums of every input, taken when the first test case starts.
const std::vector<uint64_t>& input_checksums() {
  static const std::vector<uint64_t> sums = [] {
    std::vector<uint64_t> v;
    for (const auto& e : entries()) v.push_back(reltest::checksum(kDir + "/" + e.at("file").as_string().c_str()));
    return v;
  }();
  return sums;
}

struct Outcome {
  aq_status status = AQ_OK;
  std::string message;
};

// Compare an outcome with {"status": NAME, "message": SUBSTRING}.
void check(const std::string& file, const char* stage, const Outcome& got, const bj::object& want) {
  const std::string want_status(want.at("status").as_string().c_str());
  const std::string want_msg(want.at("message").as_string().c_str());
  BOOST_TEST_CONTEXT(file << " [" << stage << "]: " << aq_status_name(got.status) << ": " << got.message) {
    BOOST_TEST(std::string(aq_status_name(got.status)) == want_status);
    BOOST_TEST((got.message.find(want_msg) != std::string::npos),
               "message lacks '" << want_msg << "'");
    if (got.status != AQ_OK) BOOST_TEST(!got.message.empty());
  }
}

Outcome last(aq_status s) { return {s, s == AQ_OK ? std::string() : std::string(aq_last_error_message())}; }

Outcome inspect(const std::string& path) {
  aq_model* m = nullptr;
  aq_status s = aq_model_open(path.c_str(), &m);
  if (s != AQ_OK) {
    BOOST_TEST(m == nullptr);
    return last(s);
  }
  const char* data = nullptr;
  uint64_t bytes = 0;
  s = aq_model_info(m, &data, &bytes);
  Outcome o = last(s);
  aq_model_free(m);
  return o;
}

Outcome read_all(const std::string& path) {
  aq_model* m = nullptr;
  aq_status s = aq_model_open(path.c_str(), &m);
  if (s != AQ_OK) return last(s);
  Outcome o;
  const uint64_t n = aq_model_tensor_count(m);
  for (uint64_t i = 0; i < n && o.status == AQ_OK; ++i) {
    const char* name = nullptr;
    s = aq_model_tensor_name(m, i, &name);
    if (s != AQ_OK) {
      o = last(s);
      break;
    }
    uint64_t e = 0;
    s = aq_model_tensor_elements(m, name, &e);
    if (s != AQ_OK) {
      o = last(s);
      break;
    }
    std::vector<float> buf(e ? e : 1);  // a valid pointer also for zero-size tensors (NULL is refused)
    s = aq_model_read_tensor(m, name, AQ_DTYPE_F32, buf.data(), e * 4);
    if (s != AQ_OK) o = last(s);
  }
  aq_model_free(m);
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(corpus_has_at_least_30_files_all_in_the_manifest) {
  (void)input_checksums();
  BOOST_TEST(std::string(manifest().at("format").as_string().c_str()) == "arrowquant-malformed-manifest/1");
  BOOST_TEST(entries().size() >= 30u);
  std::set<std::string> listed;
  for (const auto& e : entries()) {
    const std::string f(e.at("file").as_string().c_str());
    BOOST_TEST(listed.insert(f).second, "listed twice: " << f);
    BOOST_TEST(reltest::exists(kDir + "/" + f), "missing: " << f);
  }
  for (const auto& n : TempDir::list(kDir))
    if (n != "manifest.json") BOOST_TEST(listed.count(n) == 1u, "not in the manifest: " << n);
}

BOOST_AUTO_TEST_CASE(open_and_info_give_the_expected_status_and_message) {
  for (const auto& e : entries()) {
    const std::string f(e.at("file").as_string().c_str());
    check(f, "inspect", inspect(kDir + "/" + f), e.at("inspect").as_object());
  }
}

BOOST_AUTO_TEST_CASE(reading_every_tensor_gives_the_expected_status_and_message) {
  int checked = 0;
  for (const auto& e : entries()) {
    const auto* want = e.as_object().if_contains("read");
    if (!want) continue;
    const std::string f(e.at("file").as_string().c_str());
    check(f, "read", read_all(kDir + "/" + f), want->as_object());
    ++checked;
  }
  BOOST_TEST(checked >= 10);
}

BOOST_AUTO_TEST_CASE(quantize_fails_cleanly_or_writes_a_readable_model) {
  aq_set_num_threads(2);
  int checked = 0;
  for (const auto& e : entries()) {
    const auto& want = e.at("quantize");
    if (want.is_null()) continue;
    const std::string f(e.at("file").as_string().c_str());
    const std::string in = kDir + "/" + f;
    TempDir out_dir("malformed_q");
    const std::string out = out_dir / "out.safetensors";
    aq_report* report = nullptr;
    const Outcome got = last(aq_quantize_model(in.c_str(), out.c_str(), nullptr, nullptr, nullptr, &report));
    check(f, "quantize", got, want.as_object());
    BOOST_TEST_CONTEXT(f) {
      if (got.status == AQ_OK) {
        BOOST_TEST(report != nullptr);
        BOOST_TEST(TempDir::list(out_dir.path) == std::vector<std::string>{"out.safetensors"});
        BOOST_TEST(inspect(out).status == AQ_OK);
        BOOST_TEST(read_all(out).status == AQ_OK);
      } else {
        BOOST_TEST(!reltest::exists(out), "output exists after a failed run");
        BOOST_TEST(TempDir::list(out_dir.path).empty(), "leftovers after a failed run");
      }
    }
    aq_report_free(report);
    ++checked;
  }
  BOOST_TEST(checked >= 30);
}

// Runs last (test cases run in declaration order): the checksums taken before any stage ran must still hold.
BOOST_AUTO_TEST_CASE(no_stage_modifies_an_input_file) {
  std::size_t i = 0;
  BOOST_TEST_REQUIRE(input_checksums().size() == entries().size());
  for (const auto& e : entries())
    BOOST_TEST(reltest::checksum(kDir + "/" + e.at("file").as_string().c_str()) == input_checksums()[i++],
               "changed: " << e.at("file").as_string().c_str());
}
