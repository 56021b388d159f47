"""McClish's standardized partial AUC: equal to scikit-learn's
`roc_auc_score(max_fpr=...)`, binary and per one-vs-rest column."""

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import keras_roc
from keras_roc import evaluate

#: Sums of float areas in another order than scikit-learn's trapezoids.
PARTIAL_TOL = 1e-12


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        return evaluate(*args, **kwargs)


@pytest.mark.parametrize("max_fpr", [1e-3, 0.05, 0.2, 0.5, 0.73, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, decimals", [(6, 1), (90, 1), (3000, 2), (20000, 4)])
def test_binary_partial_auc_equals_sklearn(n, decimals, weighted, max_fpr):
    rng = np.random.default_rng(n + decimals)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    scores = np.round(rng.random(n) * 0.6 + 0.4 * y * rng.random(n), decimals)
    weight = rng.random(n) * (rng.random(n) > 0.2) if weighted else None
    if weight is not None:
        weight[:2] = 1.0
    result = _quiet(y, scores, sample_weight=weight, max_fpr=max_fpr)
    expected = roc_auc_score(y, scores, sample_weight=weight, max_fpr=max_fpr)
    assert result.partial_auc == pytest.approx(expected, abs=PARTIAL_TOL)
    assert dict(result.per_class_partial_auc) == {"1": result.partial_auc}
    assert result.scalars()["roc_auc_partial"] == result.partial_auc
    assert "partial AUC" in str(result)


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, n_classes", [(80, 3), (5000, 25)])
def test_per_class_partial_auc_equals_sklearn(task, weighted, n, n_classes):
    rng = np.random.default_rng(n * n_classes)
    scores = np.round(rng.random((n, n_classes)), 3)
    if task == "multiclass":
        y = np.r_[np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)]
        scores /= scores.sum(axis=1, keepdims=True)
        columns = [y == k for k in range(n_classes)]
    else:
        y = rng.integers(0, 2, (n, n_classes))
        y[:2] = [[0] * n_classes, [1] * n_classes]
        columns = [y[:, k] == 1 for k in range(n_classes)]
    weight = rng.random(n) + 0.1 if weighted else None
    result = _quiet(y, scores, task=task, sample_weight=weight, max_fpr=0.1)
    expected = {}
    for k, positive in enumerate(columns):
        expected[str(k)] = roc_auc_score(positive, scores[:, k], sample_weight=weight, max_fpr=0.1)
        assert result.per_class_partial_auc[str(k)] == pytest.approx(expected[str(k)], abs=PARTIAL_TOL)
    assert result.partial_auc == pytest.approx(np.mean(list(expected.values())), abs=PARTIAL_TOL)


def test_partial_auc_absent_or_undefined():
    result = evaluate([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5])
    assert result.partial_auc is None and result.per_class_partial_auc is None
    assert "roc_auc_partial" not in result.scalars()
    assert math.isnan(_quiet([1, 1, 1], [0.1, 0.8, 0.4], max_fpr=0.5).partial_auc)
    assert math.isnan(_quiet([0, 1, 1], [0.1, np.nan, 0.4], max_fpr=0.5).partial_auc)


@pytest.mark.parametrize("value", [0, -0.1, 1.01, math.nan, True, "0.5"])
def test_invalid_max_fpr_raises(value):
    with pytest.raises(ValueError, match="max_fpr"):
        evaluate([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5], max_fpr=value)
