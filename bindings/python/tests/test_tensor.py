"""Tensor round trip through the Pythonic layer and the raw capi module."""
import numpy as np
import pytest

import arrowquant as aq
from arrowquant import capi


def weights(rows=16, cols=512, seed=0):
    return np.random.default_rng(seed).standard_normal((rows, cols)).astype(np.float32)


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_round_trip_error_is_within_half_a_step_of_each_group(bits):
    w = weights()
    with aq.quantize(w, bits=bits, group_size=64) as q:
        back = q.dequantize()
        assert back.shape == w.shape and back.dtype == np.float32
        groups = w.reshape(w.shape[0], -1, 64)
        step = (groups.max(axis=2) - groups.min(axis=2)) / (2 ** bits - 1)
        err = np.abs(back - w).reshape(groups.shape).max(axis=2)
        assert np.all(err <= step * 0.5 + 1e-3)
        assert q.bits == bits and q.group_size == 64 and q.mode == "rtn" and q.format == "flat"


def test_codes_are_packed_rows_and_bits_per_weight_counts_parameters():
    w = weights(8, 256)
    with aq.quantize(w, bits=4, group_size=128) as q:
        assert q.codes.dtype == np.uint8 and q.codes.shape == (8, 128)
        expected = 8.0 * (q.codes.size + q.params.size) / w.size
        assert q.bits_per_weight == pytest.approx(expected)
        assert 4.0 < q.bits_per_weight < 4.6


def test_codes_match_the_documented_int4_packing():
    w = weights(1, 64)
    with aq.quantize(w, bits=4, group_size=64) as q:
        packed = q.codes.reshape(-1)
        lo, hi = packed & 0x0F, packed >> 4
        codes = np.empty(64, dtype=np.int32)
        codes[0::2], codes[1::2] = lo, hi
        # Codes are monotone in the weights within a group: the order of reconstruction equals the code order.
        back = q.dequantize().reshape(-1)
        order = np.argsort(codes, kind="stable")
        assert np.all(np.diff(back[order]) >= -1e-6)


def test_higher_rank_is_flattened_and_one_dimension_is_one_row():
    w3 = np.random.default_rng(2).standard_normal((4, 8, 32)).astype(np.float32)
    with aq.quantize(w3, bits=8, group_size=32) as q:
        assert (q.rows, q.cols) == (4, 256) and q.dequantize().shape == (4, 8, 32)
    with aq.quantize(np.linspace(-1, 1, 100, dtype=np.float32), bits=8, group_size=32) as q:
        assert (q.rows, q.cols) == (1, 100)


def test_float16_input_and_output_and_float64_is_converted():
    w = weights(4, 128)
    with aq.quantize(w.astype(np.float16), bits=8, group_size=128) as q:
        assert q.dequantize(np.float16).dtype == np.float16
    with aq.quantize(w.astype(np.float64), bits=8, group_size=128) as q:
        assert np.allclose(q.dequantize(), w, atol=0.02)


def test_search_mode_hierarchical_format_is_no_worse_than_rtn():
    w = weights(16, 512, seed=3)
    with aq.quantize(w, bits=4, group_size=32, mode="rtn") as rtn, \
            aq.quantize(w, bits=4, group_size=32, mode="search") as search:
        assert search.mode == "search" and search.format == "hierarchical"
        assert search.error.sse <= rtn.error.sse * 1.05
        assert search.params.size > 0 and search.bits_per_weight > 4.0


def test_error_statistics_are_consistent():
    w = weights()
    with aq.quantize(w, bits=8, group_size=128) as q:
        e = q.error
        back = q.dequantize()
        assert e.sse == pytest.approx(float(np.sum((back.astype(np.float64) - w) ** 2)), rel=1e-4)
        assert e.max_abs_error == pytest.approx(float(np.abs(back - w).max()), rel=1e-5)
        assert 0.99 < e.cosine <= 1.0 and e.sqnr_db > 30


def test_raw_capi_matches_the_pythonic_layer():
    w = weights(4, 256)
    q = capi.aq_quantize(w, capi.AQ_DTYPE_F32, 4, 256, 4, 128, capi.AQ_MODE_RTN)
    try:
        out = np.empty_like(w)
        capi.aq_dequantize(q, capi.AQ_DTYPE_F32, out)
        with aq.quantize(w, bits=4, group_size=128) as p:
            assert np.array_equal(out, p.dequantize())
            assert capi.aq_quantized_codes(q) == p.codes.tobytes()
    finally:
        q.close()


def test_version_and_threads():
    assert aq.__version__ == capi.aq_version_string()
    assert aq.version_number == capi.ARROWQUANT_VERSION_NUMBER
    aq.set_num_threads(2)
    assert aq.get_num_threads() == 2
    aq.set_num_threads(0)
    assert isinstance(aq.simd_target(), str) and aq.simd_target()
