// ArrowQuant V2's loss terms (conformance README §5.7–5.11), binary32, sequential sums.
#include <algorithm>
#include <cmath>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "common/fmt.hpp"

namespace aq {

namespace {
void require_finite(float v, const char* name) {
  if (!std::isfinite(v)) invalid(std::string(name) + " is not finite");
}
void require_finite_array(const float* p, size_t n, const char* name) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) invalid(std::string(name) + "[" + std::to_string(i) + "] is not finite");
}
}  // namespace

float gaussian_kl(float mu1, float sigma1, float mu2, float sigma2) {
  require_finite(mu1, "mu1");
  require_finite(sigma1, "sigma1");
  require_finite(mu2, "mu2");
  require_finite(sigma2, "sigma2");
  const float s1 = std::max(sigma1, 1e-8f);
  const float s2 = std::max(sigma2, 1e-8f);
  const float v1 = s1 * s1;
  const float v2 = s2 * s2;
  const float d = mu1 - mu2;
  const float ratio = s2 / s1;
  const float log_term = std::log(ratio);
  const float num = v1 + d * d;
  const float den = 2.0f * v2;
  const float kl = (log_term + num / den) - 0.5f;
  if (!std::isfinite(kl)) invalid("gaussian_kl: the arguments overflow binary32");
  return std::max(kl, 0.0f);
}

float quantization_loss(const float* original, const float* quantized, size_t n) {
  if (n == 0) invalid("original is empty");
  require_finite_array(original, n, "original");
  require_finite_array(quantized, n, "quantized");
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float d = original[i] - quantized[i];
    sum = sum + d * d;
  }
  return sum / static_cast<float>(n);
}

float quantization_loss(const std::vector<float>& original, const std::vector<float>& quantized) {
  if (original.size() != quantized.size())
    invalid("quantized has " + std::to_string(quantized.size()) + " values, original has " +
            std::to_string(original.size()));
  return quantization_loss(original.data(), quantized.data(), original.size());
}

float markov_constraint_loss(const std::vector<Transition>& original, const std::vector<Transition>& quantized) {
  if (original.empty()) invalid("original transitions are empty");
  if (original.size() != quantized.size())
    invalid("quantized transitions has " + std::to_string(quantized.size()) + " entries, original has " +
            std::to_string(original.size()));
  float sum = 0.0f;
  for (size_t k = 0; k < original.size(); ++k)
    sum = sum + gaussian_kl(original[k].mean, original[k].std, quantized[k].mean, quantized[k].std);
  return sum / static_cast<float>(original.size());
}

float entropy_regularization(const float* w, size_t n) {
  if (n == 0) invalid("weights is empty");
  require_finite_array(w, n, "weights");
  // Bin = round(w*100) of the binary32 product, half away from zero; saturated so huge values stay defined.
  std::vector<int64_t> bins(n);
  for (size_t i = 0; i < n; ++i) {
    const float p = w[i] * 100.0f;
    const float r = std::round(p);
    if (r >= 9.2e18f) bins[i] = INT64_MAX;
    else if (r <= -9.2e18f) bins[i] = INT64_MIN;
    else bins[i] = static_cast<int64_t>(r);
  }
  std::sort(bins.begin(), bins.end());  // ascending bin order: a deterministic sum (the reference used a HashMap)
  const float count = static_cast<float>(n);
  float e = 0.0f;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && bins[j] == bins[i]) ++j;
    const float p = static_cast<float>(j - i) / count;
    e = e - p * std::log(p);
    i = j;
  }
  return -e;
}

float entropy_regularization(const std::vector<float>& w) { return entropy_regularization(w.data(), w.size()); }

float total_loss(const std::vector<float>& original, const std::vector<float>& quantized,
                 const std::vector<Transition>& original_transitions,
                 const std::vector<Transition>& quantized_transitions, float markov_weight, float entropy_weight) {
  if (!std::isfinite(markov_weight) || markov_weight < 0.0f)
    invalid("markov_weight must be finite and >= 0, got " + detail::num(markov_weight));
  if (!std::isfinite(entropy_weight) || entropy_weight < 0.0f)
    invalid("entropy_weight must be finite and >= 0, got " + detail::num(entropy_weight));
  const float mse = quantization_loss(original, quantized);
  const float markov = markov_constraint_loss(original_transitions, quantized_transitions);
  const float entropy = entropy_weight > 0.0f ? entropy_regularization(quantized) : 0.0f;
  return (mse + markov_weight * markov) + entropy_weight * entropy;
}

}  // namespace aq
