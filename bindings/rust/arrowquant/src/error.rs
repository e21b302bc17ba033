//! `aq_status` and the thread's last error message as a Rust error type. The `Status` enum itself is generated
//! from the header (src/status.rs).
use std::ffi::CStr;
use std::fmt;

use arrowquant_sys as sys;

pub use crate::status::Status;

impl Status {
    /// The library's name of the status (`"AQ_ERR_FORMAT"`, ...; `"AQ_ERR_UNKNOWN"` for unknown codes).
    pub fn name(self) -> &'static str {
        // SAFETY: aq_status_name returns a pointer to a static NUL-terminated ASCII string for any value.
        unsafe { static_str(sys::aq_status_name(self.code())) }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of every fallible call: the C status and the library's message (`aq_last_error_message()`, which
/// names the argument, key, tensor or offset at fault).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
    report: Option<String>,
}

impl Error {
    /// An error raised by this crate before reaching the library (e.g. a path with a NUL byte), with the status the
    /// library would have returned.
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error { status, message: message.into(), report: None }
    }

    /// The status of the failed call.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The raw `aq_status` code of the failed call.
    pub fn code(&self) -> sys::aq_status {
        self.status.code()
    }

    /// The library's message for the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The quality report (JSON) that `quantize_model` produced before failing with [`Status::Quality`], if any.
    pub fn report_json(&self) -> Option<&str> {
        self.report.as_deref()
    }

    pub(crate) fn with_report(mut self, report: Option<String>) -> Error {
        self.report = report;
        self
    }

    /// Reads this thread's last error message; call right after the failed call, on the same thread.
    fn last(status: Status) -> Error {
        // SAFETY: aq_last_error_message returns a thread-local NUL-terminated string valid until the next call on
        // this thread; it is copied at once.
        let message = unsafe { CStr::from_ptr(sys::aq_last_error_message()) }.to_string_lossy().into_owned();
        Error::new(status, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.name(), self.message)
    }
}

impl std::error::Error for Error {}

/// Result of every fallible call of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Turns a returned status into a `Result`, capturing the message when it is a failure.
pub(crate) fn check(code: sys::aq_status) -> Result<()> {
    match Status::from_code(code) {
        None => Ok(()),
        Some(status) => Err(Error::last(status)),
    }
}

/// A static string returned by the library (version, status and SIMD target names).
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string with static storage duration.
pub(crate) unsafe fn static_str(p: *const std::os::raw::c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    CStr::from_ptr(p).to_str().unwrap_or("")
}
