// Time grouping (conformance README §5.1): E = min(G, T) contiguous groups with b_i = floor(i*T/E).
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"

namespace aq {

uint64_t effective_group_count(uint64_t num_timesteps, uint64_t num_groups) {
  if (num_timesteps == 0) invalid("num_timesteps must be >= 1, got 0");
  if (num_groups == 0) invalid("num_groups must be >= 1, got 0");
  return num_groups < num_timesteps ? num_groups : num_timesteps;
}

std::vector<uint64_t> group_timesteps(uint64_t num_timesteps, uint64_t num_groups) {
  const uint64_t e = effective_group_count(num_timesteps, num_groups);
  std::vector<uint64_t> b(e + 1);
  for (uint64_t i = 0; i < e; ++i) {
    // i*T can exceed 64 bits for very large T; the quotient always fits.
    b[i] = static_cast<uint64_t>((static_cast<unsigned __int128>(i) * num_timesteps) / e);
  }
  b[e] = num_timesteps;
  return b;
}

uint32_t reference_group_size(uint64_t group, uint64_t num_groups) { return group < num_groups / 2 ? 256u : 64u; }

}  // namespace aq
