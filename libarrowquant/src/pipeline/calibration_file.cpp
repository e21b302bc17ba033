// Calibration files (docs/calibration.md): per layer, per timestep min/max/mean/std and optional samples.
// JSON: {"format": "arrowquant-calibration/1", "num_timesteps": T, "layers": {"NAME": {"min": [T], "max": [T],
// "mean": [T], "std": [T], "samples": [[...], ...]?}}}. Safetensors: F32 tensors NAME.min/.max/.mean/.std [T].
#include "pipeline/calibration_file.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/safetensors.hpp"

namespace aq::pipeline {
namespace {

std::vector<float> float_array(const boost::json::value& v, const std::string& what) {
  if (!v.is_array()) fail(Status::format, what + " must be an array of numbers");
  std::vector<float> out;
  out.reserve(v.as_array().size());
  for (const auto& x : v.as_array()) {
    if (!x.is_number()) fail(Status::format, what + " must hold only numbers");
    out.push_back(static_cast<float>(x.to_number<double>()));
  }
  return out;
}

CalibrationFile read_json(const std::string& path, const std::string& text) {
  const boost::json::value doc = json::parse_strict(text, path, Status::format);
  if (!doc.is_object()) fail(Status::format, path + ": the document must be an object");
  const auto& o = doc.as_object();
  const auto* fmt = o.if_contains("format");
  if (!fmt || !fmt->is_string() || fmt->as_string() != "arrowquant-calibration/1")
    fail(Status::format, path + ": format must be \"arrowquant-calibration/1\"");
  const auto* layers = o.if_contains("layers");
  if (!layers || !layers->is_object()) fail(Status::format, path + ": layers must be an object");
  CalibrationFile out;
  for (const auto& [name, lv] : layers->as_object()) {
    const std::string what = path + ": layers." + std::string(name);
    if (!lv.is_object()) fail(Status::format, what + " must be an object");
    const auto& l = lv.as_object();
    for (const char* k : {"min", "max", "mean", "std"})
      if (!l.if_contains(k)) fail(Status::format, what + "." + k + " is missing");
    CalibrationStats s;
    try {
      s = make_calibration_stats(float_array(l.at("min"), what + ".min"), float_array(l.at("max"), what + ".max"),
                                 float_array(l.at("mean"), what + ".mean"), float_array(l.at("std"), what + ".std"));
    } catch (const Error& e) {
      fail(Status::format, what + ": " + e.what());
    }
    if (const auto* sv = l.if_contains("samples")) {
      if (!sv->is_array() || sv->as_array().size() != s.num_timesteps())
        fail(Status::format, what + ".samples must be an array with one array per timestep");
      for (std::size_t t = 0; t < sv->as_array().size(); ++t)
        s.samples.push_back(float_array(sv->as_array()[t], what + ".samples[" + std::to_string(t) + "]"));
      try {
        s.validate();
      } catch (const Error& e) {
        fail(Status::format, what + ": " + e.what());
      }
    }
    s.source = "recorded";
    out.layers.emplace(std::string(name), std::move(s));
  }
  return out;
}

CalibrationFile read_safetensors(const std::string& path) {
  st::Reader r = st::Reader::open(path);
  std::map<std::string, std::map<std::string, std::vector<float>>> parts;
  for (const auto& t : r.tensors()) {
    const auto dot = t.name.rfind('.');
    if (dot == std::string::npos) fail(Status::format, path + ": tensor " + t.name + " is not NAME.min/max/mean/std");
    const std::string layer = t.name.substr(0, dot), field = t.name.substr(dot + 1);
    if (field != "min" && field != "max" && field != "mean" && field != "std")
      fail(Status::format, path + ": tensor " + t.name + " is not NAME.min/max/mean/std");
    if (t.dtype != st::DType::F32 || t.shape.size() != 1)
      fail(Status::format, path + ": tensor " + t.name + " must be a 1-D F32 tensor");
    std::vector<float> v(t.numel);
    if (t.numel) r.read(t, 0, v.data(), t.nbytes);
    parts[layer][field] = std::move(v);
  }
  CalibrationFile out;
  for (auto& [layer, f] : parts) {
    for (const char* k : {"min", "max", "mean", "std"})
      if (!f.count(k)) fail(Status::format, path + ": tensor " + layer + "." + k + " is missing");
    try {
      out.layers.emplace(layer, make_calibration_stats(f["min"], f["max"], f["mean"], f["std"]));
    } catch (const Error& e) {
      fail(Status::format, path + ": layer " + layer + ": " + e.what());
    }
  }
  return out;
}

}  // namespace

CalibrationFile read_calibration_file(const std::string& path) {
  const bool is_st = path.size() > 12 && path.compare(path.size() - 12, 12, ".safetensors") == 0;
  if (is_st) return read_safetensors(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(Status::io, "cannot open calibration file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_json(path, ss.str());
}

const CalibrationStats* CalibrationFile::find(const std::string& tensor_name) const {
  auto it = layers.find(tensor_name);
  if (it != layers.end()) return &it->second;
  const std::string suffix = ".weight";
  if (tensor_name.size() > suffix.size() &&
      tensor_name.compare(tensor_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    it = layers.find(tensor_name.substr(0, tensor_name.size() - suffix.size()));
    if (it != layers.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace aq::pipeline
