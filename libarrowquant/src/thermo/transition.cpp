// Gaussian transitions (conformance README §5.6) and the transition computer with its LRU cache.
#include <cmath>
#include <cstring>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "common/fmt.hpp"

namespace aq {

Transition transition_for_beta(const float* w, size_t n, float beta) {
  if (n == 0) invalid("weights is empty");
  if (!w) invalid("weights is NULL");
  if (!std::isfinite(beta) || beta < 0.0f || beta > 1.0f) invalid("beta must be in [0, 1], got " + detail::num(beta));
  const float alpha = 1.0f - beta;
  const float count = static_cast<float>(n);
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(w[i])) invalid("weights[" + std::to_string(i) + "] is not finite");
    sum = sum + w[i];
  }
  const float m = sum / count;
  float sq = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float d = w[i] - m;
    sq = sq + d * d;
  }
  const float var = sq / count;
  const float sd = std::sqrt(var);
  Transition t;
  t.mean = m * std::sqrt(alpha);
  t.std = std::sqrt((sd * sd) * alpha + beta);
  if (!std::isfinite(t.mean) || !std::isfinite(t.std))
    invalid("weights: the sums overflow binary32 (values too large)");
  return t;
}

Transition transition(const std::vector<float>& w, BetaScheduleKind kind, uint64_t num_timesteps, float beta_start,
                      float beta_end, uint64_t timestep) {
  const std::vector<float> betas = beta_schedule(kind, num_timesteps, beta_start, beta_end);
  if (timestep >= num_timesteps)
    invalid("timestep (" + std::to_string(timestep) + ") must be < num_timesteps (" + std::to_string(num_timesteps) + ")");
  if (w.empty()) invalid("weights is empty");
  return transition_for_beta(w.data(), w.size(), betas[timestep]);
}

size_t TransitionComputer::KeyHash::operator()(const Key& k) const {
  uint64_t h = 0xcbf29ce484222325ull ^ (k.timestep * 0x9E3779B97F4A7C15ull);
  for (uint32_t b : k.bits) {
    h ^= b;
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return static_cast<size_t>(h);
}

TransitionComputer::TransitionComputer(BetaScheduleKind kind, uint64_t num_timesteps, float beta_start,
                                       float beta_end, uint64_t capacity)
    : betas_(beta_schedule(kind, num_timesteps, beta_start, beta_end)), capacity_(capacity) {}

float TransitionComputer::beta(uint64_t timestep) const {
  if (timestep >= betas_.size())
    invalid("timestep (" + std::to_string(timestep) + ") must be < num_timesteps (" + std::to_string(betas_.size()) + ")");
  return betas_[timestep];
}

Transition TransitionComputer::compute(const float* w, size_t n, uint64_t timestep) {
  const float b = beta(timestep);
  if (n == 0) invalid("weights is empty");
  if (!w) invalid("weights is NULL");
  if (capacity_ == 0) {
    ++misses_;
    return transition_for_beta(w, n, b);
  }
  // The key holds every value's bits: equal keys mean equal inputs, so a hit is always the right answer.
  Key key{timestep, std::vector<uint32_t>(n)};
  std::memcpy(key.bits.data(), w, n * sizeof(float));
  auto it = index_.find(key);
  if (it != index_.end()) {
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  const Transition t = transition_for_beta(w, n, b);  // throws before anything is inserted
  ++misses_;
  lru_.emplace_front(std::move(key), t);
  index_.emplace(lru_.front().first, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return t;
}

double TransitionComputer::hit_rate() const {
  const uint64_t total = hits_ + misses_;
  return total == 0 ? 0.0 : static_cast<double>(hits_) / static_cast<double>(total);
}

void TransitionComputer::clear() {
  index_.clear();
  lru_.clear();
  hits_ = misses_ = 0;
}

}  // namespace aq
