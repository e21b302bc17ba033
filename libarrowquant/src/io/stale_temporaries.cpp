#include "io/stale_temporaries.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>

#include "arrowquant/safetensors.hpp"
#include "io/posix_file.hpp"

namespace aq::io {

std::vector<std::string> recover_stale_temporaries(const std::string& output_path) {
  std::vector<std::string> notes;
  const std::string dir = parent_dir(output_path);
  const std::string base = base_name(output_path);
  const std::string prefix = "." + base + st::kTempMarker;
  const std::string old_prefix = prefix + "old-";
  std::vector<std::string> names;
  try {
    names = list_dir(dir);
  } catch (...) {
    return notes;  // a missing directory is reported by the writer itself
  }
  for (const auto& n : names) {
    if (n.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string p = join(dir, n);
    if (n.compare(0, old_prefix.size(), old_prefix) == 0) {
      if (path_kind(output_path) == PathKind::missing && ::rename(p.c_str(), output_path.c_str()) == 0) {
        notes.push_back("restored " + output_path + " from " + p +
                        ", the old output an interrupted run had moved aside");
      } else {
        notes.push_back("kept " + p + ": an older copy of " + output_path +
                        " that an interrupted run moved aside; delete it when you no longer need it");
      }
      continue;
    }
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {  // no writer holds it: stale
      remove_tree(p);
      notes.push_back("removed " + p + ", a temporary left by an interrupted run");
    }
    ::close(fd);  // releases our lock (or nothing): a live writer keeps its temporary
  }
  return notes;
}

}  // namespace aq::io
