"""Average precision: equal to scikit-learn's `average_precision_score`
(ties and sample weights included), from both engines, and in `scalars()`,
`str()` and pickles."""

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.metrics import average_precision_score
from sklearn.preprocessing import label_binarize

import keras_roc
from keras_roc import evaluate
from keras_roc.metrics._engine import ROCEngine
from keras_roc.metrics._sorted import _binary_core

#: AP is a sum of float ratios in a different order from scikit-learn's.
AP_TOL = 1e-12


def _weights(rng, n, weighted):
    """None, or random weights with about a fifth of them zero."""
    if not weighted:
        return None
    return rng.random(n) * (rng.random(n) > 0.2)


def _quiet_evaluate(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        return evaluate(*args, **kwargs)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, decimals", [(5, 1), (60, 1), (700, 2), (20000, 3)])
def test_binary_average_precision_equals_sklearn(n, decimals, weighted):
    rng = np.random.default_rng(n + decimals)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    scores = np.round(rng.random(n), decimals)  # many ties
    weight = _weights(rng, n, weighted)
    result = _quiet_evaluate(y, scores, sample_weight=weight)
    expected = average_precision_score(y, scores, sample_weight=weight)
    assert result.average_precision == pytest.approx(expected, abs=AP_TOL)
    assert dict(result.per_class_average_precision) == {"1": result.average_precision}
    assert result.average_precision_micro is None and result.average_precision_macro is None


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n", [40, 3000])
def test_multilabel_average_precision_equals_sklearn(n, weighted):
    rng = np.random.default_rng(n)
    n_labels = 4
    y = rng.integers(0, 2, (n, n_labels))
    y[:, 0] = 0  # a label without positives: NaN, out of the macro average
    scores = np.round(rng.random((n, n_labels)), 2).astype(np.float32)
    weight = _weights(rng, n, weighted)
    result = _quiet_evaluate(y, scores, task="multilabel", sample_weight=weight)
    assert math.isnan(result.per_class_average_precision["0"])
    for k in range(1, n_labels):
        expected = average_precision_score(y[:, k], scores[:, k], sample_weight=weight)
        assert result.per_class_average_precision[str(k)] == pytest.approx(expected, abs=AP_TOL)
    macro = average_precision_score(y[:, 1:], scores[:, 1:], sample_weight=weight, average="macro")
    micro = average_precision_score(y, scores, sample_weight=weight, average="micro")
    assert result.average_precision_macro == pytest.approx(macro, abs=AP_TOL)
    assert result.average_precision == result.average_precision_macro
    assert result.average_precision_micro == pytest.approx(micro, abs=AP_TOL)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n", [50, 4000])
def test_multiclass_average_precision_equals_sklearn(n, weighted):
    rng = np.random.default_rng(n + 1)
    n_classes = 4
    y = np.r_[np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)]
    scores = np.round(rng.random((n, n_classes)), 2)
    scores /= scores.sum(axis=1, keepdims=True)
    weight = _weights(rng, n, weighted)
    result = _quiet_evaluate(y, scores, task="multiclass", sample_weight=weight)
    one_hot = label_binarize(y, classes=range(n_classes))
    for k in range(n_classes):
        expected = average_precision_score(one_hot[:, k], scores[:, k], sample_weight=weight)
        assert result.per_class_average_precision[str(k)] == pytest.approx(expected, abs=AP_TOL)
    for average in ("micro", "macro"):
        expected = average_precision_score(one_hot, scores, sample_weight=weight, average=average)
        assert getattr(result, f"average_precision_{average}") == pytest.approx(expected, abs=AP_TOL)


def test_sparse_class_average_precision_equals_sklearn():
    # Rare positives take the streaming engine's sparse path.
    rng = np.random.default_rng(7)
    n, n_classes = 5000, 30
    y = rng.integers(0, n_classes, n)
    scores = rng.random((n, n_classes))
    scores /= scores.sum(axis=1, keepdims=True)
    result = evaluate(y, scores)
    for k in (0, 13, 29):
        expected = average_precision_score(y == k, scores[:, k])
        assert result.per_class_average_precision[str(k)] == pytest.approx(expected, abs=AP_TOL)


def test_average_precision_edge_cases():
    # No negatives: precision is 1 at every threshold; no positives: NaN.
    core = _binary_core(np.ones(3, bool), np.array([0.2, 0.5, 0.5]), None, None)
    assert isinstance(core, ROCEngine)
    assert core.average_precision() == 1.0
    assert math.isnan(_binary_core(np.zeros(3, bool), np.array([0.2, 0.5, 0.1]), None, None).average_precision())
    # Non-finite scores: NaN, with the existing note.
    with pytest.warns(keras_roc.UndefinedMetricWarning):
        result = evaluate([0, 1, 1], [0.1, np.nan, 0.3])
    assert math.isnan(result.average_precision)
    # Every score tied: AP is the prevalence.
    assert _quiet_evaluate([0, 1, 1, 0, 1], [0.5] * 5).average_precision == pytest.approx(0.6, abs=AP_TOL)


def test_average_precision_in_scalars_str_and_pickle():
    y = [0, 1, 1, 0, 1, 0]
    s = [0.1, 0.8, 0.4, 0.5, 0.9, 0.2]
    result = evaluate(y, s)
    scalars = result.scalars()
    assert scalars["average_precision"] == pytest.approx(average_precision_score(y, s), abs=AP_TOL)
    assert "average_precision_micro" not in scalars
    assert "AP" in str(result)
    loaded = pickle.loads(pickle.dumps(result))
    assert loaded.average_precision == result.average_precision
    assert dict(loaded.per_class_average_precision) == dict(result.per_class_average_precision)
    with pytest.raises(TypeError):
        result.per_class_average_precision["1"] = 0.0  # read-only


def test_results_built_without_average_precision_still_work():
    # Constructions (and pickles) from before the field existed.
    result = evaluate([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5])
    fields = {name: getattr(result, name) for name in result.__dataclass_fields__}
    for name in ("average_precision", "average_precision_micro", "average_precision_macro"):
        del fields[name]
    del fields["per_class_average_precision"]
    old = keras_roc.ROCResult(**fields)
    assert math.isnan(old.scalars()["average_precision"])
    assert dict(old.per_class_average_precision) == {}
    str(old)
