// Phase 3 chain solver: optimality of the dynamic programme against brute force, the constraints on
// adversarial sequences, the weights-0 case, bad input naming the key, the G*K^2 cap and determinism.
#define BOOST_TEST_MODULE chain_solver
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <hwy/highway.h>
#include <hwy/targets.h>

#include "arrowquant.h"
#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"
#include "kernels/kernels.hpp"
#include "thermo/chain_solver.hpp"

using namespace aq;

namespace {

// Brute force over all K^G sequences, costs summed in sequence order.
double brute_force(const chain::Candidates& c, const chain::PairWeights& w, std::vector<uint32_t>* arg) {
  const size_t G = c.groups, K = c.k;
  std::vector<uint32_t> idx(G, 0);
  double best = std::numeric_limits<double>::infinity();
  for (;;) {
    double cost = c.unary[idx[0]];
    for (size_t g = 0; g + 1 < G; ++g) cost += chain::pair_cost(c, g, idx[g], idx[g + 1], w) + c.unary[(g + 1) * K + idx[g + 1]];
    if (cost < best) {
      best = cost;
      *arg = idx;
    }
    size_t g = 0;
    while (g < G && ++idx[g] == K) idx[g++] = 0;
    if (g == G) break;
  }
  return best;
}

double path_cost(const chain::Candidates& c, const chain::PairWeights& w, const std::vector<uint32_t>& idx) {
  double cost = c.unary[idx[0]];
  for (size_t g = 0; g + 1 < c.groups; ++g)
    cost += chain::pair_cost(c, g, idx[g], idx[g + 1], w) + c.unary[(g + 1) * c.k + idx[g + 1]];
  return cost;
}

chain::Candidates random_candidates(size_t G, size_t K, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> us(0.5, 2.0), uz(0.0, 40.0), uu(0.0, 1.0);
  chain::Candidates c;
  c.groups = G;
  c.k = K;
  for (size_t i = 0; i < G * K; ++i) {
    c.scale.push_back(static_cast<float>(us(rng)));
    c.zero_point.push_back(static_cast<float>(uz(rng)));
    c.unary.push_back(uu(rng));
    c.log_scale.push_back(std::log(static_cast<double>(c.scale.back())));
    c.sse.push_back(0.0);
  }
  return c;
}

// Per-group samples with a given amplitude each: uniform in [-amp/2, amp] (an asymmetric range).
std::vector<std::vector<float>> samples_with_amplitudes(const std::vector<float>& amps, uint32_t seed, size_t n = 64) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.5f, 1.0f);
  std::vector<std::vector<float>> out;
  for (float a : amps) {
    std::vector<float> s(n);
    for (float& v : s) v = a * u(rng);
    out.push_back(s);
  }
  return out;
}

// Parameters as Phase 1's statistics would give them (own min/max), with contiguous time ranges.
std::vector<TimeGroupParam> own_params(const std::vector<std::vector<float>>& samples, uint64_t per_group, int bits) {
  std::vector<TimeGroupParam> p;
  const float levels = static_cast<float>((1u << bits) - 1u);
  for (size_t g = 0; g < samples.size(); ++g) {
    float mn = samples[g][0], mx = samples[g][0];
    for (float v : samples[g]) {
      mn = std::min(mn, v);
      mx = std::max(mx, v);
    }
    const float s = (mx - mn) / levels;
    p.push_back(TimeGroupParam{g * per_group, (g + 1) * per_group, s, -mn / s, static_cast<uint32_t>(per_group)});
  }
  return p;
}

TimeAwareConfig chain_config(uint64_t groups) {
  TimeAwareConfig c;
  c.num_time_groups = groups;
  c.num_timesteps = groups * 10;
  c.thermodynamic.transition_optimization.enabled = true;
  return c;
}

bool same_bits(const std::vector<TimeGroupParam>& a, const std::vector<TimeGroupParam>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i].scale, &b[i].scale, 4) != 0 || std::memcmp(&a[i].zero_point, &b[i].zero_point, 4) != 0 ||
        a[i].start != b[i].start || a[i].end != b[i].end)
      return false;
  return true;
}

void require_constraints_met(const std::vector<TimeGroupParam>& p, const TimeAwareConfig& c) {
  const MarkovReport r = markov_validate(p, c.thermodynamic.validation.smoothness_threshold);
  BOOST_TEST(r.violations.empty());
  BOOST_TEST(r.smoothness_score >= c.thermodynamic.transition_optimization.target_smoothness);
}

}  // namespace

BOOST_AUTO_TEST_CASE(viterbi_finds_the_brute_force_optimum_under_the_jump_constraint) {
  int infeasible_seen = 0, constrained_seen = 0;
  for (uint32_t seed = 0; seed < 40; ++seed)
    for (double sw : {0.0, 0.4})
      for (double lambda : {0.0, 0.7})
        for (float thr : {0.25f, 1.0f}) {
          const chain::Candidates c = random_candidates(4, 4, seed);
          chain::PairWeights w;
          w.smoothness_weight = sw;
          w.multiplier = lambda;
          w.threshold = thr;
          std::vector<uint32_t> arg;
          const double bf = brute_force(c, w, &arg);
          const chain::Path p = chain::viterbi(c, w);
          const chain::PairTable table = chain::pair_table(c, w);
          const chain::Path pt = chain::viterbi(c, w, &table);
          BOOST_TEST_CONTEXT("seed " << seed << " sw " << sw << " lambda " << lambda << " thr " << thr) {
            BOOST_TEST(pt.index == p.index, boost::test_tools::per_element());  // the table changes nothing
            BOOST_TEST((pt.cost == p.cost || (!pt.feasible && !p.feasible)));
            BOOST_TEST(p.feasible == std::isfinite(bf));
            if (!std::isfinite(bf)) {
              ++infeasible_seen;
              continue;
            }
            BOOST_TEST_REQUIRE(p.index.size() == 4u);
            const double pc = path_cost(c, w, p.index);
            BOOST_TEST(std::fabs(pc - bf) <= 1e-12 * std::max(1.0, std::fabs(bf)));
            BOOST_TEST(std::fabs(p.cost - bf) <= 1e-12 * std::max(1.0, std::fabs(bf)));
            for (size_t g = 0; g + 1 < 4; ++g)
              BOOST_TEST(chain::scale_jump(c.scale[g * 4 + p.index[g]], c.scale[(g + 1) * 4 + p.index[g + 1]]) <= thr);
            std::vector<uint32_t> free_arg;
            brute_force(c, chain::PairWeights{sw, lambda, 1e30f}, &free_arg);
            if (free_arg != p.index) ++constrained_seen;  // the jump limit changed the answer
          }
        }
  BOOST_TEST(infeasible_seen > 0);  // the random cases do exercise infeasible chains
  BOOST_TEST(constrained_seen > 0);
}

BOOST_AUTO_TEST_CASE(viterbi_on_real_candidates_matches_brute_force) {
  const auto samples = samples_with_amplitudes({1.0f, 3.0f, 0.8f, 4.0f}, 7);
  TimeAwareConfig c = chain_config(4);
  const auto init = own_params(samples, 10, 8);
  const chain::Candidates cand = chain::build_candidates(init, samples, c.num_timesteps, c, 6);
  for (double lambda : {0.0, 0.01, 1.0}) {
    chain::PairWeights w{0.1, lambda, 0.3f};
    std::vector<uint32_t> arg;
    const double bf = brute_force(cand, w, &arg);
    const chain::Path p = chain::viterbi(cand, w);
    BOOST_TEST_REQUIRE(p.feasible);
    BOOST_TEST(std::fabs(path_cost(cand, w, p.index) - bf) <= 1e-12 * std::max(1.0, std::fabs(bf)));
  }
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_lowest_candidate_index) {
  chain::Candidates c;
  c.groups = 3;
  c.k = 3;
  c.scale.assign(9, 1.0f);
  c.zero_point.assign(9, 0.0f);
  c.unary.assign(9, 0.5);
  c.log_scale.assign(9, 0.0);
  c.sse.assign(9, 0.0);
  const chain::Path p = chain::viterbi(c, chain::PairWeights{0.1, 1.0, 0.3f});
  BOOST_TEST_REQUIRE(p.feasible);
  for (uint32_t i : p.index) BOOST_TEST(i == 0u);
}

BOOST_AUTO_TEST_CASE(adversarial_sequences_end_without_violations_and_at_the_target_score) {
  std::vector<std::pair<std::string, std::vector<float>>> cases;
  std::vector<float> alt, spike(12, 1.0f), ramp, ramp_down, big;
  for (int g = 0; g < 12; ++g) alt.push_back(g % 2 ? 6.0f : 1.0f);
  spike[5] = 20.0f;
  for (int g = 0; g < 12; ++g) ramp.push_back(std::pow(1.8f, static_cast<float>(g)));
  for (int g = 0; g < 12; ++g) ramp_down.push_back(std::pow(1.8f, static_cast<float>(11 - g)));
  for (int g = 0; g < 100; ++g) big.push_back(g % 7 == 3 ? 9.0f : 1.0f + 0.05f * static_cast<float>(g));
  cases.push_back({"alternating", alt});
  cases.push_back({"one spike", spike});
  cases.push_back({"monotone ramp up", ramp});
  cases.push_back({"monotone ramp down", ramp_down});
  cases.push_back({"G = 1", {3.0f}});
  cases.push_back({"G = 2", {1.0f, 10.0f}});
  cases.push_back({"G = 100", big});
  for (const auto& [name, amps] : cases) {
    BOOST_TEST_CONTEXT(name) {
      const auto samples = samples_with_amplitudes(amps, 11);
      TimeAwareConfig c = chain_config(amps.size());
      const auto init = own_params(samples, 10, 8);
      const OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
      require_constraints_met(r.params, c);
      BOOST_TEST(r.converged);
      BOOST_TEST(r.candidates == 64u);
      BOOST_TEST(r.iterations == r.loss_history.size());
      for (size_t g = 0; g < init.size(); ++g) {
        BOOST_TEST(r.params[g].start == init[g].start);
        BOOST_TEST(r.params[g].end == init[g].end);
      }
      if (amps.size() > 1) {
        const MarkovReport before = markov_validate(init, c.thermodynamic.validation.smoothness_threshold);
        if (!before.violations.empty()) {  // the problem was not trivial: the groups' own best violates
          BOOST_TEST(!markov_validate(r.unconstrained_params, 0.3f).violations.empty());
          BOOST_TEST(!same_bits(r.params, r.unconstrained_params));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_binding_target_is_met_through_the_multiplier) {
  std::vector<float> alt;
  for (int g = 0; g < 12; ++g) alt.push_back(g % 2 ? 6.0f : 1.0f);
  const auto samples = samples_with_amplitudes(alt, 13);
  TimeAwareConfig c = chain_config(alt.size());
  // Without the coupling term only the multiplier pulls the groups together (the coupling alone would flatten
  // this sequence: its weight 0.1 outweighs MSEs of order 1e-4).
  c.thermodynamic.transition_optimization.smoothness_weight = 0.0f;
  // MSE alone in the unary costs, so the constrained optimum can only cost more MSE than each group's own best.
  c.thermodynamic.transition_optimization.markov_weight = 0.0f;
  c.thermodynamic.transition_optimization.entropy_weight = 0.0f;
  const auto init = own_params(samples, 10, 8);
  for (float target : {0.95f, 0.98f, 0.995f}) {
    BOOST_TEST_CONTEXT("target " << target) {
      c.thermodynamic.transition_optimization.target_smoothness = target;
      const OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
      BOOST_TEST(r.target_bound);
      BOOST_TEST(r.converged);
      BOOST_TEST(r.multiplier > 0.0);
      BOOST_TEST(r.iterations == 2u + static_cast<uint64_t>(chain::kBisectionSteps));
      require_constraints_met(r.params, c);
      // The multiplier search gives up MSE for smoothness, never the other way round.
      BOOST_TEST(r.mse >= r.unconstrained_mse);
    }
  }
}

BOOST_AUTO_TEST_CASE(targets_one_and_zero_are_honoured) {
  const auto samples = samples_with_amplitudes({1.0f, 5.0f, 1.0f, 5.0f}, 3);
  TimeAwareConfig c = chain_config(4);
  const auto init = own_params(samples, 10, 8);
  c.thermodynamic.transition_optimization.target_smoothness = 1.0f;
  OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
  BOOST_TEST(markov_validate(r.params, 0.3f).smoothness_score == 1.0f);
  BOOST_TEST(r.converged);
  c.thermodynamic.transition_optimization.target_smoothness = 0.0f;
  c.thermodynamic.validation.smoothness_threshold = 1.0f;
  c.thermodynamic.transition_optimization.smoothness_weight = 0.0f;
  r = optimize_params_chain(init, samples, c.num_timesteps, c);
  BOOST_TEST(!r.target_bound);
  BOOST_TEST(r.multiplier == 0.0);
}

BOOST_AUTO_TEST_CASE(with_all_weights_zero_each_group_gets_its_own_best_candidate_when_feasible) {
  // Groups of the same distribution (different draws): the own-best sequence satisfies the constraints.
  const auto samples = samples_with_amplitudes({2.0f, 2.0f, 2.0f, 2.0f, 2.0f}, 5, 256);
  TimeAwareConfig c = chain_config(5);
  auto& to = c.thermodynamic.transition_optimization;
  to.markov_weight = 0.0f;
  to.entropy_weight = 0.0f;
  to.smoothness_weight = 0.0f;
  const auto init = own_params(samples, 10, 8);
  const OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
  require_constraints_met(r.unconstrained_params, c);  // the premise
  BOOST_TEST(!r.target_bound);
  for (size_t g = 0; g < init.size(); ++g) {
    BOOST_TEST(r.params[g].scale == r.unconstrained_params[g].scale);
    BOOST_TEST(r.params[g].zero_point == r.unconstrained_params[g].zero_point);
  }
  BOOST_TEST(r.mse == r.unconstrained_mse);
  // The own best is the lowest-MSE candidate of the group.
  const chain::Candidates cand = chain::build_candidates(init, samples, c.num_timesteps, c, 64);
  for (size_t g = 0; g < init.size(); ++g) {
    double best = cand.sse[g * 64];
    for (size_t j = 1; j < 64; ++j) best = std::min(best, cand.sse[g * 64 + j]);
    size_t j = 0;
    while (cand.scale[g * 64 + j] != r.params[g].scale || cand.zero_point[g * 64 + j] != r.params[g].zero_point) ++j;
    BOOST_TEST(cand.sse[g * 64 + j] == best);
  }
}

BOOST_AUTO_TEST_CASE(the_incoming_parameters_and_the_common_range_are_candidates) {
  const auto samples = samples_with_amplitudes({1.0f, 4.0f, 2.0f}, 9);
  TimeAwareConfig c = chain_config(3);
  auto init = own_params(samples, 10, 8);
  init[1].scale *= 1.37f;  // as if Phase 2 had moved it
  const chain::Candidates cand = chain::build_candidates(init, samples, c.num_timesteps, c, 16);
  for (size_t g = 0; g < 3; ++g) {
    bool found = false;
    for (size_t j = 0; j < 16; ++j)
      found = found || (cand.scale[g * 16 + j] == init[g].scale && cand.zero_point[g * 16 + j] == init[g].zero_point);
    BOOST_TEST(found);
    BOOST_TEST(cand.scale[g * 16 + cand.common] == cand.scale[cand.common]);
    BOOST_TEST(cand.zero_point[g * 16 + cand.common] == cand.zero_point[cand.common]);
  }
}

// Largest distance between a sample and its fake-quantized value (round half to even as the kernels, clamped).
float worst_error(const std::vector<float>& x, float scale, float zero_point, float levels) {
  float worst = 0.0f;
  for (float v : x) {
    const float q = std::min(std::max(std::nearbyint(v / scale + zero_point), 0.0f), levels);
    worst = std::max(worst, std::fabs(v - (q - zero_point) * scale));
  }
  return worst;
}

BOOST_AUTO_TEST_CASE(without_clip_ranges_no_candidate_cuts_a_groups_recorded_range) {
  // Heavy tails: an MSE-optimal clipped range exists, and with clip_ranges it is a candidate.
  auto samples = samples_with_amplitudes({1.0f, 3.0f, 1.5f, 6.0f}, 21, 256);
  for (auto& g : samples) g[0] *= 12.0f;  // one far outlier per group
  TimeAwareConfig c = chain_config(4);
  const auto init = own_params(samples, 10, 8);
  const float levels = 255.0f;
  auto max_clip = [&](const chain::Candidates& cand) {
    float worst_ratio = 0.0f;  // worst error in units of the candidate's half step
    for (size_t g = 0; g < cand.groups; ++g)
      for (size_t j = 0; j < cand.k; ++j) {
        const float s = cand.scale[g * cand.k + j];
        worst_ratio = std::max(worst_ratio, worst_error(samples[g], s, cand.zero_point[g * cand.k + j], levels) / (0.5f * s));
      }
    return worst_ratio;
  };
  c.thermodynamic.transition_optimization.clip_ranges = false;
  const chain::Candidates covering = chain::build_candidates(init, samples, c.num_timesteps, c, 64);
  BOOST_TEST(max_clip(covering) <= 1.001f);  // rounding only: no sample is clipped
  c.thermodynamic.transition_optimization.clip_ranges = true;  // the default
  const chain::Candidates clipping = chain::build_candidates(init, samples, c.num_timesteps, c, 64);
  BOOST_TEST(max_clip(clipping) > 10.0f);  // the quantile ranges cut the outliers
  // Both candidate sets meet the constraints (the common range is in both).
  for (bool clip : {false, true}) {
    c.thermodynamic.transition_optimization.clip_ranges = clip;
    require_constraints_met(optimize_params_chain(init, samples, c.num_timesteps, c).params, c);
  }
}

BOOST_AUTO_TEST_CASE(relative_mse_makes_the_choice_independent_of_the_activations_units) {
  // Markov and entropy terms off: the rest of the objective (coupling on ln scale and zero point / 255, jumps)
  // is unit-free, so with the relative MSE term activations 1024x larger (exact in binary32) give the same
  // sequence, scaled. With the absolute MSE term the MSE outweighs the coupling 2^20 times more, and the
  // sequence changes.
  const auto small = samples_with_amplitudes({1.0f, 3.0f, 0.8f, 4.0f, 1.2f}, 31, 256);
  auto large = small;
  for (auto& g : large)
    for (float& v : g) v *= 1024.0f;
  TimeAwareConfig c = chain_config(5);
  auto& to = c.thermodynamic.transition_optimization;
  to.markov_weight = 0.0f;
  to.entropy_weight = 0.0f;
  to.smoothness_weight = 0.05f;
  auto same_up_to_units = [](const OptimizationResult& a, const OptimizationResult& b) {
    for (size_t g = 0; g < a.params.size(); ++g)
      if (a.params[g].scale * 1024.0f != b.params[g].scale || a.params[g].zero_point != b.params[g].zero_point)
        return false;
    return true;
  };
  const auto run = [&](const std::vector<std::vector<float>>& s) {
    return optimize_params_chain(own_params(s, 10, 8), s, c.num_timesteps, c);
  };
  BOOST_TEST(same_up_to_units(run(small), run(large)));
  to.relative_mse = false;
  BOOST_TEST(!same_up_to_units(run(small), run(large)));
}

BOOST_AUTO_TEST_CASE(the_relative_mse_term_is_one_at_the_per_group_optimum) {
  const auto samples = samples_with_amplitudes({1.0f, 2.5f, 0.7f}, 41, 128);
  TimeAwareConfig c = chain_config(3);
  auto& to = c.thermodynamic.transition_optimization;
  to.markov_weight = 0.0f;
  to.entropy_weight = 0.0f;
  const chain::Candidates cand = chain::build_candidates(own_params(samples, 10, 8), samples, c.num_timesteps, c, 32);
  double sum_of_minima = 0.0;
  for (size_t g = 0; g < 3; ++g) sum_of_minima += *std::min_element(&cand.unary[g * 32], &cand.unary[g * 32] + 32);
  BOOST_TEST(sum_of_minima == 1.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(groups_of_constant_samples_at_different_levels_still_get_a_feasible_sequence) {
  // Each group alone is exactly representable (own squared error 0): the relative MSE has nothing to be relative
  // to, and the solver must still end without a violation and at the target.
  std::vector<std::vector<float>> samples;
  for (float level : {0.0f, 4000.0f, -2500.0f, 30000.0f, 700.0f}) samples.push_back(std::vector<float>(64, level));
  TimeAwareConfig c = chain_config(5);
  std::vector<TimeGroupParam> init;
  for (size_t g = 0; g < 5; ++g) init.push_back(TimeGroupParam{g * 10, (g + 1) * 10, 1e-6f, 0.0f, 10});
  const OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
  require_constraints_met(r.params, c);
  BOOST_TEST(std::isfinite(r.final_loss));
}

BOOST_AUTO_TEST_CASE(entropy_of_sorted_values_equals_the_reference_entropy) {
  std::vector<float> v = samples_with_amplitudes({0.3f}, 2, 500)[0];
  for (float& x : v) x = fake_quantize(x, 0.01f, 10.0f, 15.0f);
  std::sort(v.begin(), v.end());
  BOOST_TEST(chain::entropy_of_sorted(v.data(), v.size()) == entropy_regularization(v));
}

BOOST_AUTO_TEST_CASE(bad_input_is_invalid_argument_naming_the_key) {
  TimeAwareConfig c = chain_config(3);
  auto expect = [&](auto&& f, const std::string& needle) {
    try {
      f();
      BOOST_ERROR("no error for " << needle);
    } catch (const aq::Error& e) {
      BOOST_TEST((e.status() == Status::invalid_argument));
      BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos, e.what());
    }
  };
  expect([&] { set_config_number(c, "thermodynamic.transition_optimization.candidates", 1); },
         "thermodynamic.transition_optimization.candidates");
  expect([&] { set_config_number(c, "thermodynamic.transition_optimization.candidates", 1025); },
         "thermodynamic.transition_optimization.candidates");
  expect([&] { set_config_number(c, "thermodynamic.transition_optimization.target_smoothness", 1.5); },
         "thermodynamic.transition_optimization.target_smoothness");
  expect([&] { set_config_number(c, "thermodynamic.transition_optimization.target_smoothness", -0.1); },
         "thermodynamic.transition_optimization.target_smoothness");
  expect([&] { set_config_string(c, "thermodynamic.transition_optimization.optimizer", "newton"); },
         "thermodynamic.transition_optimization.optimizer");
  TimeAwareConfig bad = c;
  bad.thermodynamic.transition_optimization.candidates = 1;
  auto samples = samples_with_amplitudes({1.0f, 2.0f, 3.0f}, 1);
  const auto init = own_params(samples, 10, 8);
  expect([&] { optimize_params_chain(init, samples, c.num_timesteps, bad); },
         "thermodynamic.transition_optimization.candidates");
  samples[1].clear();
  expect([&] { optimize_params_chain(init, samples, c.num_timesteps, c); }, "samples[1]");
  // Through the C ABI.
  aq_timeaware_config* cfg = nullptr;
  BOOST_TEST_REQUIRE(aq_timeaware_config_create(&cfg) == AQ_OK);
  BOOST_TEST(aq_timeaware_config_set_number(cfg, "thermodynamic.transition_optimization.candidates", 1) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("thermodynamic.transition_optimization.candidates") != std::string::npos);
  BOOST_TEST(aq_timeaware_config_set_number(cfg, "thermodynamic.transition_optimization.target_smoothness", 2) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("target_smoothness") != std::string::npos);
  aq_timeaware_config_free(cfg);
}

BOOST_AUTO_TEST_CASE(the_pair_limit_lowers_the_candidate_count_for_huge_g) {
  std::vector<float> amps(100);
  for (size_t g = 0; g < amps.size(); ++g) amps[g] = 1.0f + static_cast<float>(g % 5);
  const auto samples = samples_with_amplitudes(amps, 4, 16);
  TimeAwareConfig c = chain_config(amps.size());
  c.thermodynamic.transition_optimization.candidates = 1024;
  const auto init = own_params(samples, 10, 8);
  const OptimizationResult r = optimize_params_chain(init, samples, c.num_timesteps, c);
  const uint64_t expected = static_cast<uint64_t>(std::floor(std::sqrt(double(chain::kMaxPairsPerSolve) / 100.0)));
  BOOST_TEST(r.candidates == expected);
  BOOST_TEST(100 * r.candidates * r.candidates <= chain::kMaxPairsPerSolve);
  require_constraints_met(r.params, c);
}

BOOST_AUTO_TEST_CASE(same_bytes_on_every_simd_target_and_thread_count) {
  std::vector<float> amps;
  for (int g = 0; g < 10; ++g) amps.push_back(g % 3 == 0 ? 5.0f : 1.0f + 0.2f * static_cast<float>(g));
  const auto samples = samples_with_amplitudes(amps, 21, 100);  // 100: not a multiple of 16
  TimeAwareConfig c = chain_config(amps.size());
  const auto init = own_params(samples, 10, 8);
  std::vector<OptimizationResult> results;
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(t);
    BOOST_TEST_MESSAGE("chain solver on target " << hwy::TargetName(t));
    results.push_back(optimize_params_chain(init, samples, c.num_timesteps, c));
  }
  hwy::SetSupportedTargetsForTest(0);
  BOOST_TEST_REQUIRE(!results.empty());
  for (const auto& r : results) {
    BOOST_TEST(same_bits(r.params, results[0].params));
    BOOST_TEST(r.loss_history == results[0].loss_history, boost::test_tools::per_element());
    BOOST_TEST(r.multiplier == results[0].multiplier);
  }
  // Layers in parallel: the same results for 1 and 2 threads.
  TimeAwareConfig lc;
  lc.num_time_groups = 10;
  lc.num_timesteps = 100;
  lc.thermodynamic.transition_optimization.enabled = true;
  std::vector<CalibrationStats> stats;
  for (uint64_t i = 0; i < 4; ++i) stats.push_back(data_free_calibration(lc, i));
  std::vector<LayerInput> in;
  for (uint64_t i = 0; i < 4; ++i) in.push_back(LayerInput{&stats[i], i});
  const auto a = process_layers(in, lc, 1), b = process_layers(in, lc, 2);
  for (size_t i = 0; i < a.size(); ++i)
    BOOST_TEST(same_bits(a[i].params, b[i].params));
}
