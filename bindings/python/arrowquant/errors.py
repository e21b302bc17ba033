"""Exceptions of the arrowquant package: one class per C status (aq_status), all derived from ArrowQuantError.

Every exception carries the C status code (``.status``, an int equal to the AQ_ERR_* value), its name
(``.status_name``, e.g. "AQ_ERR_FORMAT") and the library's message (``.message``, from aq_last_error_message()).

The classes are made from ``capi.AQ_STATUS_ERRORS``, which bindings/swig/gen_status_map.py generates from the
header's aq_status enum: AQ_ERR_<NAME> becomes ``<Name>Error`` (AQ_ERR_INVALID_ARGUMENT -> InvalidArgumentError),
so a status added to the header gets its class without editing this file. Where a built-in exception means the
same thing the class also derives from it (_BUILTIN_BASES), so ``except ValueError`` still catches an invalid
argument.
"""
from . import capi


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


# Python's own meaning of some statuses; a status not listed derives from ArrowQuantError alone.
_BUILTIN_BASES = {
    "AQ_ERR_INVALID_ARGUMENT": ValueError,
    "AQ_ERR_OUT_OF_MEMORY": MemoryError,
    "AQ_ERR_IO": OSError,
    "AQ_ERR_FORMAT": ValueError,
    "AQ_ERR_UNSUPPORTED": NotImplementedError,
    "AQ_ERR_INTERNAL": RuntimeError,
}


def _make_class(status, c_name, base, description):
    bases = (ArrowQuantError,) + ((_BUILTIN_BASES[c_name],) if c_name in _BUILTIN_BASES else ())
    return type(f"{base}Error", bases, {"__doc__": f"{c_name}: {description}.", "__module__": __name__,
                                        "status": status, "status_name": c_name})


_BY_STATUS = {row[0]: _make_class(*row) for row in capi.AQ_STATUS_ERRORS}
_NAMES = {status: cls.status_name for status, cls in _BY_STATUS.items()}
globals().update({cls.__name__: cls for cls in _BY_STATUS.values()})

__all__ = ["ArrowQuantError", *(cls.__name__ for cls in _BY_STATUS.values()), "error_from_status"]


def error_from_status(status, message):
    """The exception object for a C status (called by the SWIG module when a call fails)."""
    cls = _BY_STATUS.get(int(status), ArrowQuantError)
    return cls(message, status)
