// Fuzz target: the configuration layer (Config::merge_json, apply_env with ARROW_QUANT_* overrides, set_text,
// validate, and the bridge to the pipeline settings).
//
// Input: `JSON \0 ENV \0 SETTINGS`. JSON is merged as a config file; ENV holds lines VAR=value (VAR with or
// without the ARROW_QUANT_ prefix) served to apply_env through its lookup function; SETTINGS holds lines
// key=value passed to set_text (what the CLI flags do).
// Invariants: errors are aq::Error with invalid_argument or format; a rejected call changes nothing; the
// effective configuration written by to_json() loads again into a fresh Config and gives the same JSON.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "fuzz_util.hpp"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep, std::size_t max_parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_parts) {
    const auto p = s.find(sep);
    if (p == std::string_view::npos) break;
    out.push_back(s.substr(0, p));
    s.remove_prefix(p + 1);
  }
  out.push_back(s);
  return out;
}

void expect_user_error(const aq::Error& e) {
  FUZZ_CHECK(e.status() == aq::Status::invalid_argument || e.status() == aq::Status::format, "status %d: %s",
             int(e.status()), e.what());
}

// Run op; on failure the configuration must be unchanged.
template <class F>
void checked(aq::Config& c, F&& op) {
  const std::string before = aq::json::to_text(c.report_json());
  try {
    op();
  } catch (const aq::Error& e) {
    expect_user_error(e);
    FUZZ_CHECK(aq::json::to_text(c.report_json()) == before, "a rejected call changed the configuration: %s",
               e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto seg = split(in, '\0', 3);
  aq::Config c;
  checked(c, [&] { c.merge_json(seg[0], "fuzz"); });

  if (seg.size() > 1) {
    std::map<std::string, std::string> env;
    for (auto line : split(seg[1], '\n', 64)) {
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string var(line.substr(0, eq));
      if (var.rfind("ARROW_QUANT_", 0) != 0) var = "ARROW_QUANT_" + var;
      env[var] = std::string(line.substr(eq + 1));
    }
    checked(c, [&] {
      c.apply_env([&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      });
    });
  }
  if (seg.size() > 2) {
    for (auto line : split(seg[2], '\n', 16)) {
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      checked(c, [&] { c.set_text(line.substr(0, eq), line.substr(eq + 1)); });
    }
  }

  bool valid = true;
  try {
    c.validate();
  } catch (const aq::Error& e) {
    expect_user_error(e);
    valid = false;
  }
  try {
    (void)aq::pipeline_config_from(c);
  } catch (const aq::Error& e) {
    expect_user_error(e);
  }

  // Round trip of the effective values.
  const boost::json::object eff = c.to_json();
  aq::Config again;
  try {
    again.merge_json(eff, "round trip");
  } catch (const aq::Error& e) {
    FUZZ_CHECK(false, "to_json() did not load again: %s\n  %s", e.what(), aq::json::to_text(eff).c_str());
  }
  FUZZ_CHECK(aq::json::to_text(again.to_json()) == aq::json::to_text(eff), "round trip changed values:\n  %s\n  %s",
             aq::json::to_text(eff).c_str(), aq::json::to_text(again.to_json()).c_str());
  if (valid) {
    try {
      again.validate();
    } catch (const aq::Error& e) {
      FUZZ_CHECK(false, "the round-tripped configuration no longer validates: %s", e.what());
    }
  }
  return 0;
}
