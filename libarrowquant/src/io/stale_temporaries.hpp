// Leftovers of a run that was killed (SIGKILL, power loss) while writing NAME, recognised by the next run that
// writes NAME: a temporary `.NAME.aqtmp-<random>` whose flock can be taken has no writer any more and is
// removed; one that is locked belongs to a live run and is kept. A moved-aside old output
// `.NAME.aqtmp-old-<random>` (a directory replace interrupted between its two renames) is never deleted: when
// NAME is missing it is renamed back, otherwise it is left in place and reported.
#pragma once
#include <string>
#include <vector>

namespace aq::io {

// One line per action taken or copy left, for the caller to show. Best effort: errors only skip an entry.
std::vector<std::string> recover_stale_temporaries(const std::string& output_path);

}  // namespace aq::io
