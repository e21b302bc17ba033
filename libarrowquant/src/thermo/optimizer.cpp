// Phase 3 — transition optimization (docs/time-aware.md).
//
// Objective at per-group parameters (s_g, z_g), evaluated on each group's calibration samples x quantized on the
// group's own grid [0, 2^a - 1] (x_hat = fake_quantize(x; s_g, z_g)); the reference loss is ArrowQuant V2's:
//   reference loss = (MSE(x, x_hat) + markov_weight * mean_g KL(T_g(x) || T_g(x_hat))) + entropy_weight * (-H(x_hat))
//   coupling       = smoothness_weight * sum_g [(ln s_{g+1} - ln s_g)^2 + ((z_{g+1} - z_g)/255)^2]
// T_g is the Gaussian transition at the group's mid timestep. ArrowQuant V2's loss is computed with exactly the
// operations of total_loss() (binary32); with smoothness_weight = 0 the objective is ArrowQuant V2's loss.
//
// Variables are u_g = ln s_g and z_g (in codes), so one learning rate suits both. Gradients are analytic
// (double): straight-through rounding, i.e. d round(v)/dv = 1 inside the grid and 0 where the code is clamped;
// the entropy term is piecewise constant and is only evaluated. Every component is clipped to ±gradient_clip.
// The state is kept as the binary32 parameters themselves, so the loss recorded for a point is exactly the loss
// of the parameters returned for it.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

namespace aq {

uint64_t group_transition_timestep(const TimeGroupParam& p) { return p.start + (p.end - p.start - 1) / 2; }

namespace {

class Problem {
 public:
  Problem(const std::vector<TimeGroupParam>& params, const std::vector<std::vector<float>>& samples,
          uint64_t num_timesteps, const TimeAwareConfig& config)
      : opt_(config.thermodynamic.transition_optimization),
        levels_(static_cast<float>((1u << config.activation_bits) - 1u)),
        tc_(make_computer(params, samples, num_timesteps, config)) {
    const size_t g_count = params.size();
    offset_.push_back(0);
    for (size_t g = 0; g < g_count; ++g) {
      original_.insert(original_.end(), samples[g].begin(), samples[g].end());
      offset_.push_back(original_.size());
      timestep_.push_back(group_transition_timestep(params[g]));
    }
    quantized_.resize(original_.size());
    for (size_t g = 0; g < g_count; ++g)
      orig_t_.push_back(tc_.compute(&original_[offset_[g]], offset_[g + 1] - offset_[g], timestep_[g]));
    quant_t_.resize(g_count);
  }

  // Objective at (s, z); when gu/gz are given, also its gradient with respect to (ln s, z).
  LossBreakdown evaluate(const std::vector<float>& s, const std::vector<float>& z, std::vector<double>* gu,
                         std::vector<double>* gz) {
    const size_t g_count = s.size();
    for (size_t g = 0; g < g_count; ++g) {
      for (size_t i = offset_[g]; i < offset_[g + 1]; ++i) quantized_[i] = fake_quantize(original_[i], s[g], z[g], levels_);
      quant_t_[g] = tc_.compute(&quantized_[offset_[g]], offset_[g + 1] - offset_[g], timestep_[g]);
    }
    LossBreakdown r;
    r.mse = quantization_loss(original_, quantized_);
    r.markov = markov_constraint_loss(orig_t_, quant_t_);
    r.entropy = entropy_regularization(quantized_);
    // The operations of total_loss(), in its order.
    const float entropy_term = opt_.entropy_weight > 0.0f ? r.entropy : 0.0f;
    r.reference_loss = (r.mse + opt_.markov_weight * r.markov) + opt_.entropy_weight * entropy_term;
    double c = 0.0;
    for (size_t g = 0; g + 1 < g_count; ++g) {
      const double du = std::log(static_cast<double>(s[g + 1])) - std::log(static_cast<double>(s[g]));
      const double dz = (static_cast<double>(z[g + 1]) - static_cast<double>(z[g])) / 255.0;
      c += du * du + dz * dz;
    }
    const double coupling = static_cast<double>(opt_.smoothness_weight) * c;
    // Narrowing a double beyond binary32's range is undefined: overflow to +inf explicitly.
    r.coupling = coupling > FLT_MAX ? std::numeric_limits<float>::infinity() : static_cast<float>(coupling);
    r.total = r.reference_loss + r.coupling;
    if (gu && gz) gradient(s, z, *gu, *gz);
    return r;
  }

  const TransitionComputer& computer() const { return tc_; }

 private:
  static TransitionComputer make_computer(const std::vector<TimeGroupParam>& params,
                                          const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                          const TimeAwareConfig& config) {
    validate_config(config);
    validate_params(params, "params");
    if (samples.size() != params.size())
      invalid("samples has " + std::to_string(samples.size()) + " groups, params has " + std::to_string(params.size()));
    for (size_t g = 0; g < params.size(); ++g) {
      if (params[g].start >= params[g].end || params[g].end > num_timesteps)
        invalid("params[" + std::to_string(g) + "].time_range [" + std::to_string(params[g].start) + ", " +
                std::to_string(params[g].end) + ") is empty or outside the schedule's " +
                std::to_string(num_timesteps) + " timesteps");
      if (samples[g].empty())
        invalid("samples[" + std::to_string(g) + "]: time group " + std::to_string(g) + " has no calibration samples");
      for (size_t i = 0; i < samples[g].size(); ++i)
        if (!std::isfinite(samples[g][i]))
          invalid("samples[" + std::to_string(g) + "][" + std::to_string(i) + "] is not finite");
    }
    return TransitionComputer(config.thermodynamic.transition_optimization.beta_schedule, num_timesteps,
                              config.beta_start, config.beta_end, 4 * params.size() + 16);
  }

  void gradient(const std::vector<float>& s, const std::vector<float>& z, std::vector<double>& gu,
                std::vector<double>& gz) const {
    const size_t g_count = s.size();
    gu.assign(g_count, 0.0);
    gz.assign(g_count, 0.0);
    const double n_total = static_cast<double>(original_.size());
    const double mw = opt_.markov_weight;
    for (size_t g = 0; g < g_count; ++g) {
      const size_t b = offset_[g], e = offset_[g + 1];
      const double n = static_cast<double>(e - b);
      const double beta = tc_.betas()[timestep_[g]];
      const double alpha = 1.0 - beta;
      // d KL(orig || quant) / d(mean_q, std_q), zero where the KL is clamped at 0 or sigma_q is floored.
      double d_mq = 0.0, d_sq = 0.0, mean_q = 0.0;
      const double mo = orig_t_[g].mean, so = std::max(static_cast<double>(orig_t_[g].std), 1e-8);
      const double mq = quant_t_[g].mean, sq = quant_t_[g].std;
      if (sq >= 1e-8) {
        const double dm = mo - mq;
        const double kl = std::log(sq / so) + (so * so + dm * dm) / (2.0 * sq * sq) - 0.5;
        if (kl > 0.0) {
          d_mq = -dm / (sq * sq);
          d_sq = 1.0 / sq - (so * so + dm * dm) / (sq * sq * sq);
        }
      }
      for (size_t i = b; i < e; ++i) mean_q += quantized_[i];
      mean_q /= n;
      const double markov_scale = mw / static_cast<double>(g_count);
      const double sg = s[g];
      double acc_u = 0.0, acc_z = 0.0;
      for (size_t i = b; i < e; ++i) {
        const double xq = quantized_[i];
        double dl = -2.0 * (static_cast<double>(original_[i]) - xq) / n_total;
        if (sq >= 1e-8)
          dl += markov_scale * (d_mq * std::sqrt(alpha) / n + d_sq * alpha * (xq - mean_q) / (n * sq));
        // The code of this element, with the same binary32 operations as fake_quantize().
        float v = original_[i] / s[g];
        v = v + z[g];
        const float r = std::round(v);
        double dxu, dxz;
        if (r < 0.0f || r > levels_) {
          const double q = r < 0.0f ? 0.0 : static_cast<double>(levels_);
          dxu = sg * (q - static_cast<double>(z[g]));  // x_hat = (q - z) s with q fixed by the clamp
          dxz = -sg;
        } else {
          dxu = sg * (static_cast<double>(r) - static_cast<double>(v));  // straight-through: d round/dv = 1
          dxz = 0.0;
        }
        acc_u += dl * dxu;
        acc_z += dl * dxz;
      }
      gu[g] += acc_u;
      gz[g] += acc_z;
    }
    const double sw = opt_.smoothness_weight;
    for (size_t g = 0; g + 1 < g_count; ++g) {
      const double du = std::log(static_cast<double>(s[g + 1])) - std::log(static_cast<double>(s[g]));
      const double dz = (static_cast<double>(z[g + 1]) - static_cast<double>(z[g])) / 255.0;
      gu[g] -= 2.0 * sw * du;
      gu[g + 1] += 2.0 * sw * du;
      gz[g] -= 2.0 * sw * dz / 255.0;
      gz[g + 1] += 2.0 * sw * dz / 255.0;
    }
  }

  TransitionOptimizationConfig opt_;
  float levels_;
  TransitionComputer tc_;
  std::vector<float> original_, quantized_;
  std::vector<size_t> offset_;
  std::vector<uint64_t> timestep_;
  std::vector<Transition> orig_t_, quant_t_;
};

double clip(double g, double c) {
  if (!std::isfinite(g)) return 0.0;
  return std::min(std::max(g, -c), c);
}

}  // namespace

LossBreakdown evaluate_objective(const std::vector<TimeGroupParam>& params,
                                 const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                 const TimeAwareConfig& config) {
  Problem p(params, samples, num_timesteps, config);
  std::vector<float> s(params.size()), z(params.size());
  for (size_t g = 0; g < params.size(); ++g) {
    s[g] = params[g].scale;
    z[g] = params[g].zero_point;
  }
  return p.evaluate(s, z, nullptr, nullptr);
}

OptimizationResult optimize_params(const std::vector<TimeGroupParam>& initial,
                                   const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                   const TimeAwareConfig& config) {
  if (config.thermodynamic.transition_optimization.optimizer == TransitionOptimizer::chain)
    return optimize_params_chain(initial, samples, num_timesteps, config);
  return optimize_params_gradient(initial, samples, num_timesteps, config);
}

OptimizationResult optimize_params_gradient(const std::vector<TimeGroupParam>& initial,
                                            const std::vector<std::vector<float>>& samples, uint64_t num_timesteps,
                                            const TimeAwareConfig& config) {
  Problem p(initial, samples, num_timesteps, config);
  const TransitionOptimizationConfig& opt = config.thermodynamic.transition_optimization;
  const size_t g_count = initial.size();
  std::vector<float> s(g_count), z(g_count);
  for (size_t g = 0; g < g_count; ++g) {
    s[g] = initial[g].scale;
    z[g] = initial[g].zero_point;
  }
  std::vector<float> best_s = s, best_z = z;
  std::vector<double> gu, gz;
  OptimizationResult res;
  const double lr = opt.learning_rate, gclip = opt.gradient_clip;
  const int max_iter = opt.max_iterations;
  for (int iter = 0; iter < max_iter; ++iter) {
    const float loss = p.evaluate(s, z, &gu, &gz).total;
    if (!std::isfinite(loss)) {
      if (iter == 0)
        invalid("the Phase 3 objective is not finite at the initial params (calibration values too large for "
                "binary32)");
      break;  // keep the best finite point seen
    }
    res.loss_history.push_back(loss);
    res.iterations = static_cast<uint64_t>(iter) + 1;
    if (iter == 0 || loss < res.final_loss) {
      res.final_loss = loss;
      best_s = s;
      best_z = z;
    }
    if (iter > 0 && std::fabs(res.loss_history[iter - 1] - loss) < opt.convergence_threshold) {
      res.converged = true;
      break;
    }
    if (iter + 1 == max_iter) break;  // the step would never be evaluated
    for (size_t g = 0; g < g_count; ++g) {
      // ln-scale step, kept inside binary32's normal range so the scale stays finite and > 0.
      double u = std::log(static_cast<double>(s[g])) - lr * clip(gu[g], gclip);
      u = std::min(std::max(u, -87.0), 88.0);
      float ns = static_cast<float>(std::exp(u));
      if (!(ns > 0.0f) || !std::isfinite(ns)) ns = s[g];
      s[g] = ns;
      const double nz = static_cast<double>(z[g]) - lr * clip(gz[g], gclip);
      z[g] = static_cast<float>(std::min(std::max(nz, -static_cast<double>(FLT_MAX)), static_cast<double>(FLT_MAX)));
    }
  }
  res.initial_loss = res.loss_history.front();
  res.params = initial;
  for (size_t g = 0; g < g_count; ++g) {
    res.params[g].scale = best_s[g];
    res.params[g].zero_point = best_z[g];
  }
  res.cache_hits = p.computer().hits();
  res.cache_misses = p.computer().misses();
  return res;
}

}  // namespace aq
