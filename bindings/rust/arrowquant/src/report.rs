//! Reports: baseline metrics, the HTML page and the accuracy study (docs/report.md, docs/accuracy.md).

use std::path::Path;
use std::ptr;

use arrowquant_sys as sys;

use crate::config::Config;
use crate::error::{check, Error, Result, Status};
use crate::pipeline::Report;
use crate::{c_path, c_string};

fn opt_c(what: &str, s: Option<&str>) -> Result<Option<std::ffi::CString>> {
    s.map(|v| c_string(what, v.as_bytes())).transpose()
}

fn ptr_of(s: &Option<std::ffi::CString>) -> *const std::os::raw::c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

fn into_report(raw: *mut sys::aq_report, function: &str) -> Result<Report> {
    Report::from_raw(raw).ok_or_else(|| Error::new(Status::Internal, format!("{function} returned no report")))
}

/// The baseline-metrics JSON (ArrowQuant V2's format) from a quality report of a run with Phase 1 validation on
/// (`aq_baseline_metrics`). `model_name` `None` derives the name from the report's input path.
pub fn baseline_metrics(quality_report_json: &str, model_name: Option<&str>) -> Result<Report> {
    let q = c_string("quality report", quality_report_json.as_bytes())?;
    let name = opt_c("model name", model_name)?;
    let mut out: *mut sys::aq_report = ptr::null_mut();
    // SAFETY: valid C strings (or NULL for the optional name) and an out-pointer.
    check(unsafe { sys::aq_baseline_metrics(q.as_ptr(), ptr_of(&name), &mut out) })?;
    into_report(out, "aq_baseline_metrics")
}

/// A self-contained HTML page from any of the quality report, the baseline metrics and the accuracy study
/// (`aq_html_report`); read the page with [`Report::json`].
pub fn html_report(
    quality: Option<&str>,
    baseline: Option<&str>,
    accuracy: Option<&str>,
    title: Option<&str>,
) -> Result<Report> {
    let (q, b, a, t) = (
        opt_c("quality report", quality)?,
        opt_c("baseline", baseline)?,
        opt_c("accuracy", accuracy)?,
        opt_c("title", title)?,
    );
    let mut out: *mut sys::aq_report = ptr::null_mut();
    // SAFETY: each pointer is a valid C string or NULL; out-pointer.
    check(unsafe { sys::aq_html_report(ptr_of(&q), ptr_of(&b), ptr_of(&a), ptr_of(&t), &mut out) })?;
    into_report(out, "aq_html_report")
}

/// [`html_report`] written to `path` atomically (`aq_html_report_write`).
pub fn html_report_write(
    quality: Option<&str>,
    baseline: Option<&str>,
    accuracy: Option<&str>,
    title: Option<&str>,
    path: impl AsRef<Path>,
) -> Result<()> {
    let (q, b, a, t) = (
        opt_c("quality report", quality)?,
        opt_c("baseline", baseline)?,
        opt_c("accuracy", accuracy)?,
        opt_c("title", title)?,
    );
    let p = c_path("path", path.as_ref())?;
    // SAFETY: each pointer is a valid C string or NULL.
    check(unsafe { sys::aq_html_report_write(ptr_of(&q), ptr_of(&b), ptr_of(&a), ptr_of(&t), p.as_ptr()) })
}

/// The accuracy study of docs/accuracy.md on an unquantized model (`aq_accuracy_study`).
pub fn accuracy_study(model: impl AsRef<Path>, config: Option<&Config>, options_json: Option<&str>) -> Result<Report> {
    let m = c_path("model path", model.as_ref())?;
    let o = opt_c("options", options_json)?;
    let config_ptr = config.map_or(ptr::null(), |c| c.as_ptr());
    let mut out: *mut sys::aq_report = ptr::null_mut();
    // SAFETY: valid C strings / NULL, optional config handle, out-pointer.
    check(unsafe { sys::aq_accuracy_study(m.as_ptr(), config_ptr, ptr_of(&o), &mut out) })?;
    into_report(out, "aq_accuracy_study")
}
