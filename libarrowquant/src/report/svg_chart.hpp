// Inline SVG charts for the HTML report: no script, no external resource, fixed layout so the same input gives
// the same bytes. Non-finite values are gaps (a line breaks, a bar is left out).
#pragma once
#include <string>
#include <vector>

namespace aq::report::detail {

std::string html_escape(const std::string& s);
// Compact number text for labels ("0.723", "1.2e-05", "n/a" for non-finite).
std::string short_number(double v, int significant = 4);
// At most max_chars characters (UTF-8 aware): a longer text keeps its start and its longer end, joined by "…",
// because the end of a tensor name is what tells layers apart ("blocks.11.attn.to_q.weight").
std::string ellipsize_middle(const std::string& s, std::size_t max_chars);

struct Series {
  std::string name;
  std::vector<double> y;
  std::string color;    // CSS colour
  bool dashed = false;
};

// A labelled horizontal line (a threshold).
struct RefLine {
  double y;
  std::string label, color;
};

struct LineChart {
  std::string id;          // element id of the <svg> (the browser test looks for it)
  std::string title;       // shortened in the middle when it does not fit (full text in the tooltip)
  std::string x_label, y_label;
  std::vector<double> x;   // x values (empty: 0, 1, 2, ...)
  std::vector<Series> series;
  bool fixed_y = false;    // use [y_min, y_max] instead of the data range
  double y_min = 0, y_max = 1;
  bool log_y = false;      // log10 axis (non-positive values are gaps)
  std::vector<RefLine> ref_lines;  // drawn dashed; inside the axis range only when y_include holds them
  std::vector<double> y_include;   // values the automatic range must contain besides the data
  // Category labels, one per x value (two lines: "line 1\nline 2"); thinned to every k-th when they would
  // overlap. Empty: numeric ticks.
  std::vector<std::string> x_tick_labels;
  std::string x_start_note, x_end_note;  // under the two ends of the x axis ("clean end", "noise end")
  int width = 720, height = 300;
};
std::string render(const LineChart& c);

struct Bar {
  std::string label;    // shown beside the bar (shortened in the middle when long)
  double value;         // non-finite: an ∞ marker ("exact") instead of a bar
  std::string color;
  std::string tooltip;  // full text of the bar's tooltip (default: label and value)
};
struct LegendEntry {
  std::string name, color;
};
// Horizontal bars, one row per bar with its label on the left and its value at the end: readable for a hundred
// layers, where vertical bars would have no room for names.
struct BarChart {
  std::string id, title, x_label;
  std::vector<Bar> bars;
  std::vector<LegendEntry> legend;
  std::vector<double> x_include;  // values the axis must contain besides the bars (panels sharing one axis)
  int width = 1000;
  int row_height = 16;
};
std::string render(const BarChart& c);

// A colour for series i of a fixed palette.
const char* palette(std::size_t i);

}  // namespace aq::report::detail
