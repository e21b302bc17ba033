// aq-conformance: runs golden vectors (schema arrowquant-conformance-vectors/1, conformance/README.md)
// through the C ABI only and compares every result under the README's pass rule.
//
//   aq-conformance FILE_OR_DIR...
//
// Prints one line per failing case (id, field, expected, actual) and finally "N passed, M failed". Exit status 0
// only when no case failed and every file parsed; 1 otherwise; 2 on a usage error.
#include <algorithm>
#include <boost/json.hpp>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#define ARROWQUANT_REFERENCE_METRICS  // declares the conformance oracles (aq_affine_u8, aq_total_loss, ...)
#include "arrowquant.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A case that cannot be run (bad input field, C ABI error). `field` says where.
struct CaseError : std::runtime_error {
  std::string field;
  CaseError(std::string f, const std::string& msg) : std::runtime_error(msg), field(std::move(f)) {}
};

// ---- input readers: integers must be integer literals; reals may be written either way ---------------------
const json::value& at(const json::object& o, const char* key, const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v) throw CaseError(where + "." + key, "missing input field");
  return *v;
}
const json::object& obj(const json::value& v, const std::string& where) {
  if (!v.is_object()) throw CaseError(where, "not an object");
  return v.get_object();
}
const json::array& arr(const json::value& v, const std::string& where) {
  if (!v.is_array()) throw CaseError(where, "not an array");
  return v.get_array();
}
double real(const json::value& v, const std::string& where) {
  if (!v.is_number()) throw CaseError(where, "not a number");
  return v.to_number<double>();
}
uint64_t integer(const json::value& v, const std::string& where) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  throw CaseError(where, "not a non-negative integer literal");
}
std::string str(const json::value& v, const std::string& where) {
  if (!v.is_string()) throw CaseError(where, "not a string");
  return std::string(v.get_string().c_str());
}
// Reals of binary32 functions: parsed as double, narrowed to float (README §1). Out-of-range values are a case
// error (narrowing them would be undefined behaviour).
float narrow(double d, const std::string& where) {
  if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max()))
    throw CaseError(where, "value out of binary32 range");
  return static_cast<float>(d);
}
// Reals of binary32 functions: parsed as double, narrowed to float (README §1).
std::vector<float> floats(const json::value& v, const std::string& where) {
  const json::array& a = arr(v, where);
  std::vector<float> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) out.push_back(narrow(real(a[i], where + "[" + std::to_string(i) + "]"), where));
  return out;
}
std::vector<double> doubles(const json::value& v, const std::string& where) {
  const json::array& a = arr(v, where);
  std::vector<double> out;
  for (size_t i = 0; i < a.size(); ++i) out.push_back(real(a[i], where + "[" + std::to_string(i) + "]"));
  return out;
}
float f32(const json::object& in, const char* key) {
  const std::string where = std::string("input.") + key;
  return narrow(real(at(in, key, "input"), where), where);
}

// ---- outputs: binary32 results are widened to double; integers are written as integers ----------------------
json::value real_out(double v) { return json::value(v); }
json::value int_out(uint64_t v) { return json::value(v); }
json::array float_array(const float* p, uint64_t n) {
  json::array a;
  for (uint64_t i = 0; i < n; ++i) a.emplace_back(static_cast<double>(p[i]));
  return a;
}

void check(aq_status st, const char* call) {
  if (st != AQ_OK)
    throw CaseError("(call)", std::string(call) + " returned " + aq_status_name(st) + ": " + aq_last_error_message());
}

// RAII for the handles used here.
template <class T, void (*Free)(T*)>
struct Handle {
  T* p = nullptr;
  ~Handle() { Free(p); }
};

aq_beta_schedule_kind schedule_kind(const json::object& in) {
  aq_beta_schedule_kind k;
  const std::string name = str(at(in, "kind", "input"), "input.kind");
  if (aq_beta_schedule_from_name(name.c_str(), &k) != AQ_OK) throw CaseError("input.kind", "unknown kind " + name);
  return k;
}

// Transitions as parallel mean/std arrays.
void transitions(const json::value& v, const std::string& where, std::vector<float>& means, std::vector<float>& stds) {
  const json::array& a = arr(v, where);
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string w = where + "[" + std::to_string(i) + "]";
    const json::object& o = obj(a[i], w);
    means.push_back(narrow(real(at(o, "mean", w), w + ".mean"), w + ".mean"));
    stds.push_back(narrow(real(at(o, "std", w), w + ".std"), w + ".std"));
  }
}

// ---- one runner per conformance function ----------------------------------------------------------------------
using Fn = std::function<json::value(const json::object&)>;

json::value run_group_timesteps(const json::object& in) {
  const uint64_t t = integer(at(in, "num_timesteps", "input"), "input.num_timesteps");
  const uint64_t g = integer(at(in, "num_groups", "input"), "input.num_groups");
  uint64_t e = 0;
  check(aq_group_count(t, g, &e), "aq_group_count");
  std::vector<uint64_t> b(e + 1);
  check(aq_group_timesteps(t, g, b.data(), b.size()), "aq_group_timesteps");
  json::array a;
  for (uint64_t x : b) a.emplace_back(x);
  return json::object{{"boundaries", a}};
}

json::value run_params_from_stats(const json::object& in) {
  const uint64_t t = integer(at(in, "num_timesteps", "input"), "input.num_timesteps");
  const uint64_t g = integer(at(in, "num_groups", "input"), "input.num_groups");
  const json::object& s = obj(at(in, "stats", "input"), "input.stats");
  const auto mn = floats(at(s, "min", "input.stats"), "input.stats.min");
  const auto mx = floats(at(s, "max", "input.stats"), "input.stats.max");
  const auto me = floats(at(s, "mean", "input.stats"), "input.stats.mean");
  const auto sd = floats(at(s, "std", "input.stats"), "input.stats.std");
  if (mn.size() != t) throw CaseError("input.stats.min", "length differs from num_timesteps");
  Handle<aq_calib_stats, aq_calib_stats_free> stats;
  check(aq_calib_stats_create(mn.data(), mn.size(), mx.data(), mx.size(), me.data(), me.size(), sd.data(), sd.size(),
                              &stats.p),
        "aq_calib_stats_create");
  Handle<aq_tg_params, aq_tg_params_free> params;
  check(aq_params_from_stats(stats.p, g, 8, &params.p), "aq_params_from_stats");
  json::array out;
  for (uint64_t i = 0; i < aq_tg_params_count(params.p); ++i) {
    uint64_t start, end;
    float scale, zp;
    uint32_t gs;
    check(aq_tg_params_get(params.p, i, &start, &end, &scale, &zp, &gs), "aq_tg_params_get");
    out.emplace_back(json::object{{"time_range", json::array{int_out(start), int_out(end)}},
                                  {"scale", real_out(scale)},
                                  {"zero_point", real_out(zp)},
                                  {"group_size", int_out(gs)}});
  }
  return json::object{{"params", out}};
}

void scale_zero_arrays(const json::object& in, std::vector<float>& s, std::vector<float>& z) {
  const json::array& p = arr(at(in, "params", "input"), "input.params");
  for (size_t i = 0; i < p.size(); ++i) {
    const std::string w = "input.params[" + std::to_string(i) + "]";
    const json::object& o = obj(p[i], w);
    s.push_back(narrow(real(at(o, "scale", w), w + ".scale"), w + ".scale"));
    z.push_back(narrow(real(at(o, "zero_point", w), w + ".zero_point"), w + ".zero_point"));
  }
}

json::value run_markov_validate(const json::object& in) {
  std::vector<float> s, z;
  scale_zero_arrays(in, s, z);
  Handle<aq_markov_report, aq_markov_report_free> r;
  check(aq_markov_validate(s.data(), s.size(), z.data(), z.size(), f32(in, "threshold"), &r.p), "aq_markov_validate");
  int valid = 0;
  float score = 0;
  check(aq_markov_report_result(r.p, &valid, &score, nullptr), "aq_markov_report_result");
  const float* bs = nullptr;
  uint64_t nbs = 0;
  check(aq_markov_report_boundary_scores(r.p, &bs, &nbs), "aq_markov_report_boundary_scores");
  json::array viol;
  for (uint64_t i = 0; i < aq_markov_report_violation_count(r.p); ++i) {
    uint64_t idx;
    float sj, zj;
    aq_severity sev;
    check(aq_markov_report_violation(r.p, i, &idx, &sj, &zj, &sev), "aq_markov_report_violation");
    viol.emplace_back(json::object{{"boundary_idx", int_out(idx)},
                                   {"scale_jump", real_out(sj)},
                                   {"zero_point_jump", real_out(zj)},
                                   {"severity", aq_severity_name(sev)}});
  }
  return json::object{{"is_valid", valid != 0},
                      {"smoothness_score", real_out(score)},
                      {"boundary_scores", float_array(bs, nbs)},
                      {"violations", viol}};
}

json::value run_smooth_boundaries(const json::object& in) {
  const uint64_t w = integer(at(in, "window", "input"), "input.window");
  aq_interpolation m;
  const std::string name = str(at(in, "method", "input"), "input.method");
  if (aq_interpolation_from_name(name.c_str(), &m) != AQ_OK) throw CaseError("input.method", "unknown method " + name);
  // Spec function in binary64: the inputs are parsed as double and not narrowed.
  std::vector<double> s, z;
  const json::array& p = arr(at(in, "params", "input"), "input.params");
  for (size_t i = 0; i < p.size(); ++i) {
    const std::string wh = "input.params[" + std::to_string(i) + "]";
    const json::object& o = obj(p[i], wh);
    s.push_back(real(at(o, "scale", wh), wh + ".scale"));
    z.push_back(real(at(o, "zero_point", wh), wh + ".zero_point"));
  }
  std::vector<double> qs(s.size()), qz(z.size());
  const int window = w > 1000 ? 1000 : static_cast<int>(w);
  check(aq_smooth_boundaries(s.data(), s.size(), window, m, qs.data(), qs.size()), "aq_smooth_boundaries");
  check(aq_smooth_boundaries(z.data(), z.size(), window, m, qz.data(), qz.size()), "aq_smooth_boundaries");
  json::array out;
  for (size_t i = 0; i < qs.size(); ++i)
    out.emplace_back(json::object{{"scale", real_out(qs[i])}, {"zero_point", real_out(qz[i])}});
  return json::object{{"params", out}};
}

json::value run_beta_schedule(const json::object& in) {
  const uint64_t t = integer(at(in, "num_timesteps", "input"), "input.num_timesteps");
  std::vector<float> b(t);
  check(aq_beta_schedule(schedule_kind(in), t, f32(in, "beta_start"), f32(in, "beta_end"), b.data(), b.size()),
        "aq_beta_schedule");
  return json::object{{"betas", float_array(b.data(), b.size())}};
}

json::value run_transition(const json::object& in) {
  const auto w = floats(at(in, "weights", "input"), "input.weights");
  float mean = 0, sd = 0;
  check(aq_transition(w.data(), w.size(), schedule_kind(in),
                      integer(at(in, "num_timesteps", "input"), "input.num_timesteps"), f32(in, "beta_start"),
                      f32(in, "beta_end"), integer(at(in, "timestep", "input"), "input.timestep"), &mean, &sd),
        "aq_transition");
  return json::object{{"mean", real_out(mean)}, {"std", real_out(sd)}};
}

json::value run_gaussian_kl(const json::object& in) {
  float kl = 0;
  check(aq_gaussian_kl(f32(in, "mu1"), f32(in, "sigma1"), f32(in, "mu2"), f32(in, "sigma2"), &kl), "aq_gaussian_kl");
  return json::object{{"kl", real_out(kl)}};
}

json::value run_quantization_loss(const json::object& in) {
  const auto o = floats(at(in, "original", "input"), "input.original");
  const auto q = floats(at(in, "quantized", "input"), "input.quantized");
  float mse = 0;
  check(aq_quantization_loss(o.data(), o.size(), q.data(), q.size(), &mse), "aq_quantization_loss");
  return json::object{{"mse", real_out(mse)}};
}

json::value run_markov_constraint_loss(const json::object& in) {
  std::vector<float> om, os, qm, qs;
  transitions(at(in, "original", "input"), "input.original", om, os);
  transitions(at(in, "quantized", "input"), "input.quantized", qm, qs);
  float loss = 0;
  check(aq_markov_constraint_loss(om.data(), om.size(), os.data(), os.size(), qm.data(), qm.size(), qs.data(),
                                  qs.size(), &loss),
        "aq_markov_constraint_loss");
  return json::object{{"loss", real_out(loss)}};
}

json::value run_entropy_regularization(const json::object& in) {
  const auto w = floats(at(in, "weights", "input"), "input.weights");
  float v = 0;
  check(aq_entropy_regularization(w.data(), w.size(), &v), "aq_entropy_regularization");
  return json::object{{"value", real_out(v)}};
}

json::value run_total_loss(const json::object& in) {
  const auto o = floats(at(in, "original", "input"), "input.original");
  const auto q = floats(at(in, "quantized", "input"), "input.quantized");
  std::vector<float> om, os, qm, qs;
  transitions(at(in, "original_transitions", "input"), "input.original_transitions", om, os);
  transitions(at(in, "quantized_transitions", "input"), "input.quantized_transitions", qm, qs);
  float loss = 0;
  check(aq_total_loss(o.data(), o.size(), q.data(), q.size(), om.data(), om.size(), os.data(), os.size(), qm.data(),
                      qm.size(), qs.data(), qs.size(), f32(in, "markov_weight"), f32(in, "entropy_weight"), &loss),
        "aq_total_loss");
  return json::object{{"loss", real_out(loss)}};
}

json::value run_affine_u8(const json::object& in) {
  const auto w = floats(at(in, "weights", "input"), "input.weights");
  std::vector<uint8_t> codes(w.size());
  std::vector<float> deq(w.size());
  check(aq_affine_u8(w.data(), w.size(), f32(in, "scale"), f32(in, "zero_point"), codes.data(), codes.size(),
                     deq.data(), deq.size()),
        "aq_affine_u8");
  json::array c;
  for (uint8_t x : codes) c.emplace_back(static_cast<uint64_t>(x));
  return json::object{{"codes", c}, {"dequantized", float_array(deq.data(), deq.size())}};
}

json::value run_cosine_similarity(const json::object& in) {
  const auto a = floats(at(in, "a", "input"), "input.a");
  const auto b = floats(at(in, "b", "input"), "input.b");
  float c = 0;
  check(aq_cosine_similarity(a.data(), a.size(), b.data(), b.size(), &c), "aq_cosine_similarity");
  return json::object{{"cosine", real_out(c)}};
}

json::value run_baseline_summary(const json::object& in) {
  // Spec function in binary64: values as parsed.
  const auto scores = doubles(at(in, "boundary_scores", "input"), "input.boundary_scores");
  std::vector<uint64_t> idx;
  std::vector<double> jumps;
  std::vector<int32_t> sev;
  const json::array& v = arr(at(in, "violations", "input"), "input.violations");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string w = "input.violations[" + std::to_string(i) + "]";
    const json::object& o = obj(v[i], w);
    idx.push_back(integer(at(o, "boundary_idx", w), w + ".boundary_idx"));
    jumps.push_back(real(at(o, "scale_jump", w), w + ".scale_jump"));
    aq_severity s;
    const std::string name = str(at(o, "severity", w), w + ".severity");
    if (aq_severity_from_name(name.c_str(), &s) != AQ_OK) throw CaseError(w + ".severity", "unknown severity " + name);
    sev.push_back(static_cast<int32_t>(s));
  }
  Handle<aq_baseline_report, aq_baseline_report_free> r;
  check(aq_baseline_summary(scores.data(), scores.size(), idx.data(), idx.size(), jumps.data(), jumps.size(),
                            sev.data(), sev.size(), &r.p),
        "aq_baseline_summary");
  double mn, mx, mean, sd;
  check(aq_baseline_report_stats(r.p, &mn, &mx, &mean, &sd), "aq_baseline_report_stats");
  json::array patterns;
  for (uint64_t i = 0; i < aq_baseline_report_pattern_count(r.p); ++i) {
    const char* text = nullptr;
    check(aq_baseline_report_pattern(r.p, i, &text), "aq_baseline_report_pattern");
    patterns.emplace_back(text);
  }
  return json::object{{"min_boundary_score", real_out(mn)},
                      {"max_boundary_score", real_out(mx)},
                      {"mean_boundary_score", real_out(mean)},
                      {"std_boundary_score", real_out(sd)},
                      {"common_violation_patterns", patterns}};
}

const std::map<std::string, Fn>& functions() {
  static const std::map<std::string, Fn> m = {
      {"group_timesteps", run_group_timesteps},
      {"params_from_stats", run_params_from_stats},
      {"markov_validate", run_markov_validate},
      {"smooth_boundaries", run_smooth_boundaries},
      {"beta_schedule", run_beta_schedule},
      {"transition", run_transition},
      {"gaussian_kl", run_gaussian_kl},
      {"quantization_loss", run_quantization_loss},
      {"markov_constraint_loss", run_markov_constraint_loss},
      {"entropy_regularization", run_entropy_regularization},
      {"total_loss", run_total_loss},
      {"affine_u8", run_affine_u8},
      {"cosine_similarity", run_cosine_similarity},
      {"baseline_summary", run_baseline_summary},
  };
  return m;
}

// ---- the pass rule (README §2) ---------------------------------------------------------------------------------
struct Mismatch {
  std::string field, expected, actual;
};

std::string show(const json::value& v) {
  if (v.is_double()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v.get_double());
    return buf;
  }
  std::string s = json::serialize(v);
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

const char* kind_name(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return "integer";
  if (v.is_double()) return "real";
  if (v.is_bool()) return "boolean";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool integer_equal(const json::value& a, const json::value& b) {
  auto neg = [](const json::value& v) { return v.is_int64() && v.get_int64() < 0; };
  if (neg(a) != neg(b)) return false;
  if (neg(a)) return a.get_int64() == b.get_int64();
  auto u = [](const json::value& v) { return v.is_uint64() ? v.get_uint64() : static_cast<uint64_t>(v.get_int64()); };
  return u(a) == u(b);
}

bool compare(const json::value& e, const json::value& a, double rel, double abs_tol, const std::string& path,
             Mismatch& m) {
  auto fail = [&](const std::string& field, const std::string& ex, const std::string& ac) {
    m = Mismatch{field.empty() ? "(result)" : field, ex, ac};
    return false;
  };
  const bool e_int = e.is_int64() || e.is_uint64();
  const bool a_int = a.is_int64() || a.is_uint64();
  if (e_int) {
    if (!a_int) return fail(path, show(e) + " (integer)", show(a) + " (" + kind_name(a) + ")");
    return integer_equal(e, a) ? true : fail(path, show(e), show(a));
  }
  if (e.is_double()) {
    if (!a.is_double()) return fail(path, show(e) + " (real)", show(a) + " (" + kind_name(a) + ")");
    const double x = e.get_double(), y = a.get_double();
    if (!(std::fabs(y - x) <= abs_tol + rel * std::fabs(x))) return fail(path, show(e), show(a));
    return true;
  }
  if (e.kind() != a.kind())
    return fail(path, show(e) + " (" + kind_name(e) + ")", show(a) + " (" + kind_name(a) + ")");
  if (e.is_object()) {
    const json::object &eo = e.get_object(), &ao = a.get_object();
    for (const auto& kv : eo)
      if (!ao.contains(kv.key())) return fail(path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()), show(kv.value()), "(missing)");
    for (const auto& kv : ao)
      if (!eo.contains(kv.key())) return fail(path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()), "(absent)", show(kv.value()));
    for (const auto& kv : eo) {
      const std::string p = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
      if (!compare(kv.value(), ao.at(kv.key()), rel, abs_tol, p, m)) return false;
    }
    return true;
  }
  if (e.is_array()) {
    const json::array &ea = e.get_array(), &aa = a.get_array();
    if (ea.size() != aa.size())
      return fail(path + ".length", std::to_string(ea.size()), std::to_string(aa.size()));
    for (size_t i = 0; i < ea.size(); ++i)
      if (!compare(ea[i], aa[i], rel, abs_tol, path + "[" + std::to_string(i) + "]", m)) return false;
    return true;
  }
  return e == a ? true : fail(path, show(e), show(a));
}

// ---- files ------------------------------------------------------------------------------------------------------
struct Totals {
  uint64_t passed = 0, failed = 0;
  bool file_error = false;
};

void report_failure(const std::string& id, const std::string& field, const std::string& expected,
                    const std::string& actual) {
  std::printf("FAIL %s %s: expected %s, actual %s\n", id.c_str(), field.c_str(), expected.c_str(), actual.c_str());
}

void file_error(Totals& t, const std::string& path, const std::string& msg) {
  std::printf("ERROR %s: %s\n", path.c_str(), msg.c_str());
  t.file_error = true;
}

void run_file(const fs::path& path, Totals& totals) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return file_error(totals, path.string(), "cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return file_error(totals, path.string(), "not valid JSON (" + ec.message() + ")");
  if (!doc.is_object()) return file_error(totals, path.string(), "the document is not an object");
  const json::object& d = doc.get_object();
  const json::value* format = d.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != "arrowquant-conformance-vectors/1")
    return file_error(totals, path.string(), "format is not \"arrowquant-conformance-vectors/1\"");
  const json::value* fn = d.if_contains("function");
  if (!fn || !fn->is_string()) return file_error(totals, path.string(), "function is missing or not a string");
  const json::value* cases = d.if_contains("cases");
  if (!cases || !cases->is_array()) return file_error(totals, path.string(), "cases is missing or not an array");
  const std::string function(fn->get_string().c_str());
  const auto it = functions().find(function);
  for (size_t i = 0; i < cases->get_array().size(); ++i) {
    const json::value& c = cases->get_array()[i];
    std::string id = path.filename().string() + "#" + std::to_string(i);
    if (c.is_object() && c.get_object().if_contains("id") && c.get_object().at("id").is_string())
      id = c.get_object().at("id").get_string().c_str();
    try {
      if (it == functions().end()) throw CaseError("function", "unknown function '" + function + "'");
      const json::object& co = obj(c, "case");
      const json::object& input = obj(at(co, "input", "case"), "input");
      const json::value& expected = at(co, "expected", "case");
      const json::object& tol = obj(at(co, "tolerance", "case"), "tolerance");
      const double rel = real(at(tol, "rel", "tolerance"), "tolerance.rel");
      const double abs_tol = real(at(tol, "abs", "tolerance"), "tolerance.abs");
      const json::value actual = it->second(input);
      Mismatch m;
      if (compare(expected, actual, rel, abs_tol, "", m)) {
        ++totals.passed;
      } else {
        ++totals.failed;
        report_failure(id, m.field, m.expected, m.actual);
      }
    } catch (const CaseError& e) {
      ++totals.failed;
      report_failure(id, e.field, "a result", std::string("error: ") + e.what());
    } catch (const std::exception& e) {
      ++totals.failed;
      report_failure(id, "(case)", "a result", std::string("error: ") + e.what());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n  runs conformance vector files (*.json) through the C ABI\n",
                 argv[0]);
    return 2;
  }
  Totals totals;
  for (int i = 1; i < argc; ++i) {
    const fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
      if (ec) file_error(totals, p.string(), "cannot list directory (" + ec.message() + ")");
      std::sort(files.begin(), files.end());
      if (files.empty()) file_error(totals, p.string(), "no *.json files");
      for (const auto& f : files) run_file(f, totals);
    } else {
      run_file(p, totals);
    }
  }
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed\n", totals.passed, totals.failed);
  return (totals.failed == 0 && !totals.file_error) ? 0 : 1;
}
