"""The binding covers the whole C ABI as the header stands (the generated manifest lists it)."""
import json
import os

import pytest

from arrowquant import capi


def manifest():
    path = os.environ.get("AQ_SWIG_MANIFEST")
    if not path or not os.path.exists(path):
        pytest.skip("AQ_SWIG_MANIFEST not set (run through CTest)")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def test_every_function_of_the_header_is_wrapped():
    m = manifest()
    handles = set(m["handles"])
    missing = [f for f in m["functions"]
               if not hasattr(capi, f) and not (f.endswith("_free") and f[: -len("_free")] in handles)]
    assert not missing, f"not wrapped: {missing}"


def test_every_handle_is_a_class_with_close_and_context_manager():
    for c_name, cls_name in manifest()["handles"].items():
        cls = getattr(capi, cls_name)
        assert hasattr(cls, "close") and hasattr(cls, "__enter__") and hasattr(cls, "__exit__"), c_name
