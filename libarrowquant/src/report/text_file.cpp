// Atomic text output for reports: a temporary file in the destination's directory, fsync, rename, fsync of the
// directory. A failed write never leaves a truncated report under the final name.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "arrowquant/error.hpp"
#include "arrowquant/report.hpp"
#include "io/posix_file.hpp"

namespace aq::report {

void write_text_atomic(const std::string& path, const std::string& text) {
  if (path.empty()) invalid("path is empty");
  if (io::path_kind(path) == io::PathKind::directory) fail(Status::io, path + ": is a directory");
  const std::string dir = io::parent_dir(path);
  std::string tmpl = io::join(dir, "." + io::base_name(path) + ".aqtmp-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0) fail(Status::io, path + ": cannot create a temporary file in " + dir + ": " + io::errno_text(errno));
  const std::string tmp(buf.data());
  auto give_up = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
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
  if (::fchmod(fd, 0644) != 0) give_up("chmod failed", errno);  // mkstemp makes 0600; reports are for reading
  if (::fsync(fd) != 0) give_up("fsync failed", errno);
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(Status::io, path + ": close failed: " + io::errno_text(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(Status::io, path + ": rename failed: " + io::errno_text(e));
  }
  io::fsync_dir(dir);
}

}  // namespace aq::report
