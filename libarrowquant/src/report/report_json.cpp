#include "report/report_json.hpp"

#include <boost/json.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"

namespace aq::report::detail {

boost::json::value parse_document(const std::string& text, const std::string& what) {
  return json::parse_strict(text, what, Status::format);
}

const boost::json::value* at(const boost::json::value& root, const std::string& path) {
  const boost::json::value* cur = &root;
  std::size_t pos = 0;
  while (cur) {
    const std::size_t dot = path.find('.', pos);
    const std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    const auto* obj = cur->if_object();
    cur = obj ? obj->if_contains(part) : nullptr;
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return cur;
}

double number(const boost::json::value* v) {
  if (!v || !v->is_number()) return kNaN;
  return v->to_number<double>();
}

double number(const boost::json::value& root, const std::string& path) { return number(at(root, path)); }

std::string string_or(const boost::json::value& root, const std::string& path, const std::string& fallback) {
  const auto* v = at(root, path);
  if (!v || !v->is_string()) return fallback;
  return std::string(v->get_string());
}

const boost::json::array* array(const boost::json::value& root, const std::string& path) {
  const auto* v = at(root, path);
  return v ? v->if_array() : nullptr;
}

std::vector<double> numbers(const boost::json::value& root, const std::string& path) {
  std::vector<double> out;
  if (const auto* a = array(root, path))
    for (const auto& x : *a) out.push_back(number(&x));
  return out;
}

bool is_quality_report(const boost::json::value& doc) {
  return doc.is_object() && array(doc, "layers") && at(doc, "totals") && at(doc, "totals")->is_object();
}

LayerViolation violation_from_json(const boost::json::value& v, const std::string& layer) {
  LayerViolation x;
  x.layer = layer;
  const double idx = number(v, "boundary_idx");
  x.boundary_idx = std::isfinite(idx) && idx >= 0 ? static_cast<uint64_t>(idx) : 0;
  x.scale_jump = number(v, "scale_jump");
  x.zero_point_jump = number(v, "zero_point_jump");
  x.severity = string_or(v, "severity", "low");
  return x;
}

ModelPhase1 aggregate_phase1(const boost::json::value& report, const char* key) {
  ModelPhase1 m;
  const auto* layers = array(report, "layers");
  if (!layers) return m;
  std::vector<double> sums;
  std::vector<uint64_t> counts;
  double score_sum = 0;
  for (const auto& lv : *layers) {
    const auto* lo = lv.if_object();
    if (!lo) continue;
    const auto* ph = at(lv, std::string("time_aware.") + key);
    if (!ph || !ph->is_object()) continue;
    LayerPhase1 l;
    l.layer = lo;
    l.name = string_or(lv, "name", "?");
    l.smoothness_score = number(*ph, "smoothness_score");
    l.boundary_scores = numbers(*ph, "boundary_scores");
    if (const auto* vs = array(*ph, "violations"))
      for (const auto& v : *vs) l.violations.push_back(violation_from_json(v, l.name));
    if (l.boundary_scores.size() > sums.size()) {
      sums.resize(l.boundary_scores.size(), 0.0);
      counts.resize(l.boundary_scores.size(), 0);
      m.boundary_min.resize(l.boundary_scores.size(), kNaN);
    }
    for (std::size_t b = 0; b < l.boundary_scores.size(); ++b) {
      sums[b] += l.boundary_scores[b];
      if (!(l.boundary_scores[b] >= m.boundary_min[b])) m.boundary_min[b] = l.boundary_scores[b];
      ++counts[b];
      if (!(l.boundary_scores[b] >= m.worst_boundary_score)) m.worst_boundary_score = l.boundary_scores[b];
    }
    score_sum += l.smoothness_score;
    if (!l.violations.empty()) ++m.layers_with_violations;
    m.violations.insert(m.violations.end(), l.violations.begin(), l.violations.end());
    m.layers.push_back(std::move(l));
  }
  if (!m.layers.empty()) m.smoothness_score = score_sum / static_cast<double>(m.layers.size());
  for (std::size_t b = 0; b < sums.size(); ++b) m.boundary_scores.push_back(sums[b] / static_cast<double>(counts[b]));
  return m;
}

}  // namespace aq::report::detail
