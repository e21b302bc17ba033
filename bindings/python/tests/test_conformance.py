"""Golden conformance vectors through the Python binding (all must pass)."""
import os

import aq_conformance


def test_every_conformance_vector_passes(capsys):
    directory = aq_conformance.vectors_dir()
    assert os.path.isdir(directory), f"no conformance vectors at {directory}"
    passed, failed, messages = aq_conformance.run(directory)
    with capsys.disabled():
        print(f"\nconformance (python): {passed} passed, {failed} failed")
    assert passed > 0
    assert failed == 0, "\n".join(messages[:20])
