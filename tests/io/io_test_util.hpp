// Helpers of the io tests: a scratch directory, hand-made safetensors bytes, and error expectations.
#pragma once
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "arrowquant/error.hpp"
#include "../common/temp_dir.hpp"

namespace iotest {

// A fresh directory under TMPDIR (default /tmp), removed with its contents when the test ends.
struct TempDir : aqtest::TempDir {
  TempDir() : aqtest::TempDir("io_test") {}
};

inline std::vector<uint8_t> le64(uint64_t n) {
  std::vector<uint8_t> b(8);
  for (int i = 0; i < 8; ++i) b[i] = uint8_t(n >> (8 * i));
  return b;
}

// [8-byte length][header][data]
inline std::vector<uint8_t> make_st(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> f(8 + header.size() + data.size());
  for (int i = 0; i < 8; ++i) f[std::size_t(i)] = uint8_t(uint64_t(header.size()) >> (8 * i));
  std::copy(header.begin(), header.end(), f.begin() + 8);
  std::copy(data.begin(), data.end(), f.begin() + 8 + std::ptrdiff_t(header.size()));
  return f;
}

inline std::vector<uint8_t> pattern(std::size_t n, unsigned seed = 1) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = uint8_t((i * 7 + seed * 13 + 1) % 251);
  return v;
}

inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  BOOST_REQUIRE(f.good());
}
inline void write_text(const std::string& path, const std::string& text) {
  write_file(path, std::vector<uint8_t>(text.begin(), text.end()));
}
inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}
inline bool exists(const std::string& path) {
  struct stat sb;
  return ::stat(path.c_str(), &sb) == 0;
}

// Run fn, expect aq::Error with `status` whose message contains every needle. Returns the message.
inline std::string expect_error(const std::function<void()>& fn, aq::Status status,
                                std::initializer_list<const char*> needles) {
  try {
    fn();
  } catch (const aq::Error& e) {
    const std::string msg = e.what();
    BOOST_TEST(int(e.status()) == int(status), "status " << int(e.status()) << " != " << int(status) << ": " << msg);
    for (const char* n : needles)
      BOOST_TEST(msg.find(n) != std::string::npos, "message lacks \"" << n << "\": " << msg);
    return msg;
  }
  BOOST_ERROR("no aq::Error thrown (expected status " << int(status) << ")");
  return {};
}

}  // namespace iotest
