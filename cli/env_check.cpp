#include "env_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common.hpp"
#include "config_builder.hpp"
#include "json_read.hpp"

extern char** environ;

namespace aqcli {
namespace {

constexpr const char* kPrefix = "ARROW_QUANT_";

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The variable names the library reads: the "env" column of its key table.
std::vector<std::string> known_variables() {
  std::vector<std::string> known;
  const char* data = nullptr;
  uint64_t bytes = 0;
  if (aq_config_schema_json(&data, &bytes) != AQ_OK) return known;
  const boost::json::value schema = parse_json(std::string(data, bytes), "configuration schema");
  for (const auto& row : schema.as_array())
    if (const auto* env = row.as_object().if_contains("env"); env && env->is_string())
      known.emplace_back(env->get_string().c_str());
  return known;
}

}  // namespace

void warn_unknown_env_variables(const aq_config* config) {
  std::set<std::string> set_now, unknown;
  for (char** e = environ; *e; ++e) {
    const std::string s = *e;
    const auto eq = s.find('=');
    if (s.rfind(kPrefix, 0) != 0 || eq == std::string::npos || eq + 1 == s.size()) continue;
    set_now.insert(s.substr(0, eq));
  }
  const std::string sources = [&] {
    const char* data = nullptr;
    uint64_t bytes = 0;
    return aq_config_sources_json(config, &data, &bytes) == AQ_OK ? std::string(data, bytes) : std::string();
  }();
  for (const auto& v : set_now)
    if (sources.find("\"env:" + v + "\"") == std::string::npos) unknown.insert(v);
  if (unknown.empty()) return;
  const std::vector<std::string> known = known_variables();
  for (const auto& v : unknown) {
    std::string best;
    std::size_t best_d = 4;  // suggest only a near name
    for (const auto& k : known)
      if (const std::size_t d = edit_distance(v, k); d < best_d) {
        best_d = d;
        best = k;
      }
    if (best.empty()) {  // a shortened name: ARROW_QUANT_BITS for ARROW_QUANT_BIT_WIDTH
      std::string stem = v;
      if (stem.size() > std::string(kPrefix).size() + 1 && stem.back() == 'S') stem.pop_back();
      for (const auto& k : known)
        if (k.rfind(stem + "_", 0) == 0) {
          best = k;
          break;
        }
    }
    std::fprintf(stderr, "arrowquant: warning: unknown environment variable %s is ignored%s\n", v.c_str(),
                 best.empty() ? " (docs/config.md lists the variables)" : (" (did you mean " + best + "?)").c_str());
  }
}

}  // namespace aqcli
