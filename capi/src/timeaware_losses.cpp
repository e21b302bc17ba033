// C ABI: β schedules, transitions (and the cached computer), the loss terms and the reference kernels.
#include <cstring>

#include "timeaware_handles.hpp"

using aq::capi::guard;
using aq::capi::require_nonnull;
using aq::capi::to_vector;

namespace {

std::vector<aq::Transition> transitions(const float* means, uint64_t means_count, const float* stds,
                                        uint64_t stds_count, const char* means_name, const char* stds_name) {
  const auto m = to_vector(means, means_count, means_name);
  const auto s = to_vector(stds, stds_count, stds_name);
  if (m.size() != s.size())
    aq::invalid(std::string(stds_name) + "_count (" + std::to_string(s.size()) + ") must equal " + means_name +
                "_count (" + std::to_string(m.size()) + ")");
  std::vector<aq::Transition> t(m.size());
  for (size_t i = 0; i < m.size(); ++i) t[i] = aq::Transition{m[i], s[i]};
  return t;
}

void check_same_length(uint64_t a, uint64_t b, const char* a_name, const char* b_name) {
  if (a != b)
    aq::invalid(std::string(b_name) + " (" + std::to_string(b) + ") must equal " + a_name + " (" + std::to_string(a) + ")");
}

}  // namespace

extern "C" {

aq_status aq_beta_schedule(aq_beta_schedule_kind kind, uint64_t num_timesteps, float beta_start, float beta_end,
                           float* dst, uint64_t dst_count) {
  return guard([&] {
    const aq::BetaScheduleKind k = aq::capi::to_schedule(kind);
    if (num_timesteps == 0) aq::invalid("num_timesteps must be >= 1, got 0");
    require_nonnull(dst, "dst");
    aq::capi::require_capacity(dst_count, num_timesteps, "dst_count");
    const std::vector<float> b = aq::beta_schedule(k, num_timesteps, beta_start, beta_end);
    std::memcpy(dst, b.data(), b.size() * sizeof(float));
  });
}

aq_status aq_transition(const float* src, uint64_t src_count, aq_beta_schedule_kind kind, uint64_t num_timesteps,
                        float beta_start, float beta_end, uint64_t timestep, float* mean, float* stddev) {
  return guard([&] {
    require_nonnull(mean, "mean");
    require_nonnull(stddev, "stddev");
    const aq::Transition t = aq::transition(to_vector(src, src_count, "src"), aq::capi::to_schedule(kind),
                                            num_timesteps, beta_start, beta_end, timestep);
    *mean = t.mean;
    *stddev = t.std;
  });
}

aq_status aq_transition_computer_create(aq_beta_schedule_kind kind, uint64_t num_timesteps, float beta_start,
                                        float beta_end, uint64_t capacity, aq_transition_computer** out) {
  aq::capi::reset_out(out);
  return guard([&] {
    require_nonnull(out, "out");
    *out = new aq_transition_computer{
        aq::TransitionComputer(aq::capi::to_schedule(kind), num_timesteps, beta_start, beta_end, capacity)};
  });
}

aq_status aq_transition_computer_compute(aq_transition_computer* computer, const float* src, uint64_t src_count,
                                         uint64_t timestep, float* mean, float* stddev) {
  return guard([&] {
    require_nonnull(computer, "computer");
    require_nonnull(mean, "mean");
    require_nonnull(stddev, "stddev");
    if (src_count == 0) aq::invalid("src is empty");
    require_nonnull(src, "src");
    const aq::Transition t = computer->computer.compute(src, src_count, timestep);
    *mean = t.mean;
    *stddev = t.std;
  });
}

aq_status aq_transition_computer_stats(const aq_transition_computer* computer, uint64_t* hits, uint64_t* misses,
                                       uint64_t* size, uint64_t* capacity, double* hit_rate) {
  return guard([&] {
    require_nonnull(computer, "computer");
    const aq::TransitionComputer& c = computer->computer;
    if (hits) *hits = c.hits();
    if (misses) *misses = c.misses();
    if (size) *size = c.size();
    if (capacity) *capacity = c.capacity();
    if (hit_rate) *hit_rate = c.hit_rate();
  });
}

aq_status aq_transition_computer_clear(aq_transition_computer* computer) {
  return guard([&] {
    require_nonnull(computer, "computer");
    computer->computer.clear();
  });
}

void aq_transition_computer_free(aq_transition_computer* computer) { delete computer; }

aq_status aq_gaussian_kl(float mu1, float sigma1, float mu2, float sigma2, float* kl) {
  return guard([&] {
    require_nonnull(kl, "kl");
    *kl = aq::gaussian_kl(mu1, sigma1, mu2, sigma2);
  });
}

aq_status aq_quantization_loss(const float* original, uint64_t original_count, const float* quantized,
                               uint64_t quantized_count, float* mse) {
  return guard([&] {
    require_nonnull(mse, "mse");
    const auto o = to_vector(original, original_count, "original");
    const auto q = to_vector(quantized, quantized_count, "quantized");
    if (o.empty()) aq::invalid("original is empty");
    check_same_length(original_count, quantized_count, "original_count", "quantized_count");
    *mse = aq::quantization_loss(o, q);
  });
}

aq_status aq_markov_constraint_loss(const float* original_means, uint64_t original_means_count,
                                    const float* original_stds, uint64_t original_stds_count,
                                    const float* quantized_means, uint64_t quantized_means_count,
                                    const float* quantized_stds, uint64_t quantized_stds_count, float* loss) {
  return guard([&] {
    require_nonnull(loss, "loss");
    const auto o = transitions(original_means, original_means_count, original_stds, original_stds_count,
                               "original_means", "original_stds");
    const auto q = transitions(quantized_means, quantized_means_count, quantized_stds, quantized_stds_count,
                               "quantized_means", "quantized_stds");
    if (o.empty()) aq::invalid("original_means is empty");
    check_same_length(original_means_count, quantized_means_count, "original_means_count", "quantized_means_count");
    *loss = aq::markov_constraint_loss(o, q);
  });
}

aq_status aq_entropy_regularization(const float* src, uint64_t src_count, float* value) {
  return guard([&] {
    require_nonnull(value, "value");
    const auto w = to_vector(src, src_count, "src");
    if (w.empty()) aq::invalid("src is empty");
    *value = aq::entropy_regularization(w);
  });
}

aq_status aq_total_loss(const float* original, uint64_t original_count, const float* quantized,
                        uint64_t quantized_count, const float* original_means, uint64_t original_means_count,
                        const float* original_stds, uint64_t original_stds_count, const float* quantized_means,
                        uint64_t quantized_means_count, const float* quantized_stds, uint64_t quantized_stds_count,
                        float markov_weight, float entropy_weight, float* loss) {
  return guard([&] {
    require_nonnull(loss, "loss");
    const auto o = to_vector(original, original_count, "original");
    const auto q = to_vector(quantized, quantized_count, "quantized");
    if (o.empty()) aq::invalid("original is empty");
    check_same_length(original_count, quantized_count, "original_count", "quantized_count");
    const auto ot = transitions(original_means, original_means_count, original_stds, original_stds_count,
                                "original_means", "original_stds");
    const auto qt = transitions(quantized_means, quantized_means_count, quantized_stds, quantized_stds_count,
                                "quantized_means", "quantized_stds");
    if (ot.empty()) aq::invalid("original_means is empty");
    check_same_length(original_means_count, quantized_means_count, "original_means_count", "quantized_means_count");
    *loss = aq::total_loss(o, q, ot, qt, markov_weight, entropy_weight);
  });
}

aq_status aq_affine_u8(const float* src, uint64_t src_count, float scale, float zero_point, uint8_t* codes,
                       uint64_t codes_count, float* dst, uint64_t dst_count) {
  return guard([&] {
    if (src_count == 0) aq::invalid("src is empty");
    require_nonnull(src, "src");
    if (codes) aq::capi::require_capacity(codes_count, src_count, "codes_count");
    if (dst) aq::capi::require_capacity(dst_count, src_count, "dst_count");
    aq::affine_u8_reference(src, src_count, scale, zero_point, codes, dst);
  });
}

aq_status aq_cosine_similarity(const float* a, uint64_t a_count, const float* b, uint64_t b_count, float* cosine) {
  return guard([&] {
    require_nonnull(cosine, "cosine");
    if (a_count == 0) aq::invalid("a is empty");
    require_nonnull(a, "a");
    require_nonnull(b, "b");
    check_same_length(a_count, b_count, "a_count", "b_count");
    *cosine = aq::cosine_similarity_reference(a, b, a_count);
  });
}

}  // extern "C"
