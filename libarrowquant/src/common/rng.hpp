// The library's one source of deterministic random numbers (docs/design.md §7): xoshiro256** seeded through
// splitmix64 for calibration data, and the splitmix64 sequence itself for the demo model; uniform doubles from the
// top 53 bits, normals by Marsaglia's polar method and Laplace variates by
// inversion. The sequence depends only on the seed and on libm's log/sqrt (never on std::*_distribution, whose
// output differs between standard libraries).
#pragma once
#include <cmath>
#include <cstdint>

namespace aq::detail {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Mixes several words into one seed (e.g. a layer seed and a group index) so neighbouring inputs decorrelate.
inline uint64_t mix_seed(uint64_t a, uint64_t b) {
  uint64_t s = a;
  uint64_t x = splitmix64(s);
  s = x ^ b;
  return splitmix64(s);
}

// Uniform in the open interval (0, 1) from the top 53 bits: never 0, so log() is always finite.
inline double open_unit_interval(uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53; }

// The splitmix64 sequence as a generator (cheap, one word of state): the synthetic demo model's weights.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64(state_); }
  double uniform() { return open_unit_interval(next()); }

 private:
  uint64_t state_;
};

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : state_) w = splitmix64(s);
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  double uniform() { return open_unit_interval(next()); }

  // Standard normal (Marsaglia polar method; the second variate of each pair is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Laplace with unit variance (scale 1/sqrt(2)): heavier tails than a normal (kurtosis 6).
  double laplace() {
    const double u = uniform() - 0.5;
    const double b = 0.70710678118654752440;
    const double mag = -b * std::log(1.0 - 2.0 * std::fabs(u));
    return u < 0 ? -mag : mag;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace aq::detail
