// Reading the JSON documents the reports are built from (quality report, baseline metrics, accuracy study).
// Readers are lenient where the library's own producers may evolve (a missing optional field reads as absent,
// JSON null as NaN), strict where the report would otherwise be wrong (a document of the wrong kind).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace aq::report::detail {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Parses text (strict JSON: duplicate keys rejected) or throws Status::format naming `what`.
boost::json::value parse_document(const std::string& text, const std::string& what);

// Member at a dotted path ("totals.cosine"), or nullptr.
const boost::json::value* at(const boost::json::value& root, const std::string& path);
// Number at path; NaN when absent, null or not a number.
double number(const boost::json::value& root, const std::string& path);
double number(const boost::json::value* v);
std::string string_or(const boost::json::value& root, const std::string& path, const std::string& fallback);
// Array of numbers at path (null elements read as NaN); empty when absent.
std::vector<double> numbers(const boost::json::value& root, const std::string& path);
const boost::json::array* array(const boost::json::value& root, const std::string& path);

// ---- Phase 1 metrics of a quality report, aggregated over layers (docs/report.md "Aggregation rule") -------
struct LayerViolation {
  std::string layer;
  uint64_t boundary_idx = 0;
  double scale_jump = 0, zero_point_jump = 0;
  std::string severity;  // "low" | "medium" | "high"
};

// One entry of a Phase 1 "violations" array, attributed to `layer`.
LayerViolation violation_from_json(const boost::json::value& v, const std::string& layer);

struct LayerPhase1 {
  std::string name;
  double smoothness_score = kNaN;
  std::vector<double> boundary_scores;
  std::vector<LayerViolation> violations;
  const boost::json::object* layer = nullptr;  // the report's layer object
};

struct ModelPhase1 {
  std::vector<LayerPhase1> layers;       // report order (layers with the metrics only)
  double smoothness_score = kNaN;        // mean of the layer scores
  std::vector<double> boundary_scores;   // [b] = mean over the layers that have boundary b
  std::vector<double> boundary_min;      // [b] = min over the layers that have boundary b
  std::vector<LayerViolation> violations;  // every layer's, layer order then boundary order
  double worst_boundary_score = kNaN;    // min over every layer's boundary scores
  uint64_t layers_with_violations = 0;
};

// key: "phase1_before" or "phase1_after" (members of layers[].time_aware).
ModelPhase1 aggregate_phase1(const boost::json::value& quality_report, const char* key);

// True when the document looks like a quality report ({"layers": [...], "totals": {...}}).
bool is_quality_report(const boost::json::value& doc);

}  // namespace aq::report::detail
