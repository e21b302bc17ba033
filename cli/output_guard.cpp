#include "output_guard.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "common.hpp"

namespace fs = std::filesystem;

namespace aqcli {
namespace {

constexpr const char* kTempMarker = ".aqtmp-";  // the library's temporary names (docs/format.md)

bool exists(const std::string& p) {
  std::error_code ec;
  return fs::exists(fs::path(p), ec);
}

// Same file: device and inode when both exist; otherwise the canonical parent and the name.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  const bool ea = exists(a), eb = exists(b);
  if (ea && eb) return fs::equivalent(a, b, ec) && !ec;
  if (ea != eb) return false;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec), ec);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return !ec && ca == cb;
}

// The existing directory dir is path or one of path's ancestors (symlinks resolved).
bool contains(const std::string& dir, const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || !exists(path)) return false;
  fs::path p = fs::canonical(path, ec);
  if (ec) return false;
  while (true) {
    if (fs::equivalent(dir, p, ec) && !ec) return true;
    if (p == p.root_path() || p.empty()) return false;
    p = p.parent_path();
  }
}

std::string parent_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::string random_suffix() {
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 6; ++i) s.push_back(chars[rd() % 62]);
  return s;
}

// Temporaries `.NAME.aqtmp-*` next to path that no live writer holds (their flock can be taken).
void remove_stale(const std::string& path) {
  const std::string dir = parent_of(path);
  const std::string prefix = "." + fs::path(path).filename().string() + kTempMarker;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0 || !it->is_regular_file(ec)) continue;
    const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    const std::string shown = dir == "." ? name : it->path().string();
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(it->path().c_str()) == 0)
      std::fprintf(stderr, "arrowquant: removed %s, a temporary left by an interrupted run\n", shown.c_str());
    ::close(fd);
  }
}

}  // namespace

OutputGuard::~OutputGuard() {
  for (auto& o : outputs_)
    if (o.fd >= 0) {
      ::unlink(o.tmp.c_str());
      ::close(o.fd);
    }
}

void OutputGuard::input(const std::string& role, const std::string& path) {
  Entry e;
  e.role = role;
  e.path = path;
  inputs_.push_back(e);
}
void OutputGuard::model_output(const std::string& role, const std::string& path) {
  Entry e;
  e.role = role;
  e.path = path;
  outputs_.push_back(e);
}
void OutputGuard::text_output(const std::string& role, const std::string& path) {
  Entry e;
  e.role = role;
  e.path = path;
  e.text = true;
  outputs_.push_back(e);
}

void OutputGuard::check() {
  auto named = [](const Entry& e) { return e.role + " '" + e.path + "'"; };
  for (std::size_t k = 0; k < outputs_.size(); ++k) {
    const Entry& o = outputs_[k];
    for (const auto& i : inputs_) {
      if (same_file(o.path, i.path))
        throw LibraryError(AQ_ERR_INVALID_ARGUMENT, named(o) + " is the same file as the " + named(i) +
                                                        ": writing it would destroy the " + i.role +
                                                        "; choose another output path");
      if (contains(o.path, i.path))
        throw LibraryError(AQ_ERR_INVALID_ARGUMENT, named(o) + " is a directory that contains the " + named(i) +
                                                        ": replacing it would delete the " + i.role +
                                                        "; choose another output path");
    }
    for (std::size_t j = 0; j < k; ++j)
      if (same_file(o.path, outputs_[j].path))
        throw LibraryError(AQ_ERR_INVALID_ARGUMENT, named(o) + " and " + named(outputs_[j]) +
                                                        " are the same file: each output needs its own path");
  }
  for (const auto& o : outputs_)
    if (!force_ && exists(o.path))
      throw LibraryError(AQ_ERR_INVALID_ARGUMENT,
                         o.role + " '" + o.path + "' already exists; pass --force to replace it");
  for (auto& o : outputs_) {
    if (!o.text) continue;
    std::error_code ec;
    if (fs::is_directory(o.path, ec))
      throw LibraryError(AQ_ERR_IO, o.role + " '" + o.path + "' is a directory; name a file");
    const std::string dir = parent_of(o.path);
    remove_stale(o.path);
    for (int attempt = 0;; ++attempt) {
      o.tmp = (fs::path(dir) / ("." + fs::path(o.path).filename().string() + kTempMarker + random_suffix())).string();
      o.fd = ::open(o.tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (o.fd >= 0 || errno != EEXIST || attempt > 100) break;
    }
    if (o.fd < 0) {
      const int e = errno;
      std::string why = std::strerror(e);
      if (e == ENOENT) why = "its directory '" + dir + "' does not exist";
      if (e == ENOTDIR) why = "'" + dir + "' is not a directory";
      throw LibraryError(AQ_ERR_IO, "cannot write " + o.role + " '" + o.path + "': " + why);
    }
    ::flock(o.fd, LOCK_EX | LOCK_NB);
  }
}

void OutputGuard::commit_text(const std::string& path, const std::string& text) {
  for (auto& o : outputs_) {
    if (o.path != path || o.fd < 0) continue;
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t r = ::write(o.fd, p, left);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw LibraryError(AQ_ERR_IO, "cannot write " + o.role + " '" + path + "': " + std::strerror(errno));
      p += r;
      left -= std::size_t(r);
    }
    if (::fsync(o.fd) != 0 || ::rename(o.tmp.c_str(), path.c_str()) != 0)
      throw LibraryError(AQ_ERR_IO, "cannot write " + o.role + " '" + path + "': " + std::strerror(errno));
    ::close(o.fd);  // after the rename: the temporary was never visible unlocked
    o.fd = -1;
    return;
  }
  throw LibraryError(AQ_ERR_INTERNAL, "no reserved output for " + path);
}

}  // namespace aqcli
