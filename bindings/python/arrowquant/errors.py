"""Exceptions of the arrowquant package: one class per C status (aq_status), all derived from ArrowQuantError.

Every exception carries the C status code (``.status``, an int equal to the AQ_ERR_* value), its name
(``.status_name``, e.g. "AQ_ERR_FORMAT") and the library's message (``.message``, from aq_last_error_message()).
Where a built-in exception means the same thing the class also derives from it, so ``except ValueError`` still
catches an invalid argument.
"""

__all__ = [
    "ArrowQuantError", "InvalidArgumentError", "OutOfMemoryError", "IoError", "FormatError", "UnsupportedError",
    "CancelledError", "QualityError", "InternalError", "error_from_status",
]


class ArrowQuantError(Exception):
    """Base class: a call into libarrowquant returned a non-OK status."""

    status = -1
    status_name = "AQ_ERR_UNKNOWN"

    def __init__(self, message="", status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = int(status)
            self.status_name = _NAMES.get(self.status, "AQ_ERR_UNKNOWN")

    def __str__(self):
        return f"{self.status_name}: {self.message}" if self.message else self.status_name


class InvalidArgumentError(ArrowQuantError, ValueError):
    """AQ_ERR_INVALID_ARGUMENT: a parameter is NULL, out of range, or inconsistent with another."""
    status, status_name = 1, "AQ_ERR_INVALID_ARGUMENT"


class OutOfMemoryError(ArrowQuantError, MemoryError):
    """AQ_ERR_OUT_OF_MEMORY: an allocation failed or a memory limit would be exceeded."""
    status, status_name = 2, "AQ_ERR_OUT_OF_MEMORY"


class IoError(ArrowQuantError, OSError):
    """AQ_ERR_IO: reading or writing a file failed."""
    status, status_name = 3, "AQ_ERR_IO"


class FormatError(ArrowQuantError, ValueError):
    """AQ_ERR_FORMAT: a file or JSON text is malformed."""
    status, status_name = 4, "AQ_ERR_FORMAT"


class UnsupportedError(ArrowQuantError, NotImplementedError):
    """AQ_ERR_UNSUPPORTED: valid but not supported (bits, group size, dtype)."""
    status, status_name = 5, "AQ_ERR_UNSUPPORTED"


class CancelledError(ArrowQuantError):
    """AQ_ERR_CANCELLED: a progress callback asked to stop."""
    status, status_name = 6, "AQ_ERR_CANCELLED"


class QualityError(ArrowQuantError):
    """AQ_ERR_QUALITY: a layer is below min_accuracy and fail_fast forbids fallback."""
    status, status_name = 7, "AQ_ERR_QUALITY"


class InternalError(ArrowQuantError, RuntimeError):
    """AQ_ERR_INTERNAL: a bug in the library; please report it with the message."""
    status, status_name = 8, "AQ_ERR_INTERNAL"


_BY_STATUS = {cls.status: cls for cls in (InvalidArgumentError, OutOfMemoryError, IoError, FormatError,
                                          UnsupportedError, CancelledError, QualityError, InternalError)}
_NAMES = {status: cls.status_name for status, cls in _BY_STATUS.items()}


def error_from_status(status, message):
    """The exception object for a C status (called by the SWIG module when a call fails)."""
    cls = _BY_STATUS.get(int(status), ArrowQuantError)
    return cls(message, status)
