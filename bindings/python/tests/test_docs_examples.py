"""Every ```python block of docs/bindings.md runs as written (so the documentation cannot rot)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import write_safetensors

DOC = os.path.join(os.environ.get("AQ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..")),
                   "docs", "bindings.md")


def blocks():
    if not os.path.exists(DOC):
        return []
    with open(DOC, encoding="utf-8") as f:
        return re.findall(r"^```python\n(.*?)^```", f.read(), flags=re.S | re.M)


@pytest.mark.parametrize("index", range(len(blocks())) or [pytest.param(0, marks=pytest.mark.skip("no examples"))])
def test_python_example_runs(index, tmp_path):
    code = blocks()[index]
    rng = np.random.default_rng(5)
    model = write_safetensors(tmp_path / "model.safetensors",
                              {f"blocks.{i}.attn.qkv.weight": rng.standard_normal((48, 256)).astype(np.float32)
                               for i in range(3)})
    script = tmp_path / f"example{index}.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(model)], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, f"example {index} failed:\n{code}\n--- stderr ---\n{out.stderr}"


def test_the_document_has_python_examples():
    assert len(blocks()) >= 3
