// Machine limits measured in the same run as a benchmark, so that its figures can be read as ratios to them:
// memory read bandwidth, and how fast this machine reads a file from the page cache and writes one into it.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace aqbench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Read-only memory bandwidth in GB/s: threads each sum their share of a 64 MiB buffer; best of 7 runs.
inline double read_bandwidth(int threads) {
  const std::size_t bytes = std::size_t{64} << 20;
  const std::size_t n = bytes / 8;
  std::vector<uint64_t> buf(n);
  for (std::size_t i = 0; i < n; ++i) buf[i] = i * 2654435761u;
  double best = 0;
  volatile uint64_t sink = 0;
  for (int rep = 0; rep < 7; ++rep) {
    std::vector<uint64_t> sums(threads, 0);
    const auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        const std::size_t b = n * t / threads, e = n * (t + 1) / threads;
        uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (std::size_t i = b; i + 8 <= e; i += 8) {
          a0 += buf[i]; a1 += buf[i + 1]; a2 += buf[i + 2]; a3 += buf[i + 3];
          a4 += buf[i + 4]; a5 += buf[i + 5]; a6 += buf[i + 6]; a7 += buf[i + 7];
        }
        sums[t] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
      });
    }
    for (auto& th : ts) th.join();
    const double s = seconds_since(t0);
    for (auto v : sums) sink = sink + v;
    best = std::max(best, bytes / s / 1e9);
  }
  return best;
}

// Seconds to pread a whole (page-cached) file in 64 MiB chunks into one buffer.
inline double file_read_seconds(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  std::vector<char> buf(std::size_t{64} << 20);
  const auto t0 = Clock::now();
  uint64_t off = 0;
  for (;;) {
    const ssize_t r = ::pread(fd, buf.data(), buf.size(), off_t(off));
    if (r <= 0) break;
    off += uint64_t(r);
  }
  const double s = seconds_since(t0);
  ::close(fd);
  return s;
}

// What writing `bytes` into a new file in `dir` costs here, the way the pipeline writes (large pwrites into the
// page cache, then fsync): seconds for the writes and, separately, for the fsync. The file is removed.
struct WriteCost {
  double write_s = 0, fsync_s = 0;
};
inline WriteCost file_write_cost(const std::string& dir, uint64_t bytes) {
  const std::string path = dir + "/aq-bench-write-probe.tmp";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  std::vector<char> buf(std::size_t{64} << 20, 1);
  WriteCost c;
  const auto t0 = Clock::now();
  for (uint64_t off = 0; off < bytes;) {
    const std::size_t n = std::size_t(std::min<uint64_t>(buf.size(), bytes - off));
    const ssize_t r = ::pwrite(fd, buf.data(), n, off_t(off));
    if (r <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      throw std::runtime_error("write probe failed in " + dir);
    }
    off += uint64_t(r);
  }
  c.write_s = seconds_since(t0);
  const auto t1 = Clock::now();
  ::fsync(fd);
  c.fsync_s = seconds_since(t1);
  ::close(fd);
  ::unlink(path.c_str());
  return c;
}

// The same probes through O_DIRECT, the way the writer's io_mode direct works: one 8 MiB buffer aligned to 4 KiB,
// allocated and touched once, reused for every chunk. Reading bypasses the page cache (the device's own speed);
// writing puts the whole 4 KiB blocks through O_DIRECT and the short tail through an ordinary descriptor, then
// fsync. A negative time: the file system refused O_DIRECT.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t bytes) : bytes_(bytes) {
    void* p = nullptr;
    if (::posix_memalign(&p, 4096, bytes) != 0) throw std::runtime_error("posix_memalign failed");
    p_ = static_cast<char*>(p);
    std::memset(p_, 1, bytes);  // faulted in here, not inside the timed loop
  }
  ~AlignedBuffer() { std::free(p_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  char* data() const { return p_; }
  std::size_t size() const { return bytes_; }

 private:
  char* p_ = nullptr;
  std::size_t bytes_;
};

inline double file_read_direct_seconds(const std::string& path, AlignedBuffer& buf) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
  if (fd < 0) return -1;
  const auto t0 = Clock::now();
  uint64_t off = 0;
  for (;;) {
    const ssize_t r = ::pread(fd, buf.data(), buf.size(), off_t(off));
    if (r < 0) {
      ::close(fd);
      return -1;
    }
    if (r == 0) break;
    off += uint64_t(r);
  }
  const double s = seconds_since(t0);
  ::close(fd);
  return s;
}

inline WriteCost file_write_direct_cost(const std::string& dir, uint64_t bytes, AlignedBuffer& buf) {
  const std::string path = dir + "/aq-bench-write-probe-direct.tmp";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  const int dfd = ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  WriteCost c;
  if (dfd < 0) {
    ::close(fd);
    ::unlink(path.c_str());
    c.write_s = c.fsync_s = -1;
    return c;
  }
  const uint64_t whole = bytes & ~uint64_t(4095);
  const auto t0 = Clock::now();
  bool ok = true;
  for (uint64_t off = 0; ok && off < whole;) {
    const std::size_t n = std::size_t(std::min<uint64_t>(buf.size(), whole - off));
    const ssize_t r = ::pwrite(dfd, buf.data(), n, off_t(off));
    ok = r > 0 && r % 4096 == 0;
    off += ok ? uint64_t(r) : 0;
  }
  if (ok && bytes > whole) ok = ::pwrite(fd, buf.data(), bytes - whole, off_t(whole)) == ssize_t(bytes - whole);
  c.write_s = seconds_since(t0);
  const auto t1 = Clock::now();
  ::fsync(fd);
  c.fsync_s = seconds_since(t1);
  ::close(dfd);
  ::close(fd);
  ::unlink(path.c_str());
  if (!ok) throw std::runtime_error("direct write probe failed in " + dir);
  return c;
}

}  // namespace aqbench
