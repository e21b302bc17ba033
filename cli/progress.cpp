#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>

#include <cstdio>

#include "cancel_signals.hpp"
#include "common.hpp"

namespace aqcli {

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

int Progress::callback(void* user_data, uint64_t tensors_done, uint64_t tensors_total, uint64_t bytes_done,
                       uint64_t bytes_total) {
  auto* self = static_cast<Progress*>(user_data);
  // The library asks again with unchanged counts during the time-aware step and the write (to offer
  // cancellation): only a new count is drawn.
  if (!self->drawn_ || tensors_done != self->last_tensors_) {
    self->drawn_ = true;
    self->last_tensors_ = tensors_done;
    self->update(tensors_done, tensors_total, bytes_done, bytes_total);
  }
  return CancelOnSignal::received() != 0;  // non-zero cancels
}

void Progress::update(uint64_t tensors_done, uint64_t tensors_total, uint64_t bytes_done, uint64_t bytes_total) {
  if (style_ == Style::none) return;
  const std::string bytes = human_bytes(static_cast<double>(bytes_done)) + " / " +
                            human_bytes(static_cast<double>(bytes_total));
  if (style_ == Style::lines) {
    std::fprintf(stderr, "%s: tensor %llu/%llu, %s\n", label_.c_str(), static_cast<unsigned long long>(tensors_done),
                 static_cast<unsigned long long>(tensors_total), bytes.c_str());
    std::fflush(stderr);
    if (tensors_done == tensors_total) announce_tail();
    return;
  }
  // The bar follows bytes (tensors differ a lot in size); the counts show tensors too.
  constexpr int kWidth = 30;
  double frac = bytes_total ? static_cast<double>(bytes_done) / static_cast<double>(bytes_total)
                            : (tensors_total ? static_cast<double>(tensors_done) / static_cast<double>(tensors_total)
                                             : 1.0);
  if (frac > 1.0) frac = 1.0;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  // Rate and ETA from the bytes done since the first call (display only; nothing depends on them).
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string rate;
  if (secs > 0.5 && bytes_done > 0) {
    const double per_s = static_cast<double>(bytes_done) / secs;
    rate = "  " + human_bytes(per_s) + "/s";
    if (bytes_total > bytes_done) rate += ", ETA " + std::to_string(static_cast<long long>((bytes_total - bytes_done) / per_s)) + " s";
  }
  char line[512];
  std::snprintf(line, sizeof line, "%s [%s] %3d%%  %llu/%llu tensors  %s%s", label_.c_str(), bar.c_str(),
                static_cast<int>(frac * 100.0), static_cast<unsigned long long>(tensors_done),
                static_cast<unsigned long long>(tensors_total), bytes.c_str(), rate.c_str());
  std::string text = line;
  // Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn in place).
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && text.size() >= ws.ws_col)
    text.resize(ws.ws_col - 1);
  // \r and a trailing erase-to-end-of-line keep a shorter redraw from leaving old characters.
  std::fprintf(stderr, "\r%s\033[K", text.c_str());
  std::fflush(stderr);
  bar_open_ = true;
  if (tensors_done == tensors_total) announce_tail();
}

// The callback reaches its total when the last tensor is quantized; the time-aware step and writing the output
// (seconds on a large model) come after it, so say so instead of sitting silently at 100 %.
void Progress::announce_tail() {
  finish();
  std::fprintf(stderr, "%s: all tensors quantized; next the time-aware step (when enabled) and writing the output\n",
               label_.c_str());
  std::fflush(stderr);
}

}  // namespace aqcli
