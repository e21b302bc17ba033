"""Small helpers shared by the Pythonic modules."""
from . import capi
from .errors import InvalidArgumentError


def enum_value(prefix, value, what):
    """'rtn' -> capi.AQ_MODE_RTN for prefix 'AQ_MODE_'; ints pass through."""
    if isinstance(value, int):
        return value
    name = prefix + str(value).upper()
    if not hasattr(capi, name):
        choices = sorted(n[len(prefix):].lower() for n in dir(capi) if n.startswith(prefix))
        raise InvalidArgumentError(f"{what} must be one of {choices}, got {value!r}", 1)
    return getattr(capi, name)


def enum_name(prefix, value):
    for n in dir(capi):
        if n.startswith(prefix) and getattr(capi, n) == value:
            return n[len(prefix):].lower()
    return str(value)


class Handle:
    """Owns one capi handle object: close() frees it now, the context manager closes on exit."""

    __slots__ = ("_h",)

    def __init__(self, handle):
        self._h = handle

    @property
    def handle(self):
        """The capi proxy; ValueError once closed."""
        if self._h is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._h

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Free the native object now (idempotent)."""
        h, self._h = self._h, None
        if h is not None:
            h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
