// Progress display for aq_quantize_model_staged: one line through every stage (quantize, time-aware, write) with
// the stage, counts, bytes, rate, ETA and the current tensor, redrawn in place and cut to the terminal's width on
// a terminal; without a terminal one plain line per stage start and per item (logs and CI capture); nothing with
// --quiet. Always on stderr so stdout stays the result.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "arrowquant.h"

namespace aqcli {

class Progress {
 public:
  enum class Style { none, bar, lines };
  // Style::bar when stderr is a terminal, Style::lines otherwise; Style::none when quiet.
  static Style style_for_stderr(bool quiet);

  explicit Progress(Style style) : style_(style) {}
  // Ends an unfinished bar line so later messages start on a fresh line.
  ~Progress();

  // The aq_run_progress_fn trampoline; user_data is a Progress*. Cancels once SIGINT or SIGTERM was received.
  static int callback(void* user_data, aq_run_stage stage, const char* item, uint64_t done, uint64_t total,
                      uint64_t bytes_done, uint64_t bytes_total);

  void finish();

 private:
  void update(aq_run_stage stage, const std::string& item, uint64_t done, uint64_t total, uint64_t bytes_done,
              uint64_t bytes_total);

  Style style_;
  bool bar_open_ = false;
  bool drawn_ = false;
  aq_run_stage last_stage_ = AQ_RUN_QUANTIZE;
  uint64_t last_done_ = 0;
  std::chrono::steady_clock::time_point stage_start_ = std::chrono::steady_clock::now();
};

}  // namespace aqcli
