// arrowquant: the command-line tool. Dispatches to a subcommand and turns errors into messages and exit
// statuses: `arrowquant: <STATUS>: <message>` and 1 for a failed operation, 2 for a usage error.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "args.hpp"
#include "cancel_signals.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace {

using namespace aqcli;

struct Command {
  const char* name;
  int (*run)(int, char**, int);
};

const Command kCommands[] = {
    {"quantize", run_quantize}, {"inspect", run_inspect}, {"dequantize", run_dequantize},
    {"validate", run_validate}, {"demo", run_demo},
    {"baseline", run_baseline}, {"accuracy", run_accuracy},
};

void print_version() {
  // First line in the form help2man and packagers expect; then what is actually loaded at run time.
  std::printf("arrowquant %s\n", ARROWQUANT_VERSION_STRING);
  std::printf("libarrowquant %s, SIMD target %s\n", aq_version_string(), aq_simd_target());
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kMainHelp, stderr);
    return kExitUsage;
  }
  const std::string first = argv[1];
  if (first == "--help" || first == "-h") {
    std::fputs(kMainHelp, stdout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    print_version();
    return kExitOk;
  }
  // `arrowquant help [COMMAND]` as a convenience spelling of --help.
  if (first == "help") {
    if (argc == 2) {
      std::fputs(kMainHelp, stdout);
      return kExitOk;
    }
    for (const auto& c : kCommands)
      if (std::strcmp(argv[2], c.name) == 0) {
        char help_flag[] = "--help";
        char* args[] = {argv[0], argv[2], help_flag};
        return c.run(3, args, 2);
      }
    throw UsageError("", "unknown command '" + std::string(argv[2]) + "'");
  }
  for (const auto& c : kCommands)
    if (first == c.name) return c.run(argc, argv, 2);
  if (!first.empty() && first[0] == '-') throw UsageError("", "unknown option '" + first + "'");
  throw UsageError("", "unknown command '" + first + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    int rc = dispatch(argc, argv);
    if (std::fflush(stdout) != 0) {
      std::fprintf(stderr, "arrowquant: AQ_ERR_IO: cannot write to standard output: %s\n", std::strerror(errno));
      return kExitFailure;
    }
    return rc;
  } catch (const CancelledBySignal& c) {
    // The library removed its temporaries and the command's OutputGuard its own while unwinding.
    std::fprintf(stderr, "arrowquant: cancelled, nothing written\n");
    return 128 + c.signal_number;
  } catch (const UsageError& e) {
    const std::string& cmd = e.command();
    std::fprintf(stderr, "arrowquant: %s%s%s\n", cmd.c_str(), cmd.empty() ? "" : ": ", e.what());
    std::fprintf(stderr, "Try 'arrowquant%s%s --help'.\n", cmd.empty() ? "" : " ", cmd.c_str());
    return kExitUsage;
  } catch (const LibraryError& e) {
    std::fprintf(stderr, "arrowquant: %s: %s\n", aq_status_name(e.status()), e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "arrowquant: %s: out of memory\n", aq_status_name(AQ_ERR_OUT_OF_MEMORY));
    return kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arrowquant: %s: %s\n", aq_status_name(AQ_ERR_INTERNAL), e.what());
    return kExitFailure;
  }
}
