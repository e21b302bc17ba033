// The per-layer seed of the time-aware step (data-free statistics, values drawn from statistics): FNV-1a of
// the layer's name, so a layer gets the same numbers in a quantize run and in the accuracy study.
#pragma once
#include <cstdint>
#include <string>

namespace aq::pipeline {

inline uint64_t layer_seed(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace aq::pipeline
