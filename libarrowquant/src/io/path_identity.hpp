// Which paths name the same file: (device, inode) for paths that exist (hard links, symlinks, `./a` vs `a`), the
// parent directory's (device, inode) plus the name for paths that do not exist yet. Used to refuse, before any
// work, a run whose output would replace one of its own inputs or another of its outputs.
#pragma once
#include <string>
#include <vector>

namespace aq::io {

struct NamedPath {
  std::string role;  // for messages: "input", "input shard", "calibration file", "--report", ...
  std::string path;
};

// Status::invalid_argument naming both paths when an output is the same file as an input, as another output,
// or is an existing directory that contains an input (replacing it would delete the input). Empty paths are
// skipped. Nothing is created or modified.
void check_outputs_distinct(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

}  // namespace aq::io
