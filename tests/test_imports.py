"""The core imports without TensorFlow or Keras; the callbacks load lazily.

Each check runs in a fresh interpreter, so modules imported by other tests
(which do import Keras) cannot hide an eager import.
"""

import json
import subprocess
import sys
import textwrap

import keras_roc

_SCRIPT = textwrap.dedent(
    """
    import importlib.util
    import json
    import sys

    import keras_roc

    result = keras_roc.evaluate([0, 1], [0.2, 0.8])
    has_figures = importlib.util.find_spec("keras_roc.figures") is not None
    if has_figures:
        import keras_roc.figures
    print(json.dumps({
        "auc": result.auc,
        "has_figures": has_figures,
        "tensorflow": sorted(m for m in sys.modules if m.split(".")[0] == "tensorflow"),
        "keras": sorted(m for m in sys.modules if m.split(".")[0] == "keras"),
        "callbacks_loaded": "keras_roc.callbacks" in sys.modules,
        "callback_in_namespace": "ROCCallback" in vars(keras_roc),
        "callback_in_all": "ROCCallback" in keras_roc.__all__,
    }))
    """
)


def _run_fresh():
    completed = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_core_and_figures_import_without_tensorflow_or_keras():
    report = _run_fresh()
    assert report["auc"] == 1.0
    assert report["tensorflow"] == []
    assert report["keras"] == []


def test_callbacks_are_resolved_lazily():
    report = _run_fresh()
    assert report["callback_in_all"]
    assert not report["callbacks_loaded"]
    assert not report["callback_in_namespace"]


def test_public_names():
    for name in ("evaluate", "roc_curve", "ROCResult", "RocCurve", "OperatingPoint"):
        assert name in keras_roc.__all__
        assert hasattr(keras_roc, name)
    assert "ROCCallback" in keras_roc.__all__
    assert "ROCCallback" in dir(keras_roc)
