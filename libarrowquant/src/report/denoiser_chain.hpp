// The simulated reverse diffusion of the accuracy study (docs/accuracy.md "The simulation").
//
// A denoiser built from the model's own linear layers predicts the clean sample. Its blocks
//   h <- h + rho·rms(h)·o/rms(o),  o = W_down·gelu(W_up·h + b_up) + b_down,  starting at h = x_t, rho = block_gain
// (the rescaling stands in for the norms and gates of real blocks, so any checkpoint gives a well-scaled chain)
// supply the part of x0 that the noisy sample does not determine:
//   x0_hat = sqrt(abar)·s²/(abar·s² + 1 - abar) · x_t  +  sigma_post · (h - x_t)/rms(h - x_t),
//   sigma_post² = s²(1 - abar)/(abar·s² + 1 - abar),
// i.e. the Bayes-optimal estimate for data of std s (calibration_data_std) plus the layers' output with the size
// of the posterior's remaining uncertainty (large at high t, vanishing at t = 0, as a trained denoiser behaves).
// A DDPM ancestral sampler, respaced to K of the T timesteps, runs from x_T ~ N(0, I) to t = 0 with the
// posterior q(x_prev | x_t, x0_hat):
//   x_prev = sqrt(abar_prev)·beta'/(1 - abar) · x0_hat + sqrt(alpha')·(1 - abar_prev)/(1 - abar) · x_t
//            + sqrt(beta'·(1 - abar_prev)/(1 - abar)) · z,      alpha' = abar/abar_prev, beta' = 1 - alpha',
// abar_prev = 1 after the last step (the final sample is x0_hat at t = 0). The quantized chain uses the
// dequantized weights and fake-quantizes the input of every linear layer with the time-group parameters of the
// current timestep's group; both chains share x_T and every z.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arrowquant/timegroups.hpp"

namespace aq::report::detail {

struct Linear {
  std::string name;
  uint64_t rows = 0, cols = 0;  // out, in
  std::vector<float> w;         // [rows, cols] full precision
  std::vector<float> wq;        // dequantized weights (empty until quantized)
  std::vector<float> bias;      // [rows] or empty
};

struct Denoiser {
  std::vector<Linear> layers;  // up, down, up, down, ... (layer 2b is block b's up projection)
  uint64_t dim = 0;            // d: the chain's state size (cols of every up projection)
  double block_gain = 1.0;     // each block adds block_gain * rms(h) * out / rms(out)
};

struct Schedule {
  uint64_t num_timesteps = 0;         // T
  std::vector<double> abar;           // [T], cumulative product of (1 - beta_t)
  std::vector<uint64_t> steps;        // visited timesteps, descending: T-1 ... 0
  double data_std = 0.5;              // s
};
// K evenly spaced timesteps tau_k = floor((K-1-k)(T-1)/(K-1)); betas from the configured schedule.
Schedule make_schedule(const std::vector<float>& betas, uint64_t steps, double data_std);

// Time-group activation quantization of every layer's input: params[layer][group], group_of[t].
struct ActivationQuant {
  std::vector<std::vector<TimeGroupParam>> params;
  std::vector<uint32_t> group_of;  // [T]
  float levels = 255.0f;
};

// Per layer and visited step: statistics of the layer's input over all chains (and thinned samples).
struct Recording {
  // [layer][step]
  std::vector<std::vector<float>> min, max, mean, std;
  std::vector<std::vector<std::vector<float>>> samples;
};

struct ChainRun {
  std::vector<std::vector<float>> states;  // [step][sample * dim], the state after each step
  std::vector<std::vector<float>> x0;      // [step][sample * dim], the denoiser's x0_hat at each step
};

// samples chains, seed fixes x_T and every z. quantized_weights selects wq; act (may be null) fake-quantizes
// layer inputs; rec (may be null) records layer-input statistics (full precision only makes sense).
// teacher (may be null): teacher forcing — step k starts from the teacher's state after step k-1 instead of
// this chain's own, so x0 measures the denoiser's error of one step without accumulation.
// Deterministic for any thread count (chains are independent; statistics merged in chain order).
ChainRun run_chains(const Denoiser& net, const Schedule& sch, uint64_t samples, uint64_t seed,
                    bool quantized_weights, const ActivationQuant* act, Recording* rec, int num_threads,
                    const ChainRun* teacher = nullptr);

// ||a - b|| / ||b|| per step (Frobenius over all chains) of the states, or of x0_hat.
std::vector<double> relative_error_curve(const ChainRun& quantized, const ChainRun& reference);
std::vector<double> relative_x0_error_curve(const ChainRun& quantized, const ChainRun& reference);
double rms(const std::vector<float>& v);

// Calibration statistics of every layer for all T timesteps from a recording at the visited steps: linear
// interpolation in t between visited timesteps; samples kept at the visited timesteps when every time group
// contains one (otherwise statistics only, and Phase 3 draws its data from them).
std::vector<CalibrationStats> calibration_from_recording(const Recording& rec, const Schedule& sch,
                                                         uint64_t num_groups);

}  // namespace aq::report::detail
