// Names of the io_mode values (arrowquant/io_mode.hpp), as the configuration key spells them.
#include "arrowquant/io_mode.hpp"

#include <cstring>

namespace aq {

const char* io_mode_name(IoMode m) {
  switch (m) {
    case IoMode::direct: return "direct";
    case IoMode::buffered: return "buffered";
    default: return "auto";
  }
}

bool parse_io_mode(const char* s, IoMode* out) {
  if (!s) return false;
  if (!std::strcmp(s, "auto")) *out = IoMode::automatic;
  else if (!std::strcmp(s, "direct")) *out = IoMode::direct;
  else if (!std::strcmp(s, "buffered")) *out = IoMode::buffered;
  else return false;
  return true;
}

}  // namespace aq
