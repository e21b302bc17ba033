// Fuzz target: recorded calibration files (pipeline::read_calibration_file), compiled twice: as
// fuzz_calibration_json (the input is a .json file) and fuzz_calibration_st (a .safetensors file); AQ_FUZZ_CALIB_EXT
// selects the name. The statistics of every accepted layer then go through their consumers (time-group parameters
// and the per-group calibration data of Phase 3), which must accept them: the reader promises validated data.
#include <cmath>
#include <cstdint>
#include <string>

#include "arrowquant/error.hpp"
#include "arrowquant/timegroups.hpp"
#include "fuzz_util.hpp"
#include "pipeline/calibration_file.hpp"

#ifndef AQ_FUZZ_CALIB_EXT
#error "define AQ_FUZZ_CALIB_EXT (\".json\" or \".safetensors\")"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = aqfuzz::write_scratch(std::string("calibration") + AQ_FUZZ_CALIB_EXT, data, size);
  aq::pipeline::CalibrationFile f;
  try {
    f = aq::pipeline::read_calibration_file(path);
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() == aq::Status::format || e.status() == aq::Status::unsupported, "status %d: %s",
               int(e.status()), e.what());
    return 0;
  }
  for (const auto& [name, s] : f.layers) {
    FUZZ_CHECK(s.num_timesteps() > 0, "layer %s has no timesteps", name.c_str());
    try {
      s.validate();
    } catch (const aq::Error& e) {
      FUZZ_CHECK(false, "layer %s was accepted but does not validate: %s", name.c_str(), e.what());
    }
    FUZZ_CHECK(f.find(name) == &s, "find(%s)", name.c_str());
    for (uint64_t groups : {uint64_t(1), uint64_t(7), s.num_timesteps()}) {
      try {
        const auto params = aq::params_from_stats(s, groups, 8);
        aq::validate_params(params, "params");
        const auto samples = aq::group_samples(s, params, 1234, 32);
        FUZZ_CHECK(samples.size() == params.size(), "group_samples size");
        for (const auto& g : samples)
          for (float x : g) FUZZ_CHECK(std::isfinite(x), "non-finite calibration sample");
      } catch (const aq::Error& e) {
        // A group with recorded samples for none of its timesteps is refused by group_samples (documented).
        FUZZ_CHECK(e.status() == aq::Status::invalid_argument, "layer %s: status %d: %s", name.c_str(),
                   int(e.status()), e.what());
      }
    }
  }
  return 0;
}
