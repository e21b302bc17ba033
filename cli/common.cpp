#include "common.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aqcli {

void check(aq_status status, int exit_code) {
  if (status != AQ_OK) throw LibraryError(status, aq_last_error_message(), exit_code);
}

std::string report_text(const aq_report* report) {
  const char* data = nullptr;
  uint64_t bytes = 0;
  check(aq_report_text(report, &data, &bytes));
  return std::string(data, bytes);
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LibraryError(AQ_ERR_IO, "cannot open " + what + " '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw LibraryError(AQ_ERR_IO, "cannot read " + what + " '" + path + "': " + std::strerror(errno));
  return ss.str();
}

std::string human_bytes(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string human_count(double count) {
  char buf[32];
  if (count >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2f G", count / 1e9);
  else if (count >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f M", count / 1e6);
  else if (count >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1f k", count / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", count);
  return buf;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string sci(double v, int digits) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits, v);
  return buf;
}

}  // namespace aqcli
