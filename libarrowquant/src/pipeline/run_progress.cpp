#include "pipeline/run_progress.hpp"

#include "arrowquant/error.hpp"

namespace aq {

const char* run_stage_name(RunStage s) {
  switch (s) {
    case RunStage::quantize: return "quantize";
    case RunStage::time_aware: return "time-aware";
    case RunStage::write: return "write";
  }
  return "?";
}

namespace pipeline {

RunProgress::RunProgress(const StageProgressFn& callback, uint64_t total_tensors, uint64_t total_bytes)
    : callback_(callback), total_(total_tensors), bytes_total_(total_bytes) {}

bool RunProgress::cancelled() const {
  return callback_ && !callback_(stage_, item_, done_, total_, bytes_done_, bytes_total_);
}

std::function<bool()> RunProgress::cancel_check() const {
  if (!callback_) return {};
  return [this] { return cancelled(); };
}

void RunProgress::check_cancel() const {
  if (cancelled())
    fail(Status::cancelled, std::string("cancelled by the progress callback during the ") + run_stage_name(stage_) +
                                " stage after " + std::to_string(done_) + " of " + std::to_string(total_) +
                                (stage_ == RunStage::time_aware ? " layers" : " tensors"));
}

void RunProgress::enter(RunStage stage, uint64_t total, uint64_t bytes_total) {
  stage_ = stage;
  item_.clear();
  done_ = bytes_done_ = 0;
  total_ = total;
  bytes_total_ = bytes_total;
  check_cancel();
}

void RunProgress::item_done(const std::string& name, uint64_t bytes) {
  item_ = name;
  ++done_;
  bytes_done_ += bytes;
  check_cancel();
}

void RunProgress::items_done_up_to(uint64_t done, const std::string& last_name) {
  done_ = done - 1;
  item_done(last_name, 0);
}

}  // namespace pipeline
}  // namespace aq
