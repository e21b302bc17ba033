#include "io/atomic_output.hpp"

#include <unistd.h>

#include <cerrno>

#include "arrowquant/error.hpp"
#include "arrowquant/safetensors.hpp"
#include "io/locked_temporary.hpp"
#include "io/posix_file.hpp"
#include "io/stale_temporaries.hpp"

namespace aq::io {

AtomicOutput::AtomicOutput(std::string path, bool overwrite) : path_(std::move(path)), overwrite_(overwrite) {
  notes_ = recover_stale_temporaries(path_);
  if (path_kind(path_) != PathKind::missing && !overwrite_) {
    std::string why = path_ + ": output already exists (overwrite not requested)";
    for (const auto& n : notes_) why += "; " + n;
    fail(Status::invalid_argument, why);
  }
  parent_ = parent_dir(path_);
  const PathKind pk = path_kind(parent_);
  if (pk == PathKind::missing) fail(Status::io, path_ + ": parent directory " + parent_ + " does not exist");
  if (pk != PathKind::directory) fail(Status::io, path_ + ": parent " + parent_ + " is not a directory");
  const LockedTemporary t = create_locked_temporary(parent_, base_name(path_), false, path_);
  temp_ = t.path;
  file_fd_ = t.fd;
  lock_fd_ = ::dup(file_fd_);
  if (lock_fd_ < 0) {
    const int e = errno;
    abort();
    fail(Status::io, path_ + ": cannot keep the lock of " + temp_ + ": " + errno_text(e));
  }
}

AtomicOutput::~AtomicOutput() {
  if (!published_) abort();
}

int AtomicOutput::take_file_fd() {
  const int fd = file_fd_;
  file_fd_ = -1;
  return fd;
}

void AtomicOutput::become_directory() {
  const LockedTemporary dir = create_locked_temporary(parent_, base_name(path_), true, path_);
  // The directory's lock is taken before the file's is dropped: the output always has a locked temporary.
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
  ::unlink(temp_.c_str());
  if (lock_fd_ >= 0) ::close(lock_fd_);
  temp_ = dir.path;
  lock_fd_ = dir.fd;
  directory_ = true;
}

void AtomicOutput::publish() {
  if (directory_) fsync_dir(temp_);
  const PathKind existing = path_kind(path_);
  if (existing != PathKind::missing && !overwrite_)
    fail(Status::invalid_argument, path_ + ": output already exists (overwrite not requested)");
  std::string old_aside;
  if (existing == PathKind::directory || (existing != PathKind::missing && directory_)) {
    old_aside = join(parent_, "." + base_name(path_) + st::kTempMarker + "old-" + temp_suffix());
    if (::rename(path_.c_str(), old_aside.c_str()) != 0)
      fail(Status::io, path_ + ": cannot move the existing output aside: " + errno_text(errno));
  }
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    if (!old_aside.empty()) ::rename(old_aside.c_str(), path_.c_str());
    fail(Status::io, path_ + ": cannot rename " + temp_ + " into place: " + errno_text(e));
  }
  temp_.clear();
  published_ = true;
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
  if (!old_aside.empty()) remove_tree(old_aside);
  fsync_dir(parent_);
}

void AtomicOutput::abort() noexcept {
  if (published_) return;
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
  if (!temp_.empty()) remove_tree(temp_);
  temp_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // after the removal: nobody sees our temporary unlocked
  lock_fd_ = -1;
}

}  // namespace aq::io
