#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aq::report::detail {
namespace {

constexpr int kLeft = 64, kRight = 16, kTop = 34, kBottom = 64;

std::string num(double v) {  // coordinates: 2 decimals are plenty and keep the bytes stable
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "Nice" tick step for a range (1, 2 or 5 times a power of ten), about `target` ticks.
double nice_step(double range, int target) {
  if (!(range > 0)) return 1.0;
  const double raw = range / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / p;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

std::string frame(const std::string& id, const std::string& title, int w, int h, const std::string& y_label,
                  const std::string& x_label) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + html_escape(id) +
                  "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " +
                  std::to_string(w) + " " + std::to_string(h) + "\" role=\"img\" aria-label=\"" +
                  html_escape(title) + "\">\n";
  s += "<title>" + html_escape(title) + "</title>\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
       "\" fill=\"#ffffff\"/>\n";
  s += "<text x=\"" + std::to_string(w / 2) + "\" y=\"18\" text-anchor=\"middle\" class=\"ct\">" +
       html_escape(title) + "</text>\n";
  if (!y_label.empty())
    s += "<text transform=\"translate(14," + std::to_string((kTop + h - kBottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" class=\"al\">" + html_escape(y_label) + "</text>\n";
  if (!x_label.empty())
    s += "<text x=\"" + std::to_string((kLeft + w - kRight) / 2) + "\" y=\"" + std::to_string(h - kBottom + 34) +
         "\" text-anchor=\"middle\" class=\"al\">" + html_escape(x_label) + "</text>\n";
  return s;
}

std::string legend(const std::vector<LegendEntry>& entries, int w, int h, const std::vector<bool>& dashed = {}) {
  std::string s;
  double x = kLeft;
  const double y = h - 14;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool d = i < dashed.size() && dashed[i];
    s += "<g class=\"legend\"><line x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(x + 18) +
         "\" y2=\"" + num(y - 4) + "\" stroke=\"" + entries[i].color + "\" stroke-width=\"" + (d ? "2" : "6") +
         "\"" + (d ? " stroke-dasharray=\"4 3\"" : "") + "/>";
    s += "<text x=\"" + num(x + 22) + "\" y=\"" + num(y) + "\" class=\"lg\">" + html_escape(entries[i].name) +
         "</text></g>\n";
    x += 30 + 6.5 * static_cast<double>(entries[i].name.size());
    (void)w;
  }
  return s;
}

struct YAxis {
  double lo, hi;
  bool log;
  double to_px(double v, int h) const {
    const double top = kTop, bottom = h - kBottom;
    double t = log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
    return bottom - t * (bottom - top);
  }
};

std::string y_ticks(const YAxis& a, int w, int h) {
  std::string s;
  if (a.log) {
    for (double e = std::ceil(a.lo); e <= a.hi + 1e-9; e += 1.0) {
      const double v = std::pow(10.0, e);
      const double py = a.to_px(v, h);
      s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + num(py) + "\" x2=\"" + std::to_string(w - kRight) +
           "\" y2=\"" + num(py) + "\" class=\"grid\"/><text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" +
           num(py + 4) + "\" text-anchor=\"end\" class=\"tk\">" + short_number(v, 2) + "</text>\n";
    }
    return s;
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
    const double py = a.to_px(vv, h);
    char label[48];
    if (sci) std::snprintf(label, sizeof label, "%.2e", vv);
    else std::snprintf(label, sizeof label, "%.*f", decimals, vv);
    s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + num(py) + "\" x2=\"" + std::to_string(w - kRight) +
         "\" y2=\"" + num(py) + "\" class=\"grid\"/><text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" +
         num(py + 4) + "\" text-anchor=\"end\" class=\"tk\">" + label + "</text>\n";
  }
  return s;
}

YAxis make_axis(std::vector<double> values, bool fixed, double fmin, double fmax, bool log, bool include_zero) {
  YAxis a{0, 1, log};
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

const char* palette(std::size_t i) {
  static const char* const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                       "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return colors[i % (sizeof colors / sizeof colors[0])];
}

std::string render(const LineChart& c) {
  std::string s = frame(c.id, c.title, c.width, c.height, c.y_label, c.x_label);
  std::size_t n = 0;
  std::vector<double> all;
  for (const auto& se : c.series) {
    n = std::max(n, se.y.size());
    all.insert(all.end(), se.y.begin(), se.y.end());
  }
  std::vector<double> xs = c.x;
  for (std::size_t i = xs.size(); i < n; ++i) xs.push_back(static_cast<double>(i));
  const YAxis ya = make_axis(all, c.fixed_y, c.y_min, c.y_max, c.log_y, false);
  s += y_ticks(ya, c.width, c.height);
  const double left = kLeft, right = c.width - kRight, bottom = c.height - kBottom;
  double xmin = xs.empty() ? 0 : xs.front(), xmax = xs.empty() ? 1 : xs.front();
  for (double x : xs) {
    xmin = std::min(xmin, x);
    xmax = std::max(xmax, x);
  }
  if (xmax <= xmin) {
    xmin -= 0.5;
    xmax += 0.5;
  }
  auto px = [&](double x) { return left + (x - xmin) / (xmax - xmin) * (right - left); };
  // x ticks: about 10 labelled positions
  const double xstep = std::max(1.0, std::round(nice_step(xmax - xmin, 10)));
  for (double x = std::ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep)
    s += "<line x1=\"" + num(px(x)) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(px(x)) + "\" y2=\"" +
         num(bottom + 4) + "\" class=\"axis\"/><text x=\"" + num(px(x)) + "\" y=\"" + num(bottom + 16) +
         "\" text-anchor=\"middle\" class=\"tk\">" + short_number(x, 4) + "</text>\n";
  s += "<line x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
       "\" class=\"axis\"/><line x1=\"" + num(left) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(left) + "\" y2=\"" +
       num(bottom) + "\" class=\"axis\"/>\n";
  std::vector<LegendEntry> leg;
  std::vector<bool> dashed;
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
      const double cy = std::clamp(ya.to_px(v, c.height), double(kTop) - 2, bottom + 2);
      d += (pen_down ? " L" : " M") + num(px(xs[i])) + " " + num(cy);
      pen_down = true;
      if (se.y.size() <= 40)
        marks += "<circle cx=\"" + num(px(xs[i])) + "\" cy=\"" + num(cy) + "\" r=\"2.5\" fill=\"" + se.color +
                 "\"><title>" + html_escape(se.name) + " [" + short_number(xs[i], 4) + "] = " +
                 short_number(v, 6) + "</title></circle>";
    }
    if (!d.empty())
      s += "<path class=\"series\" d=\"" + d.substr(1) + "\" fill=\"none\" stroke=\"" + se.color +
           "\" stroke-width=\"2\"" + (se.dashed ? " stroke-dasharray=\"5 4\"" : "") + "><title>" +
           html_escape(se.name) + "</title></path>\n";
    s += marks.empty() ? "" : marks + "\n";
    leg.push_back({se.name, se.color});
    dashed.push_back(se.dashed);
  }
  s += legend(leg, c.width, c.height, dashed);
  s += "</svg>\n";
  return s;
}

std::string render(const BarChart& c) {
  std::string s = frame(c.id, c.title, c.width, c.height, c.y_label, "");
  std::vector<double> vals;
  for (const auto& b : c.bars) vals.push_back(b.value);
  const YAxis ya = make_axis(vals, false, 0, 1, false, true);
  s += y_ticks(ya, c.width, c.height);
  const double left = kLeft, right = c.width - kRight, bottom = c.height - kBottom;
  const double n = std::max<std::size_t>(c.bars.size(), 1);
  const double slot = (right - left) / n;
  const double bw = std::max(1.0, slot * 0.8);
  const double zero = ya.to_px(0.0, c.height);
  for (std::size_t i = 0; i < c.bars.size(); ++i) {
    const Bar& b = c.bars[i];
    const double x = left + slot * static_cast<double>(i) + (slot - bw) / 2;
    if (!std::isfinite(b.value)) {
      s += "<text x=\"" + num(x + bw / 2) + "\" y=\"" + num(kTop + 10) + "\" text-anchor=\"middle\" class=\"tk\">" +
           "&#8734;<title>" + html_escape(b.label) + ": not finite (exact)</title></text>\n";
      continue;
    }
    const double y = ya.to_px(b.value, c.height);
    s += "<rect class=\"bar\" x=\"" + num(x) + "\" y=\"" + num(std::min(y, zero)) + "\" width=\"" + num(bw) +
         "\" height=\"" + num(std::max(std::fabs(zero - y), 0.5)) + "\" fill=\"" + b.color + "\"><title>" +
         html_escape(b.label) + ": " + short_number(b.value, 5) + "</title></rect>\n";
    if (c.bars.size() <= 12)
      s += "<text transform=\"translate(" + num(x + bw / 2) + "," + num(bottom + 8) +
           ") rotate(20)\" class=\"tk\">" +
           html_escape(b.label.size() > 14 ? "..." + b.label.substr(b.label.size() - 13) : b.label) + "</text>\n";
  }
  s += "<line x1=\"" + num(left) + "\" y1=\"" + num(zero) + "\" x2=\"" + num(right) + "\" y2=\"" + num(zero) +
       "\" class=\"axis\"/><line x1=\"" + num(left) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(left) + "\" y2=\"" +
       num(bottom) + "\" class=\"axis\"/>\n";
  s += legend(c.legend, c.width, c.height);
  s += "</svg>\n";
  return s;
}

}  // namespace aq::report::detail
