#include "report/denoiser_chain.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>

#include "arrowquant/error.hpp"
#include "arrowquant/quantize.hpp"
#include "arrowquant/thermo.hpp"
#include "common/rng.hpp"

namespace aq::report::detail {
namespace {

constexpr uint64_t kSamplesPerStep = 256;  // recorded values per layer and visited timestep (all chains)

// y = W x + b with 8 partial sums per row (fixed order: the same bits on every run and thread count).
void matvec(const std::vector<float>& w, const std::vector<float>& bias, uint64_t rows, uint64_t cols,
            const float* x, float* y) {
  for (uint64_t r = 0; r < rows; ++r) {
    const float* row = w.data() + r * cols;
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    uint64_t c = 0;
    for (; c + 8 <= cols; c += 8)
      for (int k = 0; k < 8; ++k) acc[k] += row[c + k] * x[c + k];
    float tail = 0;
    for (; c < cols; ++c) tail += row[c] * x[c];
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
    if (!bias.empty()) s += bias[r];
    y[r] = s;
  }
}

float gelu(float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678f)); }

struct Acc {  // statistics of one layer input at one step of one chain
  float mn = INFINITY, mx = -INFINITY;
  double sum = 0, sumsq = 0;
  uint64_t n = 0;
  std::vector<float> kept;
};

void observe(Acc& a, const float* v, uint64_t n, uint64_t keep) {
  for (uint64_t i = 0; i < n; ++i) {
    a.mn = std::min(a.mn, v[i]);
    a.mx = std::max(a.mx, v[i]);
    a.sum += v[i];
    a.sumsq += double(v[i]) * v[i];
  }
  a.n += n;
  if (keep > 0) {
    const uint64_t stride = std::max<uint64_t>(1, n / keep);
    for (uint64_t i = 0; i < n && a.kept.size() < keep; i += stride) a.kept.push_back(v[i]);
  }
}

}  // namespace

Schedule make_schedule(const std::vector<float>& betas, uint64_t steps, double data_std) {
  const uint64_t t_count = betas.size();
  if (steps < 2 || steps > t_count)
    invalid("steps must be in [2, num_timesteps = " + std::to_string(t_count) + "], got " + std::to_string(steps));
  Schedule s;
  s.num_timesteps = t_count;
  s.data_std = data_std;
  s.abar.resize(t_count);
  double a = 1.0;
  for (uint64_t t = 0; t < t_count; ++t) {
    a *= 1.0 - static_cast<double>(betas[t]);
    s.abar[t] = a;
  }
  for (uint64_t k = 0; k < steps; ++k) s.steps.push_back((steps - 1 - k) * (t_count - 1) / (steps - 1));
  return s;
}

double rms(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return v.empty() ? 0.0 : std::sqrt(s / double(v.size()));
}

ChainRun run_chains(const Denoiser& net, const Schedule& sch, uint64_t samples, uint64_t seed,
                    bool quantized_weights, const ActivationQuant* act, Recording* rec, int num_threads,
                    const ChainRun* teacher) {
  const uint64_t d = net.dim, k_steps = sch.steps.size(), n_layers = net.layers.size();
  ChainRun run;
  run.states.assign(k_steps, std::vector<float>(samples * d));
  run.x0.assign(k_steps, std::vector<float>(samples * d));
  // acc[sample][layer][step]: each chain writes only its own slot; merged in chain order below.
  std::vector<std::vector<std::vector<Acc>>> acc;
  const uint64_t keep = rec ? (kSamplesPerStep + samples - 1) / samples : 0;
  if (rec) acc.assign(samples, std::vector<std::vector<Acc>>(n_layers, std::vector<Acc>(k_steps)));

  auto one_chain = [&](uint64_t j) {
    aq::detail::Rng rng(aq::detail::mix_seed(seed, j));
    std::vector<float> x(d), h(d), in, hid, out(d), eps(d);
    for (auto& v : x) v = static_cast<float>(rng.normal());
    for (uint64_t k = 0; k < k_steps; ++k) {
      const uint64_t t = sch.steps[k];
      const uint32_t g = act ? act->group_of[t] : 0;
      if (teacher && k > 0) std::copy_n(teacher->states[k - 1].begin() + j * d, d, x.begin());
      h = x;
      for (uint64_t li = 0; li + 1 < n_layers; li += 2) {
        const Linear& up = net.layers[li];
        const Linear& down = net.layers[li + 1];
        in = h;
        if (rec) observe(acc[j][li][k], in.data(), d, keep);
        if (act) {
          const TimeGroupParam& p = act->params[li][g];
          for (auto& v : in) v = fake_quantize(v, p.scale, p.zero_point, act->levels);
        }
        hid.resize(up.rows);
        matvec(quantized_weights ? up.wq : up.w, up.bias, up.rows, up.cols, in.data(), hid.data());
        for (auto& v : hid) v = gelu(v);
        if (rec) observe(acc[j][li + 1][k], hid.data(), hid.size(), keep);
        if (act) {
          const TimeGroupParam& p = act->params[li + 1][g];
          for (auto& v : hid) v = fake_quantize(v, p.scale, p.zero_point, act->levels);
        }
        matvec(quantized_weights ? down.wq : down.w, down.bias, down.rows, down.cols, hid.data(), out.data());
        // The block's output is rescaled to block_gain * rms(h) (a norm/gate, as real blocks have), so that the
        // prediction keeps a direction correlated with x_t whatever the scale of the model's weights.
        double so = 0, sh = 0;
        for (uint64_t i = 0; i < d; ++i) {
          so += double(out[i]) * out[i];
          sh += double(h[i]) * h[i];
        }
        const float g = so > 0 ? static_cast<float>(net.block_gain * std::sqrt(sh / so)) : 0.0f;
        for (uint64_t i = 0; i < d; ++i) h[i] += g * out[i];
      }
      // x0-prediction: the Bayes-optimal estimate for data of std s, plus the blocks' output (h - x_t, rescaled)
      // filling the posterior's remaining uncertainty; then the DDPM posterior q(x_prev | x_t, x0_hat).
      const double ab = sch.abar[t];
      const double ab_prev = k + 1 < k_steps ? sch.abar[sch.steps[k + 1]] : 1.0;
      const double s2 = sch.data_std * sch.data_std;
      const double lin = std::sqrt(ab) * s2 / (ab * s2 + 1.0 - ab);
      const double post_std = std::sqrt(s2 * (1.0 - ab) / (ab * s2 + 1.0 - ab));
      double ss = 0;
      for (uint64_t i = 0; i < d; ++i) ss += (double(h[i]) - x[i]) * (double(h[i]) - x[i]);
      const double orms = std::sqrt(ss / double(d));
      const double o_scale = orms > 0 ? post_std / orms : 0.0;
      const double alpha = ab / ab_prev, beta = 1.0 - alpha;
      const double c0 = std::sqrt(ab_prev) * beta / (1.0 - ab);
      const double ct = std::sqrt(alpha) * (1.0 - ab_prev) / (1.0 - ab);
      const double sigma = std::sqrt(beta * (1.0 - ab_prev) / (1.0 - ab));
      for (uint64_t i = 0; i < d; ++i) {
        const double x0 = lin * x[i] + o_scale * (double(h[i]) - x[i]);
        run.x0[k][j * d + i] = static_cast<float>(x0);
        const double z = rng.normal();  // drawn at every step, also the last (sigma = 0), so streams stay aligned
        x[i] = static_cast<float>(c0 * x0 + ct * x[i] + sigma * z);
      }
      std::copy(x.begin(), x.end(), run.states[k].begin() + j * d);
    }
  };
  tbb::task_arena arena(effective_threads(num_threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<uint64_t>(0, samples, 1), [&](const tbb::blocked_range<uint64_t>& r) {
      for (uint64_t j = r.begin(); j != r.end(); ++j) one_chain(j);
    });
  });

  if (rec) {
    rec->min.assign(n_layers, std::vector<float>(k_steps));
    rec->max = rec->mean = rec->std = rec->min;
    rec->samples.assign(n_layers, std::vector<std::vector<float>>(k_steps));
    for (uint64_t l = 0; l < n_layers; ++l)
      for (uint64_t k = 0; k < k_steps; ++k) {
        Acc m;
        for (uint64_t j = 0; j < samples; ++j) {  // chain order
          const Acc& a = acc[j][l][k];
          m.mn = std::min(m.mn, a.mn);
          m.mx = std::max(m.mx, a.mx);
          m.sum += a.sum;
          m.sumsq += a.sumsq;
          m.n += a.n;
          m.kept.insert(m.kept.end(), a.kept.begin(), a.kept.end());
        }
        const double mean = m.n ? m.sum / double(m.n) : 0.0;
        const double var = m.n ? std::max(0.0, m.sumsq / double(m.n) - mean * mean) : 0.0;
        rec->min[l][k] = m.mn;
        rec->max[l][k] = m.mx;
        rec->mean[l][k] = static_cast<float>(mean);
        rec->std[l][k] = static_cast<float>(std::sqrt(var));
        rec->samples[l][k] = std::move(m.kept);
      }
  }
  return run;
}

namespace {
std::vector<double> curve(const std::vector<std::vector<float>>& q, const std::vector<std::vector<float>>& ref) {
  std::vector<double> out;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref[k].size(); ++i) {
      const double dlt = double(q[k][i]) - ref[k][i];
      num += dlt * dlt;
      den += double(ref[k][i]) * ref[k][i];
    }
    out.push_back(den > 0 ? std::sqrt(num / den) : (num > 0 ? INFINITY : 0.0));
  }
  return out;
}
}  // namespace

std::vector<double> relative_error_curve(const ChainRun& q, const ChainRun& ref) { return curve(q.states, ref.states); }
std::vector<double> relative_x0_error_curve(const ChainRun& q, const ChainRun& ref) { return curve(q.x0, ref.x0); }

std::vector<CalibrationStats> calibration_from_recording(const Recording& rec, const Schedule& sch,
                                                         uint64_t num_groups) {
  const uint64_t t_count = sch.num_timesteps, k_steps = sch.steps.size();
  // Does every time group contain a visited timestep? Then the recorded samples can serve Phase 3.
  const std::vector<uint64_t> b = group_timesteps(t_count, num_groups);
  bool every_group = true;
  for (std::size_t g = 0; g + 1 < b.size(); ++g) {
    bool any = false;
    for (uint64_t t : sch.steps) any = any || (t >= b[g] && t < b[g + 1]);
    every_group = every_group && any;
  }
  std::vector<CalibrationStats> out;
  for (std::size_t l = 0; l < rec.min.size(); ++l) {
    CalibrationStats s;
    s.source = "recorded";
    s.min.resize(t_count);
    s.max.resize(t_count);
    s.mean.resize(t_count);
    s.std.resize(t_count);
    // steps are descending; walk each interval [steps[k+1], steps[k]].
    auto interp = [&](const std::vector<float>& v, uint64_t k_hi, uint64_t k_lo, uint64_t t) {
      const double t1 = double(sch.steps[k_hi]), t0 = double(sch.steps[k_lo]);
      const double w = t1 > t0 ? (double(t) - t0) / (t1 - t0) : 0.0;
      return static_cast<float>(double(v[k_lo]) + w * (double(v[k_hi]) - double(v[k_lo])));
    };
    for (uint64_t k = 0; k + 1 < k_steps; ++k)
      for (uint64_t t = sch.steps[k + 1]; t <= sch.steps[k]; ++t) {
        s.min[t] = interp(rec.min[l], k, k + 1, t);
        s.max[t] = interp(rec.max[l], k, k + 1, t);
        s.mean[t] = interp(rec.mean[l], k, k + 1, t);
        s.std[t] = std::max(0.0f, interp(rec.std[l], k, k + 1, t));
        if (s.min[t] > s.max[t]) s.max[t] = s.min[t];
      }
    if (every_group) {
      s.samples.assign(t_count, {});
      for (uint64_t k = 0; k < k_steps; ++k) s.samples[sch.steps[k]] = rec.samples[l][k];
    }
    s.validate();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace aq::report::detail
