// Progress display for aq_quantize_model: a bar redrawn in place on a terminal, one line per tensor otherwise
// (logs and CI capture), nothing with --quiet. Always on stderr so stdout stays the result.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace aqcli {

class Progress {
 public:
  enum class Style { none, bar, lines };
  // Style::bar when stderr is a terminal, Style::lines otherwise; Style::none when quiet.
  static Style style_for_stderr(bool quiet);

  Progress(Style style, std::string label) : style_(style), label_(std::move(label)) {}
  // Ends an unfinished bar line so later messages start on a fresh line.
  ~Progress();

  // The aq_progress_fn trampoline; user_data is a Progress*. Cancels once SIGINT or SIGTERM was received.
  static int callback(void* user_data, uint64_t tensors_done, uint64_t tensors_total, uint64_t bytes_done,
                      uint64_t bytes_total);

  void finish();

 private:
  void update(uint64_t tensors_done, uint64_t tensors_total, uint64_t bytes_done, uint64_t bytes_total);
  void announce_tail();

  Style style_;
  std::string label_;
  bool bar_open_ = false;
  bool drawn_ = false;
  uint64_t last_tensors_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace aqcli
