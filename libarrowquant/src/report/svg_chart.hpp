// Inline SVG charts for the HTML report: no script, no external resource, fixed layout so the same input gives
// the same bytes. Non-finite values are gaps (a line breaks, a bar is left out).
#pragma once
#include <string>
#include <vector>

namespace aq::report::detail {

std::string html_escape(const std::string& s);
// Compact number text for labels ("0.723", "1.2e-05", "n/a" for non-finite).
std::string short_number(double v, int significant = 4);

struct Series {
  std::string name;
  std::vector<double> y;
  std::string color;    // CSS colour
  bool dashed = false;
};

struct LineChart {
  std::string id;          // element id of the <svg> (the browser test looks for it)
  std::string title;
  std::string x_label, y_label;
  std::vector<double> x;   // x values (empty: 0, 1, 2, ...)
  std::vector<Series> series;
  bool fixed_y = false;    // use [y_min, y_max] instead of the data range
  double y_min = 0, y_max = 1;
  bool log_y = false;      // log10 axis (non-positive values are gaps)
  int width = 720, height = 300;
};
std::string render(const LineChart& c);

struct Bar {
  std::string label;  // category (shown as a tooltip; on the axis when there are few bars)
  double value;
  std::string color;
};
struct LegendEntry {
  std::string name, color;
};
struct BarChart {
  std::string id, title, y_label;
  std::vector<Bar> bars;
  std::vector<LegendEntry> legend;
  int width = 720, height = 300;
};
std::string render(const BarChart& c);

// A colour for series i of a fixed palette.
const char* palette(std::size_t i);

}  // namespace aq::report::detail
