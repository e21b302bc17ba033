// Process-wide default thread count (aq_set_num_threads) and its resolution for one call.
#include <atomic>
#include <thread>

#include "arrowquant/error.hpp"
#include "arrowquant/quantize.hpp"

namespace aq {
namespace {
std::atomic<int> g_default_threads{0};
}

void set_default_threads(int n) {
  if (n < 0) invalid("num_threads must be >= 0 (0 = all cores), got " + std::to_string(n));
  g_default_threads.store(n);
}
int default_threads() { return g_default_threads.load(); }
int effective_threads(int requested) {
  int n = requested > 0 ? requested : g_default_threads.load();
  if (n <= 0) {
    n = static_cast<int>(std::thread::hardware_concurrency());
    if (n <= 0) n = 1;
  }
  return n;
}

}  // namespace aq
