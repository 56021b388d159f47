"""The Keras-free core, `keras_roc.evaluate`, against independent references.

Every number is compared with scikit-learn (`roc_auc_score`, `roc_curve`,
`log_loss`, `confusion_matrix`, `multilabel_confusion_matrix`), with a direct
O(n^2) DeLong computation written here, or with a published worked example.
No expected value is a number computed by keras_roc itself.
"""

import dataclasses
import doctest
import gc
import math
import tracemalloc
import warnings

import numpy as np
import pytest
from helpers import raw_scores
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import expit, softmax
from scipy.stats import norm
from sklearn.metrics import auc as sk_auc
from sklearn.metrics import (
    confusion_matrix,
    log_loss,
    multilabel_confusion_matrix,
    roc_auc_score,
)
from sklearn.metrics import roc_curve as sk_roc_curve
from sklearn.preprocessing import label_binarize

import keras_roc
import keras_roc.metrics
from keras_roc import evaluate

AUC_TOL = 1e-12  # the AUC must equal scikit-learn's to this absolute tolerance
CURVE_TOL = 1e-12


# ---------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------


def delong_reference(y, s, confidence=0.95):
    """DeLong et al. (1988) by the direct O(n^2) structural components.

    psi(X, Y) = 1 if X > Y, 1/2 if X == Y, 0 otherwise, for a positive score
    X and a negative score Y. V10 (per positive) and V01 (per negative) are
    the row and column means of psi; S10 and S01 their variances (ddof=1);
    var(AUC) = S10 / m + S01 / n. The interval is AUC +/- z * SE clipped to
    [0, 1] with z = Phi^-1(0.5 + confidence / 2).
    """
    y = np.asarray(y)
    s = np.asarray(s, dtype=np.float64)
    pos, neg = s[y == 1], s[y == 0]
    m, n = pos.size, neg.size
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    if m < 2 or n < 2:
        return auc, math.nan, (math.nan, math.nan)
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    s10 = np.var(v10, ddof=1)
    s01 = np.var(v01, ddof=1)
    se = math.sqrt(s10 / m + s01 / n)
    z = norm.ppf(0.5 + confidence / 2.0)
    return auc, se, (max(0.0, auc - z * se), min(1.0, auc + z * se))


def delong_reference_sorted(y, s, confidence=0.95):
    """The same structural components, counted with binary searches.

    V10 of a positive = (#negatives below + #negatives tied / 2) / n, and
    V01 of a negative = (#positives above + #positives tied / 2) / m: the
    row and column means of psi without forming the m x n matrix, for
    inputs too large for `delong_reference`.
    """
    y = np.asarray(y)
    s = np.asarray(s, dtype=np.float64)
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    m, n = pos.size, neg.size
    below = np.searchsorted(neg, pos, side="left")
    tied = np.searchsorted(neg, pos, side="right") - below
    v10 = (below + 0.5 * tied) / n
    above = m - np.searchsorted(pos, neg, side="right")
    tied = np.searchsorted(pos, neg, side="right") - np.searchsorted(pos, neg, side="left")
    v01 = (above + 0.5 * tied) / m
    auc = v10.mean()
    se = math.sqrt(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n)
    z = norm.ppf(0.5 + confidence / 2.0)
    return auc, se, (max(0.0, auc - z * se), min(1.0, auc + z * se))


def defined(y_binary, weight=None):
    """Whether a one-vs-rest problem has positive and negative weight."""
    y_binary = np.asarray(y_binary).astype(bool)
    w = np.ones(y_binary.shape) if weight is None else np.asarray(weight, float)
    return w[y_binary].sum() > 0 and w[~y_binary].sum() > 0


def interval_says_nothing(y_binary, score, weight=None):
    """Whether the DeLong interval of a defined binary AUC is NaN or of zero
    width with 0 < AUC < 1.

    NaN: a positive or negative weight of at most 1 (the variance divides by
    n - 1). Zero width: the structural components V10 and V01 are each
    constant, which with 0 < AUC < 1 happens exactly when every score of
    positive weight is tied (AUC 0.5).
    """
    y_binary = np.asarray(y_binary).astype(bool)
    w = np.ones(y_binary.shape) if weight is None else np.asarray(weight, float)
    if w[y_binary].sum() <= 1 or w[~y_binary].sum() <= 1:
        return True
    return np.unique(np.asarray(score)[w > 0]).size == 1


def sk_auc_or_nan(y_binary, score, weight=None):
    """scikit-learn's binary AUC where it is defined, else NaN."""
    if not defined(y_binary, weight):
        return math.nan
    return roc_auc_score(y_binary, score, sample_weight=weight)


def tutorial_macro_curve(fprs, tprs):
    """Macro-average ROC curve as in the scikit-learn ROC tutorial."""
    all_fpr = np.unique(np.concatenate(fprs))
    mean_tpr = np.zeros_like(all_fpr)
    for fpr, tpr in zip(fprs, tprs):
        mean_tpr += np.interp(all_fpr, fpr, tpr)
    return all_fpr, mean_tpr / len(fprs)


def assert_curve_equals_sklearn(curve, y_binary, score, weight=None, threshold_rtol=0):
    """Same vertices and thresholds as `sklearn.metrics.roc_curve`.

    `threshold_rtol` allows for scores that keras_roc computes itself (the
    sigmoid or softmax of logits), which can differ from scipy's in the last
    bit; otherwise the thresholds are the score values themselves.
    """
    fpr, tpr, thresholds = sk_roc_curve(y_binary, score, sample_weight=weight)
    assert not curve.thinned
    assert curve.fpr.shape == fpr.shape, (curve.fpr, fpr)
    np.testing.assert_allclose(curve.fpr, fpr, rtol=0, atol=CURVE_TOL)
    np.testing.assert_allclose(curve.tpr, tpr, rtol=0, atol=CURVE_TOL)
    thresholds = thresholds.astype(np.float64)
    if threshold_rtol:
        np.testing.assert_allclose(curve.thresholds, thresholds, rtol=threshold_rtol)
    else:
        np.testing.assert_array_equal(curve.thresholds, thresholds)


def assert_subset_of_exact(curve, exact_fpr, exact_tpr, exact_thresholds, limit):
    """Every point of a thinned curve is a vertex of the exact curve."""
    assert curve.thinned
    assert curve.fpr.size <= limit
    assert (curve.fpr[0], curve.tpr[0]) == (0.0, 0.0)
    assert (curve.fpr[-1], curve.tpr[-1]) == (1.0, 1.0)
    assert curve.thresholds[0] == np.inf
    index = {t: i for i, t in enumerate(exact_thresholds.astype(np.float64))}
    rows = [index[t] for t in curve.thresholds]  # KeyError: not a vertex
    assert np.all(np.diff(rows) > 0)  # in curve order, no repeats
    np.testing.assert_array_equal(curve.fpr, exact_fpr[rows])
    np.testing.assert_array_equal(curve.tpr, exact_tpr[rows])


def dirichlet_scores(rng, n, n_classes):
    return rng.dirichlet(np.ones(n_classes), size=n)


def tied_probabilities(rng, n, n_classes, total=10):
    """Rows of multiples of 1/total that sum to one: many ties."""
    return rng.multinomial(total, rng.dirichlet(np.ones(n_classes)), size=n) / total


def binary_data(seed, n=300, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0.0, 1.0)
    if ties:
        s = np.round(s, 1)
    return y, s


def multiclass_data(seed, n=300, n_classes=4, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    logits = rng.normal(size=(n, n_classes))
    logits[np.arange(n), y] += 1.0
    p = softmax(logits, axis=1)
    if ties:
        p = rng.multinomial(10, [1 / n_classes] * n_classes, size=n) / 10
        # make the tied scores informative: move weight to the true class
        p = 0.5 * p
        p[np.arange(n), y] += 0.5
        p = np.round(p * 20) / 20
    return y, p


def multilabel_data(seed, n=300, n_labels=4, ties=False):
    rng = np.random.default_rng(seed)
    prevalence = rng.uniform(0.2, 0.6, n_labels)
    y = (rng.uniform(size=(n, n_labels)) < prevalence).astype(int)
    p = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.0, 1.0)
    if ties:
        p = np.round(p, 1)
    return y, p


def weights_for(seed, n, kind):
    rng = np.random.default_rng(seed + 1000)
    if kind is None:
        return None
    if kind == "int":
        return rng.integers(0, 4, n).astype(float)
    return rng.uniform(0.1, 3.0, n)


# ---------------------------------------------------------------------------
# Result object
# ---------------------------------------------------------------------------


def test_result_is_frozen_and_read_only():
    y, p = multiclass_data(0, n=60, n_classes=3)
    result = evaluate(y, p)
    assert isinstance(result, keras_roc.ROCResult)
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.auc = 0.0
    with pytest.raises(ValueError, match="read-only"):
        result.confusion_matrix[0, 0] = 5
    for mapping in (result.per_class_auc, result.per_class_ci, result.curves):
        with pytest.raises(TypeError):
            mapping["0"] = 1.0
        with pytest.raises(TypeError):
            del mapping["0"]
    curve = result.curves["0"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        curve.auc = 0.0
    for name in ("fpr", "tpr", "thresholds"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(curve, name)[0] = 0.5

    binary = evaluate(*binary_data(0, n=40))
    with pytest.raises(dataclasses.FrozenInstanceError):
        binary.youden.threshold = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        binary.at_threshold.sensitivity = 0.0


def test_inputs_are_not_modified():
    y, p = multiclass_data(1, n=50, n_classes=3)
    w = weights_for(1, 50, "float")
    y0, p0, w0 = y.copy(), p.copy(), w.copy()
    evaluate(y, p, sample_weight=w, from_logits=True)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(p, p0)
    np.testing.assert_array_equal(w, w0)
    assert p.flags.writeable and y.flags.writeable


def test_scalars_and_curve_property():
    y, s = binary_data(2, n=80)
    result = evaluate(y, s)
    scalars = result.scalars()
    assert scalars["roc_auc"] == pytest.approx(roc_auc_score(y, s), abs=AUC_TOL)
    assert scalars["roc_auc_ci_low"] == result.auc_ci[0]
    assert scalars["youden_threshold"] == result.youden.threshold
    assert all(type(v) is float for v in scalars.values())
    assert result.curve is result.curves["1"]
    assert "ROCResult(binary, 80 samples)" in str(result)

    y, p = multiclass_data(2, n=80, n_classes=3)
    result = evaluate(y, p)
    assert result.curve is result.curves["micro"]
    assert set(result.scalars()) == {
        "roc_auc",
        "roc_auc_micro",
        "roc_auc_macro",
        "roc_auc_weighted",
        "log_loss",
        "average_precision",
        "average_precision_micro",
        "average_precision_macro",
        "brier_score",
        "calibration_error",
    }
    assert result.auc == result.auc_macro
    assert result.auc_ci is None and result.auc_se is None
    assert result.at_threshold is None and result.youden is None


# ---------------------------------------------------------------------------
# Task detection
# ---------------------------------------------------------------------------


def _detection_cases():
    rng = np.random.default_rng(3)
    n = 40
    y01 = np.r_[0, 1, rng.integers(0, 2, n - 2)]
    s1 = rng.uniform(size=n)
    p2 = np.column_stack([1 - s1, s1])
    y3 = np.r_[0, 1, 2, rng.integers(0, 3, n - 3)]
    p3 = dirichlet_scores(rng, n, 3)
    one_hot3 = np.eye(3, dtype=int)[y3]
    multi_hot = (rng.uniform(size=(n, 3)) < 0.5).astype(int)
    multi_hot[0] = [1, 1, 0]  # not one-hot
    multi_hot[1] = [0, 0, 0]
    multi_hot2 = multi_hot[:, :2].copy()
    multi_hot2[0] = [1, 1]
    return [
        ("1d", y01, s1, "auto", "binary", ("0", "1")),
        ("n1", y01[:, None], s1[:, None], "auto", "binary", ("0", "1")),
        ("n2", y01, p2, "auto", "binary", ("0", "1")),
        ("n2-one-hot", np.eye(2, dtype=int)[y01], p2, "auto", "binary", ("0", "1")),
        ("n2-bool", y01.astype(bool), p2, "auto", "binary", ("0", "1")),
        ("int-labels", y3, p3, "auto", "multiclass", ("0", "1", "2")),
        ("one-hot", one_hot3, p3, "auto", "multiclass", ("0", "1", "2")),
        ("multi-hot", multi_hot, p3, "auto", "multilabel", ("0", "1", "2")),
        ("multi-hot-2", multi_hot2, p2, "auto", "multilabel", ("0", "1")),
        ("override-mc", y01, p2, "multiclass", "multiclass", ("0", "1")),
        ("override-ml", one_hot3, p3, "multilabel", "multilabel", ("0", "1", "2")),
        ("override-bin", y01, s1, "binary", "binary", ("0", "1")),
    ]


@pytest.mark.parametrize(
    "labels, scores, task, expected_task, names",
    [case[1:] for case in _detection_cases()],
    ids=[case[0] for case in _detection_cases()],
)
def test_task_detection(labels, scores, task, expected_task, names):
    result = evaluate(labels, scores, task=task)
    assert result.task == expected_task
    assert result.class_names == names
    assert result.n_samples == len(scores)
    if expected_task == "binary":
        y = np.asarray(labels)
        y = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] == 2 else y.reshape(-1)
        s = np.asarray(scores)
        s = s[:, 1] if s.ndim == 2 and s.shape[1] == 2 else s.reshape(-1)
        assert result.auc == pytest.approx(roc_auc_score(y, s), abs=AUC_TOL)
        assert list(result.per_class_auc) == ["1"]
        assert list(result.curves) == ["1"]
    elif expected_task == "multiclass":
        y = np.asarray(labels)
        y = y.argmax(axis=1) if y.ndim == 2 else y
        expected = [roc_auc_score(y == c, scores[:, c]) for c in range(scores.shape[1])]
        assert list(result.per_class_auc.values()) == pytest.approx(expected, abs=AUC_TOL)
        assert list(result.curves) == [*names, "micro", "macro"]
    else:
        expected = roc_auc_score(labels, scores, average=None)
        assert list(result.per_class_auc.values()) == pytest.approx(expected, abs=AUC_TOL)
        assert list(result.curves) == [*names, "micro", "macro"]


def test_class_names_are_keys():
    y, p = multiclass_data(4, n=60, n_classes=3)
    result = evaluate(y, p, class_names=["cat", "dog", "eel"])
    assert list(result.per_class_auc) == ["cat", "dog", "eel"]
    assert list(result.per_class_ci) == ["cat", "dog", "eel"]
    assert list(result.curves) == ["cat", "dog", "eel", "micro", "macro"]
    assert result.per_class_auc["dog"] == pytest.approx(roc_auc_score(y == 1, p[:, 1]), abs=AUC_TOL)
    binary = evaluate(*binary_data(4, n=30), class_names=("benign", "malignant"))
    assert list(binary.per_class_auc) == ["malignant"]
    assert binary.curve is binary.curves["malignant"]


# ---------------------------------------------------------------------------
# AUC equals scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int", "float"])
def test_binary_auc_equals_sklearn(seed, ties, weights):
    y, s = binary_data(seed, n=500, ties=ties)
    w = weights_for(seed, y.size, weights)
    result = evaluate(y, s, sample_weight=w)
    expected = roc_auc_score(y, s, sample_weight=w)
    assert result.task == "binary"
    assert abs(result.auc - expected) <= AUC_TOL
    assert abs(result.per_class_auc["1"] - expected) <= AUC_TOL
    assert abs(result.curve.auc - expected) <= AUC_TOL


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int", "float"])
@pytest.mark.parametrize("one_hot", [False, True])
def test_multiclass_auc_equals_sklearn(seed, ties, weights, one_hot):
    n_classes = 4
    y, p = multiclass_data(seed, n=400, n_classes=n_classes, ties=ties)
    w = weights_for(seed, y.size, weights)
    labels = np.eye(n_classes, dtype=int)[y] if one_hot else y
    result = evaluate(labels, p, sample_weight=w)
    assert result.task == "multiclass"
    for average, value in [
        ("macro", result.auc_macro),
        ("micro", result.auc_micro),
        ("weighted", result.auc_weighted),
    ]:
        expected = roc_auc_score(y, p, multi_class="ovr", average=average, sample_weight=w)
        assert abs(value - expected) <= AUC_TOL, average
    assert result.auc == result.auc_macro
    per_class = roc_auc_score(y, p, multi_class="ovr", average=None, sample_weight=w)
    assert list(result.per_class_auc) == ["0", "1", "2", "3"]
    np.testing.assert_allclose(list(result.per_class_auc.values()), per_class, rtol=0, atol=AUC_TOL)
    for c in range(n_classes):
        assert abs(result.curves[str(c)].auc - per_class[c]) <= AUC_TOL


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int", "float"])
def test_multilabel_auc_equals_sklearn(seed, ties, weights):
    y, p = multilabel_data(seed, n=400, n_labels=5, ties=ties)
    w = weights_for(seed, len(y), weights)
    result = evaluate(y, p, sample_weight=w)
    assert result.task == "multilabel"
    for average, value in [
        ("macro", result.auc_macro),
        ("micro", result.auc_micro),
        ("weighted", result.auc_weighted),
    ]:
        expected = roc_auc_score(y, p, average=average, sample_weight=w)
        assert abs(value - expected) <= AUC_TOL, average
    np.testing.assert_allclose(
        list(result.per_class_auc.values()),
        roc_auc_score(y, p, average=None, sample_weight=w),
        rtol=0,
        atol=AUC_TOL,
    )


@raw_scores
def test_bool_float_labels_and_int_scores():
    rng = np.random.default_rng(5)
    y = np.r_[0, 1, rng.integers(0, 2, 98)]
    ratings = rng.integers(1, 6, y.size) + y  # integer scores with many ties
    expected = roc_auc_score(y, ratings)
    for labels in (y, y.astype(bool), y.astype(float), y.astype(np.float32), y.tolist()):
        result = evaluate(labels, ratings)
        assert result.task == "binary"
        assert abs(result.auc - expected) <= AUC_TOL
    for scores in (ratings.astype(np.int32), ratings.astype(np.uint8), ratings.tolist()):
        assert abs(evaluate(y, scores).auc - expected) <= AUC_TOL
    # bool scores are 0/1 scores
    assert abs(evaluate(y, ratings > 3).auc - roc_auc_score(y, ratings > 3)) <= AUC_TOL
    # float one-hot labels
    y3, p3 = multiclass_data(5, n=90, n_classes=3)
    one_hot = np.eye(3)[y3]
    result = evaluate(one_hot, p3)
    assert result.task == "multiclass"
    assert abs(result.auc - roc_auc_score(y3, p3, multi_class="ovr")) <= AUC_TOL
    assert evaluate(one_hot.astype(bool), p3).task == "multiclass"


def test_float32_scores():
    y, p = multiclass_data(6, n=300, n_classes=3)
    p32 = p.astype(np.float32)
    result = evaluate(y, p32)
    assert abs(result.auc - roc_auc_score(y, p32, multi_class="ovr")) <= AUC_TOL
    for c in range(3):
        assert_curve_equals_sklearn(evaluate(y, p32, max_curve_points=None).curves[str(c)], y == c, p32[:, c])
    yb, sb = binary_data(6, n=300)
    sb32 = sb.astype(np.float32)
    result = evaluate(yb, sb32)
    assert abs(result.auc - roc_auc_score(yb, sb32)) <= AUC_TOL
    # the log loss clips at float32 eps, as scikit-learn does for float32
    assert result.log_loss == pytest.approx(log_loss(yb, sb32), rel=1e-6)


# ---------------------------------------------------------------------------
# Curves
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int"])
def test_binary_curve_equals_sklearn(seed, ties, weights):
    y, s = binary_data(seed, n=300, ties=ties)
    w = weights_for(seed, y.size, weights)
    result = evaluate(y, s, sample_weight=w, max_curve_points=None)
    assert_curve_equals_sklearn(result.curve, y, s, w)
    # the public roc_curve helper too
    assert_curve_equals_sklearn(keras_roc.roc_curve(y, s, sample_weight=w), y, s, w)


def test_curve_with_zero_weights_equals_sklearn():
    """scikit-learn drops zero-weight samples before building the curve."""
    y = np.array([0, 1, 0, 1, 1, 0, 0, 1])
    s = np.array([0.1, 0.9, 0.3, 0.5, 0.7, 0.95, 0.6, 0.6])
    w = np.array([1, 1, 0, 1, 1, 0, 2, 0], dtype=float)
    result = evaluate(y, s, sample_weight=w, max_curve_points=None)
    assert_curve_equals_sklearn(result.curve, y, s, w)
    assert abs(result.auc - roc_auc_score(y, s, sample_weight=w)) <= AUC_TOL


def test_binary_curve_with_float_weights_untied():
    y, s = binary_data(7, n=300)
    w = weights_for(7, y.size, "float")
    result = evaluate(y, s, sample_weight=w, max_curve_points=None)
    assert_curve_equals_sklearn(result.curve, y, s, w)


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int"])
def test_multi_curves_equal_sklearn(task, ties, weights):
    if task == "multiclass":
        y, p = multiclass_data(8, n=150, n_classes=4, ties=ties)
        binarized = label_binarize(y, classes=range(4))
    else:
        y, p = multilabel_data(8, n=150, n_labels=4, ties=ties)
        binarized = y
    w = weights_for(8, len(y), weights)
    result = evaluate(y, p, sample_weight=w, max_curve_points=None)
    assert result.task == task
    fprs, tprs = [], []
    for c in range(4):
        assert_curve_equals_sklearn(result.curves[str(c)], binarized[:, c], p[:, c], w)
        fpr, tpr, _ = sk_roc_curve(binarized[:, c], p[:, c], sample_weight=w)
        fprs.append(fpr)
        tprs.append(tpr)
    micro_w = None if w is None else np.repeat(w, 4)
    assert_curve_equals_sklearn(result.curves["micro"], binarized.ravel(), p.ravel(), micro_w)
    assert (
        abs(result.curves["micro"].auc - roc_auc_score(binarized.ravel(), p.ravel(), sample_weight=micro_w)) <= AUC_TOL
    )
    all_fpr, mean_tpr = tutorial_macro_curve(fprs, tprs)
    macro = result.curves["macro"]
    np.testing.assert_allclose(macro.fpr, all_fpr, rtol=0, atol=CURVE_TOL)
    np.testing.assert_allclose(macro.tpr, mean_tpr, rtol=0, atol=CURVE_TOL)
    assert macro.auc == result.auc_macro


def test_macro_curve_respects_max_curve_points():
    """None keeps every point of the tutorial construction; an int thins."""
    y, p = multiclass_data(9, n=5000, n_classes=4)
    result = evaluate(y, p, max_curve_points=None)
    fprs, tprs = [], []
    for c in range(4):
        fpr, tpr, _ = sk_roc_curve(y == c, p[:, c])
        fprs.append(fpr)
        tprs.append(tpr)
    all_fpr, mean_tpr = tutorial_macro_curve(fprs, tprs)
    assert all_fpr.size > 2000  # large enough to be thinned by default
    macro = result.curves["macro"]
    assert not macro.thinned
    np.testing.assert_allclose(macro.fpr, all_fpr, rtol=0, atol=CURVE_TOL)
    np.testing.assert_allclose(macro.tpr, mean_tpr, rtol=0, atol=CURVE_TOL)

    small = evaluate(y, p, max_curve_points=50)
    for name, curve in small.curves.items():
        assert curve.fpr.size <= 50, name
        assert curve.fpr[0] == 0.0 and (curve.fpr[-1], curve.tpr[-1]) == (1.0, 1.0)
    # the thinned macro curve keeps points of the exact one
    rows = np.searchsorted(all_fpr, small.curves["macro"].fpr)
    np.testing.assert_allclose(small.curves["macro"].fpr, all_fpr[rows], rtol=0, atol=0)


@raw_scores
def test_thinned_binary_curve_is_subset_of_exact():
    rng = np.random.default_rng(10)
    n = 50_000
    y = rng.integers(0, 2, n)
    s = rng.normal(y * 1.0, 1.0)
    result = evaluate(y, s)  # default max_curve_points=2000
    exact_fpr, exact_tpr, exact_thr = sk_roc_curve(y, s)
    assert exact_fpr.size > 2000
    assert_subset_of_exact(result.curve, exact_fpr, exact_tpr, exact_thr, 2000)
    assert result.curve.auc == result.auc
    assert abs(result.auc - roc_auc_score(y, s)) <= AUC_TOL

    small = evaluate(y, s, max_curve_points=100)
    assert_subset_of_exact(small.curve, exact_fpr, exact_tpr, exact_thr, 100)
    assert abs(small.auc - roc_auc_score(y, s)) <= AUC_TOL


def test_thinned_multiclass_curves_are_subsets_of_exact():
    rng = np.random.default_rng(11)
    n, n_classes = 50_000, 3
    y = rng.integers(0, n_classes, n)
    logits = rng.normal(size=(n, n_classes))
    logits[np.arange(n), y] += 1.0
    p = softmax(logits, axis=1)
    result = evaluate(y, p)
    for c in range(n_classes):
        exact = sk_roc_curve(y == c, p[:, c])
        assert_subset_of_exact(result.curves[str(c)], *exact, 2000)
    binarized = label_binarize(y, classes=range(n_classes))
    exact = sk_roc_curve(binarized.ravel(), p.ravel())
    assert_subset_of_exact(result.curves["micro"], *exact, 2000)
    macro = result.curves["macro"]
    assert macro.fpr.size <= 2000
    # the tutorial construction starts at fpr 0 (tpr is the mean first step)
    assert macro.fpr[0] == 0.0 and (macro.fpr[-1], macro.tpr[-1]) == (1.0, 1.0)
    assert np.all(np.diff(macro.fpr) > 0) and np.all(np.diff(macro.tpr) >= 0)
    assert abs(result.auc_micro - roc_auc_score(y, p, multi_class="ovr", average="micro")) <= AUC_TOL
    assert abs(result.auc - roc_auc_score(y, p, multi_class="ovr")) <= AUC_TOL


def test_micro_average_on_very_large_input():
    """Over 4M score entries (where the micro average may take a low-memory
    path) the micro AUC is still exact, the curve respects max_curve_points
    and every point is a vertex of the exact micro-average curve."""
    rng = np.random.default_rng(12)
    n, n_classes = 820_000, 5
    y = rng.integers(0, n_classes, n)
    p = rng.dirichlet(np.ones(n_classes), size=n)
    p[np.arange(n), y] += 0.3
    p = np.round(p / p.sum(axis=1, keepdims=True), 4)  # ties
    assert p.size > 4_000_000
    flat_y = label_binarize(y, classes=range(n_classes)).ravel()
    exact = sk_roc_curve(flat_y, p.ravel())
    expected_auc = sk_auc(exact[0], exact[1])  # what roc_auc_score returns
    assert exact[0].size > 2000
    for limit in (2000, 100):
        result = evaluate(y, p, max_curve_points=limit)
        assert abs(result.auc_micro - expected_auc) <= AUC_TOL
        assert_subset_of_exact(result.curves["micro"], *exact, limit)


def _peak_memory_ratio(run, scores):
    """Peak bytes tracemalloc sees during `run()`, over `scores.nbytes`."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak / scores.nbytes


@pytest.mark.parametrize("n_classes", [100, 1000])
def test_peak_memory_is_bounded_at_any_class_count(n_classes):
    """The micro average merges one sorted input per class: its chunks must
    stay within the memory budget however many classes there are (a floor
    of 8,192 elements per input made 1,000 classes peak at 6x the scores)."""
    rng = np.random.default_rng(31)
    n = 20_000
    y = rng.integers(0, n_classes, n)
    p = rng.random((n, n_classes), dtype=np.float32)
    p[np.arange(n), y] += np.float32(0.5)
    p /= p.sum(axis=1, keepdims=True)
    result, ratio = _peak_memory_ratio(lambda: evaluate(y, p), p)
    assert ratio < 1.6, f"peak {ratio:.2f}x the score bytes"
    for average, value in (("micro", result.auc_micro), ("macro", result.auc_macro)):
        expected = roc_auc_score(y, p, multi_class="ovr", average=average)
        assert abs(value - expected) <= AUC_TOL, average


def test_tie_chunks_are_few_and_bounded_with_many_inputs():
    """Chunks of many sorted inputs hold at most `length` elements per input
    on average (no more than `length` times the inputs in total) and come in
    about total / (length * inputs) pieces, not one per cut of every input;
    together they cover every element once, highest first."""
    from keras_roc.metrics import _chunks as m

    rng = np.random.default_rng(6)
    arrays = [np.sort(rng.random(5000).astype(np.float32)) for _ in range(300)]
    arrays.append(np.sort(np.round(rng.random(4000), 2)))  # long tie runs
    length = 40
    chunks = list(m._tie_chunks(arrays, length))
    total = sum(a.size for a in arrays)
    assert len(chunks) <= 4 * total / (length * len(arrays)) + 4
    tie_run = max(np.unique(a, return_counts=True)[1].max() for a in arrays)
    assert max(sum(part.size for part in chunk) for chunk in chunks) <= length * len(arrays) + tie_run
    for i, a in enumerate(arrays):
        np.testing.assert_array_equal(np.concatenate([c[i] for c in chunks[::-1]]), a)
    lows = [min(part[0] for part in chunk if part.size) for chunk in chunks]
    highs = [max(part[-1] for part in chunk if part.size) for chunk in chunks]
    assert all(low > high for low, high in zip(lows[:-1], highs[1:]))  # ties never split


def test_max_curve_points_none_keeps_every_vertex():
    y, s = binary_data(13, n=20_000)
    result = evaluate(y, s, max_curve_points=None)
    assert result.curve.fpr.size > 2000
    assert_curve_equals_sklearn(result.curve, y, s)


# ---------------------------------------------------------------------------
# Log loss, confusion matrices, operating points
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [None, "int", "float"])
def test_binary_log_loss_and_confusion(weights):
    y, s = binary_data(14, n=400, ties=True)  # ties at the threshold 0.5
    s = np.clip(s, 0.0, 1.0)
    w = weights_for(14, y.size, weights)
    for threshold in (0.5, 0.3, 0.75):
        result = evaluate(y, s, sample_weight=w, threshold=threshold)
        assert result.log_loss == pytest.approx(log_loss(y, s, sample_weight=w), rel=1e-12, abs=1e-14)
        expected = confusion_matrix(y, (s >= threshold).astype(int), labels=[0, 1], sample_weight=w)
        np.testing.assert_allclose(result.confusion_matrix, expected, rtol=1e-12)
        assert result.confusion_matrix.shape == (2, 2)
        if w is None:
            assert result.confusion_matrix.dtype == np.int64
        assert result.threshold == threshold


def test_binary_log_loss_two_columns():
    y, s = binary_data(15, n=200)
    p2 = np.column_stack([1 - s, s])
    result = evaluate(y, p2)
    assert result.task == "binary"
    assert result.log_loss == pytest.approx(log_loss(y, p2), rel=1e-12)
    np.testing.assert_array_equal(result.confusion_matrix, confusion_matrix(y, (s >= 0.5).astype(int)))


@pytest.mark.parametrize("weights", [None, "int", "float"])
@pytest.mark.parametrize("ties", [False, True])
def test_multiclass_log_loss_and_confusion(weights, ties):
    y, p = multiclass_data(16, n=400, n_classes=4, ties=ties)
    w = weights_for(16, y.size, weights)
    result = evaluate(y, p, sample_weight=w)
    assert result.log_loss == pytest.approx(log_loss(y, p, sample_weight=w, labels=range(4)), rel=1e-12)
    np.testing.assert_allclose(
        result.confusion_matrix,
        confusion_matrix(y, p.argmax(axis=1), labels=range(4), sample_weight=w),
        rtol=1e-12,
    )
    assert result.confusion_matrix.shape == (4, 4)


def test_multiclass_log_loss_clips_zero_probability():
    y = np.array([0, 1, 2, 2])
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    # Classes '0' and '1' have one sample each: no DeLong interval.
    with pytest.warns(UserWarning, match=r"DeLong intervals of 2 classes \('0', '1'\)"):
        result = evaluate(y, p)
    assert result.log_loss == pytest.approx(log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("weights", [None, "int", "float"])
@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_multilabel_log_loss_and_confusion(weights, threshold):
    y, p = multilabel_data(17, n=300, n_labels=4, ties=True)
    w = weights_for(17, len(y), weights)
    result = evaluate(y, p, sample_weight=w, threshold=threshold)
    expected_loss = np.mean([log_loss(y[:, c], p[:, c], sample_weight=w) for c in range(4)])
    assert result.log_loss == pytest.approx(expected_loss, rel=1e-12)
    expected = multilabel_confusion_matrix(y, (p >= threshold).astype(int), sample_weight=w)
    assert result.confusion_matrix.shape == (4, 2, 2)
    np.testing.assert_allclose(result.confusion_matrix, expected, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("weights", [None, "int", "float"])
@pytest.mark.parametrize("threshold", [0.5, 0.4, 0.61, 2.0, -1.0])
def test_operating_point_at_threshold(seed, weights, threshold):
    y, s = binary_data(seed, n=300, ties=True)
    w = weights_for(seed, y.size, weights)
    ww = np.ones(y.size) if w is None else w
    predicted = s >= threshold
    positive = y == 1
    sensitivity = ww[positive & predicted].sum() / ww[positive].sum()
    specificity = ww[~positive & ~predicted].sum() / ww[~positive].sum()
    point = evaluate(y, s, sample_weight=w, threshold=threshold).at_threshold
    assert point.threshold == threshold
    assert point.sensitivity == pytest.approx(sensitivity, abs=1e-12)
    assert point.specificity == pytest.approx(specificity, abs=1e-12)
    assert point.youden_j == pytest.approx(sensitivity + specificity - 1, abs=1e-12)


@pytest.mark.parametrize("weights", [None, "float"])
@pytest.mark.parametrize("threshold", [0.7, 0.3, 0.1])
def test_float32_scores_at_threshold_compare_as_real_numbers(weights, threshold):
    """A float32 score is positive when its real value is >= threshold.

    float32(0.7) is just below 0.7 while float32(0.3) and float32(0.1) are
    just above 0.3 and 0.1, so scores equal to the threshold's float32
    rounding fall on either side of it. The confusion matrices and the
    operating point must agree with the real comparison on every one.
    """
    rng = np.random.default_rng(29)
    n = 200
    y = np.r_[0, 1, rng.integers(0, 2, n - 2)]
    s = rng.uniform(size=n).astype(np.float32)
    s[rng.choice(n, 60, replace=False)] = np.float32(threshold)  # many at it
    w = weights_for(29, n, weights)
    ww = np.ones(n) if w is None else w
    called = s.astype(np.float64) >= threshold  # the real comparison
    result = evaluate(y, s, threshold=threshold, sample_weight=w)
    np.testing.assert_allclose(
        result.confusion_matrix,
        confusion_matrix(y, called.astype(int), sample_weight=w),
    )
    assert result.at_threshold.sensitivity == pytest.approx(ww[(y == 1) & called].sum() / ww[y == 1].sum(), abs=1e-12)
    assert result.at_threshold.specificity == pytest.approx(ww[(y == 0) & ~called].sum() / ww[y == 0].sum(), abs=1e-12)
    labels = np.column_stack([y, 1 - y, y])
    scores = np.column_stack([s, s, s[::-1]])
    multilabel = evaluate(labels, scores, threshold=threshold, sample_weight=w)
    assert multilabel.task == "multilabel"
    np.testing.assert_allclose(
        multilabel.confusion_matrix,
        multilabel_confusion_matrix(
            labels,
            (scores.astype(np.float64) >= threshold).astype(int),
            sample_weight=w,
        ),
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [None, "int", "float"])
def test_youden_maximises_j_on_sklearn_curve(seed, ties, weights):
    y, s = binary_data(seed, n=200, ties=ties)
    w = weights_for(seed, y.size, weights)
    fpr, tpr, thresholds = sk_roc_curve(y, s, sample_weight=w)
    j = tpr - fpr
    best = int(np.argmax(j))
    youden = evaluate(y, s, sample_weight=w).youden
    assert youden.youden_j == pytest.approx(j[best], abs=1e-12)
    if weights == "float":  # float sums may order near-equal optima differently
        near = np.flatnonzero(j >= j[best] - 1e-12)
        assert youden.threshold in thresholds[near]
    else:
        assert youden.threshold == thresholds[best]
        assert youden.sensitivity == pytest.approx(tpr[best], abs=1e-12)
        assert youden.specificity == pytest.approx(1 - fpr[best], abs=1e-12)


def test_youden_when_no_threshold_helps():
    # a perfectly wrong classifier: the best is to call everything negative
    y = np.array([1, 1, 0, 0])
    s = np.array([0.1, 0.2, 0.8, 0.9])
    fpr, tpr, thresholds = sk_roc_curve(y, s)
    best = int(np.argmax(tpr - fpr))
    assert thresholds[best] == np.inf
    for weight in (None, np.ones(4)):  # both engines
        youden = evaluate(y, s, sample_weight=weight).youden
        # A finite threshold just above the highest score: nothing is positive.
        assert youden.threshold == np.nextafter(0.9, np.inf)
        assert (youden.sensitivity, youden.specificity) == (tpr[best], 1 - fpr[best])
        assert not (s >= youden.threshold).any()


# ---------------------------------------------------------------------------
# Logits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [None, "float"])
def test_from_logits_binary(weights):
    rng = np.random.default_rng(18)
    n = 300
    y = rng.integers(0, 2, n)
    logits = rng.normal(1.5 * y - 0.7, 2.0)
    w = weights_for(18, n, weights)
    p = expit(logits)
    for scores in (logits, logits[:, None]):
        result = evaluate(y, scores, from_logits=True, sample_weight=w)
        assert abs(result.auc - roc_auc_score(y, p, sample_weight=w)) <= AUC_TOL
        assert result.log_loss == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-10)
        np.testing.assert_allclose(
            result.confusion_matrix,
            confusion_matrix(y, (p >= 0.5).astype(int), sample_weight=w),
        )
    # (n, 2) logits: softmax, then column 1
    logits2 = rng.normal(size=(n, 2))
    logits2[np.arange(n), y] += 1.0
    p2 = softmax(logits2, axis=1)
    result = evaluate(y, logits2, from_logits=True, sample_weight=w)
    assert result.task == "binary"
    assert abs(result.auc - roc_auc_score(y, p2[:, 1], sample_weight=w)) <= AUC_TOL
    assert result.log_loss == pytest.approx(log_loss(y, p2, sample_weight=w), rel=1e-10)


@pytest.mark.parametrize("weights", [None, "float"])
def test_from_logits_multiclass(weights):
    rng = np.random.default_rng(19)
    n, n_classes = 300, 4
    y = rng.integers(0, n_classes, n)
    logits = rng.normal(0, 3, size=(n, n_classes))
    logits[np.arange(n), y] += 2.0
    w = weights_for(19, n, weights)
    p = softmax(logits, axis=1)
    result = evaluate(y, logits, from_logits=True, sample_weight=w)
    for average, value in [
        ("macro", result.auc_macro),
        ("micro", result.auc_micro),
        ("weighted", result.auc_weighted),
    ]:
        expected = roc_auc_score(y, p, multi_class="ovr", average=average, sample_weight=w)
        assert abs(value - expected) <= AUC_TOL
    assert result.log_loss == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-10)
    np.testing.assert_allclose(
        result.confusion_matrix,
        confusion_matrix(y, p.argmax(axis=1), labels=range(n_classes), sample_weight=w),
    )
    # softmax is shift invariant, so huge logits must not overflow
    shifted = evaluate(y, logits + 1000.0, from_logits=True, sample_weight=w)
    assert abs(shifted.auc - result.auc) <= 1e-12


@pytest.mark.parametrize("weights", [None, "float"])
def test_from_logits_multilabel(weights):
    rng = np.random.default_rng(20)
    n, n_labels = 300, 3
    y = (rng.uniform(size=(n, n_labels)) < 0.4).astype(int)
    logits = rng.normal(2.0 * y - 1.0, 2.0)
    w = weights_for(20, n, weights)
    p = expit(logits)
    result = evaluate(y, logits, from_logits=True, sample_weight=w)
    assert result.task == "multilabel"
    for average, value in [("macro", result.auc_macro), ("micro", result.auc_micro)]:
        assert abs(value - roc_auc_score(y, p, average=average, sample_weight=w)) <= AUC_TOL
    expected_loss = np.mean([log_loss(y[:, c], p[:, c], sample_weight=w) for c in range(n_labels)])
    assert result.log_loss == pytest.approx(expected_loss, rel=1e-10)
    np.testing.assert_allclose(
        result.confusion_matrix,
        multilabel_confusion_matrix(y, (p >= 0.5).astype(int), sample_weight=w),
    )


# ---------------------------------------------------------------------------
# DeLong intervals
# ---------------------------------------------------------------------------


@raw_scores
def test_hanley_mcneil_1982_worked_example():
    """Hanley & McNeil's CT example, with its published DeLong analysis.

    Data: Hanley JA, McNeil BJ (1982). "The meaning and use of the area under
    a receiver operating characteristic (ROC) curve." Radiology 143:29-36,
    Table 1: CT ratings 1 (definitely normal) .. 5 (definitely abnormal) of
    58 normal patients (counts 33, 6, 6, 11, 2) and 51 abnormal patients
    (counts 3, 2, 2, 11, 33). Published area: 0.893.

    DeLong analysis of the same data: Stata Base Reference Manual, `roctab`
    (example on hanley.dta): ROC area 0.8932, Std. Err. 0.0307, asymptotic
    normal 95% confidence interval 0.83295 to 0.95339.
    """
    ratings = np.arange(1, 6)
    normal_counts = [33, 6, 6, 11, 2]
    abnormal_counts = [3, 2, 2, 11, 33]
    scores = np.r_[np.repeat(ratings, normal_counts), np.repeat(ratings, abnormal_counts)]
    labels = np.r_[np.zeros(58, dtype=int), np.ones(51, dtype=int)]
    assert scores.size == 109

    with pytest.warns(keras_roc.UndefinedMetricWarning, match=r"outside \[0, 1\] \(lowest 1, highest 5\)"):
        result = evaluate(labels, scores)  # integer ratings as scores: ranked, not probabilities
    assert math.isnan(result.log_loss) and math.isnan(result.brier_score)
    assert round(result.auc, 3) == 0.893  # Hanley & McNeil
    assert round(result.auc, 4) == 0.8932  # Stata roctab
    assert round(result.auc_se, 4) == 0.0307
    assert round(result.auc_ci[0], 5) == 0.83295
    assert round(result.auc_ci[1], 5) == 0.95339
    assert result.per_class_ci["1"] == result.auc_ci

    # the same data as a weighted table of 10 distinct (rating, class) cells
    cell_scores = np.r_[ratings, ratings]
    cell_labels = np.r_[np.zeros(5, dtype=int), np.ones(5, dtype=int)]
    weighted = evaluate(cell_labels, cell_scores, sample_weight=np.r_[normal_counts, abnormal_counts])
    assert weighted.auc == pytest.approx(result.auc, abs=1e-14)
    assert weighted.auc_se == pytest.approx(result.auc_se, abs=1e-14)
    assert weighted.auc_ci == pytest.approx(result.auc_ci, abs=1e-14)


@raw_scores
@pytest.mark.parametrize("seed", range(12))
def test_delong_matches_direct_computation(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 120))
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    y[2:4] = [0, 1]
    s = rng.normal(y * rng.uniform(0, 2), 1.0)
    if seed % 2:
        s = np.round(s, 0)  # heavy ties
    confidence = [0.8, 0.9, 0.95, 0.99][seed % 4]
    auc, se, ci = delong_reference(y, s, confidence)
    result = evaluate(y, s, confidence=confidence)
    assert result.confidence == confidence
    assert result.auc == pytest.approx(auc, abs=AUC_TOL)
    assert result.auc_se == pytest.approx(se, rel=1e-10, abs=1e-14)
    assert result.auc_ci == pytest.approx(ci, rel=1e-10, abs=1e-14)
    assert result.per_class_ci["1"] == result.auc_ci


@pytest.mark.parametrize("seed", range(4))
def test_sorted_reference_equals_direct_reference(seed):
    y, s = binary_data(seed, n=200, ties=seed % 2 == 1)
    direct = delong_reference(y, s)
    counted = delong_reference_sorted(y, s)
    assert counted[0] == pytest.approx(direct[0], abs=1e-14)
    assert counted[1] == pytest.approx(direct[1], rel=1e-12)
    assert counted[2] == pytest.approx(direct[2], rel=1e-12)


@pytest.mark.parametrize("decimals", [None, 3, 1, 0])
@pytest.mark.parametrize("weights", [None, "int"])
def test_large_binary_everything_equals_references(decimals, weights):
    """Tens of thousands of samples (so tie groups, thinning and any
    chunked processing cross many boundaries): every output at once."""
    rng = np.random.default_rng(200 + (decimals or 0))
    n = 30_000
    y = rng.integers(0, 2, n)
    s = np.clip(rng.normal(0.45 + 0.15 * y, 0.25), 0.0, 1.0)
    if decimals is not None:
        s = np.round(s, decimals)
    w = weights_for(200, n, weights)
    exact = sk_roc_curve(y, s, sample_weight=w)
    expected_auc = roc_auc_score(y, s, sample_weight=w)

    result = evaluate(y, s, sample_weight=w, max_curve_points=None, threshold=0.5)
    assert abs(result.auc - expected_auc) <= AUC_TOL
    assert_curve_equals_sklearn(result.curve, y, s, w)
    repeat = np.ones(n, dtype=int) if w is None else w.astype(int)
    _, se, ci = delong_reference_sorted(np.repeat(y, repeat), np.repeat(s, repeat))
    assert result.auc_se == pytest.approx(se, rel=1e-9)
    assert result.auc_ci == pytest.approx(ci, rel=1e-9)
    j = exact[1] - exact[0]
    best = int(np.argmax(j))
    assert result.youden.threshold == exact[2][best]
    assert result.youden.youden_j == pytest.approx(j[best], abs=1e-12)
    ww = np.ones(n) if w is None else w
    called = s >= 0.5
    assert result.at_threshold.sensitivity == pytest.approx(ww[(y == 1) & called].sum() / ww[y == 1].sum(), abs=1e-12)
    assert result.at_threshold.specificity == pytest.approx(ww[(y == 0) & ~called].sum() / ww[y == 0].sum(), abs=1e-12)
    assert result.log_loss == pytest.approx(log_loss(y, s, sample_weight=w), rel=1e-10)
    np.testing.assert_allclose(
        result.confusion_matrix,
        confusion_matrix(y, called.astype(int), sample_weight=w),
    )
    for limit in (2000, 50):
        thinned = evaluate(y, s, sample_weight=w, max_curve_points=limit)
        assert thinned.auc == result.auc
        if exact[0].size > limit:
            assert_subset_of_exact(thinned.curve, *exact, limit)
        else:
            assert_curve_equals_sklearn(thinned.curve, y, s, w)


@pytest.mark.parametrize("ties", [False, True])
def test_large_multiclass_everything_equals_references(ties):
    n, n_classes = 30_000, 3
    y, p = multiclass_data(300, n=n, n_classes=n_classes, ties=ties)
    y[:5] = 2  # class 0 never occurs in the first rows: uneven chunks
    result = evaluate(y, p, max_curve_points=None, confidence=0.9)
    binarized = label_binarize(y, classes=range(n_classes))
    for average, value in [
        ("macro", result.auc_macro),
        ("micro", result.auc_micro),
        ("weighted", result.auc_weighted),
    ]:
        expected = roc_auc_score(y, p, multi_class="ovr", average=average)
        assert abs(value - expected) <= AUC_TOL, average
    fprs, tprs = [], []
    for c in range(n_classes):
        assert_curve_equals_sklearn(result.curves[str(c)], binarized[:, c], p[:, c])
        _, _, ci = delong_reference_sorted(binarized[:, c], p[:, c], 0.9)
        assert result.per_class_ci[str(c)] == pytest.approx(ci, rel=1e-9)
        fpr, tpr, _ = sk_roc_curve(binarized[:, c], p[:, c])
        fprs.append(fpr)
        tprs.append(tpr)
    assert_curve_equals_sklearn(result.curves["micro"], binarized.ravel(), p.ravel())
    all_fpr, mean_tpr = tutorial_macro_curve(fprs, tprs)
    np.testing.assert_allclose(result.curves["macro"].fpr, all_fpr, rtol=0, atol=CURVE_TOL)
    np.testing.assert_allclose(result.curves["macro"].tpr, mean_tpr, rtol=0, atol=CURVE_TOL)
    assert result.log_loss == pytest.approx(log_loss(y, p), rel=1e-10)
    np.testing.assert_array_equal(result.confusion_matrix, confusion_matrix(y, p.argmax(axis=1)))


def test_delong_interval_is_clipped():
    # a near-perfect classifier on few samples: auc + z*se exceeds 1
    y = np.array([0, 0, 0, 1, 1, 1])
    s = np.array([0.1, 0.2, 0.7, 0.6, 0.8, 0.9])
    auc, se, ci = delong_reference(y, s)
    assert auc + norm.ppf(0.975) * se > 1  # the reference clips too
    result = evaluate(y, s)
    assert result.auc_ci == pytest.approx(ci, abs=1e-14)
    assert result.auc_ci[1] == 1.0


def test_delong_undefined_with_one_positive():
    y = np.array([0, 0, 0, 1])
    s = np.array([0.1, 0.4, 0.3, 0.35])
    with pytest.warns(UserWarning, match="at least 2 positive and 2 negative samples"):
        result = evaluate(y, s)
    assert result.auc == pytest.approx(roc_auc_score(y, s), abs=AUC_TOL)
    assert all(math.isnan(v) for v in result.auc_ci)
    assert math.isnan(result.auc_se)


@pytest.mark.parametrize("seed", range(6))
def test_integer_weights_are_frequency_weights(seed):
    rng = np.random.default_rng(100 + seed)
    n = 60
    y = np.r_[0, 1, 0, 1, rng.integers(0, 2, n - 4)]
    s = np.round(1.0 / (1.0 + np.exp(-rng.normal(y, 1.0))), 2)  # probabilities with ties
    w = rng.integers(0, 4, n)
    w[:4] = 1
    repeated_y, repeated_s = np.repeat(y, w), np.repeat(s, w)
    auc, se, ci = delong_reference(repeated_y, repeated_s)
    weighted = evaluate(y, s, sample_weight=w)
    repeated = evaluate(repeated_y, repeated_s)
    assert weighted.auc == pytest.approx(auc, abs=AUC_TOL)
    assert weighted.auc_se == pytest.approx(se, rel=1e-10)
    assert weighted.auc_ci == pytest.approx(ci, rel=1e-10)
    assert weighted.auc_ci == pytest.approx(repeated.auc_ci, rel=1e-10)
    assert weighted.log_loss == pytest.approx(repeated.log_loss, rel=1e-12)
    np.testing.assert_allclose(weighted.confusion_matrix, repeated.confusion_matrix)


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
def test_per_class_delong(task):
    if task == "multiclass":
        y, p = multiclass_data(21, n=150, n_classes=3, ties=True)
        binarized = label_binarize(y, classes=range(3))
    else:
        y, p = multilabel_data(21, n=150, n_labels=3, ties=True)
        binarized = y
    result = evaluate(y, p, confidence=0.9)
    for c in range(3):
        _, _, ci = delong_reference(binarized[:, c], p[:, c], 0.9)
        assert result.per_class_ci[str(c)] == pytest.approx(ci, rel=1e-10, abs=1e-14)


def test_confidence_orders_widths():
    y, s = binary_data(22, n=200, ties=True)
    widths = []
    for confidence in (0.5, 0.9, 0.95, 0.99):
        low, high = evaluate(y, s, confidence=confidence).auc_ci
        assert low < roc_auc_score(y, s) < high
        widths.append(high - low)
    assert widths == sorted(widths) and len(set(widths)) == 4
    z90, z99 = norm.ppf(0.95), norm.ppf(0.995)
    assert widths[1] / widths[3] == pytest.approx(z90 / z99, rel=1e-9)


# ---------------------------------------------------------------------------
# Undefined values: NaN and one warning
# ---------------------------------------------------------------------------


def _single_warning(record):
    assert len(record) == 1, [str(r.message) for r in record]
    assert record[0].category is keras_roc.UndefinedMetricWarning
    return str(record[0].message)


@pytest.mark.parametrize("missing", ["positive", "negative"])
def test_binary_single_class(missing):
    y = np.zeros(10, dtype=int) if missing == "positive" else np.ones(10, dtype=int)
    s = np.linspace(0.05, 0.95, 10)
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, s)
    message = _single_warning(record)
    assert f"no {missing} samples" in message and "'1'" in message
    assert math.isnan(result.auc) and math.isnan(result.per_class_auc["1"])
    assert all(math.isnan(v) for v in result.auc_ci)
    assert result.notes and result.notes[0] in message
    # what remains defined still equals scikit-learn
    assert result.log_loss == pytest.approx(log_loss(y, s, labels=[0, 1]), rel=1e-12)
    np.testing.assert_array_equal(
        result.confusion_matrix,
        confusion_matrix(y, (s >= 0.5).astype(int), labels=[0, 1]),
    )


def test_multiclass_missing_class_left_out_of_macro():
    rng = np.random.default_rng(23)
    n = 200
    y = rng.choice([0, 1, 3], size=n)  # class 2 never occurs
    p = dirichlet_scores(rng, n, 4)
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p, class_names=["a", "b", "c", "d"])
    message = _single_warning(record)
    assert "'c'" in message and "no positive samples" in message
    for other in ("'a'", "'b'", "'d'"):
        assert other not in message
    assert math.isnan(result.per_class_auc["c"])
    present = [0, 1, 3]
    per_class = [roc_auc_score(y == c, p[:, c]) for c in present]
    for c, value in zip(present, per_class):
        assert abs(result.per_class_auc["abcd"[c]] - value) <= AUC_TOL
    assert abs(result.auc_macro - np.mean(per_class)) <= AUC_TOL
    assert result.auc == result.auc_macro
    prevalence = [np.sum(y == c) for c in present]
    assert abs(result.auc_weighted - np.average(per_class, weights=prevalence)) <= AUC_TOL
    binarized = label_binarize(y, classes=range(4))
    assert abs(result.auc_micro - roc_auc_score(binarized.ravel(), p.ravel())) <= AUC_TOL
    # scikit-learn's multiclass micro average with the labels given agrees
    assert abs(result.auc_micro - roc_auc_score(y, p, multi_class="ovr", average="micro", labels=range(4))) <= AUC_TOL
    assert math.isnan(result.per_class_ci["c"][0])
    assert result.log_loss == pytest.approx(log_loss(y, p, labels=range(4)), rel=1e-12)


def test_multilabel_label_without_negatives():
    y, p = multilabel_data(24, n=100, n_labels=4)
    y[:, 1] = 1  # label '1' has no negative
    y[:, 3] = 0  # label '3' has no positive
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p)
    message = _single_warning(record)
    assert "'1' has no negative" in message and "'3' has no positive" in message
    assert math.isnan(result.per_class_auc["1"]) and math.isnan(result.per_class_auc["3"])
    present = [roc_auc_score(y[:, c], p[:, c]) for c in (0, 2)]
    assert abs(result.auc_macro - np.mean(present)) <= AUC_TOL
    assert abs(result.auc_micro - roc_auc_score(y.ravel(), p.ravel())) <= AUC_TOL


def test_all_weights_zero():
    y, s = binary_data(25, n=20)
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, s, sample_weight=np.zeros(20))
    message = _single_warning(record)
    assert "zero" in message
    assert math.isnan(result.auc) and math.isnan(result.log_loss)
    np.testing.assert_array_equal(result.confusion_matrix, np.zeros((2, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_non_finite_scores_give_nan_and_one_warning(bad, task):
    if task == "binary":
        y, p = binary_data(26, n=50)
        p = p.copy()
        p[[3, 7]] = bad
    elif task == "multiclass":
        y, p = multiclass_data(26, n=50, n_classes=3)
        p[3, 1] = bad
        p[7, 0] = bad
    else:
        y, p = multilabel_data(26, n=50, n_labels=3)
        p[3, 1] = bad
        p[7, 0] = bad
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p)
    message = _single_warning(record)
    assert "2 sample(s)" in message and "NaN or infinite" in message
    assert result.task == task
    assert math.isnan(result.auc) and math.isnan(result.log_loss)
    assert all(math.isnan(v) for v in result.per_class_auc.values())
    if task != "binary":
        assert math.isnan(result.auc_micro) and math.isnan(result.auc_weighted)
    else:
        assert all(math.isnan(v) for v in result.auc_ci)
    str(result)  # printable
    result.scalars()


def test_no_warning_when_everything_is_defined():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate(*multiclass_data(27, n=100, n_classes=3))
    assert result.notes == ()


#: Longest acceptable note about many classes: 10 quoted names and the text.
NOTE_MAX_CHARS = 400


def _quoted(names):
    return ", ".join(repr(str(name)) for name in names)


def test_note_about_many_absent_classes_is_capped():
    rng = np.random.default_rng(40)
    n, n_classes = 400, 150
    y = rng.integers(141, n_classes, n)  # classes 0..140 never occur
    p = dirichlet_scores(rng, n, n_classes)
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p)
    message = _single_warning(record)
    assert len(message) <= NOTE_MAX_CHARS, len(message)
    assert result.notes == (
        f"141 classes have no positive samples ({_quoted(range(10))} and 131 more),"
        " so their ROC AUC is undefined (NaN) and they are left out of the averages.",
    )
    assert "'10'" not in message
    present = range(141, n_classes)
    expected = np.mean([roc_auc_score(y == c, p[:, c]) for c in present])
    assert abs(result.auc_macro - expected) <= AUC_TOL
    assert sum(math.isnan(v) for v in result.per_class_auc.values()) == 141


@pytest.mark.parametrize("n_absent, listed, more", [(2, 2, ""), (10, 10, ""), (11, 10, " and 1 more")])
def test_note_lists_at_most_ten_classes(n_absent, listed, more):
    y, p = multilabel_data(41, n=60, n_labels=12)
    y[:, :n_absent] = 0
    names = [f"label {c}" for c in range(12)]
    with pytest.warns(UserWarning) as record:
        evaluate(y, p, class_names=names)
    message = _single_warning(record)
    assert message == (
        f"{n_absent} classes have no positive samples ({_quoted(names[:listed])}{more}),"
        " so their ROC AUC is undefined (NaN) and they are left out of the averages."
    )


def test_no_positive_and_no_negative_classes_get_separate_capped_notes():
    y, p = multilabel_data(42, n=80, n_labels=40)
    y[:, :15] = 0  # no positives
    y[:, 15:27] = 1  # no negatives
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p)
    message = _single_warning(record)
    assert len(result.notes) == 2 and len(message) <= 2 * NOTE_MAX_CHARS
    no_positive, no_negative = result.notes
    assert no_positive.startswith(f"15 classes have no positive samples ({_quoted(range(10))} and 5 more)")
    assert no_negative.startswith(f"12 classes have no negative samples ({_quoted(range(15, 25))} and 2 more)")
    assert sum(math.isnan(v) for v in result.per_class_auc.values()) == 27
    expected = np.mean([roc_auc_score(y[:, c], p[:, c]) for c in range(27, 40)])
    assert abs(result.auc_macro - expected) <= AUC_TOL


def test_binary_all_scores_tied_warns_about_zero_width_interval():
    y = np.array([0, 1, 0, 1, 1, 0, 0, 1])
    s = np.full(8, 0.3)
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, s)
    message = _single_warning(record)
    assert result.auc == roc_auc_score(y, s) == 0.5
    assert result.auc_ci == (0.5, 0.5) and result.auc_se == 0.0
    assert result.notes == (
        "The DeLong interval of class '1' has zero width: its variance is 0"
        " (as when every score is tied), so the interval does not describe the"
        " uncertainty of the AUC.",
    )
    assert message == result.notes[0]


@pytest.mark.parametrize(
    "y, s", [([0, 1], [0.2, 0.7]), ([1, 0, 0, 0], [0.5, 0.1, 0.9, 0.3]), ([1, 1, 0], [0.4, 0.8, 0.8])]
)
def test_binary_interval_undefined_with_fewer_than_two_of_a_class(y, s):
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, s)
    message = _single_warning(record)
    assert result.auc == pytest.approx(roc_auc_score(y, s), abs=AUC_TOL)
    assert all(math.isnan(v) for v in result.auc_ci) and math.isnan(result.auc_se)
    assert message == (
        "The DeLong interval of class '1' is undefined (NaN): its variance needs"
        " at least 2 positive and 2 negative samples."
    )


def test_roc_curve_has_no_note_about_intervals():
    """`roc_curve` returns no interval, so it does not warn about one."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curve = keras_roc.roc_curve([0, 1, 1], [0.2, 0.9, 0.4])
    assert curve.auc == 1.0
    with pytest.warns(UserWarning, match="has no positive samples") as record:
        keras_roc.roc_curve([0, 0, 0], [0.2, 0.9, 0.4])
    assert "DeLong" not in _single_warning(record)


def test_weighted_interval_undefined_names_the_weight_rule():
    y = np.array([0, 0, 1, 1, 0, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    w = np.full(6, 1 / 6)  # normalised weights: a total of 0.5 per class
    with pytest.warns(UserWarning, match="with sample weights, a total weight above 1 of each"):
        result = evaluate(y, s, sample_weight=w)
    assert result.auc == pytest.approx(roc_auc_score(y, s, sample_weight=w), abs=AUC_TOL)
    assert all(math.isnan(v) for v in result.auc_ci)


@pytest.mark.parametrize("weights", [None, "int"])
def test_perfect_separation_gives_no_interval_note(weights):
    y = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    w = weights_for(43, 8, weights)
    for s in ([0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 0.3, 0.7], [0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.7, 0.3]):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = evaluate(y, s, sample_weight=None if w is None else np.maximum(w, 1))
        assert result.auc in (0.0, 1.0) and result.auc_ci == (result.auc, result.auc)
        assert result.notes == ()


def test_multiclass_degenerate_intervals_are_capped_notes():
    rng = np.random.default_rng(44)
    n_classes = 30
    # Classes 0..14 have one sample each; the others several.
    y = np.r_[np.arange(15), rng.integers(15, n_classes, 300)]
    p = dirichlet_scores(rng, y.size, n_classes)
    p[:, 20:] = 1.0 / n_classes  # ten classes with every score tied
    with pytest.warns(UserWarning) as record:
        result = evaluate(y, p)
    message = _single_warning(record)
    assert len(message) <= 2 * NOTE_MAX_CHARS
    assert result.notes == (
        f"The DeLong intervals of 15 classes ({_quoted(range(10))} and 5 more) are"
        " undefined (NaN): their variance needs at least 2 positive and 2"
        " negative samples.",
        f"The DeLong intervals of 10 classes ({_quoted(range(20, 30))}) have zero"
        " width: their variance is 0 (as when every score is tied), so the"
        " intervals do not describe the uncertainty of the AUCs.",
    )
    for c in range(n_classes):
        assert result.per_class_auc[str(c)] == pytest.approx(roc_auc_score(y == c, p[:, c]), abs=AUC_TOL)
        low, high = result.per_class_ci[str(c)]
        if c < 15:
            assert math.isnan(low) and math.isnan(high)
        elif c >= 20:
            assert low == high == 0.5


# ---------------------------------------------------------------------------
# Invalid input: ValueError naming the offending shapes or values
# ---------------------------------------------------------------------------


_S3 = np.full((4, 3), 1 / 3)
_S1 = np.array([0.1, 0.4, 0.35, 0.8])
_Y1 = np.array([0, 0, 1, 1])


@pytest.mark.parametrize(
    "y_true, y_score, kwargs, match",
    [
        ([0, 1, 1], _S1, {}, r"same number of samples.*\(3,\).*\(4,\)"),
        ([0, 1, 1, 0, 1], _S3, {}, r"same number of samples.*\(5,\).*\(4, 3\)"),
        ([0, 1, 2, 3], _S3, {}, r"labels \[3\] outside the 3 score columns"),
        ([0, -1, 2, 1], _S3, {}, r"labels \[-1\] outside the 3 score columns"),
        ([0, 2, 1, 1], _S1, {}, r"0 \(negative\) and 1 \(positive\).*\[2\]"),
        ([], [], {}, r"empty.*\(0,\)"),
        (np.zeros((0, 3)), np.zeros((0, 3)), {}, r"empty"),
        (_Y1, _S1, {"sample_weight": [1, -2, 1, -0.5]}, r"non-negative.*2 negative.*-2\.0"),
        (_Y1, _S1, {"sample_weight": [1, np.nan, 1, 1]}, r"non-finite.*nan"),
        (_Y1, _S1, {"sample_weight": [1, 1, 1]}, r"shape \(4,\).*\(3,\)"),
        ([0, np.nan, 1, 1], _S1, {}, r"non-finite.*nan"),
        ([0, np.inf, 1, 1], _S1, {}, r"non-finite.*inf"),
        (["cat", "dog", "cat", "dog"], _S1, {}, r"not strings.*'cat', 'dog'"),
        ([0, 0.5, 1, 1], _S1, {}, r"non-integer values \[0\.5\]"),
        ([0, 1, 2, 1], _S3, {"class_names": ["a", "b"]}, r"2 names.*3 columns.*\['a', 'b'\]"),
        (_Y1, _S1, {"class_names": ["a", "b", "c"]}, r"3 names.*binary task has 2"),
        ([0, 1, 2, 1], _S3, {"class_names": ["a", "a", "b"]}, r"unique.*\['a', 'a', 'b'\]"),
        ([0, 1, 2, 1], _S3, {"class_names": ["a", "micro", "b"]}, r"'micro'"),
        (_Y1, np.zeros((4, 2, 2)), {}, r"Received shape \(4, 2, 2\)"),
        (_Y1, 0.5, {}, r"Received shape \(\)"),
        (np.eye(4, dtype=int)[[0, 1, 2, 3]], _S3, {}, r"4 columns but `y_score` has 3"),
        (np.eye(2, dtype=int)[[0, 1, 1, 0]], _S3, {}, r"2 columns but `y_score` has 3"),
        (
            np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]),
            _S3,
            {"task": "multiclass"},
            r"task='multiclass'.*rows \[0\] have \[2\] ones",
        ),
        (np.array([[2, 0, 0]] * 4), _S3, {}, r"0/1 indicators. Received other values: \[2\]"),
        ([0, 1, 2, 1], _S3, {"task": "multilabel"}, r"task='multilabel'.*\(4,\).*\(4, 3\)"),
        (_Y1, _S1, {"task": "multiclass"}, r"task='multiclass'.*1-D.*\(4,\)"),
        ([0, 1, 2, 1], _S3, {"task": "binary"}, r"task='binary'.*3 columns"),
        (_Y1, _S1, {"task": "ovr"}, r"task='ovr'"),
        (_Y1, _S1, {"threshold": math.nan}, r"`threshold`.*nan"),
        (_Y1, _S1, {"threshold": math.inf}, r"`threshold`.*inf"),
        (_Y1, _S1, {"threshold": "0.5"}, r"`threshold`.*'0\.5'"),
        (_Y1, _S1, {"threshold": None}, r"`threshold`.*None"),
        (_Y1, _S1, {"confidence": 0.0}, r"`confidence`.*0\.0"),
        (_Y1, _S1, {"confidence": 1.0}, r"`confidence`.*1\.0"),
        (_Y1, _S1, {"confidence": 95}, r"`confidence`.*95"),
        (_Y1, _S1, {"confidence": -0.5}, r"`confidence`.*-0\.5"),
        (_Y1, _S1, {"max_curve_points": 1}, r"`max_curve_points`.*1"),
        (_Y1, _S1, {"max_curve_points": 10.5}, r"`max_curve_points`.*10\.5"),
        (_Y1, ["a", "b", "c", "d"], {}, r"`y_score` must hold numbers.*\(4,\)"),
    ],
)
def test_invalid_input_raises_value_error(y_true, y_score, kwargs, match):
    with pytest.raises(ValueError, match=match):
        evaluate(y_true, y_score, **kwargs)


def test_string_class_names_is_type_error():
    with pytest.raises(TypeError, match=r"not a single string.*'ab'"):
        evaluate(_Y1, _S1, class_names="ab")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"threshold": np.float32(0.5)},
        {"threshold": np.float64(0.5)},
        {"threshold": np.int64(0)},
        {"confidence": np.float32(0.9)},
        {"max_curve_points": np.int64(100)},
    ],
    ids=lambda kwargs: f"{next(iter(kwargs))}-{type(next(iter(kwargs.values()))).__name__}",
)
def test_numpy_scalar_options_are_accepted(kwargs):
    y, s = binary_data(28, n=50, ties=True)
    result = evaluate(y, s, **kwargs)
    threshold = float(kwargs.get("threshold", 0.5))
    expected = confusion_matrix(y, (s >= threshold).astype(int), labels=[0, 1])
    np.testing.assert_array_equal(result.confusion_matrix, expected)
    assert abs(result.auc - roc_auc_score(y, s)) <= AUC_TOL
    if "confidence" in kwargs:
        _, _, ci = delong_reference(y, s, float(kwargs["confidence"]))
        assert result.auc_ci == pytest.approx(ci, rel=1e-6)


# ---------------------------------------------------------------------------
# Property-based: equals scikit-learn, or NaN with a warning, or ValueError
# ---------------------------------------------------------------------------


@st.composite
def problems(draw):
    task = draw(st.sampled_from(["binary", "multiclass", "multilabel"]))
    n = draw(st.integers(1, 40))
    n_classes = 2 if task == "binary" else draw(st.integers(2, 5))
    return dict(
        task=task,
        n=n,
        n_classes=n_classes,
        seed=draw(st.integers(0, 2**32 - 1)),
        decimals=draw(st.sampled_from([None, 0, 1, 2])),
        weights=draw(st.sampled_from([None, "int", "float"])),
        logits=draw(st.booleans()),
        missing=draw(st.sampled_from([None, "drop-one", "single"])),
        layout=draw(st.sampled_from(["1d", "n1", "n2", "one-hot"])),
        explicit=draw(st.booleans()),
        threshold=draw(st.sampled_from([0.5, 0.3])),
    )


def _build(problem):
    """Labels and scores for evaluate, the reference probabilities and task."""
    rng = np.random.default_rng(problem["seed"])
    task, n, C = problem["task"], problem["n"], problem["n_classes"]
    logits, decimals = problem["logits"], problem["decimals"]
    if task == "multilabel":
        y = (rng.uniform(size=(n, C)) < rng.uniform(0.1, 0.9, C)).astype(int)
        if problem["missing"] == "drop-one":
            y[:, rng.integers(C)] = 0
        elif problem["missing"] == "single":
            y[:, rng.integers(C)] = 1
    else:
        classes = np.arange(C)
        if problem["missing"] == "drop-one":
            classes = np.delete(classes, rng.integers(C))
        elif problem["missing"] == "single":
            classes = classes[rng.integers(C) :][:1]
        y = rng.choice(classes, size=n)
    if logits:  # continuous logits: the reference applies scipy's functions
        raw = rng.normal(0, 3, size=(n, C))
    elif task == "multiclass" or (task == "binary" and problem["layout"] == "n2"):
        raw = (
            dirichlet_scores(rng, n, C)
            if decimals is None
            else tied_probabilities(rng, n, C, total=10 ** max(decimals, 1))
        )
    else:
        raw = rng.uniform(size=(n, C))
        if decimals is not None:
            raw = np.round(raw, decimals)

    labels = y
    if task == "binary":
        layout = problem["layout"]
        if layout == "n2":
            scores = raw
            ref = softmax(raw, axis=1)[:, 1] if logits else raw[:, 1]
        else:
            scores = raw[:, 1] if layout != "n1" else raw[:, 1:]
            ref = expit(raw[:, 1]) if logits else raw[:, 1]
        if layout == "one-hot":  # (n, 2) one-hot labels and (n, 2) scores
            labels = np.eye(2, dtype=int)[y]
            scores = raw
            ref = softmax(raw, axis=1)[:, 1] if logits else raw[:, 1]
    elif task == "multiclass":
        scores = raw
        ref = softmax(raw, axis=1) if logits else raw
        if problem["layout"] == "one-hot":
            labels = np.eye(C, dtype=int)[y]
    else:
        scores = raw
        ref = expit(raw) if logits else raw
    return labels, scores, y, ref


def _expected_task(problem, labels):
    """The task `evaluate` must detect (task="auto") or was given."""
    if problem["explicit"]:
        return problem["task"]
    if problem["task"] == "multilabel":
        one_hot = bool((labels.sum(axis=1) == 1).all())
        if one_hot:
            return "binary" if labels.shape[1] == 2 else "multiclass"
        return "multilabel"
    if problem["task"] == "multiclass" and problem["n_classes"] == 2:
        return "binary"  # (n, 2) scores with 0/1 labels: binary on column 1
    return problem["task"]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(problem=problems())
def test_property_equals_sklearn_or_nan_with_warning(problem):
    labels, scores, y, ref = _build(problem)
    n = problem["n"]
    weight = weights_for(problem["seed"] % 1000, n, problem["weights"])
    task = _expected_task(problem, labels)
    if task == "binary" and problem["task"] == "multiclass":
        ref = ref[:, 1]
    kwargs = dict(
        task=problem["task"] if problem["explicit"] else "auto",
        from_logits=problem["logits"],
        sample_weight=weight,
        threshold=problem["threshold"],
        max_curve_points=None,
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = evaluate(labels, scores, **kwargs)
    messages = [str(r.message) for r in record]
    assert all(r.category is keras_roc.UndefinedMetricWarning for r in record), messages
    assert result.task == task
    if problem["task"] == "multilabel" and task != "multilabel":
        return  # random multi-hot labels that are one-hot: checked for detection
    w = np.ones(n) if weight is None else weight
    any_weight = w.sum() > 0

    if task == "binary":
        binarized = (y == 1).astype(int)[:, None]
        ref2 = ref[:, None]
    elif task == "multiclass":
        binarized = label_binarize(y, classes=range(ref.shape[1]))
        if ref.shape[1] == 2:
            binarized = np.column_stack([1 - binarized[:, 0], binarized[:, 0]])
        ref2 = ref
    else:
        binarized = np.asarray(labels if labels.ndim == 2 else y)
        ref2 = ref
    columns = range(ref2.shape[1])
    expected = [sk_auc_or_nan(binarized[:, c], ref2[:, c], weight) for c in columns]
    names = list(result.per_class_auc)
    if task == "binary":
        assert names == ["1"]
    else:
        assert names == [str(c) for c in columns]
    got = np.array(list(result.per_class_auc.values()))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(got, expected, rtol=0, atol=AUC_TOL)

    micro_defined = True
    if task != "binary":
        flat_y, flat_s = binarized.ravel(), ref2.ravel()
        flat_w = None if weight is None else np.repeat(weight, len(columns))
        micro_defined = defined(flat_y, flat_w)
        micro = sk_auc_or_nan(flat_y, flat_s, flat_w)
        if math.isnan(micro):
            assert math.isnan(result.auc_micro)
        else:
            assert abs(result.auc_micro - micro) <= AUC_TOL
        present = ~np.isnan(expected)
        if present.any():
            assert abs(result.auc_macro - np.mean(np.array(expected)[present])) <= AUC_TOL
            prevalence = (binarized * w[:, None]).sum(axis=0)[present]
            assert abs(result.auc_weighted - np.average(np.array(expected)[present], weights=prevalence)) <= AUC_TOL
        else:
            assert math.isnan(result.auc_macro)
        if present.all() and task == "multiclass" and len(columns) > 2:
            for average, value in [
                ("macro", result.auc_macro),
                ("micro", result.auc_micro),
                ("weighted", result.auc_weighted),
            ]:
                sk = roc_auc_score(
                    y,
                    ref2,
                    multi_class="ovr",
                    average=average,
                    sample_weight=weight,
                    labels=list(columns),
                )
                assert abs(value - sk) <= AUC_TOL, average
        if present.all() and task == "multilabel":
            for average, value in [
                ("macro", result.auc_macro),
                ("micro", result.auc_micro),
                ("weighted", result.auc_weighted),
            ]:
                sk = roc_auc_score(binarized, ref2, average=average, sample_weight=weight)
                assert abs(value - sk) <= AUC_TOL, average
    else:
        assert result.auc == result.per_class_auc["1"] or (
            math.isnan(result.auc) and math.isnan(result.per_class_auc["1"])
        )

    # exactly one warning when (and only when) something is undefined or a
    # DeLong interval says nothing
    says_nothing = [
        not math.isnan(value) and interval_says_nothing(binarized[:, c], ref2[:, c], weight)
        for c, value in zip(columns, expected)
    ]
    undefined = np.isnan(expected).any() or not micro_defined or any(says_nothing)
    assert len(record) == (1 if undefined else 0), messages
    for c, value, nothing in zip(names, expected, says_nothing):
        if math.isnan(value) or nothing:
            assert repr(c) in messages[0]

    # log loss and confusion matrix
    if not any_weight:
        assert math.isnan(result.log_loss)
    elif task == "binary":
        assert result.log_loss == pytest.approx(
            log_loss(y, ref, labels=[0, 1], sample_weight=weight), rel=1e-9, abs=1e-12
        )
    elif task == "multiclass":
        assert result.log_loss == pytest.approx(
            log_loss(y, ref, labels=list(columns), sample_weight=weight),
            rel=1e-9,
            abs=1e-12,
        )
    else:
        per_label = [log_loss(binarized[:, c], ref[:, c], labels=[0, 1], sample_weight=weight) for c in columns]
        assert result.log_loss == pytest.approx(np.mean(per_label), rel=1e-9, abs=1e-12)
    cm_weight = weight if any_weight else None
    scale = 1.0 if any_weight else 0.0
    if task == "binary":
        cm = confusion_matrix(
            y,
            (ref >= problem["threshold"]).astype(int),
            labels=[0, 1],
            sample_weight=cm_weight,
        )
    elif task == "multiclass":
        cm = confusion_matrix(y, ref.argmax(axis=1), labels=list(columns), sample_weight=cm_weight)
    else:
        cm = multilabel_confusion_matrix(
            binarized,
            (ref >= problem["threshold"]).astype(int),
            sample_weight=cm_weight,
        )
    np.testing.assert_allclose(result.confusion_matrix, scale * cm, rtol=1e-12, atol=1e-12)

    # exact curves where every sum is exact (no fractional weights)
    if problem["weights"] != "float":
        rtol = 1e-12 if problem["logits"] else 0
        for c, name in zip(columns, names):
            if not math.isnan(expected[c]):
                assert_curve_equals_sklearn(result.curves[name], binarized[:, c], ref2[:, c], weight, rtol)
        if task != "binary" and micro_defined:
            assert_curve_equals_sklearn(result.curves["micro"], flat_y, flat_s, flat_w, rtol)

    # DeLong interval of the binary AUC, frequency weights as repeated rows
    if task == "binary" and not math.isnan(result.auc) and problem["weights"] != "float":
        repeat = np.ones(n, dtype=int) if weight is None else weight.astype(int)
        _, se, ci = delong_reference(np.repeat(y, repeat), np.repeat(ref, repeat))
        if math.isnan(se):
            assert math.isnan(result.auc_se)
        else:
            assert result.auc_se == pytest.approx(se, rel=1e-9, abs=1e-13)
            assert result.auc_ci == pytest.approx(ci, rel=1e-9, abs=1e-13)


@raw_scores
@settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(8_000, 25_000),
    seed=st.integers(0, 2**32 - 1),
    decimals=st.sampled_from([None, 4, 2, 1, 0]),
    n_classes=st.sampled_from([1, 3]),
    prevalence=st.sampled_from([0.5, 0.05, 0.999]),
)
def test_property_large_inputs_equal_sklearn(n, seed, decimals, n_classes, prevalence):
    """Large inputs, where tie groups span any internal chunking: AUC,
    DeLong interval, Youden point and exact curves still equal the references."""
    rng = np.random.default_rng(seed)
    if n_classes == 1:
        y = (rng.uniform(size=n) < prevalence).astype(int)
        y[:4] = [0, 1, 0, 1]  # at least 2 of each: a DeLong interval is defined
        s = rng.normal(0.3 * y, 1.0)
        s = np.round(s, decimals) if decimals is not None else s
        result = evaluate(y, s, max_curve_points=None)
        assert abs(result.auc - roc_auc_score(y, s)) <= AUC_TOL
        assert_curve_equals_sklearn(result.curve, y, s)
        _, se, ci = delong_reference_sorted(y, s)
        assert result.auc_se == pytest.approx(se, rel=1e-9)
        assert result.auc_ci == pytest.approx(ci, rel=1e-9)
        fpr, tpr, thresholds = sk_roc_curve(y, s)
        best = int(np.argmax(tpr - fpr))
        assert result.youden.threshold == thresholds[best]
        called = s >= 0.5
        assert result.at_threshold.sensitivity == pytest.approx(np.mean(called[y == 1]), abs=1e-12)
        thinned = evaluate(y, s, max_curve_points=100)
        if fpr.size > 100:
            assert_subset_of_exact(thinned.curve, fpr, tpr, thresholds, 100)
    else:
        y = rng.choice(n_classes, size=n, p=[prevalence, (1 - prevalence) / 2, (1 - prevalence) / 2])
        y[: 2 * n_classes] = np.tile(np.arange(n_classes), 2)
        p = (
            dirichlet_scores(rng, n, n_classes)
            if decimals is None
            else tied_probabilities(rng, n, n_classes, total=10 ** max(decimals, 1))
        )
        result = evaluate(y, p, max_curve_points=None)
        binarized = label_binarize(y, classes=range(n_classes))
        for c in range(n_classes):
            assert abs(result.per_class_auc[str(c)] - roc_auc_score(binarized[:, c], p[:, c])) <= AUC_TOL
            assert_curve_equals_sklearn(result.curves[str(c)], binarized[:, c], p[:, c])
        assert abs(result.auc_micro - roc_auc_score(binarized.ravel(), p.ravel())) <= AUC_TOL
        assert_curve_equals_sklearn(result.curves["micro"], binarized.ravel(), p.ravel())


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 6),
    n_columns=st.integers(0, 4),
    label_shift=st.integers(-2, 5),
    task=st.sampled_from(["auto", "binary", "multiclass", "multilabel", "both"]),
)
def test_property_bad_shapes_raise_value_error(n, n_columns, label_shift, task):
    """Arbitrary shape/label mismatches: a result or a ValueError, nothing else."""
    rng = np.random.default_rng(n * 100 + n_columns)
    scores = rng.uniform(size=(n, n_columns)) if n_columns else rng.uniform(size=n)
    labels = rng.integers(0, 2, n) + label_shift
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = evaluate(labels, scores, task=task)
    except ValueError as error:
        assert "Received" in str(error)
    else:
        assert n > 0
        limit = 2 if result.task == "binary" else n_columns
        assert labels.min() >= 0 and labels.max() < limit


# ---------------------------------------------------------------------------
# Docstring examples
# ---------------------------------------------------------------------------


def test_docstring_examples_run():
    for module in (keras_roc.metrics, keras_roc):
        failures, attempted = doctest.testmod(module, verbose=False)
        assert failures == 0
        assert attempted > 0
    # the two documented examples are among those run
    finder = doctest.DocTestFinder()
    names = {test.name for test in finder.find(keras_roc.metrics) if test.examples}
    assert "keras_roc.metrics.evaluate" in names
    assert "keras_roc.metrics.roc_curve" in names


@pytest.mark.parametrize("option", ["threshold", "confidence", "max_curve_points"])
def test_boolean_options_are_rejected(option):
    with pytest.raises(ValueError, match=f"`{option}` must be a number, not a boolean"):
        keras_roc.evaluate([0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4], **{option: True})


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("from_logits", [False, True])
def test_overwrite_scores_gives_the_same_result(task, weighted, from_logits):
    """The callbacks let `_evaluate` sort their column-major buffer in place."""
    from keras_roc.metrics import _evaluate

    rng = np.random.default_rng(3)
    n, k = 3000, 5
    if task == "multiclass":
        y = rng.integers(0, k, n)
        p = tied_probabilities(rng, n, k)
    else:
        y = (rng.random((n, k)) < 0.3).astype(int)
        p = np.round(rng.random((n, k)), 2)
    if from_logits:
        p = np.log(p + 0.01)
    w = rng.random(n) if weighted else None
    expected = _evaluate(y, p, sample_weight=w, from_logits=from_logits, task=task)
    buffer = np.asfortranarray(p.astype(np.float32) if not from_logits else p)
    float32_expected = _evaluate(y, buffer.copy(order="F"), sample_weight=w, from_logits=from_logits, task=task)
    result = _evaluate(y, buffer, sample_weight=w, from_logits=from_logits, task=task, overwrite_scores=True)
    assert result.scalars() == float32_expected.scalars()
    np.testing.assert_array_equal(result.confusion_matrix, float32_expected.confusion_matrix)
    for name, curve in float32_expected.curves.items():
        np.testing.assert_array_equal(result.curves[name].fpr, curve.fpr)
        np.testing.assert_array_equal(result.curves[name].tpr, curve.tpr)
    assert abs(result.auc_micro - expected.auc_micro) <= (AUC_TOL if from_logits else 1e-6)
    sorted_in_place = not weighted and not from_logits
    assert (not np.array_equal(buffer, p.astype(buffer.dtype))) == sorted_in_place


def test_row_argmax_in_blocks_equals_numpy(monkeypatch):
    from keras_roc.metrics import _confusion as m

    monkeypatch.setattr(m, "_ARGMAX_BLOCK_ROWS", 7)
    rng = np.random.default_rng(0)
    scores = np.round(rng.random((50, 4)), 1)  # ties: the first maximum wins
    for layout in (scores, np.asfortranarray(scores)):
        np.testing.assert_array_equal(m._row_argmax(layout), np.argmax(scores, axis=1))


# ---------------------------------------------------------------------------
# The package's parts: engines, checks, warnings, pickles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, decimals", [(50, 1), (5000, 2), (30_000, None)])
def test_both_engines_implement_one_interface_and_agree(n, decimals):
    """The sorted and the streaming engine answer the same `ROCEngine`
    queries, none taking an argument, with the same numbers."""
    import inspect

    from keras_roc.metrics._chunks import _binary_chunks
    from keras_roc.metrics._engine import PointCounts, ROCEngine
    from keras_roc.metrics._sorted import _binary_core
    from keras_roc.metrics._streaming import _stream_core

    rng = np.random.default_rng(n)
    y = rng.integers(0, 2, n)
    s = rng.normal(0.5 * y, 1.0)
    s = np.round(s, decimals) if decimals is not None else s
    called = s >= 0.3
    counts = PointCounts(0.3, int((called & (y == 1)).sum()), int((called & (y == 0)).sum()))
    engines = (
        _binary_core(y == 1, s, None, 100, threshold=0.3),
        _stream_core(_binary_chunks(s, y == 1), 100, youden=True, point=counts),
    )
    for engine in engines:
        assert isinstance(engine, ROCEngine)
        for query in ("auc_and_variance", "curve", "point", "youden"):
            assert list(inspect.signature(getattr(engine, query)).parameters) == []
    (auc_a, var_a), (auc_b, var_b) = (e.auc_and_variance() for e in engines)
    assert abs(auc_a - roc_auc_score(y, s)) <= AUC_TOL and abs(auc_b - roc_auc_score(y, s)) <= AUC_TOL
    assert var_a == pytest.approx(var_b, rel=1e-9)
    curve_a, curve_b = (e.curve() for e in engines)
    for field in ("fpr", "tpr", "thresholds"):
        np.testing.assert_array_equal(getattr(curve_a, field), getattr(curve_b, field))
    assert engines[0].point() == engines[1].point()
    assert engines[0].youden() == engines[1].youden()


def test_roc_curve_equals_the_evaluated_curve():
    """`roc_curve` runs one engine, not `evaluate`, for the same curve."""
    from keras_roc.metrics import _evaluate

    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 3000)
    s = np.round(rng.normal(0.4 * y, 1.0), 2)
    for kwargs in (
        {},
        {"sample_weight": rng.random(3000)},
        {"max_curve_points": 50},
        {"sample_weight": rng.integers(0, 3, 3000), "max_curve_points": 7},
    ):
        expected = _evaluate(
            y,
            s,
            task="binary",
            max_curve_points=kwargs.get("max_curve_points"),
            sample_weight=kwargs.get("sample_weight"),
        ).curve
        got = keras_roc.roc_curve(y, s, **kwargs)
        assert got.auc == expected.auc and got.thinned == expected.thinned
        for field in ("fpr", "tpr", "thresholds"):
            np.testing.assert_array_equal(getattr(got, field), getattr(expected, field))


def test_validated_input_is_a_frozen_record():
    from keras_roc.metrics.validation import ValidatedInput

    checked = keras_roc.metrics._validate([0, 1, 1], [0.2, 0.7, 0.9], "auto", ["no", "yes"], None)
    assert isinstance(checked, ValidatedInput)
    assert (checked.task, checked.names, checked.weight) == ("binary", ("no", "yes"), None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked.task = "multiclass"


def test_shared_option_checks():
    from keras_roc.metrics import validation as v

    assert v.check_task("auto") == "auto"
    with pytest.raises(ValueError, match=r"one of 'binary', 'multiclass', 'multilabel'\. Received task='auto'"):
        v.check_task("auto", allow_auto=False)
    assert v.check_threshold(np.float32(0.25)) == 0.25 and type(v.check_threshold(np.int64(2))) is float
    for bad, match in ((True, "not a boolean"), (math.nan, "finite"), ("0.5", "finite")):
        with pytest.raises(ValueError, match=match):
            v.check_threshold(bad)
    assert v.check_probability_threshold(np.float64(1.0)) == 1.0
    for bad in (1.5, -0.1, True, math.nan, None):
        with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
            v.check_probability_threshold(bad)
    assert v.check_int(np.int32(3), "bins", 1) == 3 and type(v.check_int(np.int32(3), "bins", 1)) is int
    with pytest.raises(ValueError, match="`bins` must be a number, not a boolean"):
        v.check_int(True, "bins", 1)
    with pytest.raises(ValueError, match="`bins` must be an integer >= 1. Received 0"):
        v.check_int(0, "bins", 1)
    assert v.check_class_names(["a", 2]) == ("a", "2") and v.check_class_names(None) is None
    with pytest.raises(TypeError, match="not a single string"):
        v.check_class_names("ab")
    with pytest.raises(TypeError, match="sequence of names.*of type int"):
        v.check_class_names(3)
    confidence = np.float32(0.9)
    assert v.check_confidence(confidence) is confidence  # the quantile uses it as given
    with pytest.raises(ValueError, match=r"`confidence` must be a number in \(0, 1\)"):
        v.check_confidence(1.0)
    assert v.check_max_curve_points(np.int64(5)) == 5 and v.check_max_curve_points(None) is None
    with pytest.raises(ValueError, match="`max_curve_points` must be a number, not a boolean"):
        v.check_max_curve_points(False)


@pytest.mark.parametrize("call", ["evaluate", "roc_curve"])
def test_undefined_values_warn_with_undefined_metric_warning(call):
    assert keras_roc.UndefinedMetricWarning is keras_roc.metrics.UndefinedMetricWarning
    assert issubclass(keras_roc.UndefinedMetricWarning, UserWarning)
    assert "UndefinedMetricWarning" in keras_roc.__all__
    assert "UndefinedMetricWarning" in keras_roc.metrics.__all__
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="has no positive samples") as record:
        getattr(keras_roc, call)([0, 0, 0], [0.1, 0.5, 0.9])
    assert len(record) == 1
    assert record[0].filename == __file__  # it points at the caller


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_pickled_results_with_curves_round_trip(task):
    import copy
    import pickle

    rng = np.random.default_rng(9)
    if task == "binary":
        y, s = rng.integers(0, 2, 300), rng.random(300)
    else:
        y, s = rng.integers(0, 3, 300), dirichlet_scores(rng, 300, 3)
    result = evaluate(y, s, sample_weight=rng.random(300))
    for copied in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert type(copied) is keras_roc.ROCResult
        assert copied.scalars() == result.scalars() and copied.notes == result.notes
        assert list(copied.curves) == list(result.curves)
        for name, curve in result.curves.items():
            assert type(copied.curves[name]) is keras_roc.ROCCurve
            for field in ("fpr", "tpr", "thresholds"):
                got = getattr(copied.curves[name], field)
                np.testing.assert_array_equal(got, getattr(curve, field))
                assert not got.flags.writeable
        with pytest.raises(TypeError):
            copied.curves["x"] = None


def test_pickles_made_before_the_package_split_still_load():
    """Pickles name `keras_roc.metrics._rebuild`, `ROCResult`, `OperatingPoint`
    and the old `RocCurve`: each still resolves (the old name warns)."""
    import pickle

    result = evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    text = pickle.dumps(result, protocol=0)  # names as plain text lines
    old = text.replace(b"\nROCCurve\n", b"\nRocCurve\n")
    old = old.replace(b"ckeras_roc.metrics.results\n", b"ckeras_roc.metrics\n")
    assert b"keras_roc.metrics.results" not in old and b"RocCurve" in old
    with pytest.warns(DeprecationWarning, match="ROCCurve"):
        loaded = pickle.loads(old)
    assert loaded.scalars() == result.scalars()
    np.testing.assert_array_equal(loaded.curve.tpr, result.curve.tpr)
    assert type(loaded.curve) is keras_roc.ROCCurve
