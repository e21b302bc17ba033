// Text outputs (reports) through the library's atomic writer (io/atomic_output.hpp): a failed write never leaves a
// truncated report under the final name.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "arrowquant/error.hpp"
#include "arrowquant/report.hpp"
#include "io/atomic_output.hpp"
#include "io/posix_file.hpp"

namespace aq::report {

void write_text_atomic(const std::string& path, const std::string& text) {
  if (path.empty()) invalid("path is empty");
  // A report replaces a file, never a directory (the atomic writer would move a directory aside).
  if (io::path_kind(path) == io::PathKind::directory) fail(Status::io, path + ": is a directory");
  io::AtomicOutput out(path, /*overwrite=*/true);
  const int fd = out.take_file_fd();
  auto give_up = [&](const std::string& what, int err) {
    ::close(fd);
    fail(Status::io, path + ": " + what + ": " + io::errno_text(err));
  };
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      give_up("write failed", errno);
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  if (::fchmod(fd, 0644) != 0) give_up("chmod failed", errno);  // reports are for reading, whatever the umask
  if (::fsync(fd) != 0) give_up("fsync failed", errno);
  if (::close(fd) != 0) fail(Status::io, path + ": close failed: " + io::errno_text(errno));
  out.publish();
}

}  // namespace aq::report
