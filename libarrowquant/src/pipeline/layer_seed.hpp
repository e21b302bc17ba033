// The seed of the time-aware step (data-free statistics, values drawn from statistics) in a quantize run and
// in the accuracy study. It is the same for every layer: layers with the same statistics must get the same
// parameters, so nothing about a layer but its statistics may enter them.
#pragma once
#include <cstdint>

namespace aq::pipeline {

inline uint64_t time_aware_seed() { return 0x41515f5441ull; }

}  // namespace aq::pipeline
