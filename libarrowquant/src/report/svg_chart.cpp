#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aq::report::detail {
namespace {

constexpr int kLeft = 64, kRight = 16, kTop = 34;
// Rough glyph widths (px) of the chart fonts, to decide what fits without measuring text (no script).
constexpr double kTitleGlyph = 8.0, kTickGlyph = 5.8, kLabelGlyph = 6.6;

std::string num(double v) {  // coordinates: 2 decimals are plenty and keep the bytes stable
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of the k-th code point (or s.size()).
std::size_t utf8_offset(const std::string& s, std::size_t k) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == k) return i;
  return s.size();
}

// "Nice" tick step for a range (1, 2 or 5 times a power of ten), about `target` ticks.
double nice_step(double range, int target) {
  if (!(range > 0)) return 1.0;
  const double raw = range / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / p;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

std::string open_svg(const std::string& id, const std::string& title, int w, int h) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + html_escape(id) +
                  "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " +
                  std::to_string(w) + " " + std::to_string(h) + "\" role=\"img\" aria-label=\"" +
                  html_escape(title) + "\">\n";
  s += "<title>" + html_escape(title) + "</title>\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
       "\" fill=\"#ffffff\"/>\n";
  // The visible title fits the width; the full one is its tooltip (and the chart's <title>). In "what: name"
  // only the name is shortened.
  const auto fit = static_cast<std::size_t>(std::max(10.0, (w - 16) / kTitleGlyph));
  const auto colon = title.find(": ");
  const std::size_t head = colon == std::string::npos ? 0 : utf8_length(title.substr(0, colon + 2));
  const std::string shown = colon != std::string::npos && head + 12 < fit
                                ? title.substr(0, colon + 2) + ellipsize_middle(title.substr(colon + 2), fit - head)
                                : ellipsize_middle(title, fit);
  s += "<text x=\"" + std::to_string(w / 2) + "\" y=\"18\" text-anchor=\"middle\" class=\"ct\">" +
       html_escape(shown) + "<title>" + html_escape(title) + "</title></text>\n";
  return s;
}

double legend_width(const LegendEntry& e) { return 30 + 6.5 * static_cast<double>(utf8_length(e.name)); }

// Lines the legend needs between x0 and x_max (entries wrap to a new line of 16 px instead of leaving the chart).
int legend_lines(const std::vector<LegendEntry>& entries, double x0, double x_max) {
  int lines = entries.empty() ? 0 : 1;
  double x = x0;
  for (const auto& e : entries) {
    if (x > x0 && x + legend_width(e) > x_max) {
      ++lines;
      x = x0;
    }
    x += legend_width(e);
  }
  return lines;
}

std::string legend(const std::vector<LegendEntry>& entries, double x0, double y0, double x_max,
                   const std::vector<bool>& dashed = {}) {
  std::string s;
  double x = x0, y = y0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (x > x0 && x + legend_width(entries[i]) > x_max) {
      x = x0;
      y += 16;
    }
    const bool d = i < dashed.size() && dashed[i];
    s += "<g class=\"legend\"><line x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(x + 18) +
         "\" y2=\"" + num(y - 4) + "\" stroke=\"" + entries[i].color + "\" stroke-width=\"" + (d ? "2" : "6") +
         "\"" + (d ? " stroke-dasharray=\"4 3\"" : "") + "/>";
    s += "<text x=\"" + num(x + 22) + "\" y=\"" + num(y) + "\" class=\"lg\">" + html_escape(entries[i].name) +
         "</text></g>\n";
    x += legend_width(entries[i]);
  }
  return s;
}

// A value axis mapped onto the pixel interval [near, far] (near = the value lo).
struct Axis {
  double lo, hi;
  bool log;
  double near, far;
  double to_px(double v) const {
    const double t = log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
    return near + t * (far - near);
  }
};

// Tick values and their labels.
std::vector<std::pair<double, std::string>> ticks(const Axis& a) {
  std::vector<std::pair<double, std::string>> out;
  if (a.log) {
    for (double e = std::ceil(a.lo); e <= a.hi + 1e-9; e += 1.0)
      out.push_back({std::pow(10.0, e), short_number(std::pow(10.0, e), 2)});
    return out;
  }
  const double step = nice_step(a.hi - a.lo, 5);
  // Enough decimals to tell neighbouring ticks apart (142 and 142.5), scientific for very small or large values.
  const double mag = std::max(std::fabs(a.lo), std::fabs(a.hi));
  const bool sci = mag >= 1e5 || (mag > 0 && mag < 1e-3);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  for (int i = 0;; ++i) {
    const double v = std::ceil(a.lo / step - 1e-9) * step + step * i;
    if (v > a.hi + step * 1e-9 || i > 50) break;
    const double vv = std::fabs(v) < step * 1e-9 ? 0.0 : v;
    char label[48];
    if (sci) std::snprintf(label, sizeof label, "%.2e", vv);
    else std::snprintf(label, sizeof label, "%.*f", decimals, vv);
    out.push_back({vv, label});
  }
  return out;
}

Axis make_axis(std::vector<double> values, bool fixed, double fmin, double fmax, bool log, bool include_zero) {
  Axis a{0, 1, log, 0, 1};
  if (fixed) {
    a.lo = log ? std::log10(fmin) : fmin;
    a.hi = log ? std::log10(fmax) : fmax;
    return a;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || (log && !(v > 0))) continue;
    const double t = log ? std::log10(v) : v;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (include_zero && !log) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  if (log) {
    lo = std::floor(lo);
    hi = std::ceil(hi);
    if (hi <= lo) hi = lo + 1;
  } else {
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
      const double pad = std::max(std::fabs(hi) * 0.1, 1e-6);
      lo -= pad;
      hi += pad;
    } else {
      const double step = nice_step(hi - lo, 5);
      lo = std::floor(lo / step) * step;
      hi = std::ceil(hi / step) * step;
    }
  }
  a.lo = lo;
  a.hi = hi;
  return a;
}

// One- or two-line tick label centred at x.
std::string tick_label(double x, double y, const std::string& text) {
  const auto nl = text.find('\n');
  if (nl == std::string::npos)
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"middle\" class=\"tk\">" +
           html_escape(text) + "</text>\n";
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"middle\" class=\"tk\"><tspan x=\"" +
         num(x) + "\">" + html_escape(text.substr(0, nl)) + "</tspan><tspan x=\"" + num(x) + "\" dy=\"11\">" +
         html_escape(text.substr(nl + 1)) + "</tspan></text>\n";
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

std::string short_number(double v, int significant) {
  if (!std::isfinite(v)) return "n/a";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

std::string ellipsize_middle(const std::string& s, std::size_t max_chars) {
  const std::size_t n = utf8_length(s);
  if (n <= max_chars || max_chars < 5) return s;
  const std::size_t keep = max_chars - 1, head = keep * 2 / 5, tail = keep - head;
  return s.substr(0, utf8_offset(s, head)) + "…" + s.substr(utf8_offset(s, n - tail));
}

const char* palette(std::size_t i) {
  static const char* const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                       "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return colors[i % (sizeof colors / sizeof colors[0])];
}

std::string render(const LineChart& c) {
  const bool categories = !c.x_tick_labels.empty();
  const bool two_line = std::any_of(c.x_tick_labels.begin(), c.x_tick_labels.end(),
                                    [](const std::string& t) { return t.find('\n') != std::string::npos; });
  const bool notes = !c.x_start_note.empty() || !c.x_end_note.empty();
  // Rows under the axis: tick labels (one or two lines), end notes, the axis label, the legend.
  const double tick_rows = two_line ? 27 : 16;
  const double notes_y = tick_rows + 13, x_label_y = (notes ? notes_y + 14 : tick_rows + 18);
  const double legend_y = x_label_y + 16;
  std::vector<LegendEntry> leg;
  std::vector<bool> dashed;
  for (const auto& se : c.series) {
    leg.push_back({se.name, se.color});
    dashed.push_back(se.dashed);
  }
  const double extra = 16.0 * std::max(0, legend_lines(leg, kLeft, c.width - kRight) - 1);
  const int h = std::max(c.height, static_cast<int>(kTop + 120 + legend_y + 6)) + static_cast<int>(extra);
  const double left = kLeft, right = c.width - kRight, bottom = h - (legend_y + 6 + extra);
  std::string s = open_svg(c.id, c.title, c.width, h);
  if (!c.y_label.empty())
    s += "<text transform=\"translate(14," + num((kTop + bottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" class=\"al\">" + html_escape(c.y_label) + "</text>\n";
  if (!c.x_label.empty())
    s += "<text x=\"" + num((left + right) / 2) + "\" y=\"" + num(bottom + x_label_y) +
         "\" text-anchor=\"middle\" class=\"al\">" + html_escape(c.x_label) + "</text>\n";
  std::size_t n = 0;
  std::vector<double> all = c.y_include;
  for (const auto& se : c.series) {
    n = std::max(n, se.y.size());
    all.insert(all.end(), se.y.begin(), se.y.end());
  }
  std::vector<double> xs = c.x;
  for (std::size_t i = xs.size(); i < n; ++i) xs.push_back(static_cast<double>(i));
  Axis ya = make_axis(all, c.fixed_y, c.y_min, c.y_max, c.log_y, false);
  ya.near = bottom;
  ya.far = kTop;
  for (const auto& [v, label] : ticks(ya)) {
    const double py = ya.to_px(v);
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(right) + "\" y2=\"" + num(py) +
         "\" class=\"grid\"/><text x=\"" + num(left - 4) + "\" y=\"" + num(py + 4) +
         "\" text-anchor=\"end\" class=\"tk\">" + label + "</text>\n";
  }
  double xmin = xs.empty() ? 0 : xs.front(), xmax = xs.empty() ? 1 : xs.front();
  for (double x : xs) {
    xmin = std::min(xmin, x);
    xmax = std::max(xmax, x);
  }
  if (xmax <= xmin || categories) {  // categories: half a slot at each end, so the end labels fit
    xmin -= 0.5;
    xmax += 0.5;
  }
  auto px = [&](double x) { return left + (x - xmin) / (xmax - xmin) * (right - left); };
  if (categories) {
    // Every k-th label, k chosen so that the widest label fits its share of the axis.
    std::size_t widest = 1;
    for (const auto& t : c.x_tick_labels) {
      const auto nl = t.find('\n');
      widest = std::max({widest, utf8_length(t.substr(0, nl)),
                         nl == std::string::npos ? std::size_t(0) : utf8_length(t.substr(nl + 1))});
    }
    const double slot = xs.size() > 1 ? (px(xs[1]) - px(xs[0])) : right - left;
    const auto k = static_cast<std::size_t>(std::max(1.0, std::ceil((widest * kTickGlyph + 6) / slot)));
    for (std::size_t i = 0; i < xs.size() && i < c.x_tick_labels.size(); ++i) {
      s += "<line x1=\"" + num(px(xs[i])) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(px(xs[i])) + "\" y2=\"" +
           num(bottom + 4) + "\" class=\"axis\"/>";
      if (i % k == 0) s += tick_label(px(xs[i]), bottom + 14, c.x_tick_labels[i]);
      else s += "\n";
    }
  } else {
    // about 10 labelled positions
    const double xstep = std::max(1.0, std::round(nice_step(xmax - xmin, 10)));
    for (double x = std::ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep)
      s += "<line x1=\"" + num(px(x)) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(px(x)) + "\" y2=\"" +
           num(bottom + 4) + "\" class=\"axis\"/>" + tick_label(px(x), bottom + 16, short_number(x, 4));
  }
  if (!c.x_start_note.empty())
    s += "<text x=\"" + num(left) + "\" y=\"" + num(bottom + notes_y) + "\" text-anchor=\"start\" class=\"nt\">" +
         html_escape(c.x_start_note) + "</text>\n";
  if (!c.x_end_note.empty())
    s += "<text x=\"" + num(right) + "\" y=\"" + num(bottom + notes_y) + "\" text-anchor=\"end\" class=\"nt\">" +
         html_escape(c.x_end_note) + "</text>\n";
  s += "<line x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
       "\" class=\"axis\"/><line x1=\"" + num(left) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(left) + "\" y2=\"" +
       num(bottom) + "\" class=\"axis\"/>\n";
  for (const auto& r : c.ref_lines) {
    const double lo = ya.log ? std::pow(10.0, ya.lo) : ya.lo, hi = ya.log ? std::pow(10.0, ya.hi) : ya.hi;
    if (!(r.y >= lo && r.y <= hi)) continue;
    const double py = ya.to_px(r.y);
    s += "<g class=\"refline\"><line x1=\"" + num(left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(right) +
         "\" y2=\"" + num(py) + "\" stroke=\"" + r.color + "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>" +
         "<text x=\"" + num(right - 4) + "\" y=\"" + num(py - 4) + "\" text-anchor=\"end\" class=\"rl\" fill=\"" +
         r.color + "\">" + html_escape(r.label) + "</text></g>\n";
  }
  for (const auto& se : c.series) {
    std::string d;
    bool pen_down = false;
    std::string marks;
    for (std::size_t i = 0; i < se.y.size(); ++i) {
      const double v = se.y[i];
      if (!std::isfinite(v) || (c.log_y && !(v > 0))) {
        pen_down = false;
        continue;
      }
      const double cy = std::clamp(ya.to_px(v), double(kTop) - 2, bottom + 2);
      d += (pen_down ? " L" : " M") + num(px(xs[i])) + " " + num(cy);
      pen_down = true;
      const std::string where = categories && i < c.x_tick_labels.size()
                                    ? [&] {
                                        std::string t = c.x_tick_labels[i];
                                        std::replace(t.begin(), t.end(), '\n', ' ');
                                        return t;
                                      }()
                                    : short_number(xs[i], 4);
      if (se.y.size() <= 40)
        marks += "<circle cx=\"" + num(px(xs[i])) + "\" cy=\"" + num(cy) + "\" r=\"2.5\" fill=\"" + se.color +
                 "\"><title>" + html_escape(se.name) + " [" + html_escape(where) + "] = " + short_number(v, 6) +
                 "</title></circle>";
    }
    if (!d.empty())
      s += "<path class=\"series\" d=\"" + d.substr(1) + "\" fill=\"none\" stroke=\"" + se.color +
           "\" stroke-width=\"2\"" + (se.dashed ? " stroke-dasharray=\"5 4\"" : "") + "><title>" +
           html_escape(se.name) + "</title></path>\n";
    s += marks.empty() ? "" : marks + "\n";
  }
  s += legend(leg, kLeft, bottom + legend_y, c.width - kRight, dashed);
  s += "</svg>\n";
  return s;
}

std::string render(const BarChart& c) {
  // Label column as wide as the longest label needs, up to 46 characters (longer ones shortened in the middle).
  constexpr std::size_t kMaxLabel = 46;
  std::size_t longest = 4;
  for (const auto& b : c.bars) longest = std::max(longest, std::min(kMaxLabel, utf8_length(b.label)));
  const double left = 12 + kLabelGlyph * static_cast<double>(longest), right = c.width - 56.0;
  const int lines = legend_lines(c.legend, left, right);
  const double top = kTop + 18 + 18 * lines, row = c.row_height;
  const double bottom = top + row * static_cast<double>(std::max<std::size_t>(c.bars.size(), 1));
  const int h = static_cast<int>(bottom + 44);
  std::string s = open_svg(c.id, c.title, c.width, h);
  s += legend(c.legend, left, kTop + 12, right);
  std::vector<double> vals = c.x_include;
  for (const auto& b : c.bars) vals.push_back(b.value);
  Axis xa = make_axis(vals, false, 0, 1, false, true);
  xa.near = left;
  xa.far = right;
  for (const auto& [v, label] : ticks(xa)) {
    const double x = xa.to_px(v);
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(bottom) +
         "\" class=\"grid\"/>" + tick_label(x, top - 4, label) + tick_label(x, bottom + 14, label);
  }
  if (!c.x_label.empty())
    s += "<text x=\"" + num((left + right) / 2) + "\" y=\"" + num(bottom + 32) +
         "\" text-anchor=\"middle\" class=\"al\">" + html_escape(c.x_label) + "</text>\n";
  const double zero = xa.to_px(0.0);
  for (std::size_t i = 0; i < c.bars.size(); ++i) {
    const Bar& b = c.bars[i];
    const double y = top + row * static_cast<double>(i);
    const std::string tip =
        b.tooltip.empty() ? b.label + ": " + (std::isfinite(b.value) ? short_number(b.value, 5) : "not finite (exact)")
                          : b.tooltip;
    s += "<g class=\"bar-row\"><title>" + html_escape(tip) + "</title><text x=\"" + num(left - 6) + "\" y=\"" +
         num(y + row * 0.72) + "\" text-anchor=\"end\" class=\"bl\">" +
         html_escape(ellipsize_middle(b.label, kMaxLabel)) + "</text>";
    if (!std::isfinite(b.value)) {
      s += "<text x=\"" + num(zero + 4) + "\" y=\"" + num(y + row * 0.72) + "\" class=\"bv\">&#8734; exact</text></g>\n";
      continue;
    }
    const double x = xa.to_px(b.value);
    s += "<rect class=\"bar\" x=\"" + num(std::min(x, zero)) + "\" y=\"" + num(y + 2) + "\" width=\"" +
         num(std::max(std::fabs(x - zero), 0.5)) + "\" height=\"" + num(row - 4) + "\" fill=\"" + b.color +
         "\"/><text x=\"" + num(std::max(x, zero) + 4) + "\" y=\"" + num(y + row * 0.72) + "\" class=\"bv\">" +
         short_number(b.value, 4) + "</text></g>\n";
  }
  s += "<line x1=\"" + num(zero) + "\" y1=\"" + num(top) + "\" x2=\"" + num(zero) + "\" y2=\"" + num(bottom) +
       "\" class=\"axis\"/><line x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) +
       "\" y2=\"" + num(bottom) + "\" class=\"axis\"/>\n";
  s += "</svg>\n";
  return s;
}

}  // namespace aq::report::detail
