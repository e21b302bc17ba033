// Number formatting for error messages: %.9g keeps every binary32 value distinguishable (std::to_string prints
// 1e-7 as "0.000000").
#pragma once
#include <cstdio>
#include <string>

namespace aq::detail {

inline std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace aq::detail
