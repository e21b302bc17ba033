// β schedules, transitions, the LRU transition cache and ArrowQuant V2's loss terms.
#define BOOST_TEST_MODULE transitions_and_losses
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "arrowquant/thermo.hpp"

using namespace aq;

BOOST_AUTO_TEST_CASE(linear_schedule_runs_from_beta_start_to_beta_end) {
  const auto b = beta_schedule(BetaScheduleKind::linear, 1000, 1e-4f, 0.02f);
  BOOST_TEST(b.front() == 1e-4f);
  BOOST_TEST(b.back() == 0.02f);
  for (size_t t = 1; t < b.size(); ++t) BOOST_TEST(b[t] >= b[t - 1]);
}

BOOST_AUTO_TEST_CASE(cosine_schedule_starts_near_1_5e_4_and_is_clamped) {
  const auto b = beta_schedule(BetaScheduleKind::cosine, 10, 0.5f, 0.6f);  // beta_start/end are ignored
  BOOST_TEST(b[0] == 0.00015544891f, boost::test_tools::tolerance(1e-5f));
  const auto big = beta_schedule(BetaScheduleKind::cosine, 1000, 1e-4f, 0.02f);
  for (float x : big) {
    BOOST_TEST(x >= 1e-4f);
    BOOST_TEST(x <= 0.9999f);
  }
  BOOST_TEST(big[1] == 1e-4f);  // from T = 444 on the early betas are clamped (not monotone at the start)
  BOOST_TEST(big[0] > big[1]);
}

BOOST_AUTO_TEST_CASE(transition_scales_mean_and_adds_noise_variance) {
  const Transition t = transition({0.0f, 1.0f, 1.0f, 2.0f}, BetaScheduleKind::linear, 10, 1e-4f, 0.02f, 0);
  BOOST_TEST(t.mean == 1.0f * std::sqrt(1.0f - 1e-4f));
  BOOST_TEST(t.std == 0.7071421f, boost::test_tools::tolerance(1e-6f));
  const Transition one = transition({3.0f}, BetaScheduleKind::linear, 10, 1e-4f, 0.02f, 9);
  BOOST_TEST(one.std == std::sqrt(0.02f));  // a single value has no variance of its own
}

BOOST_AUTO_TEST_CASE(cache_counts_hits_and_misses_and_never_returns_stale_entries) {
  TransitionComputer tc(BetaScheduleKind::linear, 100, 1e-4f, 0.02f, 2);
  std::vector<float> w{0.5f, 1.5f, -2.0f};
  const Transition a = tc.compute(w, 10);
  const Transition a2 = tc.compute(w, 10);
  BOOST_TEST(tc.hits() == 1u);
  BOOST_TEST(tc.misses() == 1u);
  BOOST_TEST(a2.mean == a.mean);
  BOOST_TEST(tc.hit_rate() == 0.5);
  // Same content at another timestep, and changed content at the same timestep, are different keys.
  const Transition b = tc.compute(w, 11);
  BOOST_TEST(tc.misses() == 2u);
  BOOST_TEST(b.std != a.std);
  w[1] = 1.25f;
  const Transition c = tc.compute(w, 10);
  BOOST_TEST(tc.misses() == 3u);
  const Transition fresh = transition_for_beta(w.data(), w.size(), tc.beta(10));
  BOOST_TEST(c.mean == fresh.mean);
  BOOST_TEST(c.std == fresh.std);
  BOOST_TEST(tc.size() == 2u);
  BOOST_TEST(tc.capacity() == 2u);
}

BOOST_AUTO_TEST_CASE(cache_evicts_the_least_recently_used_entry) {
  TransitionComputer tc(BetaScheduleKind::linear, 10, 1e-4f, 0.02f, 2);
  const std::vector<float> x{1.0f}, y{2.0f}, z{3.0f};
  tc.compute(x, 0);
  tc.compute(y, 0);
  tc.compute(x, 0);  // x is now the most recent
  tc.compute(z, 0);  // evicts y
  BOOST_TEST(tc.hits() == 1u);
  tc.compute(x, 0);
  BOOST_TEST(tc.hits() == 2u);
  tc.compute(y, 0);
  BOOST_TEST(tc.misses() == 4u);
  tc.clear();
  BOOST_TEST(tc.size() == 0u);
  BOOST_TEST(tc.hits() == 0u);
  BOOST_TEST(tc.hit_rate() == 0.0);
}

BOOST_AUTO_TEST_CASE(capacity_zero_disables_the_cache) {
  TransitionComputer tc(BetaScheduleKind::cosine, 10, 1e-4f, 0.02f, 0);
  tc.compute(std::vector<float>{1.0f, 2.0f}, 3);
  tc.compute(std::vector<float>{1.0f, 2.0f}, 3);
  BOOST_TEST(tc.hits() == 0u);
  BOOST_TEST(tc.misses() == 2u);
  BOOST_TEST(tc.size() == 0u);
}

BOOST_AUTO_TEST_CASE(gaussian_kl_is_zero_for_equal_distributions_and_floors_sigma) {
  BOOST_TEST(gaussian_kl(0.3f, 1.5f, 0.3f, 1.5f) == 0.0f);
  BOOST_TEST(gaussian_kl(0.0f, 1.0f, 1.0f, 1.0f) == 0.5f);
  BOOST_TEST(gaussian_kl(0.0f, 0.0f, 0.0f, 1e-9f) == gaussian_kl(0.0f, 1e-8f, 0.0f, 1e-8f));
  BOOST_TEST(std::isfinite(gaussian_kl(0.0f, 1.0f, 0.0f, 0.0f)));
}

BOOST_AUTO_TEST_CASE(entropy_bins_in_ascending_order_and_ties_round_away_from_zero) {
  BOOST_TEST(entropy_regularization({0.0f, 0.25f, 0.5f, 0.75f}) == -std::log(4.0f), boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(entropy_regularization({0.001f, 0.002f}) == -0.0f);  // both in bin 0
  // 0.005f * 100 = 0.5 exactly in binary32 -> bin 1, distinct from 0.0 (bin 0).
  BOOST_TEST(entropy_regularization({0.0f, 0.005f}) == -std::log(2.0f), boost::test_tools::tolerance(1e-6f));
  // Result does not depend on input order.
  BOOST_TEST(entropy_regularization({0.3f, 0.1f, 0.1f, 0.7f}) == entropy_regularization({0.1f, 0.7f, 0.1f, 0.3f}));
}

BOOST_AUTO_TEST_CASE(total_loss_weights_its_terms_and_skips_entropy_at_weight_zero) {
  const std::vector<float> o{1.0f, 2.0f, 3.0f, 4.0f}, q{1.1f, 2.1f, 2.9f, 3.9f};
  const std::vector<Transition> ot{{0.0f, 1.0f}}, qt{{0.05f, 1.05f}};
  const float mse = quantization_loss(o, q), kl = markov_constraint_loss(ot, qt), e = entropy_regularization(q);
  BOOST_TEST(total_loss(o, q, ot, qt, 0.0f, 0.0f) == mse);
  BOOST_TEST(total_loss(o, q, ot, qt, 0.1f, 0.0f) == mse + 0.1f * kl);
  BOOST_TEST(total_loss(o, q, ot, qt, 0.1f, 0.05f) == (mse + 0.1f * kl) + 0.05f * e);
  BOOST_TEST(total_loss(o, q, ot, qt, 0.1f, 0.05f) < total_loss(o, q, ot, qt, 0.1f, 0.0f));  // -H <= 0
}

BOOST_AUTO_TEST_CASE(affine_reference_rounds_half_away_from_zero_and_clamps) {
  const std::vector<float> w{2.5f, 127.5f - 127.5f, 300.0f, -3.0f};
  uint8_t codes[4];
  float deq[4];
  affine_u8_reference(w.data(), 4, 1.0f, 0.0f, codes, deq);
  BOOST_TEST(codes[0] == 3);
  BOOST_TEST(codes[2] == 255);
  BOOST_TEST(codes[3] == 0);
  BOOST_TEST(deq[2] == 255.0f);
  BOOST_TEST(fake_quantize(2.5f, 1.0f, 0.0f, 255.0f) == 3.0f);
  BOOST_TEST(fake_quantize(20.0f, 1.0f, 0.0f, 15.0f) == 15.0f);  // a 4-bit grid clamps at 15
}

BOOST_AUTO_TEST_CASE(cosine_reference_is_clamped_and_sign_aware) {
  const float a[3] = {1, 2, 3}, b[3] = {-1, -2, -3};
  BOOST_TEST(cosine_similarity_reference(a, a, 3) <= 1.0f);
  BOOST_TEST(cosine_similarity_reference(a, a, 3) > 0.99999f);
  BOOST_TEST(cosine_similarity_reference(a, b, 3) >= -1.0f);
  BOOST_TEST(cosine_similarity_reference(a, b, 3) < -0.99999f);
}
