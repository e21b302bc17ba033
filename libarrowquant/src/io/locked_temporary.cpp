#include "io/locked_temporary.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <random>

#include "arrowquant/error.hpp"
#include "arrowquant/safetensors.hpp"
#include "io/posix_file.hpp"

namespace aq::io {

std::string temp_suffix() {
  static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  uint64_t x = (uint64_t(rd()) << 32) ^ rd() ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull) ^ uint64_t(::getpid());
  std::string s;
  for (int i = 0; i < 6; ++i) {
    s.push_back(chars[x % 62]);
    x /= 62;
  }
  return s;
}

namespace {

[[noreturn]] void cannot_create(const std::string& what, const std::string& dir, int err) {
  std::string why = errno_text(err);
  if (err == ENOENT) why = "parent directory " + dir + " does not exist";
  if (err == ENOTDIR) why = "parent " + dir + " is not a directory";
  fail(Status::io, what + ": cannot create the output there: " + why);
}

// O_TMPFILE + flock + linkat: the name appears already locked. Returns false when the filesystem has no
// O_TMPFILE (the caller falls back); throws on other errors.
bool create_tmpfile_linked(const std::string& dir, const std::string& base, const std::string& what,
                           LockedTemporary* out) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return false;
    cannot_create(what, dir, errno);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string candidate = join(dir, "." + base + st::kTempMarker + temp_suffix());
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      out->path = candidate;
      out->fd = fd;
      return true;
    }
    if (errno != EEXIST) {
      ::close(fd);
      return false;  // e.g. no /proc: the fallback path still works
    }
  }
  ::close(fd);
  return false;
#else
  (void)dir, (void)base, (void)what, (void)out;
  return false;
#endif
}

}  // namespace

LockedTemporary create_locked_temporary(const std::string& dir, const std::string& base, bool directory,
                                        const std::string& what) {
  LockedTemporary t;
  if (!directory && create_tmpfile_linked(dir, base, what, &t)) return t;
  for (int attempt = 0;; ++attempt) {
    const std::string candidate = join(dir, "." + base + st::kTempMarker + temp_suffix());
    int fd;
    if (directory) {
      if (::mkdir(candidate.c_str(), 0777) != 0) {
        if (errno == EEXIST && attempt < 100) continue;
        cannot_create(what, dir, errno);
      }
      fd = ::open(candidate.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } else {
      fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0 && errno == EEXIST && attempt < 100) continue;
    }
    if (fd < 0) {
      const int e = errno;
      if (directory) ::rmdir(candidate.c_str());
      cannot_create(what, dir, e);
    }
    ::flock(fd, LOCK_EX | LOCK_NB);  // ours alone: nobody else opened the fresh name with a lock
    t.path = candidate;
    t.fd = fd;
    return t;
  }
}

}  // namespace aq::io
