// The handles of the model section of arrowquant.h, shared by model.cpp and report_api.cpp.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "arrowquant/activation.hpp"
#include "arrowquant/pipeline.hpp"

// Result of a model-level call: immutable text, so any number of threads may read it.
struct aq_report {
  std::string json;
};

// A model opened for reading. Reads use pread on immutable state; the JSON views handed out by
// aq_model_info / aq_model_tensor_info live in a node-based set (stable addresses) until aq_model_free, and
// the mutex lets several threads ask for them at once.
struct aq_model {
  aq::ModelView view;
  mutable std::mutex mu;
  mutable std::set<std::string> views;
  // Time-aware parameter tables read so far (activation_api.cpp), so per-step lookups do not re-read the file.
  mutable std::map<std::string, std::shared_ptr<const aq::ActivationParams>> activation_params;

  const std::string& keep(std::string text) const {
    std::lock_guard<std::mutex> lock(mu);
    return *views.insert(std::move(text)).first;
  }
};
