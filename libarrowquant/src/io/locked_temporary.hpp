// The temporaries of the atomic writer: `.NAME.aqtmp-<random>` next to the output NAME, created exclusively and
// held under an exclusive flock for as long as the writer owns them. The lock is what tells a later run that a
// temporary is stale: a temporary whose lock can be taken has no writer any more (stale_temporaries.hpp).
#pragma once
#include <string>

namespace aq::io {

std::string temp_suffix();  // 6 random characters [A-Za-z0-9]

struct LockedTemporary {
  std::string path;
  int fd = -1;  // the file itself (written through it), or the directory (held only for its lock)
};

// Creates `.BASE.aqtmp-<random>` in dir, a regular file (directory == false) or a directory, exclusively and
// already locked: a file is made with O_TMPFILE, locked, then linked under its name, so no other process can see
// it unlocked (filesystems without O_TMPFILE fall back to O_EXCL and lock at once). Status::io naming `what`
// (the output path) and the errno on failure: a missing parent, a parent that is a file, a read-only directory.
LockedTemporary create_locked_temporary(const std::string& dir, const std::string& base, bool directory,
                                        const std::string& what);

}  // namespace aq::io
