// Where a quantize run is, for its progress callback: the stage, the item just done and the stage's counts. The
// callback is told after each item and asked again, unchanged, between write chunks and at the test pauses;
// returning false cancels the run in any stage (Status::cancelled naming the stage and the count).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "arrowquant/pipeline.hpp"

namespace aq::pipeline {

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

class RunProgress {
 public:
  // Starts in the quantize stage with the whole model's counts.
  RunProgress(const StageProgressFn& callback, uint64_t total_tensors, uint64_t total_bytes);
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  // Asks the callback; true when it wants the run to stop.
  bool cancelled() const;
  // For the writer's chunks and the test pauses: empty without a callback (nothing could cancel).
  std::function<bool()> cancel_check() const;
  // Status::cancelled when the callback asks to stop.
  void check_cancel() const;
  // A new stage with its counts; asks the callback at once.
  void enter(RunStage stage, uint64_t total, uint64_t bytes_total);
  // One more item done; tells (and asks) the callback.
  void item_done(const std::string& name, uint64_t bytes);
  // Items up to `done` (the last one named) done at once.
  void items_done_up_to(uint64_t done, const std::string& last_name);
  RunStage stage() const { return stage_; }

 private:
  StageProgressFn callback_;
  RunStage stage_ = RunStage::quantize;
  std::string item_;
  uint64_t done_ = 0, total_ = 0, bytes_done_ = 0, bytes_total_ = 0;
};

}  // namespace aq::pipeline
