"""Handle lifetime: deterministic close, context managers, no double free, views keep their parent alive."""
import gc

import numpy as np
import pytest

import arrowquant as aq
from arrowquant import capi


def test_close_frees_once_and_is_idempotent():
    before = capi.aq_binding_live_handles()
    q = aq.quantize(np.ones((2, 64), np.float32), bits=4, group_size=64)
    assert capi.aq_binding_live_handles() == before + 1
    q.close()
    q.close()
    assert q.closed and capi.aq_binding_live_handles() == before


def test_use_after_close_is_an_error_not_a_crash():
    q = aq.quantize(np.ones((2, 64), np.float32), bits=4, group_size=64)
    q.close()
    with pytest.raises(ValueError):
        q.dequantize()
    raw = capi.aq_quantize(np.ones((2, 64), np.float32), capi.AQ_DTYPE_F32, 2, 64, 4, 64, capi.AQ_MODE_RTN)
    raw.close()
    raw.close()
    with pytest.raises((TypeError, ValueError, aq.ArrowQuantError)):
        capi.aq_quantized_codes(raw)


def test_context_manager_closes_on_exception():
    before = capi.aq_binding_live_handles()
    with pytest.raises(RuntimeError):
        with aq.quantize(np.ones((2, 64), np.float32), bits=4, group_size=64) as q:
            assert capi.aq_binding_live_handles() == before + 1
            raise RuntimeError("boom")
    assert q.closed and capi.aq_binding_live_handles() == before


def test_garbage_collection_frees_unclosed_handles():
    before = capi.aq_binding_live_handles()
    for _ in range(10):
        capi.aq_timeaware_config_create()
    gc.collect()
    assert capi.aq_binding_live_handles() == before


def test_a_view_keeps_its_parent_alive():
    with capi.aq_timeaware_config_create() as cfg:
        capi.aq_timeaware_config_set_number(cfg, "num_time_groups", 4)
        stats = capi.aq_calib_stats_data_free(cfg, 7)
        result = capi.aq_timeaware_layer(stats, cfg, 7)
        stats.close()
    params = capi.aq_layer_result_params(result)   # a view into result
    del result
    gc.collect()                                   # the view still holds its parent
    assert capi.aq_tg_params_count(params) == 4
    assert len(capi.aq_tg_params_scales(params)) == 4
    assert not params.thisown                      # a view never frees what it does not own
    del params
    gc.collect()


def test_closing_a_view_does_not_free_the_parent():
    with capi.aq_markov_validate([1.0, 2.0], [0.0, 0.0], 0.3) as report, \
            capi.aq_markov_report_baseline(report) as baseline:
        assert capi.aq_baseline_report_pattern_count(baseline) >= 1
    r = capi.aq_timeaware_config_create()
    stats = capi.aq_calib_stats_data_free(r, 1)
    with capi.aq_timeaware_layer(stats, r, 1) as result:
        view = capi.aq_layer_result_params(result)
        view.close()
        assert capi.aq_tg_params_count(capi.aq_layer_result_params(result)) > 0
    stats.close()
    r.close()


def test_owned_outputs_of_failed_calls_are_not_leaked():
    before = capi.aq_binding_live_handles()
    for _ in range(3):
        with pytest.raises(aq.InvalidArgumentError):
            capi.aq_markov_validate([1.0, -1.0], [0.0, 0.0], 0.3)
    assert capi.aq_binding_live_handles() == before
