"""The core imports without TensorFlow or Keras; the callbacks load lazily.

Each check runs in a fresh interpreter, so modules imported by other tests
(which do import Keras) cannot hide an eager import.
"""

import importlib
import json
import subprocess
import sys
import textwrap

import pytest

import keras_roc
import keras_roc.figures
import keras_roc.metrics

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
    for name in (
        "evaluate",
        "roc_curve",
        "ROCResult",
        "ROCCurve",
        "OperatingPoint",
        "UndefinedMetricWarning",
        "CVROCSummary",
    ):
        assert name in keras_roc.__all__
        assert hasattr(keras_roc, name)
    assert "ROCCallback" in keras_roc.__all__
    assert "ROCCallback" in dir(keras_roc)


@pytest.mark.parametrize(
    "module, old, new",
    [
        ("keras_roc", "RocCurve", "ROCCurve"),
        ("keras_roc.metrics", "RocCurve", "ROCCurve"),
        ("keras_roc", "CvRocSummary", "CVROCSummary"),
        ("keras_roc.figures", "CvRocSummary", "CVROCSummary"),
    ],
)
def test_old_acronym_names_warn_and_are_the_same_class(module, old, new):
    namespace = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=f"`{module}.{old}` is deprecated; use `{module}.{new}`") as record:
        value = getattr(namespace, old)
    assert value is getattr(namespace, new)
    assert record[0].filename == __file__  # it points at the code that asked
    assert old not in namespace.__all__ and new in namespace.__all__
    with pytest.warns(DeprecationWarning):
        exec(f"from {module} import {old}", {})


def test_unknown_names_still_raise_attribute_error():
    for namespace in (keras_roc, keras_roc.metrics, keras_roc.figures):
        with pytest.raises(AttributeError, match=f"module '{namespace.__name__}' has no attribute 'nothing'"):
            namespace.nothing  # noqa: B018


def test_cross_validation_summary_is_one_function_everywhere():
    from keras_roc import figures, metrics

    assert keras_roc.cv_roc_summary is figures.cv_roc_summary is metrics.cv_roc_summary
    assert keras_roc.CVROCSummary is figures.CVROCSummary is metrics.CVROCSummary
