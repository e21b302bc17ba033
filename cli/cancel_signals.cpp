#include "cancel_signals.hpp"

#include <signal.h>
#include <unistd.h>

namespace aqcli {
namespace {

volatile sig_atomic_t g_signal = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int sig) {
  if (g_signal != 0) _exit(128 + sig);  // the second signal: the user insists, stop now
  g_signal = sig;
}

}  // namespace

CancelOnSignal::CancelOnSignal() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // the library's own I/O resumes; the flag is polled at its cancellation points
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  // A signal ignored when the tool started (nohup, a background job of a non-interactive shell) stays ignored.
  if (g_old_int.sa_handler == SIG_IGN) sigaction(SIGINT, &g_old_int, nullptr);
  if (g_old_term.sa_handler == SIG_IGN) sigaction(SIGTERM, &g_old_term, nullptr);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

int CancelOnSignal::received() { return g_signal; }

}  // namespace aqcli
