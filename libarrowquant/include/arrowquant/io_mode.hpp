// How model files are written (configuration key io_mode, docs/config.md; the writer in safetensors.hpp).
#pragma once
#include <cstdint>

namespace aq {

// automatic: O_DIRECT for outputs of at least kDirectIoMinBytes on a file system that accepts it, else buffered.
// direct: O_DIRECT whatever the size, buffered (with a note) where the file system refuses it.
// buffered: the page cache only.
enum class IoMode : int { automatic = 0, direct = 1, buffered = 2 };

// Below this size the page cache costs little and O_DIRECT's block staging buys nothing.
constexpr uint64_t kDirectIoMinBytes = uint64_t(64) << 20;

const char* io_mode_name(IoMode m);
// "auto", "direct" or "buffered"; false for anything else.
bool parse_io_mode(const char* s, IoMode* out);

}  // namespace aq
