// The fixed-order fold of virtual lanes shared by the search and the error statistics. The search itself is in
// search-inl.h (compiled inside each target and the reference).
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/kernels.hpp"

namespace aq::kernels {

// Sum of the 16 virtual lanes in binary64, as a fixed pairwise tree.
inline double fold_lanes(const float* lanes) {
  double a[8];
  for (std::size_t l = 0; l < 8; ++l) a[l] = static_cast<double>(lanes[l]) + static_cast<double>(lanes[l + 8]);
  for (std::size_t l = 0; l < 4; ++l) a[l] += a[l + 4];
  return (a[0] + a[2]) + (a[1] + a[3]);
}

}  // namespace aq::kernels
