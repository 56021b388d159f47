"""Brier score and expected calibration error: scikit-learn's
`brier_score_loss` and a direct per-bin computation."""

import math
import pickle
import warnings

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.metrics import brier_score_loss

import keras_roc
from keras_roc import evaluate

#: Float sums in another order than scikit-learn's.
BRIER_TOL = 1e-12


def _ece(prob, hit, weight):
    """ECE over 10 equal-width bins on [0, 1] (1.0 in the last), directly."""
    weight = np.ones(prob.size) if weight is None else weight
    index = np.minimum((prob * 10).astype(int), 9)
    total = 0.0
    for b in range(10):
        inside = index == b
        w = weight[inside].sum()
        if w > 0:
            gap = abs(np.dot(weight[inside], hit[inside]) / w - np.dot(weight[inside], prob[inside]) / w)
            total += w * gap
    return total / weight.sum()


@pytest.mark.parametrize("weighted", [False, True])
def test_binary_brier_and_ece(weighted):
    rng = np.random.default_rng(1)
    n = 3000
    y = rng.integers(0, 2, n)
    p = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    p[:2] = [0.0, 1.0]
    weight = rng.random(n) if weighted else None
    result = evaluate(y, p, sample_weight=weight)
    assert result.brier_score == pytest.approx(brier_score_loss(y, p, sample_weight=weight), abs=BRIER_TOL)
    assert result.calibration_error == pytest.approx(_ece(p, y == 1, weight), abs=BRIER_TOL)
    record = result.calibration
    assert record.bin_edges.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())
    expected_weight = np.bincount(np.minimum((p * 10).astype(int), 9), weight, minlength=10)
    assert record.weight == pytest.approx(expected_weight)
    assert not record.weight.flags.writeable
    scalars = result.scalars()
    assert scalars["brier_score"] == result.brier_score and scalars["calibration_error"] == result.calibration_error
    assert "Brier" in str(result)
    assert np.array_equal(pickle.loads(pickle.dumps(result)).calibration.weight, record.weight)


@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_brier_and_ece(weighted):
    rng = np.random.default_rng(2)
    n, c = 2000, 4
    y = np.r_[np.arange(c), rng.integers(0, c, n - c)]
    p = softmax(rng.normal(size=(n, c)) + 2 * np.eye(c)[y], axis=1)
    weight = rng.random(n) if weighted else None
    result = evaluate(y, p, sample_weight=weight)
    expected = brier_score_loss(y, p, sample_weight=weight, labels=list(range(c)))
    assert result.brier_score == pytest.approx(expected, abs=BRIER_TOL)
    top = p.argmax(axis=1)
    assert result.calibration_error == pytest.approx(_ece(p.max(axis=1), top == y, weight), abs=BRIER_TOL)


@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_brier_and_ece(weighted):
    rng = np.random.default_rng(3)
    n, c = 1500, 3
    y = rng.integers(0, 2, (n, c))
    p = rng.random((n, c)).astype(np.float32)
    weight = rng.random(n) if weighted else None
    result = evaluate(y, p, task="multilabel", sample_weight=weight)
    p64 = p.astype(np.float64)  # scikit-learn would compute in float32
    expected = np.mean([brier_score_loss(y[:, k], p64[:, k], sample_weight=weight) for k in range(c)])
    assert result.brier_score == pytest.approx(expected, abs=BRIER_TOL)
    flat_weight = None if weight is None else np.repeat(weight, c)
    ece = _ece(p.astype(np.float64).ravel(), y.ravel() == 1, flat_weight)
    assert result.calibration_error == pytest.approx(ece, abs=BRIER_TOL)


def test_calibration_undefined():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        result = evaluate([0, 1, 1], [0.1, np.nan, 0.4])
    assert math.isnan(result.brier_score) and math.isnan(result.calibration_error)
    assert result.calibration is None
