#include "pipeline/test_pause.hpp"

#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aq::pipeline {

void pause_for_test(const char* stage, const std::function<bool()>& cancelled) {
  const char* want = std::getenv("AQ_TEST_PAUSE_AT");
  if (!want || std::strcmp(want, stage) != 0 || !cancelled) return;
  std::fprintf(stderr, "arrowquant: test hook: paused at %s\n", stage);
  std::fflush(stderr);
  // Waiting on the caller's own predicate: the signal handler that sets it may run on any thread, so the wait
  // re-checks it rather than relying on a wake-up (poll with a timeout is the portable blocking wait here).
  while (!cancelled()) ::poll(nullptr, 0, 5);
}

}  // namespace aq::pipeline
