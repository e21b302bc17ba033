// Extra error of integer zero points (not a test): for every time group of every table of a quantized model, the
// mean squared error of fake quantization with the integer zero point (aq_integer_zero_point: rounded half to even,
// clamped) against the same with our real zero point, on 4097 evenly spaced activations across the group's
// calibrated range [-zero_point*scale, (2^bits - 1 - zero_point)*scale]. Usage:
//   aq-bench-integer_zero_point QUANTIZED.safetensors          a quantized model with time-aware parameters
//   aq-bench-integer_zero_point --demo DIR                      writes and quantizes the demo model in DIR first
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "arrowquant.h"

namespace {
bool ok(aq_status s) {
  if (s != AQ_OK) std::fprintf(stderr, "%s: %s\n", aq_status_name(s), aq_last_error_message());
  return s == AQ_OK;
}
double mse(const std::vector<float>& x, float scale, float zp, int bits, std::vector<float>& y) {
  if (!ok(aq_fake_quantize_activations(x.data(), x.size(), scale, zp, bits, y.data(), y.size()))) std::exit(1);
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
  return s / double(x.size());
}
}  // namespace

int main(int argc, char** argv) {
  std::string path;
  if (argc == 3 && !std::strcmp(argv[1], "--demo")) {
    const std::string dir = argv[2];
    if (!ok(aq_write_demo_model((dir + "/demo.safetensors").c_str(), 0))) return 1;
    aq_report* rep = nullptr;
    if (!ok(aq_quantize_model((dir + "/demo.safetensors").c_str(), (dir + "/demo-int4.safetensors").c_str(), nullptr,
                              nullptr, nullptr, &rep)))
      return 1;
    aq_report_free(rep);
    path = dir + "/demo-int4.safetensors";
  } else if (argc == 2 && std::strcmp(argv[1], "--help")) {
    path = argv[1];
  } else {
    std::printf("usage: aq-bench-integer_zero_point QUANTIZED.safetensors | --demo DIR\n");
    return argc == 2 ? 0 : 2;
  }
  aq_model* m = nullptr;
  if (!ok(aq_model_open(path.c_str(), &m))) return 1;
  double ratio_sum = 0, ratio_max = 0, shift_sum = 0;
  uint64_t groups = 0, tables = 0, synthetic = 0;
  std::vector<float> x(4097), y(4097);
  for (uint64_t i = 0; i < aq_model_tensor_count(m); ++i) {
    const char* name = nullptr;
    aq_model_tensor_name(m, i, &name);
    uint64_t T = 0, G = 0;
    int bits = 0, syn = 0;
    if (aq_model_activation_info(m, name, &T, &G, &bits, &syn) != AQ_OK) continue;
    ++tables;
    synthetic += syn;
    for (uint64_t g = 0; g < G; ++g) {
      float scale = 0, zp = 0;
      int32_t izp = 0;
      if (!ok(aq_model_activation_group(m, name, g, nullptr, nullptr, &scale, &zp, &izp))) return 1;
      const double levels = std::ldexp(1.0, bits) - 1;
      const double lo = -zp * double(scale), hi = (levels - zp) * double(scale);
      for (std::size_t k = 0; k < x.size(); ++k) x[k] = float(lo + (hi - lo) * double(k) / double(x.size() - 1));
      const double ours = mse(x, scale, zp, bits, y), integer = mse(x, scale, float(izp), bits, y);
      const double r = integer / ours;
      ratio_sum += r;
      ratio_max = std::max(ratio_max, r);
      shift_sum += std::fabs(double(izp) - zp);
      ++groups;
    }
  }
  aq_model_free(m);
  if (!groups) {
    std::fprintf(stderr, "%s has no time-aware parameters\n", path.c_str());
    return 1;
  }
  std::printf("model: %s\n%llu tables (%llu synthetic), %llu time groups\n", path.c_str(), (unsigned long long)tables,
              (unsigned long long)synthetic, (unsigned long long)groups);
  std::printf("MSE(integer zero point) / MSE(real zero point): mean %.4f, max %.4f\n", ratio_sum / groups, ratio_max);
  std::printf("mean |integer - real zero point|: %.4f code steps\n", shift_sum / groups);
  return 0;
}
