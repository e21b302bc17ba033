// The files one command reads and writes, checked before any work is done:
//  - no output may be an input, an existing directory that contains an input, or another output of the run
//    (std::filesystem::equivalent, i.e. device and inode, for paths that exist: hard links, symlinks, ./a vs a;
//    the canonical parent directory plus the name for paths that do not exist yet);
//  - an existing output is refused unless --force (the `demo` command replaces its own files: force);
//  - each text output (reports, logs) gets its temporary `.NAME.aqtmp-<random>` now (O_EXCL, held under flock
//    until renamed), so a missing parent, a parent that is a file or an unwritable directory fails at once;
//    temporaries of an earlier, killed run that nobody holds locked are removed first, with one line each.
// The model output itself is written by the library, which holds its own temporary in the same way.
// Destruction removes every temporary that was not committed (an error or a cancelled run).
#pragma once
#include <string>
#include <vector>

namespace aqcli {

class OutputGuard {
 public:
  explicit OutputGuard(bool force) : force_(force) {}
  ~OutputGuard();
  OutputGuard(const OutputGuard&) = delete;
  OutputGuard& operator=(const OutputGuard&) = delete;

  void input(const std::string& role, const std::string& path);
  void model_output(const std::string& role, const std::string& path);  // written by the library
  void text_output(const std::string& role, const std::string& path);   // written by commit_text

  // The checks above; LibraryError (AQ_ERR_INVALID_ARGUMENT naming both paths, or AQ_ERR_IO) on failure.
  void check();
  // Write text into path's reserved temporary, fsync it and rename it into place.
  void commit_text(const std::string& path, const std::string& text);

 private:
  struct Entry {
    std::string role, path;
    bool text = false;
    std::string tmp;
    int fd = -1;
  };
  bool force_;
  std::vector<Entry> inputs_, outputs_;
};

}  // namespace aqcli
