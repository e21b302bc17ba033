//! `aq_status` and the thread's last error message as a Rust error type.
use std::ffi::CStr;
use std::fmt;

use arrowquant_sys as sys;

/// A failure status of the C ABI (`aq_status` other than `AQ_OK`). The numeric values are stable
/// ([`Status::code`]); a value added by a newer library arrives as [`Status::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `AQ_ERR_INVALID_ARGUMENT`: a parameter is NULL, out of range, or inconsistent with another.
    InvalidArgument,
    /// `AQ_ERR_OUT_OF_MEMORY`: an allocation failed or a memory limit would be exceeded.
    OutOfMemory,
    /// `AQ_ERR_IO`: reading or writing a file failed.
    Io,
    /// `AQ_ERR_FORMAT`: a file or JSON text is malformed.
    Format,
    /// `AQ_ERR_UNSUPPORTED`: valid but not supported (bits, group size, dtype).
    Unsupported,
    /// `AQ_ERR_CANCELLED`: a progress callback asked to stop.
    Cancelled,
    /// `AQ_ERR_QUALITY`: a layer is below min_accuracy and fail_fast forbids fallback.
    Quality,
    /// `AQ_ERR_INTERNAL`: a bug in the library.
    Internal,
    /// A status this crate does not know (from a newer library).
    Unknown(u32),
}

impl Status {
    /// The failure status for a raw code; `None` for `AQ_OK`.
    pub fn from_code(code: sys::aq_status) -> Option<Status> {
        Some(match code {
            sys::AQ_OK => return None,
            sys::AQ_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            sys::AQ_ERR_OUT_OF_MEMORY => Status::OutOfMemory,
            sys::AQ_ERR_IO => Status::Io,
            sys::AQ_ERR_FORMAT => Status::Format,
            sys::AQ_ERR_UNSUPPORTED => Status::Unsupported,
            sys::AQ_ERR_CANCELLED => Status::Cancelled,
            sys::AQ_ERR_QUALITY => Status::Quality,
            sys::AQ_ERR_INTERNAL => Status::Internal,
            other => Status::Unknown(other),
        })
    }

    /// The raw `aq_status` value.
    pub fn code(self) -> sys::aq_status {
        match self {
            Status::InvalidArgument => sys::AQ_ERR_INVALID_ARGUMENT,
            Status::OutOfMemory => sys::AQ_ERR_OUT_OF_MEMORY,
            Status::Io => sys::AQ_ERR_IO,
            Status::Format => sys::AQ_ERR_FORMAT,
            Status::Unsupported => sys::AQ_ERR_UNSUPPORTED,
            Status::Cancelled => sys::AQ_ERR_CANCELLED,
            Status::Quality => sys::AQ_ERR_QUALITY,
            Status::Internal => sys::AQ_ERR_INTERNAL,
            Status::Unknown(code) => code,
        }
    }

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
