#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "cancel_signals.hpp"
#include "common.hpp"

namespace aqcli {
namespace {

const char* stage_label(aq_run_stage s) {
  switch (s) {
    case AQ_RUN_QUANTIZE: return "quantize";
    case AQ_RUN_TIME_AWARE: return "time-aware";
    case AQ_RUN_WRITE: return "write";
  }
  return "?";
}
const char* unit(aq_run_stage s) { return s == AQ_RUN_TIME_AWARE ? "layer" : "tensor"; }

}  // namespace

Progress::Style Progress::style_for_stderr(bool quiet) {
  if (quiet) return Style::none;
  return isatty(STDERR_FILENO) ? Style::bar : Style::lines;
}

Progress::~Progress() { finish(); }

void Progress::finish() {
  if (bar_open_) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
    bar_open_ = false;
  }
}

int Progress::callback(void* user_data, aq_run_stage stage, const char* item, uint64_t done, uint64_t total,
                       uint64_t bytes_done, uint64_t bytes_total) {
  auto* self = static_cast<Progress*>(user_data);
  // The library asks again with unchanged counts between write chunks (to offer cancellation): only news is drawn.
  if (!self->drawn_ || stage != self->last_stage_ || done != self->last_done_) {
    if (!self->drawn_ || stage != self->last_stage_) self->stage_start_ = std::chrono::steady_clock::now();
    self->drawn_ = true;
    self->last_stage_ = stage;
    self->last_done_ = done;
    self->update(stage, item ? item : "", done, total, bytes_done, bytes_total);
  }
  return CancelOnSignal::received() != 0;  // non-zero cancels
}

void Progress::update(aq_run_stage stage, const std::string& item, uint64_t done, uint64_t total, uint64_t bytes_done,
                      uint64_t bytes_total) {
  if (style_ == Style::none) return;
  const char* label = stage_label(stage);
  const auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  const std::string bytes =
      bytes_total ? ", " + human_bytes(double(bytes_done)) + " / " + human_bytes(double(bytes_total)) : std::string();
  if (style_ == Style::lines) {
    // Event-driven: one line when a stage starts and one per item, never on a timer.
    if (done == 0)
      std::fprintf(stderr, "%s: %llu %ss\n", label, ull(total), unit(stage));
    else
      std::fprintf(stderr, "%s: %s %llu/%llu%s (%s)\n", label, unit(stage), ull(done), ull(total), bytes.c_str(),
                   item.c_str());
    std::fflush(stderr);
    return;
  }
  if (done == 0 && bar_open_) finish();  // a new stage starts on its own line
  // The bar follows bytes when the stage has them (tensors differ a lot in size), items otherwise.
  constexpr int kWidth = 24;
  double frac = bytes_total ? double(bytes_done) / double(bytes_total) : total ? double(done) / double(total) : 1.0;
  if (frac > 1.0) frac = 1.0;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  // Rate and ETA of this stage (display only; nothing depends on them).
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  std::string rate;
  if (secs > 0.5 && frac > 0) {
    if (bytes_total) rate = "  " + human_bytes(double(bytes_done) / secs) + "/s";
    else rate = "  " + fixed(double(done) / secs, 1) + " " + unit(stage) + "s/s";
    if (frac < 1) rate += ", ETA " + std::to_string(static_cast<long long>(secs * (1 - frac) / frac)) + " s";
  }
  char line[1024];
  std::snprintf(line, sizeof line, "%-10s [%s] %3d%%  %llu/%llu%s%s  %s", label, bar.c_str(), int(frac * 100.0),
                ull(done), ull(total), bytes.c_str(), rate.c_str(), item.c_str());
  std::string text = line;
  // Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn in place).
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && text.size() >= ws.ws_col)
    text.resize(ws.ws_col - 1);
  // \r and a trailing erase-to-end-of-line keep a shorter redraw from leaving old characters.
  std::fprintf(stderr, "\r%s\033[K", text.c_str());
  std::fflush(stderr);
  bar_open_ = true;
}

}  // namespace aqcli
