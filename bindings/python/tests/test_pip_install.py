"""`pip install bindings/python` into a fresh virtual environment gives a working package."""
import os
import shutil
import subprocess
import sys

import pytest

SOURCE = os.environ.get("AQ_SOURCE_DIR")
LIB_DIR = os.environ.get("AQ_CAPI_DIR")


@pytest.mark.skipif(not SOURCE or not LIB_DIR or not shutil.which("swig"), reason="needs the CTest environment")
def test_pip_install_into_a_venv_builds_an_importable_package(tmp_path):
    # Build from a copy so the source tree gets no build/ or egg-info litter; setup.py finds the rest through
    # ARROWQUANT_SOURCE_DIR and links the library of this build (bundled into the package via $ORIGIN).
    src = tmp_path / "src"
    shutil.copytree(os.path.join(SOURCE, "bindings", "python"), src,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__", "capi.py", "_capi*"))
    venv = tmp_path / "venv"
    python = os.environ.get("AQ_TEST_PYTHON", sys.executable)
    subprocess.run([python, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    vpy = str(venv / "bin" / "python")
    env = dict(os.environ, ARROWQUANT_SOURCE_DIR=SOURCE, ARROWQUANT_LIB_DIR=LIB_DIR)
    env.pop("PYTHONPATH", None)
    offline = subprocess.run([vpy, "-c", "import setuptools, wheel"], capture_output=True).returncode == 0
    cmd = [vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    cmd += ["--no-build-isolation", "--no-index"] if offline else []
    subprocess.run(cmd + [str(src)], check=True, env=env, cwd=tmp_path)
    check = ("import arrowquant, numpy as np\n"
             "q = arrowquant.quantize(np.ones((2, 64), np.float32), bits=8, group_size=64)\n"
             "assert np.allclose(q.dequantize(), 1.0)\n"
             "assert arrowquant.__file__.startswith(%r)\n"
             "print('ok', arrowquant.__version__)\n" % str(venv))
    env.pop("LD_LIBRARY_PATH", None)
    out = subprocess.run([vpy, "-c", check], check=True, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert out.stdout.startswith("ok ")
