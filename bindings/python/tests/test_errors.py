"""Every non-OK status becomes the exception class of that status, carrying the status and the message."""
import numpy as np
import pytest

import arrowquant as aq
from arrowquant import capi, errors


def test_unsupported_bits_raise_unsupported_error_with_status_and_message():
    with pytest.raises(aq.UnsupportedError) as info:
        aq.quantize(np.ones((2, 64), np.float32), bits=3, group_size=64)
    assert info.value.status == capi.AQ_ERR_UNSUPPORTED == 5
    assert info.value.status_name == "AQ_ERR_UNSUPPORTED"
    assert "bits" in info.value.message and "3" in info.value.message
    assert isinstance(info.value, aq.ArrowQuantError) and isinstance(info.value, NotImplementedError)


def test_nan_weight_is_invalid_argument_naming_the_index():
    w = np.ones((2, 64), np.float32)
    w[1, 5] = np.nan
    with pytest.raises(aq.InvalidArgumentError) as info:
        aq.quantize(w, bits=4, group_size=64)
    assert info.value.status == capi.AQ_ERR_INVALID_ARGUMENT
    assert "69" in info.value.message  # first bad element, row-major
    assert isinstance(info.value, ValueError)


def test_raw_call_raises_and_the_message_is_the_c_message():
    with pytest.raises(aq.InvalidArgumentError) as info:
        capi.aq_set_num_threads(-1)
    assert info.value.message == capi.aq_last_error_message()
    assert info.value.message


def test_wrong_buffer_size_is_invalid_argument():
    with pytest.raises(aq.InvalidArgumentError):
        capi.aq_quantize(np.ones(10, np.float32), capi.AQ_DTYPE_F32, 2, 64, 4, 64, capi.AQ_MODE_RTN)


def test_malformed_json_is_format_error():
    with pytest.raises(aq.FormatError) as info:
        aq.Config.from_json("{not json")
    assert info.value.status == capi.AQ_ERR_FORMAT


def test_unknown_config_key_is_invalid_argument_naming_the_key():
    with aq.Config() as cfg, pytest.raises(aq.InvalidArgumentError) as info:
        cfg.set("no_such_key", 1)
    assert "no_such_key" in info.value.message


def test_missing_file_is_io_error():
    with pytest.raises(aq.IoError) as info:
        aq.Model("/nonexistent/model.safetensors")
    assert info.value.status == capi.AQ_ERR_IO and isinstance(info.value, OSError)


def test_every_status_has_its_own_class():
    names = [n for n in dir(capi) if n.startswith("AQ_ERR_")]
    assert len(names) == 8
    seen = set()
    for name in names:
        status = getattr(capi, name)
        exc = errors.error_from_status(status, "m")
        assert exc.status == status and exc.status_name == name == capi.aq_status_name(status)
        seen.add(type(exc))
    assert len(seen) == 8
    assert type(errors.error_from_status(99, "x")) is aq.ArrowQuantError


def test_bad_enum_name_in_the_pythonic_layer_is_invalid_argument():
    with pytest.raises(aq.InvalidArgumentError):
        aq.quantize(np.ones((1, 64), np.float32), mode="fastest")


def test_a_failure_does_not_leak_the_previous_message():
    with pytest.raises(aq.UnsupportedError):
        aq.quantize(np.ones((1, 64), np.float32), bits=5, group_size=64)
    capi.aq_set_num_threads(0)
    assert capi.aq_last_error_message() == ""


def test_generated_status_table_maps_a_status_to_its_class():
    # The classes come from capi.AQ_STATUS_ERRORS, generated from the header's aq_status.
    exc = errors.error_from_status(capi.AQ_ERR_QUALITY, "below min_accuracy")
    assert type(exc) is aq.QualityError and exc.status == 7 and exc.status_name == "AQ_ERR_QUALITY"
    assert str(exc) == "AQ_ERR_QUALITY: below min_accuracy"
    assert isinstance(errors.error_from_status(capi.AQ_ERR_FORMAT, "m"), (aq.FormatError, ValueError))
    assert {row[0] for row in capi.AQ_STATUS_ERRORS} == {getattr(capi, n) for n in dir(capi) if n.startswith("AQ_ERR_")}
    for status, c_name, base, _ in capi.AQ_STATUS_ERRORS:
        assert c_name == capi.aq_status_name(status)
        assert errors.error_from_status(status, "m").__class__.__name__ == base + "Error"
        assert base + "Error" in errors.__all__
