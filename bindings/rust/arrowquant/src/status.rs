// Generated from aq_status in capi/include/arrowquant.h by bindings/swig/gen_status_map.py: do not edit.
// Regenerate (from the repository root):
//   python3 bindings/swig/gen_status_map.py rust bindings/rust/arrowquant/src/status.rs capi/include/arrowquant.h
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
    /// `AQ_ERR_INTERNAL`: a bug: please report it with the message.
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
}
