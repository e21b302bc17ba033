// Shared helpers of the libFuzzer targets (docs/reliability.md).
//
// Oracle of every target: an input may be rejected only with aq::Error (C++ targets) or a status other than
// AQ_ERR_INTERNAL (C ABI targets). Any other exception, an internal error, a sanitizer report, a timeout or an
// allocation far beyond the input's size is a finding. Targets add their own invariants through FUZZ_CHECK.
#pragma once
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>
#include <vector>

// Like assert, but never compiled out (fuzz builds are RelWithDebInfo) and with a message libFuzzer shows.
#define FUZZ_CHECK(cond, ...)                                                                    \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
      std::fprintf(stderr, "  " __VA_ARGS__);                                                    \
      std::fprintf(stderr, "\n");                                                                \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)

namespace aqfuzz {

// One scratch directory per fuzzing process (libFuzzer -jobs/-workers run several), removed at exit. Targets
// whose entry point takes a path write the input there; /dev/shm keeps it in memory when available.
inline std::vector<std::string>& scratch_files() {
  static std::vector<std::string> files;
  return files;
}

inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string base = "/dev/shm";
    if (::access(base.c_str(), W_OK) != 0) {
      const char* t = std::getenv("TMPDIR");
      base = t && *t ? t : "/tmp";
    }
    std::string tmpl = base + "/aq-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) {
      std::perror("aq fuzz: mkdtemp");
      std::abort();
    }
    return tmpl;
  }();
  static const bool registered = [] {
    (void)scratch_files();  // constructed before the handler is registered, so destroyed after it runs
    std::atexit([] {
      for (const auto& f : scratch_files()) ::unlink(f.c_str());
      ::rmdir(scratch_dir().c_str());
    });
    return true;
  }();
  (void)registered;
  return dir;
}

// Write bytes to scratch_dir()/name (replacing it) and return the path.
inline std::string write_scratch(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  auto& files = scratch_files();
  if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("aq fuzz: open scratch file");
    std::abort();
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t r = ::write(fd, data + done, size - done);
    if (r <= 0) {
      std::perror("aq fuzz: write scratch file");
      std::abort();
    }
    done += size_t(r);
  }
  ::close(fd);
  return path;
}

}  // namespace aqfuzz
