// Ctrl-C and SIGTERM during a run: the first signal asks the running library call to cancel (through the
// progress callback, checked between tensors, time-aware layers and write chunks); the call then removes its
// temporaries and the tool reports `arrowquant: cancelled, nothing written` with exit status 128 + signal
// (130 for SIGINT, 143 for SIGTERM). A second signal exits at once (its temporaries are then removed by the
// next run that writes the same output). A signal that was ignored when the tool started (nohup, a background
// job of a non-interactive shell) stays ignored.
#pragma once

namespace aqcli {

class CancelOnSignal {
 public:
  CancelOnSignal();   // installs the SIGINT and SIGTERM handlers
  ~CancelOnSignal();  // restores the previous ones
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  // The signal number received since the handlers were installed, 0 for none. Async-signal-safe to set.
  static int received();
};

// Thrown when a run stopped because of a signal; main() prints the message and exits with 128 + signal.
struct CancelledBySignal {
  int signal_number;
};

}  // namespace aqcli
