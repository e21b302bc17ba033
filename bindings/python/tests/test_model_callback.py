"""Model pipeline through the binding: progress callback (a Python callable) that can cancel, Config, Model."""
import os

import numpy as np
import pytest

import arrowquant as aq


def test_progress_is_called_after_each_tensor_with_growing_counts(tiny_model, tmp_path):
    calls = []
    out = tmp_path / "q.safetensors"
    report = aq.quantize_model(tiny_model, out, config={"bit_width": 4, "group_size": 64},
                               progress=lambda *a: calls.append(a))
    assert out.exists() and isinstance(report, dict)
    assert len(calls) >= 4
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]
    assert calls[-1][2] == calls[-1][3] > 0


def test_returning_false_cancels_and_leaves_no_output(tiny_model, tmp_path):
    out = tmp_path / "q.safetensors"
    seen = []

    def progress(done, total, bytes_done, bytes_total):
        seen.append(done)
        return done < 2  # False after the second tensor

    with pytest.raises(aq.CancelledError) as info:
        aq.quantize_model(tiny_model, out, progress=progress)
    assert info.value.status == aq.capi.AQ_ERR_CANCELLED
    assert seen[-1] == 2 and not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith("q.")]


def test_an_exception_in_the_callback_cancels_and_propagates(tiny_model, tmp_path):
    out = tmp_path / "q.safetensors"

    def progress(*args):
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        aq.quantize_model(tiny_model, out, progress=progress)
    assert not out.exists()


def test_a_non_callable_progress_is_a_type_error(tiny_model, tmp_path):
    with pytest.raises(TypeError):
        aq.quantize_model(tiny_model, tmp_path / "q.safetensors", progress=42)


def test_config_layers_and_sources():
    with aq.Config("edge") as cfg:
        assert cfg["bit_width"] == 2 and cfg.source("bit_width") == "profile:edge"
        cfg["bit_width"] = 8
        assert cfg["bit_width"] == 8 and cfg.source("bit_width") == "cli"
        with cfg.clone() as copy:
            assert copy.to_dict() == cfg.to_dict()
        cfg.unset("bit_width")
        assert cfg["bit_width"] == 2
        assert "bit_width" in aq.Config.keys()


def test_config_warnings_and_schema():
    with aq.Config() as cfg:
        cfg.merge_json('{"enable_mixed_precision": true, "modality": "text"}')
        w = cfg.warnings()
        assert len(w) == 2 and "'enable_mixed_precision' has no effect" in w[0]
    schema = aq.Config.schema()
    assert schema[0]["key"] == "bit_width" and schema[0]["flag"] == "--bits"
    assert [r["key"] for r in schema if "retired" not in r] == aq.Config.keys()


def test_quantized_model_reads_back_close_to_the_original(tiny_model, tmp_path):
    out = tmp_path / "q.safetensors"
    aq.quantize_model(tiny_model, out, config={"bit_width": 8})
    with aq.Model(tiny_model) as original, aq.Model(out) as quantized:
        names = original.tensor_names()
        assert names == quantized.tensor_names()
        w = original.read_tensor("blocks.1.proj.weight")
        back = quantized.read_tensor("blocks.1.proj.weight")
        assert back.shape == w.shape == (64, 256)
        assert np.abs(back - w).max() < 0.01
    comparison = aq.compare_models(tiny_model, out)
    assert isinstance(comparison, dict)
