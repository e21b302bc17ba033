// The subcommands. Each takes the whole argv and the index of its first own argument, and returns the exit
// status; UsageError and LibraryError propagate to main(), which prints them.
#pragma once

namespace aqcli {

int run_quantize(int argc, char** argv, int first);
int run_inspect(int argc, char** argv, int first);
int run_dequantize(int argc, char** argv, int first);
int run_validate(int argc, char** argv, int first);
int run_demo(int argc, char** argv, int first);
int run_baseline(int argc, char** argv, int first);  // cmd_baseline.cpp (help text kBaselineHelp there)
int run_accuracy(int argc, char** argv, int first);  // cmd_accuracy.cpp (help text kAccuracyHelp there)

// --help texts (docs/cli.md repeats them; keep the two in step).
extern const char* const kMainHelp;
extern const char* const kQuantizeHelp;      // up to the configuration flags
extern const char* const kQuantizeHelpTail;  // after them
extern const char* const kInspectHelp;
extern const char* const kDequantizeHelp;
extern const char* const kValidateHelp;
extern const char* const kDemoHelp;

}  // namespace aqcli
