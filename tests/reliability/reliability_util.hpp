// Helpers of the reliability tests: scratch directories, file checksums, directory listings, test models, and
// running the `arrowquant` tool as a child process.
#pragma once
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/safetensors.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

extern char** environ;

namespace reltest {

using TempDir = aqtest::TempDir;

inline bool exists(const std::string& p) {
  struct stat sb;
  return ::lstat(p.c_str(), &sb) == 0;
}
inline bool is_dir(const std::string& p) {
  struct stat sb;
  return ::stat(p.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
}

inline uint64_t file_size(const std::string& p) {
  struct stat sb;
  BOOST_REQUIRE_MESSAGE(::stat(p.c_str(), &sb) == 0, "cannot stat " + p);
  return uint64_t(sb.st_size);
}

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(f.good(), "cannot open " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// FNV-1a 64 of a file, or of every regular file under a directory (names included, sorted): enough to notice any
// change to a test input.
inline uint64_t checksum(const std::string& path) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  if (is_dir(path)) {
    for (const auto& n : TempDir::list(path)) {
      mix(reinterpret_cast<const uint8_t*>(n.data()), n.size());
      const uint64_t sub = checksum(path + "/" + n);
      mix(reinterpret_cast<const uint8_t*>(&sub), sizeof sub);
    }
    return h;
  }
  const auto bytes = read_file(path);
  mix(bytes.data(), bytes.size());
  return h;
}

// Contents of a model output (file or shard directory) as one byte string, for exact comparisons.
inline std::vector<uint8_t> model_bytes(const std::string& path) {
  if (!is_dir(path)) return read_file(path);
  std::vector<uint8_t> all;
  for (const auto& n : TempDir::list(path)) {
    all.insert(all.end(), n.begin(), n.end());
    const auto b = model_bytes(path + "/" + n);
    all.insert(all.end(), b.begin(), b.end());
  }
  return all;
}

// The tensors (name, dtype, shape, bytes) and the metadata of a model, whatever their order in the file: what a
// single-pass streamed output (tensors in the order written, a reserved header) shares with the in-memory one.
inline std::string model_contents(const std::string& path) {
  const aq::st::Reader r = aq::st::Reader::open(path);
  std::string out;
  for (const auto& [k, v] : r.metadata()) out += "M " + k + "=" + v + "\n";
  for (const auto& t : r.tensors()) {
    out += "T " + t.name + " " + aq::st::dtype_name(t.dtype);
    for (uint64_t d : t.shape) out += " " + std::to_string(d);
    out += "\n";
    std::vector<uint8_t> b(t.nbytes);
    if (t.nbytes) r.read(t, 0, b.data(), t.nbytes);
    out.append(b.begin(), b.end());
  }
  return out;
}

// A synthetic model: `layers` blocks of F32 [rows, cols] linear weights plus a norm vector each, deterministic.
inline void write_model(const std::string& path, int layers, uint64_t rows, uint64_t cols, uint64_t seed) {
  aq::st::Writer w(path);
  w.set_metadata("description", "synthetic reliability-test model");
  for (int l = 0; l < layers; ++l) {
    const std::string p = "blocks." + std::to_string(l);
    w.declare(p + ".linear.weight", aq::st::DType::F32, {rows, cols});
    w.declare(p + ".norm.weight", aq::st::DType::F32, {cols});
  }
  w.begin();
  for (int l = 0; l < layers; ++l) {
    const std::string p = "blocks." + std::to_string(l);
    const auto v = aqtest::gaussian(rows * cols, 0.02, seed * 1000 + uint64_t(l));
    w.write(p + ".linear.weight", v.data(), v.size() * 4);
    std::vector<float> ones(cols, 1.0f);
    w.write(p + ".norm.weight", ones.data(), ones.size() * 4);
  }
  w.commit();
}

// Every entry of dir other than `keep` must be a recognisable temporary (st::is_temporary_name).
inline std::vector<std::string> non_temporary_leftovers(const std::string& dir, const std::vector<std::string>& keep) {
  std::vector<std::string> bad;
  for (const auto& n : TempDir::list(dir))
    if (std::find(keep.begin(), keep.end(), n) == keep.end() && !aq::st::is_temporary_name(n)) bad.push_back(n);
  return bad;
}
inline std::vector<std::string> temporaries(const std::string& dir) {
  std::vector<std::string> t;
  for (const auto& n : TempDir::list(dir))
    if (aq::st::is_temporary_name(n)) t.push_back(n);
  return t;
}

// A child process running argv with extra environment entries ("NAME=value"); stdout/stderr to files.
struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;

  Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, const std::string& log_base) {
    out_path = log_base + ".out";
    err_path = log_base + ".err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string s = *e;
      if (s.rfind("ARROW_QUANT_", 0) == 0 || s.rfind("AQ_FAULT_", 0) == 0) continue;  // tests set their own
      env.push_back(s);
    }
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    const int rc = posix_spawn(&pid, a[0], &fa, nullptr, a.data(), e.data());
    posix_spawn_file_actions_destroy(&fa);
    BOOST_REQUIRE_MESSAGE(rc == 0, "posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }

  // Wait; returns the raw wait status and fills the peak resident set of the child (KiB) when asked.
  int wait(long* maxrss_kib = nullptr) {
    int status = 0;
    struct rusage ru;
    std::memset(&ru, 0, sizeof ru);
    BOOST_REQUIRE(::wait4(pid, &status, 0, &ru) == pid);
    if (maxrss_kib) *maxrss_kib = ru.ru_maxrss;
    pid = -1;
    return status;
  }
  // Non-blocking: true when the child has exited (status stored).
  bool poll(int* status) {
    if (pid <= 0) return true;
    if (::waitpid(pid, status, WNOHANG) != pid) return false;
    pid = -1;
    return true;
  }
  std::string err() const {
    const auto b = read_file(err_path);
    return std::string(b.begin(), b.end());
  }
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      int st;
      ::waitpid(pid, &st, 0);
    }
  }
};

inline std::string status_name(aq_status s) { return aq_status_name(s); }

// The io_mode a crash-safety test runs its quantizations with: CTest registers those tests once per mode
// (AQ_TEST_IO_MODE=direct|buffered; tests/reliability/CMakeLists.txt). Empty: the configuration's default.
inline std::string test_io_mode() {
  const char* m = std::getenv("AQ_TEST_IO_MODE");
  return m ? m : "";
}

// The caller's ARROW_QUANT_* overrides (and a stray fault-injection switch) must not change what a test checks:
// every reliability test executable clears them before its first test case (this header is included by exactly
// one translation unit per executable).
struct ClearAqEnvironment {
  ClearAqEnvironment() {
    std::vector<std::string> names;
    for (char** e = environ; *e; ++e) {
      const std::string s = *e;
      if (s.rfind("ARROW_QUANT_", 0) == 0 || s.rfind("AQ_FAULT_", 0) == 0) names.push_back(s.substr(0, s.find('=')));
    }
    for (const auto& n : names) ::unsetenv(n.c_str());
  }
};
BOOST_TEST_GLOBAL_FIXTURE(ClearAqEnvironment);

}  // namespace reltest
