#include "env_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "common.hpp"
#include "config_builder.hpp"

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

// The variable names the library reads: for each key, ARROW_QUANT_<KEY> (dots as underscores) is set to the
// key's default value and kept when a configuration takes it from the environment. Called only when an
// unknown-looking variable exists; the real environment is restored before returning.
std::vector<std::string> known_variables(const std::set<std::string>& set_now) {
  std::vector<std::string> known;
  aq_config* raw = nullptr;
  if (aq_config_create(&raw) != AQ_OK) return known;
  ConfigPtr defaults(raw);
  for (uint64_t i = 0; i < aq_config_key_count(); ++i) {
    const std::string key = aq_config_key_name(i);
    std::string var = kPrefix;
    for (char c : key) var += c == '.' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
    if (set_now.count(var)) continue;  // set by the user: not a probe candidate (and not unknown)
    const std::string value = config_value(defaults.get(), key.c_str());
    if (value.empty() || value == "null") continue;
    std::string text = value;
    if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
    ::setenv(var.c_str(), text.c_str(), 1);
    aq_config* probe = nullptr;
    if (aq_config_create(&probe) == AQ_OK) {
      ConfigPtr p(probe);
      const char* source = nullptr;
      if (aq_config_apply_env(p.get()) == AQ_OK && aq_config_get_source(p.get(), key.c_str(), &source) == AQ_OK &&
          source && std::string(source) == "env:" + var)
        known.push_back(var);
    }
    ::unsetenv(var.c_str());
  }
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
  const std::vector<std::string> known = known_variables(set_now);
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
