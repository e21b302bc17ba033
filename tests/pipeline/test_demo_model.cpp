// The demo model's bytes are pinned: `arrowquant demo`, the CLI tests and the benchmarks all start from it, so a
// change to its generator (random numbers, distributions, layout) must be deliberate. FNV-1a 64 of the whole
// safetensors file (header and data) for two seeds.
#define BOOST_TEST_MODULE demo_model
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "arrowquant/pipeline.hpp"
#include "temp_dir.hpp"

namespace {

uint64_t fnv1a64_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE(in);
  uint64_t h = 0xcbf29ce484222325ull;
  for (std::istreambuf_iterator<char> it(in), end; it != end; ++it) {
    h ^= static_cast<unsigned char>(*it);
    h *= 0x100000001b3ull;
  }
  return h;
}

uint64_t file_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return static_cast<uint64_t>(in.tellg());
}

}  // namespace

BOOST_AUTO_TEST_CASE(demo_model_bytes_are_pinned_for_seed_0) {
  aqtest::TempDir d("demo");
  aq::write_demo_model(d / "demo.safetensors", 0);
  BOOST_TEST(file_size(d / "demo.safetensors") == 66323568u);
  BOOST_TEST(fnv1a64_of_file(d / "demo.safetensors") == 0x3967181bea0127ecull);
}

BOOST_AUTO_TEST_CASE(demo_model_bytes_are_pinned_for_seed_7) {
  aqtest::TempDir d("demo");
  aq::write_demo_model(d / "demo.safetensors", 7);
  BOOST_TEST(file_size(d / "demo.safetensors") == 66323568u);
  BOOST_TEST(fnv1a64_of_file(d / "demo.safetensors") == 0xa3d5603fff5c5176ull);
}
