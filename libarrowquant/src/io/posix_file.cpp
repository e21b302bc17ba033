#include "io/posix_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "arrowquant/error.hpp"

namespace aq::io {

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r returns the message pointer (may not use buf).
  return std::string(strerror_r(err, buf, sizeof buf));
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail(Status::io, path + ": cannot open: " + errno_text(errno));
  struct stat sb;
  if (::fstat(fd_, &sb) != 0) {
    const int e = errno;
    ::close(fd_);
    fail(Status::io, path + ": cannot stat: " + errno_text(e));
  }
  if (!S_ISREG(sb.st_mode)) {
    ::close(fd_);
    fail(Status::io, path + ": not a regular file");
  }
  size_ = uint64_t(sb.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) {
      const int e = errno;
      ::close(fd_);
      fail(Status::io, path + ": cannot map " + std::to_string(size_) + " bytes: " + errno_text(e));
    }
    data_ = static_cast<const uint8_t*>(p);
  }
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  if (fd_ >= 0) ::close(fd_);
}

void MappedFile::pread_exact(uint64_t offset, void* dst, uint64_t bytes) const {
  if (offset > size_ || bytes > size_ - offset)
    fail(Status::io, path_ + ": read of " + std::to_string(bytes) + " bytes at " + std::to_string(offset) +
                         " is past the end of the file");
  auto* out = static_cast<uint8_t*>(dst);
  while (bytes > 0) {
    const std::size_t chunk = std::size_t(std::min<uint64_t>(bytes, 1u << 30));
    const ssize_t r = ::pread(fd_, out, chunk, off_t(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(Status::io, path_ + ": read at byte " + std::to_string(offset) + " failed: " + errno_text(errno));
    }
    if (r == 0) fail(Status::io, path_ + ": file shrank while reading (at byte " + std::to_string(offset) + ")");
    out += r;
    offset += uint64_t(r);
    bytes -= uint64_t(r);
  }
}

void MappedFile::drop_pages(uint64_t offset, uint64_t bytes) const {
  if (!data_ || bytes == 0 || offset >= size_) return;
  const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
  const uint64_t end = std::min(size_, offset + bytes);
  const uint64_t first = (offset + page - 1) / page * page;  // only pages wholly inside: neighbours keep theirs
  const uint64_t last = end / page * page;
  if (last > first) ::madvise(const_cast<uint8_t*>(data_) + first, last - first, MADV_DONTNEED);
}

std::string read_small_file(const std::string& path, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(Status::io, path + ": cannot open: " + errno_text(errno));
  struct stat sb;
  if (::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ::close(fd);
    fail(Status::io, path + ": not a readable regular file");
  }
  if (uint64_t(sb.st_size) > max_bytes) {
    ::close(fd);
    fail(Status::format, path + ": " + std::to_string(sb.st_size) + " bytes exceeds the cap of " +
                             std::to_string(max_bytes));
  }
  std::string text;
  text.resize(std::size_t(sb.st_size));
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t r = ::read(fd, &text[got], text.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      const int e = errno;
      ::close(fd);
      fail(Status::io, path + ": read failed: " + (r == 0 ? std::string("unexpected end of file") : errno_text(e)));
    }
    got += std::size_t(r);
  }
  ::close(fd);
  return text;
}

PathKind path_kind(const std::string& path) {
  struct stat sb;
  if (::stat(path.c_str(), &sb) != 0) return PathKind::missing;
  if (S_ISREG(sb.st_mode)) return PathKind::file;
  if (S_ISDIR(sb.st_mode)) return PathKind::directory;
  return PathKind::other;
}

std::string parent_dir(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

std::string base_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::vector<std::string> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) fail(Status::io, dir + ": cannot list directory: " + errno_text(errno));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(Status::io, dir + ": cannot open directory for fsync: " + errno_text(errno));
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    fail(Status::io, dir + ": fsync of directory failed: " + errno_text(e));
  }
  ::close(fd);
}

void remove_tree(const std::string& path) noexcept {
  struct stat sb;
  if (::lstat(path.c_str(), &sb) != 0) return;
  if (S_ISDIR(sb.st_mode)) {
    try {
      for (const auto& n : list_dir(path)) remove_tree(path + "/" + n);
    } catch (...) {  // best effort: rmdir below fails and leaves a recognisable temporary behind
    }
    ::rmdir(path.c_str());
  } else {
    ::unlink(path.c_str());
  }
}

}  // namespace aq::io
