"""Operating points at a target specificity or sensitivity: the exact
curve's best vertex, checked by brute force over scikit-learn's
`roc_curve(drop_intermediate=False)`."""

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import roc_curve as sk_roc_curve

import keras_roc
from keras_roc import evaluate


def _brute_force(y, scores, weight, target, which):
    """(threshold, sensitivity, specificity) of the best vertex, by brute force."""
    fpr, tpr, thresholds = sk_roc_curve(y, scores, sample_weight=weight, drop_intermediate=False)
    spec = 1.0 - fpr
    if which == "specificity":
        ok = np.flatnonzero(spec >= target)
        best = tpr[ok].max()
        chosen = ok[tpr[ok] == best]
    else:
        ok = np.flatnonzero(tpr >= target)
        best = spec[ok].max()
        chosen = ok[spec[ok] == best]
    k = chosen[np.argmax(thresholds[chosen])]  # ties: the highest threshold
    return float(thresholds[k]), float(tpr[k]), float(spec[k])


def _as_tuple(point):
    return (point.threshold, point.sensitivity, point.specificity)


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        return evaluate(*args, **kwargs)


@pytest.mark.parametrize("target", [0.0, 0.3, 0.5, 0.8, 0.95, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, decimals", [(6, 1), (80, 1), (2000, 2)])
def test_binary_targets_equal_brute_force(n, decimals, weighted, target):
    rng = np.random.default_rng(n + decimals)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    scores = np.round(rng.random(n), decimals)
    # Integer weights: cumulative sums exact in either summation order.
    weight = rng.integers(1, 4, n).astype(float) if weighted else None
    result = _quiet(y, scores, sample_weight=weight, target_specificity=target, target_sensitivity=target)
    assert _as_tuple(result.at_specificity) == _brute_force(y, scores, weight, target, "specificity")
    assert _as_tuple(result.at_sensitivity) == _brute_force(y, scores, weight, target, "sensitivity")
    scalars = result.scalars()
    assert scalars["sensitivity_at_specificity"] == result.at_specificity.sensitivity
    assert scalars["threshold_at_specificity"] == result.at_specificity.threshold
    assert scalars["specificity_at_sensitivity"] == result.at_sensitivity.specificity
    assert scalars["threshold_at_sensitivity"] == result.at_sensitivity.threshold
    assert "at target specificity" in str(result)


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n, n_classes", [(60, 3), (4000, 25)])
def test_per_class_targets_equal_brute_force(task, weighted, n, n_classes):
    rng = np.random.default_rng(n + n_classes)
    scores = np.round(rng.random((n, n_classes)), 3)
    if task == "multiclass":
        y = np.r_[np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)]
        scores /= scores.sum(axis=1, keepdims=True)
        columns = [y == k for k in range(n_classes)]
    else:
        y = rng.integers(0, 2, (n, n_classes))
        y[:2] = [[0] * n_classes, [1] * n_classes]
        columns = [y[:, k] == 1 for k in range(n_classes)]
    weight = rng.integers(1, 4, n).astype(float) if weighted else None
    result = _quiet(y, scores, task=task, sample_weight=weight, target_specificity=0.9, target_sensitivity=0.7)
    assert result.at_specificity is None and result.at_sensitivity is None
    for k, positive in enumerate(columns):
        name = str(k)
        expected = _brute_force(positive, scores[:, k], weight, 0.9, "specificity")
        assert _as_tuple(result.per_class_at_specificity[name]) == expected
        expected = _brute_force(positive, scores[:, k], weight, 0.7, "sensitivity")
        assert _as_tuple(result.per_class_at_sensitivity[name]) == expected


def test_targets_not_asked_are_none():
    result = evaluate([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5])
    assert result.at_specificity is None and result.at_sensitivity is None
    assert "sensitivity_at_specificity" not in result.scalars()
    multi = _quiet([0, 1, 2, 1], np.eye(3)[[0, 1, 2, 0]] * 0.8 + 0.05)
    assert multi.per_class_at_specificity is None and multi.per_class_at_sensitivity is None


def test_targets_of_undefined_problems_are_nan():
    result = _quiet([0, 0, 0], [0.1, 0.8, 0.4], target_specificity=0.5)
    assert math.isnan(result.at_specificity.sensitivity)
    result = _quiet([0, 1, 1], [0.1, np.nan, 0.4], target_sensitivity=0.5)
    assert math.isnan(result.at_sensitivity.specificity) and result.at_specificity is None


@pytest.mark.parametrize("name", ["target_specificity", "target_sensitivity"])
@pytest.mark.parametrize("value", [-0.1, 1.5, math.nan, True, "0.5"])
def test_invalid_targets_raise(name, value):
    with pytest.raises(ValueError, match=name):
        evaluate([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5], **{name: value})
