// Fuzz target: the conformance-vector reader of conformance/runner.cpp and, through it, the time-aware C ABI
// functions it drives with whatever inputs a vector file holds.
//
// The runner has no library entry point, so its source is compiled into this target with `main` renamed
// (see fuzz/CMakeLists.txt) and called as `aq-conformance FILE` on the fuzzed file. Its report lines go to
// /dev/null. Oracle: no crash, no sanitizer report, no timeout; the C ABI turns every bad value into a status
// (the runner prints it as a failed case).
//
// Sizes: the runner trusts its vector files and allocates the output arrays the C ABI fills (num_timesteps,
// num_groups, ...), so a file asking for 10^12 timesteps makes *the runner* allocate terabytes. That is not a
// defect of the library (whose functions write into caller-provided buffers), so documents holding an integer
// literal above 2^20 are skipped; reals of any magnitude are kept.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fuzz_util.hpp"

int aq_conformance_runner_main(int argc, char** argv);

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::fflush(stdout);
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull >= 0) {
    ::dup2(devnull, STDOUT_FILENO);
    ::close(devnull);
  }
  return 0;
}

namespace {

constexpr uint64_t kMaxInteger = uint64_t(1) << 20;

bool has_huge_integer(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::int64: return v.get_int64() > int64_t(kMaxInteger) || v.get_int64() < -int64_t(kMaxInteger);
    case boost::json::kind::uint64: return v.get_uint64() > kMaxInteger;
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (has_huge_integer(e)) return true;
      return false;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (has_huge_integer(kv.value())) return true;
      return false;
    default: return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::json::error_code ec;
  const boost::json::value doc =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (!ec && has_huge_integer(doc)) return -1;  // -1: libFuzzer does not add the input to the corpus
  std::string path = aqfuzz::write_scratch("vectors.json", data, size);
  char arg0[] = "aq-conformance";
  char* argv[] = {arg0, path.data(), nullptr};
  const int rc = aq_conformance_runner_main(2, argv);
  FUZZ_CHECK(rc == 0 || rc == 1, "runner exit status %d", rc);
  return 0;
}
