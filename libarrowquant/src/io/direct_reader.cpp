#include "io/direct_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace aq::io {

namespace {
constexpr uint64_t kAlign = 4096;  // O_DIRECT offsets, lengths and addresses: a multiple of the block size
}

DirectReader::~DirectReader() {
  for (const auto& [path, fd] : fds_)
    if (fd >= 0) ::close(fd);
  std::free(buf_);
}

const uint8_t* DirectReader::read(const std::string& path, uint64_t offset, uint64_t bytes) {
  auto it = fds_.find(path);
  if (it == fds_.end()) it = fds_.emplace(path, ::open(path.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC)).first;
  const int fd = it->second;
  if (fd < 0) return nullptr;
  const uint64_t first = offset / kAlign * kAlign;
  const uint64_t end = (offset + bytes + kAlign - 1) / kAlign * kAlign;
  if (end - first > cap_) {
    std::free(buf_);
    buf_ = nullptr;
    cap_ = 0;
    void* p = nullptr;
    if (::posix_memalign(&p, kAlign, end - first) != 0) return nullptr;
    buf_ = static_cast<uint8_t*>(p);
    cap_ = end - first;
  }
  // The last block may run past the end of the file: the read then stops short, after the bytes asked for.
  uint64_t done = 0;
  while (first + done < offset + bytes) {
    const uint64_t chunk = std::min<uint64_t>(end - first - done, uint64_t(64) << 20);
    const ssize_t r = ::pread(fd, buf_ + done, chunk, off_t(first + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r < 0 && done == 0 && errno == EINVAL) {  // the file system refuses O_DIRECT reads after all
        ::close(fd);
        it->second = -1;
      }
      return nullptr;
    }
    done += uint64_t(r);
  }
  return buf_ + (offset - first);
}

}  // namespace aq::io
