// The test hook that makes signal tests deterministic without sleeps: with AQ_TEST_PAUSE_AT=<stage> in the
// environment (stages: quantize, time-aware, write), a run that reaches <stage> prints
// "arrowquant: test hook: paused at <stage>" on standard error and waits there until its caller asks to cancel
// (the progress callback returns non-zero, e.g. after the CLI's SIGINT handler ran); the normal cancellation
// check follows. Inert unless the variable is set and the caller gave a way to cancel (a progress callback):
// without one there is nothing to wait for, so the hook does nothing rather than hang.
#pragma once
#include <functional>

namespace aq::pipeline {

void pause_for_test(const char* stage, const std::function<bool()>& cancelled);

}  // namespace aq::pipeline
