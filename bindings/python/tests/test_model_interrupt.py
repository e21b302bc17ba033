"""Ctrl-C during quantize_model: the run is cancelled, its temporaries removed, then KeyboardInterrupt is raised.
The child pauses at the write stage through the AQ_TEST_PAUSE_AT hook, so SIGINT arrives at a known point (no
sleeps); the input file is compared before and after."""
import hashlib
import os
import signal
import subprocess
import sys

import pytest

CHILD = r"""
import os, sys
import arrowquant as aq
src, out = sys.argv[1], sys.argv[2]
try:
    aq.quantize_model(src, out)
    print("finished")
except KeyboardInterrupt:
    print("KeyboardInterrupt")
print(sorted(os.listdir(os.path.dirname(out))))
"""


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals")
def test_ctrl_c_cancels_and_cleans_up_then_raises_keyboard_interrupt(tiny_model, tmp_path):
    before = digest(tiny_model)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "q.safetensors"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARROW_QUANT_", "AQ_TEST_", "AQ_FAULT_"))}
    env["AQ_TEST_PAUSE_AT"] = "write"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tiny_model), str(out)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             # Python keeps SIGINT ignored when it starts ignored (a background job): reset it.
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        seen = ""
        while "paused at write" not in seen:
            line = child.stderr.readline()
            assert line, "the child ended before the pause: " + seen
            seen += line
        child.send_signal(signal.SIGINT)
        stdout, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    lines = stdout.strip().splitlines()
    assert lines[0] == "KeyboardInterrupt"
    assert lines[1] == "[]"  # no output and no temporary left in the output directory
    assert digest(tiny_model) == before
