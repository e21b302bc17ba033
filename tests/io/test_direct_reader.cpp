// io::DirectReader (O_DIRECT reads of large input tensors into a reused aligned buffer): every range, at any
// offset and length, holds the file's bytes; a file it cannot open gives nullptr (the pipeline then reads through
// its mapping). On a file system that refuses O_DIRECT every call gives nullptr, which the pipeline test of every
// io_mode covers with the same output bytes.
#define BOOST_TEST_MODULE direct_reader
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "../common/temp_dir.hpp"
#include "io/direct_reader.hpp"

BOOST_AUTO_TEST_CASE(ranges_at_any_offset_hold_the_files_bytes) {
  aqtest::TempDir d("direct_reader");
  const std::string path = d / "data.bin";
  std::vector<uint8_t> bytes((uint64_t(9) << 20) + 123);  // not a multiple of the block size
  uint64_t s = 11;
  for (auto& b : bytes) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    b = static_cast<uint8_t>(s >> 56);
  }
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  aq::io::DirectReader r;
  const uint64_t n = bytes.size();
  const std::pair<uint64_t, uint64_t> ranges[] = {{0, 1},         {1, 4095},      {4095, 2},   {4096, 4096},
                                                  {12293, 5 << 20}, {n - 3, 3},   {0, n},      {n - 70000, 70000},
                                                  {7, 100}};
  int direct = 0;
  for (const auto& [off, len] : ranges) {
    BOOST_TEST_CONTEXT("offset " << off << " length " << len) {
      const uint8_t* p = r.read(path, off, len);
      if (!p) continue;  // a file system without O_DIRECT
      ++direct;
      BOOST_TEST(std::memcmp(p, bytes.data() + off, len) == 0);
    }
  }
  BOOST_TEST_MESSAGE(direct << " of 9 ranges read with O_DIRECT");
  BOOST_TEST(r.read(d / "missing.bin", 0, 10) == nullptr);
}
