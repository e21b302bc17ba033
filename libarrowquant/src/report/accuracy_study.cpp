// The accuracy study (docs/accuracy.md): the four variants of the time-group parameters — baseline (phases
// off), smoothing (Phase 2), optimization (Phase 3), both — for one model and one calibration, each judged by
// its Phase 1 metrics and by the error it accumulates along a simulated reverse diffusion (denoiser_chain.hpp)
// relative to the full-precision chain.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/report.hpp"
#include "arrowquant/safetensors.hpp"
#include "arrowquant/thermo.hpp"
#include "pipeline/calibration_file.hpp"
#include "pipeline/layer_plan.hpp"
#include "pipeline/layer_seed.hpp"
#include "report/denoiser_chain.hpp"
#include "report/phase3_json.hpp"

namespace aq::report {
namespace {

using namespace detail;
namespace bj = boost::json;
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Natural order: digit runs compare as numbers ("blocks.2" before "blocks.10").
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
      const std::string na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
      const std::size_t za = na.find_first_not_of('0'), zb = nb.find_first_not_of('0');
      const std::string ta = za == std::string::npos ? "" : na.substr(za), tb = zb == std::string::npos ? "" : nb.substr(zb);
      if (ta.size() != tb.size()) return ta.size() < tb.size();
      if (ta != tb) return ta < tb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The name up to and including its first numeric component ("blocks.0.", "encoder.layer.3."), or "".
std::string block_prefix(const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return name.substr(0, dot == std::string::npos ? name.size() : dot + 1);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return "";
}

bool is_float(st::DType d) { return d == st::DType::F32 || d == st::DType::F16 || d == st::DType::BF16; }

std::vector<float> read_f32(const st::Reader& r, const st::TensorInfo& t) {
  if (!is_float(t.dtype))
    invalid("tensor " + t.name + " has dtype " + st::dtype_name(t.dtype) + "; the study needs F32, F16 or BF16");
  std::vector<uint8_t> raw(t.nbytes);
  if (t.nbytes) r.read(t, 0, raw.data(), t.nbytes);
  std::vector<float> out(t.numel);
  for (uint64_t i = 0; i < t.numel; ++i) {
    if (t.dtype == st::DType::F32) {
      std::memcpy(&out[i], raw.data() + 4 * i, 4);
    } else {
      uint16_t h;
      std::memcpy(&h, raw.data() + 2 * i, 2);
      out[i] = t.dtype == st::DType::F16 ? f16_to_f32(h) : bf16_to_f32(h);
    }
  }
  return out;
}

// Pairs (up [m, d], down [d, m]) of 2-D float tensors within the same numbered block, in natural name order.
std::vector<std::pair<const st::TensorInfo*, const st::TensorInfo*>> find_blocks(const st::Reader& r,
                                                                                  uint64_t wanted) {
  std::vector<const st::TensorInfo*> mats;
  for (const auto& t : r.tensors())
    if (t.shape.size() == 2 && is_float(t.dtype) && t.shape[0] > 0 && t.shape[1] > 0 &&
        !pipeline::is_embedding_or_head(t.name) && !pipeline::is_norm_or_bias(t.name))
      mats.push_back(&t);
  std::stable_sort(mats.begin(), mats.end(), [](auto* a, auto* b) { return natural_less(a->name, b->name); });
  std::vector<std::pair<const st::TensorInfo*, const st::TensorInfo*>> out;
  for (int pass = 0; pass < 2 && out.empty(); ++pass) {  // expansions first (MLPs), square pairs as a fallback
    std::vector<bool> used(mats.size(), false);
    uint64_t dim = 0;
    for (std::size_t i = 0; i < mats.size() && out.size() < wanted; ++i) {
      const auto* a = mats[i];
      const uint64_t m = a->shape[0], d = a->shape[1];
      if (used[i] || (pass == 0 ? m <= d : m != d) || (dim && d != dim)) continue;
      const std::string pre = block_prefix(a->name);
      for (std::size_t j = 0; j < mats.size(); ++j) {
        const auto* b = mats[j];
        if (j == i || used[j] || b->shape[0] != d || b->shape[1] != m) continue;
        if (block_prefix(b->name) != pre) continue;
        if (pass == 1 && j < i) continue;
        used[i] = used[j] = true;
        dim = d;
        out.push_back({a, b});
        break;
      }
    }
  }
  return out;
}

uint64_t opt_uint(const bj::object& o, const char* key, uint64_t lo, uint64_t hi, uint64_t dflt) {
  const auto* v = o.if_contains(key);
  if (!v) return dflt;
  double x = 0;
  if (v->is_int64()) x = double(v->get_int64());
  else if (v->is_uint64()) x = double(v->get_uint64());
  else if (v->is_double()) x = v->get_double();
  else invalid(std::string("accuracy options: ") + key + " must be an integer");
  if (x != std::floor(x) || x < double(lo) || x > double(hi))
    invalid(std::string("accuracy options: ") + key + " must be an integer in [" + std::to_string(lo) + ", " +
            std::to_string(hi) + "], got " + json::number_text(x));
  return static_cast<uint64_t>(x);
}

struct VariantSpec {
  const char* name;
  bool smoothing, optimization;
};
constexpr VariantSpec kVariants[] = {
    {"baseline", false, false}, {"smoothing", true, false}, {"optimization", false, true}, {"both", true, true}};

bj::array to_array(const std::vector<double>& v) {
  bj::array a;
  for (double x : v) a.push_back(x);
  return a;
}

}  // namespace

AccuracyOptions parse_accuracy_options(const std::string& text) {
  AccuracyOptions o;
  if (text.empty()) return o;
  const bj::value v = json::parse_strict(text, "accuracy options", Status::invalid_argument);
  if (!v.is_object()) invalid("accuracy options: must be a JSON object");
  const auto& obj = v.as_object();
  static const char* const known[] = {"steps", "samples", "calibration_chains", "blocks", "block_gain",
                                      "calibration", "seed", "layers", "model_metrics"};
  for (const auto& kv : obj) {
    const std::string k(kv.key());
    if (std::find_if(std::begin(known), std::end(known), [&](const char* n) { return k == n; }) == std::end(known))
      invalid("accuracy options: unknown key '" + k + "'");
  }
  o.steps = opt_uint(obj, "steps", 2, 100000, o.steps);
  o.samples = opt_uint(obj, "samples", 1, 4096, o.samples);
  o.calibration_chains = opt_uint(obj, "calibration_chains", 1, 4096, o.calibration_chains);
  o.blocks = opt_uint(obj, "blocks", 1, 64, o.blocks);
  o.seed = opt_uint(obj, "seed", 0, uint64_t(1) << 53, o.seed);
  if (const auto* g = obj.if_contains("block_gain")) {
    if (!g->is_number() || !(g->to_number<double>() > 0 && g->to_number<double>() <= 10))
      invalid("accuracy options: block_gain must be a number in (0, 10]");
    o.block_gain = g->to_number<double>();
  }
  if (const auto* c = obj.if_contains("calibration")) {
    if (!c->is_string()) invalid("accuracy options: calibration must be a string");
    o.calibration = std::string(c->get_string());
    if (o.calibration != "chain" && o.calibration != "data-free" && o.calibration != "file")
      invalid("accuracy options: calibration must be \"chain\", \"data-free\" or \"file\", got \"" + o.calibration + "\"");
  }
  if (const auto* l = obj.if_contains("layers")) {
    if (!l->is_array()) invalid("accuracy options: layers must be an array of tensor names");
    for (const auto& x : l->get_array()) {
      if (!x.is_string()) invalid("accuracy options: layers must hold only strings");
      o.layers.push_back(std::string(x.get_string()));
    }
    if (o.layers.empty() || o.layers.size() % 2 != 0)
      invalid("accuracy options: layers must name pairs [up, down, ...], got " + std::to_string(o.layers.size()));
  }
  if (const auto* m = obj.if_contains("model_metrics")) {
    if (!m->is_bool()) invalid("accuracy options: model_metrics must be true or false");
    o.model_metrics = m->get_bool();
  }
  return o;
}

std::string accuracy_study(const std::string& model_path, const PipelineConfig& config,
                           const AccuracyOptions& opt) {
  const auto t_start = Clock::now();
  if (config.bit_width != 2 && config.bit_width != 4 && config.bit_width != 8)
    invalid("bit_width must be 2, 4 or 8, got " + std::to_string(config.bit_width));
  validate_config(config.time_aware);
  if (opt.calibration == "file" && config.calibration_file.empty())
    invalid("accuracy options: calibration \"file\" needs calibration_file in the configuration");
  const TimeAwareConfig& ta0 = config.time_aware;
  const st::Reader reader = st::Reader::open(model_path);

  // ---- the denoiser --------------------------------------------------------------------------------------------
  std::vector<std::pair<const st::TensorInfo*, const st::TensorInfo*>> pairs;
  if (!opt.layers.empty()) {
    for (std::size_t i = 0; i < opt.layers.size(); i += 2)
      pairs.push_back({&reader.at(opt.layers[i]), &reader.at(opt.layers[i + 1])});
  } else {
    pairs = find_blocks(reader, opt.blocks);
    if (pairs.empty())
      fail(Status::unsupported, model_path + ": no pair of linear layers [m, d] / [d, m] in one block to build the "
                                             "denoiser from; name them with the layers option");
  }
  Denoiser net;
  net.block_gain = opt.block_gain;
  for (const auto& [a, b] : pairs) {
    for (const auto* t : {a, b})
      if (t->shape.size() != 2) invalid("layer " + t->name + " is not 2-D");
    const uint64_t m = a->shape[0], d = a->shape[1];
    if (b->shape[0] != d || b->shape[1] != m)
      invalid("layers " + a->name + " [" + std::to_string(m) + ", " + std::to_string(d) + "] and " + b->name +
              " do not form a block: the second must be [" + std::to_string(d) + ", " + std::to_string(m) + "]");
    if (net.dim && d != net.dim)
      invalid("layer " + a->name + " takes " + std::to_string(d) + " inputs, the first block " + std::to_string(net.dim));
    net.dim = d;
    for (const auto* t : {a, b}) {
      Linear l;
      l.name = t->name;
      l.rows = t->shape[0];
      l.cols = t->shape[1];
      l.w = read_f32(reader, *t);
      const std::string suffix = ".weight";
      if (t->name.size() > suffix.size() && t->name.compare(t->name.size() - suffix.size(), suffix.size(), suffix) == 0)
        if (const auto* bias = reader.find(t->name.substr(0, t->name.size() - suffix.size()) + ".bias"))
          if (bias->shape.size() == 1 && bias->shape[0] == l.rows && is_float(bias->dtype)) l.bias = read_f32(reader, *bias);
      net.layers.push_back(std::move(l));
    }
  }
  // Quantized weights, exactly as the pipeline's kernel produces them (fixed bits: no fallback here).
  bj::array weight_info;
  for (auto& l : net.layers) {
    const QuantSpec spec{config.bit_width, config.group_size, config.mode, ParamFormat::automatic};
    const QuantizedTensor q = quantize(l.w.data(), DType::f32, l.rows, l.cols, spec, config.num_threads);
    l.wq.resize(l.w.size());
    dequantize(q, DType::f32, l.wq.data(), config.num_threads);
    weight_info.push_back(bj::object{{"name", l.name},
                                     {"shape", bj::array{l.rows, l.cols}},
                                     {"bias", !l.bias.empty()},
                                     {"cosine", q.stats.cosine()},
                                     {"sqnr_db", q.stats.sqnr_db()}});
  }

  // ---- schedule and calibration ----------------------------------------------------------------------------
  const std::vector<float> betas = beta_schedule(ta0.beta_schedule, ta0.num_timesteps, ta0.beta_start, ta0.beta_end);
  const Schedule sch = make_schedule(betas, opt.steps, ta0.calibration_data_std);
  const auto t_chain0 = Clock::now();
  std::vector<CalibrationStats> stats;
  std::string calibration_text;
  if (opt.calibration == "chain") {
    Recording rec;
    run_chains(net, sch, opt.calibration_chains, opt.seed ^ 0x63616c6962ull /* "calib" */, false, nullptr, &rec,
               config.num_threads);
    stats = calibration_from_recording(rec, sch, ta0.num_time_groups);
    calibration_text = "chain: layer inputs recorded from " + std::to_string(opt.calibration_chains) +
                       " full-precision chains (independent noise) at the " + std::to_string(opt.steps) +
                       " visited timesteps, linearly interpolated in t";
  } else if (opt.calibration == "data-free") {
    stats.assign(net.layers.size(), data_free_calibration(ta0, pipeline::time_aware_seed()));
    calibration_text = std::string("data-free: the pipeline's simulated forward diffusion (std ") +
                       json::number_text(ta0.calibration_data_std) + ", " + beta_schedule_name(ta0.beta_schedule) +
                       " schedule)";
  } else {
    const pipeline::CalibrationFile file = pipeline::read_calibration_file(config.calibration_file);
    for (const auto& l : net.layers) {
      const CalibrationStats* s = file.find(l.name);
      if (!s) invalid("calibration file " + config.calibration_file + " has no statistics for layer " + l.name);
      stats.push_back(*s);
    }
    calibration_text = "recorded file " + config.calibration_file;
  }
  for (const auto& s : stats)
    if (s.num_timesteps() != ta0.num_timesteps)
      invalid("calibration statistics have " + std::to_string(s.num_timesteps()) + " timesteps, num_timesteps is " +
              std::to_string(ta0.num_timesteps));
  const ChainRun fp = run_chains(net, sch, opt.samples, opt.seed, false, nullptr, nullptr, config.num_threads);
  const ChainRun wq = run_chains(net, sch, opt.samples, opt.seed, true, nullptr, nullptr, config.num_threads);
  const std::vector<double> wq_curve = relative_error_curve(wq, fp);
  // One-step (teacher-forced) error of the denoiser's x0_hat: no accumulation.
  auto mean_of = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
  };
  const std::vector<double> wq_step =
      relative_x0_error_curve(run_chains(net, sch, opt.samples, opt.seed, true, nullptr, nullptr, config.num_threads, &fp), fp);

  // The pipeline's layers for model-wide Phase 1 metrics (same statistics and seeds as a quantize run).
  std::vector<CalibrationStats> model_stats;
  std::vector<LayerInput> model_inputs;
  if (opt.model_metrics) {
    const std::vector<pipeline::LayerPlan> plan = pipeline::plan_layers(reader.tensors(), config);
    std::optional<pipeline::CalibrationFile> file;
    if (!config.calibration_file.empty()) file = pipeline::read_calibration_file(config.calibration_file);
    std::vector<std::string> names;
    for (const auto& p : plan)
      if (p.quantize) {
        const CalibrationStats* s = file ? file->find(p.tensor->name) : nullptr;
        model_stats.push_back(s ? *s : data_free_calibration(ta0, pipeline::time_aware_seed()));
        names.push_back(p.tensor->name);
      }
    for (std::size_t i = 0; i < model_stats.size(); ++i) model_inputs.push_back({&model_stats[i], pipeline::time_aware_seed()});
  }

  // ---- variants ------------------------------------------------------------------------------------------------
  const std::vector<uint64_t> bounds = group_timesteps(ta0.num_timesteps, ta0.num_time_groups);
  ActivationQuant act;
  act.levels = static_cast<float>((1u << ta0.activation_bits) - 1u);
  act.group_of.resize(ta0.num_timesteps);
  for (std::size_t g = 0; g + 1 < bounds.size(); ++g)
    for (uint64_t t = bounds[g]; t < bounds[g + 1]; ++t) act.group_of[t] = static_cast<uint32_t>(g);

  bj::array variants;
  bj::array calib_summary;
  for (const auto& vs : kVariants) {
    TimeAwareConfig ta = ta0;
    ta.thermodynamic.validation.enabled = true;
    ta.thermodynamic.boundary_smoothing.enabled = vs.smoothing;
    ta.thermodynamic.transition_optimization.enabled = vs.optimization;
    act.params.clear();
    double score = 0, score_before = 0, phase_s = 0;
    uint64_t viol = 0, viol_before = 0;
    bj::array layers;
    for (std::size_t li = 0; li < net.layers.size(); ++li) {
      const LayerResult r = process_layer(stats[li], ta, pipeline::time_aware_seed());
      const MarkovReport& before = *r.stages[0].report;
      const MarkovReport& after = *r.final_stage().report;
      score += after.smoothness_score;
      score_before += before.smoothness_score;
      viol += after.violations.size();
      viol_before += before.violations.size();
      phase_s += r.timings.smooth + r.timings.optimize + r.timings.validate_before + r.timings.validate_after;
      bj::array sc, zp;
      for (const auto& p : r.params) {
        sc.push_back(static_cast<double>(p.scale));
        zp.push_back(static_cast<double>(p.zero_point));
      }
      bj::object lo{{"name", net.layers[li].name},
                    {"smoothness_score_before", static_cast<double>(before.smoothness_score)},
                    {"smoothness_score", static_cast<double>(after.smoothness_score)},
                    {"violation_count_before", before.violations.size()},
                    {"violation_count", after.violations.size()},
                    {"scales", std::move(sc)},
                    {"zero_points", std::move(zp)}};
      if (r.optimization) lo["phase3"] = phase3_json(*r.optimization);
      layers.push_back(std::move(lo));
      if (vs.smoothing == false && vs.optimization == false) {
        // How much the calibration ranges change with t: the spread of the group ranges (max - min).
        double lo = INFINITY, hi = 0;
        for (const auto& p : r.initial_params) {
          const double range = double(p.scale) * act.levels;
          lo = std::min(lo, range);
          hi = std::max(hi, range);
        }
        calib_summary.push_back(bj::object{{"name", net.layers[li].name},
                                           {"min_group_range", lo},
                                           {"max_group_range", hi},
                                           {"range_ratio", lo > 0 ? hi / lo : INFINITY},
                                           {"max_scale_jump", static_cast<double>(before.max_scale_jump())}});
      }
      act.params.push_back(r.params);
    }
    const double n = static_cast<double>(net.layers.size());
    const ChainRun qr = run_chains(net, sch, opt.samples, opt.seed, true, &act, nullptr, config.num_threads);
    const std::vector<double> curve = relative_error_curve(qr, fp);
    const std::vector<double> step_curve = relative_x0_error_curve(
        run_chains(net, sch, opt.samples, opt.seed, true, &act, nullptr, config.num_threads, &fp), fp);
    bj::object v;
    v["name"] = vs.name;
    v["smoothness_score"] = score / n;
    v["violation_count"] = viol;
    v["final_relative_error"] = curve.back();
    v["error_curve"] = to_array(curve);
    v["step_error_curve"] = to_array(step_curve);
    v["mean_step_error"] = mean_of(step_curve);
    v["smoothness_score_before"] = score_before / n;
    v["violation_count_before"] = viol_before;
    v["phase_time_s"] = phase_s;
    if (opt.model_metrics && !model_inputs.empty()) {
      const auto t0 = Clock::now();
      const std::vector<LayerResult> rs = process_layers(model_inputs, ta, config.num_threads);
      double ms = 0, mmin = 1;
      uint64_t mv = 0, met = 0;
      for (const auto& r : rs) {
        ms += r.final_stage().report->smoothness_score;
        mmin = std::min(mmin, static_cast<double>(r.final_stage().report->smoothness_score));
        mv += r.final_stage().report->violations.size();
        if (r.optimization && r.optimization->converged) ++met;
      }
      v["model_smoothness_score"] = ms / double(rs.size());
      v["model_min_smoothness_score"] = mmin;
      v["model_violation_count"] = mv;
      if (vs.optimization) v["model_phase3_target_met_layers"] = met;
      v["model_layers"] = rs.size();
      v["model_phase_time_s"] = since(t0);
    }
    v["layers"] = std::move(layers);
    variants.push_back(std::move(v));
  }

  // ---- the document ----------------------------------------------------------------------------------------
  bj::object o;
  std::string model = model_path;
  while (model.size() > 1 && model.back() == '/') model.pop_back();
  const auto slash = model.rfind('/');
  if (slash != std::string::npos) model = model.substr(slash + 1);
  if (model.size() > 12 && model.compare(model.size() - 12, 12, ".safetensors") == 0) model.resize(model.size() - 12);
  o["model"] = model;
  o["bits"] = config.bit_width;
  o["time_groups"] = ta0.num_time_groups;
  o["variants"] = std::move(variants);
  o["model_path"] = model_path;
  o["group_size"] = config.group_size;
  o["mode"] = mode_name(config.mode);
  o["activation_bits"] = ta0.activation_bits;
  o["num_timesteps"] = ta0.num_timesteps;
  o["beta_schedule"] = beta_schedule_name(ta0.beta_schedule);
  o["steps"] = opt.steps;
  o["samples"] = opt.samples;
  o["seed"] = opt.seed;
  o["calibration"] = calibration_text;
  o["calibration_data_std"] = static_cast<double>(ta0.calibration_data_std);
  o["calibration_ranges"] = std::move(calib_summary);
  bj::array names;
  for (const auto& l : net.layers) names.push_back(bj::string(l.name));
  o["denoiser"] = bj::object{{"blocks", net.layers.size() / 2},
                             {"block_gain", opt.block_gain},
                             {"dim", net.dim},
                             {"layers", std::move(names)},
                             {"weights", std::move(weight_info)}};
  bj::array ts;
  for (uint64_t t : sch.steps) ts.push_back(t);
  o["timesteps"] = std::move(ts);
  o["reference"] = bj::object{{"weights_only", bj::object{{"final_relative_error", wq_curve.back()},
                                                         {"error_curve", to_array(wq_curve)},
                                                         {"mean_step_error", mean_of(wq_step)},
                                                         {"step_error_curve", to_array(wq_step)}}}};
  o["fp_final_rms"] = rms(fp.states.back());
  {
    std::vector<double> r;
    for (const auto& st : fp.states) r.push_back(rms(st));
    o["fp_rms_curve"] = to_array(r);
  }
  o["chain_time_s"] = since(t_chain0);
  o["total_time_s"] = since(t_start);
  o["arrowquant_version"] = std::to_string(AQ_VERSION_MAJOR) + "." + std::to_string(AQ_VERSION_MINOR) + "." +
                            std::to_string(AQ_VERSION_PATCH);
  return json::to_text_pretty(o);
}

}  // namespace aq::report
