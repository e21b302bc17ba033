//! The layered model-pipeline configuration (`aq_config*`; docs/config.md): defaults < profile < config (JSON
//! text or file) < environment (`ARROW_QUANT_*`) < explicit settings.
use std::os::raw::c_char;
use std::path::Path;
use std::ptr;

use arrowquant_sys as sys;

use crate::error::{check, static_str, Result};
use crate::handle::handle;
use crate::{c_path, c_string, view_str};

handle! {
    /// A layered configuration of the model pipeline (`aq_config*`). Keys are dotted paths (`"bit_width"`,
    /// `"thermodynamic.boundary_smoothing.window_size"`); values are JSON text.
    ///
    /// `Send` but not `Sync`: the header lets const getters run concurrently, but not a model call that reads the
    /// configuration, so sharing one configuration between threads is not offered.
    Config,
    /// A borrowed [`Config`].
    ConfigRef, sys::aq_config, sys::aq_config_free
}

impl Config {
    /// The defaults (the local profile's values, every source `"default"`). The environment is not read.
    pub fn new() -> Result<Config> {
        let mut out = ptr::null_mut();
        // SAFETY: out-pointer.
        check(unsafe { sys::aq_config_create(&mut out) })?;
        Config::expect_raw(out, "aq_config_create")
    }

    /// The defaults with the JSON object `json` merged into the config layer.
    pub fn from_json(json: &str) -> Result<Config> {
        let json = c_string("json", json.as_bytes())?;
        let mut out = ptr::null_mut();
        // SAFETY: valid C string; out-pointer.
        check(unsafe { sys::aq_config_from_json(json.as_ptr(), &mut out) })?;
        Config::expect_raw(out, "aq_config_from_json")
    }

    /// A deployment profile: `"edge"`, `"local"` or `"cloud"`.
    pub fn from_profile(profile: &str) -> Result<Config> {
        let profile = c_string("profile", profile.as_bytes())?;
        let mut out = ptr::null_mut();
        // SAFETY: valid C string; out-pointer.
        check(unsafe { sys::aq_config_from_profile(profile.as_ptr(), &mut out) })?;
        Config::expect_raw(out, "aq_config_from_profile")
    }

    /// Merges a JSON object into the config layer.
    pub fn merge_json(&mut self, json: &str) -> Result<()> {
        let json = c_string("json", json.as_bytes())?;
        // SAFETY: owned handle; valid C string.
        check(unsafe { sys::aq_config_merge_json(self.as_mut_ptr(), json.as_ptr()) })
    }

    /// Reads a JSON configuration file into the config layer.
    pub fn load_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path("path", path.as_ref())?;
        // SAFETY: owned handle; valid C string.
        check(unsafe { sys::aq_config_load_file(self.as_mut_ptr(), path.as_ptr()) })
    }

    /// (Re)reads the environment layer (`ARROW_QUANT_BIT_WIDTH`, ...).
    pub fn apply_env(&mut self) -> Result<()> {
        // SAFETY: owned handle.
        check(unsafe { sys::aq_config_apply_env(self.as_mut_ptr()) })
    }

    /// Sets `key` to `value_json` (JSON text; text that is not JSON is taken as a string). Source `"cli"`.
    pub fn set(&mut self, key: &str, value_json: &str) -> Result<()> {
        let key = c_string("key", key.as_bytes())?;
        let value = c_string("value", value_json.as_bytes())?;
        // SAFETY: owned handle; valid C strings.
        check(unsafe { sys::aq_config_set(self.as_mut_ptr(), key.as_ptr(), value.as_ptr()) })
    }

    /// Removes an explicit setting of `key` (or of every key of a section).
    pub fn unset(&mut self, key: &str) -> Result<()> {
        let key = c_string("key", key.as_bytes())?;
        // SAFETY: owned handle; valid C string.
        check(unsafe { sys::aq_config_unset(self.as_mut_ptr(), key.as_ptr()) })
    }
}

impl ConfigRef {
    /// An independent copy (all layers and sources).
    pub fn try_clone(&self) -> Result<Config> {
        let mut out = ptr::null_mut();
        // SAFETY: valid handle; out-pointer.
        check(unsafe { sys::aq_config_clone(self.as_ptr(), &mut out) })?;
        Config::expect_raw(out, "aq_config_clone")
    }

    /// Effective value of a key (or a section, as an object) as compact JSON text, borrowed until the
    /// configuration is modified or freed.
    pub fn get(&self, key: &str) -> Result<&str> {
        let key = c_string("key", key.as_bytes())?;
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: valid handle; the view lives until the handle is modified (&mut) or freed.
        check(unsafe { sys::aq_config_get(self.as_ptr(), key.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }

    /// Source of a leaf key's value (`"default"`, `"profile:local"`, `"config"`, `"env:ARROW_QUANT_..."`, `"cli"`).
    pub fn source(&self, key: &str) -> Result<&str> {
        let key = c_string("key", key.as_bytes())?;
        let mut data: *const c_char = ptr::null();
        // SAFETY: as get.
        check(unsafe { sys::aq_config_get_source(self.as_ptr(), key.as_ptr(), &mut data) })?;
        unsafe { view_str(data, None) }
    }

    /// Checks the rules between keys (e.g. beta_end ≥ beta_start).
    pub fn validate(&self) -> Result<()> {
        // SAFETY: valid handle.
        check(unsafe { sys::aq_config_validate(self.as_ptr()) })
    }

    /// The effective configuration as nested JSON, every key present.
    pub fn to_json(&self) -> Result<&str> {
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: as get.
        check(unsafe { sys::aq_config_to_json(self.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }

    /// The source of every leaf key as a flat JSON object.
    pub fn sources_json(&self) -> Result<&str> {
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: as get.
        check(unsafe { sys::aq_config_sources_json(self.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }

    /// The configuration's warnings (keys accepted without effect) as a JSON array of strings.
    pub fn warnings_json(&self) -> Result<&str> {
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: as get.
        check(unsafe { sys::aq_config_warnings_json(self.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }
}

impl std::fmt::Debug for ConfigRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_json() {
            Ok(json) => write!(f, "Config({json})"),
            Err(e) => write!(f, "Config(<{e}>)"),
        }
    }
}

/// The configuration schema (every key's type, range, defaults, environment variable, flag and help) as JSON.
pub fn config_schema_json() -> Result<&'static str> {
    let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
    // SAFETY: thread-safe; the text has static storage.
    check(unsafe { sys::aq_config_schema_json(&mut data, &mut bytes) })?;
    unsafe { view_str(data, Some(bytes)) }
}

/// Every leaf key of the configuration in documentation order.
pub fn config_keys() -> Vec<&'static str> {
    // SAFETY: thread-safe functions returning static storage.
    let n = unsafe { sys::aq_config_key_count() };
    (0..n).map(|i| unsafe { static_str(sys::aq_config_key_name(i)) }).collect()
}
