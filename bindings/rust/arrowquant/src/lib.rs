//! Safe Rust API of ArrowQuant (`libarrowquant.so.0`): group-wise INT2/INT4/INT8 weight quantization, the model
//! pipeline, and time-aware activation parameters with their Markov smoothness metrics.
//!
//! Every fallible call returns [`Result`]; an [`Error`] carries the C status ([`Status`]) and the library's
//! message. Handles ([`Quantized`], [`Model`], [`Report`], ...) free themselves on drop; views into a handle are
//! slices borrowed from it, so they cannot outlive it. Handles are `Send` but not `Sync`: the C ABI allows one
//! thread at a time per handle and different handles in parallel.
//!
//! ```
//! let weights: Vec<f32> = (0..4 * 256).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect();
//! let q = arrowquant::quantize(&weights, 4, 256, &arrowquant::QuantizeOptions::bits(4))?;
//! assert!(q.bits_per_weight() > 4.0);
//! let back = q.dequantize()?;
//! assert_eq!(back.len(), weights.len());
//! # Ok::<(), arrowquant::Error>(())
//! ```
//!
//! # Handles and views
//!
//! A view borrows its handle, so it cannot outlive it:
//!
//! ```
//! let q = arrowquant::quantize(&[0.5; 64], 1, 64, &arrowquant::QuantizeOptions::bits(8))?;
//! let codes = q.codes()?;
//! assert_eq!(codes.len(), 64);
//! drop(q);
//! # Ok::<(), arrowquant::Error>(())
//! ```
//!
//! ```compile_fail
//! let q = arrowquant::quantize(&[0.5; 64], 1, 64, &arrowquant::QuantizeOptions::bits(8))?;
//! let codes = q.codes()?;
//! drop(q);
//! assert_eq!(codes.len(), 64); // error[E0505]: cannot move out of `q` because it is borrowed
//! # Ok::<(), arrowquant::Error>(())
//! ```
//!
//! Parameters borrowed from a layer result live only as long as the result:
//!
//! ```compile_fail
//! use arrowquant::timeaware::*;
//! let cfg = TimeAwareConfig::new()?;
//! let stats = CalibStats::data_free(&cfg, 1)?;
//! let params = {
//!     let layer = timeaware_layer(&stats, &cfg, 1)?;
//!     layer.params()? // error[E0597]: `layer` does not live long enough
//! };
//! # Ok::<(), arrowquant::Error>(())
//! ```
//!
//! Owned handles move to other threads; views into them do not:
//!
//! ```
//! use arrowquant::timeaware::*;
//! let cfg = TimeAwareConfig::new()?;
//! let stats = CalibStats::data_free(&cfg, 1)?;
//! let layer = timeaware_layer(&stats, &cfg, 1)?;
//! let groups = std::thread::spawn(move || layer.params().map(|p| p.len())).join().unwrap()?;
//! assert_eq!(groups as f64, cfg.get_number("num_time_groups")?);
//! # Ok::<(), arrowquant::Error>(())
//! ```
//!
//! ```compile_fail
//! use arrowquant::timeaware::*;
//! let cfg = TimeAwareConfig::new()?;
//! let stats = CalibStats::data_free(&cfg, 1)?;
//! let layer = timeaware_layer(&stats, &cfg, 1)?;
//! let params: &TgParamsRef = layer.params()?;
//! std::thread::scope(|s| { s.spawn(|| params.len()); }); // error[E0277]: cannot be shared between threads
//! # Ok::<(), arrowquant::Error>(())
//! ```
#![warn(missing_debug_implementations)]

pub use arrowquant_sys as sys;

pub mod activation;
mod config;
mod error;
mod handle;
mod pipeline;
mod report;
mod status;
mod tensor;
pub mod timeaware;

pub use config::{config_keys, config_schema_json, Config, ConfigRef};
pub use error::{Error, Result, Status};
pub use pipeline::{
    compare_models, export_dequantized, quantize_model, quantize_model_staged, write_demo_model, Model, Progress,
    Report, RunStage, StageProgress,
};
pub use report::{accuracy_study, baseline_metrics, html_report, html_report_write};
pub use tensor::{quantize, quantize_u16, DType, ErrorStats, Format, Mode, QuantizeOptions, Quantized, QuantizedInfo};

use error::{check, static_str};

/// `ARROWQUANT_VERSION_NUMBER` of the header these bindings were generated from (MAJOR·10000 + MINOR·100 + PATCH).
pub const HEADER_VERSION_NUMBER: u32 = sys::ARROWQUANT_VERSION_NUMBER;

/// Runtime version number of the loaded library (compare with [`HEADER_VERSION_NUMBER`]).
pub fn version_number() -> u32 {
    // SAFETY: no arguments, no state.
    unsafe { sys::aq_version_number() }
}

/// Runtime version of the loaded library as `"MAJOR.MINOR.PATCH"`.
pub fn version() -> &'static str {
    // SAFETY: static storage.
    unsafe { static_str(sys::aq_version_string()) }
}

/// Sets the process-wide default number of worker threads (0 = all cores). Results never depend on it.
pub fn set_num_threads(n: i32) -> Result<()> {
    // SAFETY: thread-safe function without pointers.
    check(unsafe { sys::aq_set_num_threads(n) })
}

/// The process-wide default number of worker threads (0 = all cores).
pub fn num_threads() -> i32 {
    // SAFETY: thread-safe function without pointers.
    unsafe { sys::aq_get_num_threads() }
}

/// Name of the SIMD target the kernels dispatch to on this CPU (`"AVX3"`, `"AVX2"`, ...).
pub fn simd_target() -> &'static str {
    // SAFETY: static storage.
    unsafe { static_str(sys::aq_simd_target()) }
}

/// A borrowed view `(data, count)` returned by the library as a slice; NULL or empty gives `&[]`.
///
/// # Safety
/// `data` must point to `count` initialised values that stay valid and unchanged for the lifetime `'a`.
pub(crate) unsafe fn view_slice<'a, T>(data: *const T, count: u64) -> &'a [T] {
    if data.is_null() || count == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(data, count as usize)
    }
}

/// A borrowed text view (`const char*` + byte count, or NUL-terminated when `bytes` is `None`) as `&str`.
///
/// # Safety
/// As [`view_slice`]; without `bytes`, `data` must be NUL-terminated.
pub(crate) unsafe fn view_str<'a>(data: *const std::os::raw::c_char, bytes: Option<u64>) -> Result<&'a str> {
    let raw: &'a [u8] = match bytes {
        Some(n) => view_slice(data.cast::<u8>(), n),
        None if data.is_null() => &[],
        None => std::ffi::CStr::from_ptr(data).to_bytes(),
    };
    std::str::from_utf8(raw)
        .map_err(|e| Error::new(Status::Format, format!("the library returned text that is not UTF-8: {e}")))
}

/// A path or name for the C ABI (NUL-terminated); an interior NUL is [`Status::InvalidArgument`].
pub(crate) fn c_string(what: &str, bytes: &[u8]) -> Result<std::ffi::CString> {
    std::ffi::CString::new(bytes)
        .map_err(|_| Error::new(Status::InvalidArgument, format!("{what} contains a NUL byte")))
}

/// A filesystem path as a C string.
pub(crate) fn c_path(what: &str, path: &std::path::Path) -> Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    c_string(what, path.as_os_str().as_bytes())
}

/// The `## Rust` section of `docs/bindings.md`: its ```` ```rust ```` blocks run as doc tests, so the documented
/// examples cannot rot.
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/bindings_rust.md"))]
pub struct DocExamples;
