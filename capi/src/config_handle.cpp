// C ABI: the configuration handle (aq_config_*), a thin shell over aq::Config.
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "arrowquant.h"
#include "arrowquant/config.hpp"
#include "arrowquant/json_util.hpp"
#include "config_access.hpp"
#include "guard.hpp"

struct aq_config {
  aq::Config cfg;
  // Backing store of the text views handed out by the const getters. Cleared on every modification (the
  // documented end of a view's life); guarded so that getters may run concurrently.
  mutable std::mutex mu;
  mutable std::set<std::string> views;

  const std::string& keep(std::string text) const {
    std::lock_guard<std::mutex> lock(mu);
    return *views.insert(std::move(text)).first;
  }
  void modified() {
    std::lock_guard<std::mutex> lock(mu);
    views.clear();
  }
};

using aq::capi::guard;
using aq::capi::require_nonnull;

namespace aq::capi {
const Config& config_of(const aq_config* config) {
  require_nonnull(config, "config");
  return config->cfg;
}
}  // namespace aq::capi

namespace {

void put_view(const std::string& s, const char** data, uint64_t* bytes) {
  *data = s.c_str();
  if (bytes) *bytes = s.size();
}

template <class F>
aq_status create_with(aq_config** out, F&& init) {
  if (out) *out = nullptr;
  return guard([&] {
    require_nonnull(out, "out");
    auto h = std::make_unique<aq_config>();
    init(h->cfg);
    *out = h.release();
  });
}

}  // namespace

extern "C" {

aq_status aq_config_create(aq_config** out) {
  return create_with(out, [](aq::Config&) {});
}

aq_status aq_config_from_json(const char* json, aq_config** out) {
  return create_with(out, [&](aq::Config& c) {
    require_nonnull(json, "json");
    c.merge_json(json);
  });
}

aq_status aq_config_from_profile(const char* profile, aq_config** out) {
  return create_with(out, [&](aq::Config& c) {
    require_nonnull(profile, "profile");
    c = aq::Config::from_profile(aq::parse_profile(profile));
  });
}

aq_status aq_config_clone(const aq_config* config, aq_config** out) {
  return create_with(out, [&](aq::Config& c) {
    require_nonnull(config, "config");
    c = config->cfg;
  });
}

aq_status aq_config_merge_json(aq_config* config, const char* json) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(json, "json");
    config->cfg.merge_json(json);
    config->modified();
  });
}

aq_status aq_config_load_file(aq_config* config, const char* path) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(path, "path");
    config->cfg.load_file(path);
    config->modified();
  });
}

aq_status aq_config_apply_env(aq_config* config) {
  return guard([&] {
    require_nonnull(config, "config");
    config->cfg.apply_env();
    config->modified();
  });
}

aq_status aq_config_set(aq_config* config, const char* key, const char* value_json) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(value_json, "value_json");
    config->cfg.set_text(key, value_json);
    config->modified();
  });
}

aq_status aq_config_unset(aq_config* config, const char* key) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    config->cfg.unset(key);
    config->modified();
  });
}

aq_status aq_config_get(const aq_config* config, const char* key, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(data, "data");
    put_view(config->keep(config->cfg.get_text(key)), data, bytes);
  });
}

aq_status aq_config_get_source(const aq_config* config, const char* key, const char** source) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(key, "key");
    require_nonnull(source, "source");
    *source = config->keep(config->cfg.source(key)).c_str();
  });
}

aq_status aq_config_validate(const aq_config* config) {
  return guard([&] {
    require_nonnull(config, "config");
    config->cfg.validate();
  });
}

aq_status aq_config_to_json(const aq_config* config, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(data, "data");
    put_view(config->keep(aq::json::to_text(config->cfg.to_json())), data, bytes);
  });
}

aq_status aq_config_sources_json(const aq_config* config, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(data, "data");
    put_view(config->keep(aq::json::to_text(config->cfg.sources_json())), data, bytes);
  });
}

uint64_t aq_config_key_count(void) {
  try {
    return aq::Config::leaf_keys().size();
  } catch (...) {  // only a failed first allocation of the static table
    return 0;
  }
}

const char* aq_config_key_name(uint64_t index) {
  try {
    const auto& keys = aq::Config::leaf_keys();
    return index < keys.size() ? keys[index].c_str() : nullptr;
  } catch (...) {
    return nullptr;
  }
}

aq_status aq_config_warnings_json(const aq_config* config, const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(config, "config");
    require_nonnull(data, "data");
    boost::json::array a;
    for (const auto& w : config->cfg.warnings()) a.push_back(boost::json::string(w));
    put_view(config->keep(aq::json::to_text(a)), data, bytes);
  });
}

aq_status aq_config_schema_json(const char** data, uint64_t* bytes) {
  return guard([&] {
    require_nonnull(data, "data");
    put_view(aq::Config::schema_json(), data, bytes);
  });
}

void aq_config_free(aq_config* config) { delete config; }

}  // extern "C"
