// The one atomic writer of the library, behind model files (st::Writer) and reports (report::write_text_atomic):
// the output is built under a locked temporary `.NAME.aqtmp-<random>` next to its final name and renamed into
// place only after its contents are written and fsynced, then the directory is fsynced. A crash, a full disk or a
// cancellation therefore never leaves a partial file under the final name, and the lock tells the next run that a
// leftover temporary is stale (stale_temporaries.hpp).
#pragma once
#include <string>
#include <vector>

namespace aq::io {

class AtomicOutput {
 public:
  // Removes stale temporaries of `path`, refuses an existing output unless `overwrite`, checks the parent
  // directory and creates the locked temporary file (Status::invalid_argument / Status::io naming the path).
  AtomicOutput(std::string path, bool overwrite);
  ~AtomicOutput();  // abort() unless published
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }
  const std::vector<std::string>& notes() const { return notes_; }  // what the stale-temporary recovery did

  // The temporary file's descriptor, handed over: the caller writes it, fsyncs it and closes it before publish().
  // The lock lives on a descriptor of its own, so closing this one keeps the temporary locked.
  int take_file_fd();
  // Replaces the temporary file by a locked temporary directory (a sharded output); the caller fills it and
  // fsyncs its files before publish(), which fsyncs the directory itself.
  void become_directory();

  // Renames the temporary into place and fsyncs the parent directory. An existing directory (or an existing
  // output replaced by a directory) is first moved aside under a temporary name and removed afterwards, because
  // rename() cannot replace it.
  void publish();
  // Removes the temporary (best effort); the final name is untouched.
  void abort() noexcept;
  // The output is in place (publish() renamed it; only the fsync of the directory may have failed after that).
  bool published() const { return published_; }

 private:
  std::string path_, parent_, temp_;
  bool overwrite_ = false;
  bool directory_ = false;
  bool published_ = false;
  int file_fd_ = -1;  // the temporary file until take_file_fd()
  int lock_fd_ = -1;  // holds the flock until the temporary is renamed or removed
  std::vector<std::string> notes_;
};

}  // namespace aq::io
