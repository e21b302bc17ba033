// Fuzz target: YAML configuration files (Config::merge_yaml: yaml-cpp, the YAML 1.2 core-schema typing, duplicate
// keys, anchors and aliases, the "quantization:" wrapper, error positions).
//
// Input: the YAML text of a configuration file.
// Invariants: errors are aq::Error with invalid_argument or format whose message starts with the file name; a
// rejected file changes nothing; an accepted file's effective configuration, written as JSON text (which is
// YAML 1.2), reads back through merge_yaml to the same values.
#include <cstdint>
#include <string>
#include <string_view>

#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  aq::Config c;
  const std::string before = aq::json::to_text(c.report_json());
  try {
    c.merge_yaml(in, "fuzz.yaml");
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() == aq::Status::invalid_argument || e.status() == aq::Status::format, "status %d: %s",
               int(e.status()), e.what());
    FUZZ_CHECK(std::string_view(e.what()).rfind("fuzz.yaml", 0) == 0, "message does not name the file: %s",
               e.what());
    FUZZ_CHECK(aq::json::to_text(c.report_json()) == before, "a rejected file changed the configuration: %s",
               e.what());
    return 0;
  }
  const std::string eff = aq::json::to_text(c.to_json());
  aq::Config again;
  try {
    again.merge_yaml(eff, "round-trip.yaml");
  } catch (const aq::Error& e) {
    FUZZ_CHECK(false, "the effective configuration did not load again as YAML: %s\n  %s", e.what(), eff.c_str());
  }
  FUZZ_CHECK(aq::json::to_text(again.to_json()) == eff, "round trip changed values:\n  %s\n  %s", eff.c_str(),
             aq::json::to_text(again.to_json()).c_str());
  return 0;
}
