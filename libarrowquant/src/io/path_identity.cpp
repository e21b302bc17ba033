#include "io/path_identity.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>

#include "arrowquant/error.hpp"
#include "io/posix_file.hpp"

namespace aq::io {
namespace {

struct Identity {
  bool exists = false;     // (dev, ino) of the path itself
  bool parent_ok = false;  // (dev, ino) of its parent directory, with name
  dev_t dev = 0;
  ino_t ino = 0;
  std::string name;  // base name when !exists; the literal path when the parent is missing too
};

Identity identity(const std::string& path) {
  Identity id;
  struct stat sb;
  if (::stat(path.c_str(), &sb) == 0) {
    id.exists = true;
    id.dev = sb.st_dev;
    id.ino = sb.st_ino;
    return id;
  }
  if (::stat(parent_dir(path).c_str(), &sb) == 0) {
    id.parent_ok = true;
    id.dev = sb.st_dev;
    id.ino = sb.st_ino;
    id.name = base_name(path);
    return id;
  }
  id.name = path;  // neither exists: only the text can be compared
  return id;
}

bool same(const Identity& a, const Identity& b) {
  if (a.exists != b.exists || a.parent_ok != b.parent_ok) return false;
  if (a.exists) return a.dev == b.dev && a.ino == b.ino;
  if (a.parent_ok) return a.dev == b.dev && a.ino == b.ino && a.name == b.name;
  return a.name == b.name;
}

// Whether the existing directory `dir` is `path` or one of its ancestors (symlinks resolved).
bool contains(const Identity& dir, const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return false;
  std::string p = buf;
  while (true) {
    struct stat sb;
    if (::stat(p.c_str(), &sb) == 0 && sb.st_dev == dir.dev && sb.st_ino == dir.ino) return true;
    if (p == "/" || p.empty()) return false;
    p = parent_dir(p);
  }
}

std::string quoted(const NamedPath& p) { return p.role + " '" + p.path + "'"; }

}  // namespace

void check_outputs_distinct(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  std::vector<Identity> in_ids, out_ids;
  for (const auto& i : inputs) in_ids.push_back(identity(i.path));
  for (const auto& o : outputs) out_ids.push_back(identity(o.path));
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    if (outputs[k].path.empty()) continue;
    const Identity& o = out_ids[k];
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].path.empty()) continue;
      if (same(o, in_ids[i]))
        invalid(quoted(outputs[k]) + " is the same file as the " + quoted(inputs[i]) +
                ": writing it would destroy the " + inputs[i].role + "; choose another output path");
      struct stat sb;
      if (o.exists && ::stat(outputs[k].path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode) &&
          contains(o, inputs[i].path))
        invalid(quoted(outputs[k]) + " is a directory that contains the " + quoted(inputs[i]) +
                ": replacing it would delete the " + inputs[i].role + "; choose another output path");
    }
    for (std::size_t j = 0; j < k; ++j)
      if (!outputs[j].path.empty() && same(o, out_ids[j]))
        invalid(quoted(outputs[k]) + " and " + quoted(outputs[j]) +
                " are the same file: each output of a run needs its own path");
  }
}

}  // namespace aq::io
