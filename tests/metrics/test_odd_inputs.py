"""Odd inputs, each with one clear outcome: scores that are not probabilities,
integer scores float64 cannot hold, float labels, samples without a score."""

import tracemalloc

import numpy as np
import pytest
from scipy.special import expit, softmax
from scipy.stats import rankdata
from sklearn.metrics import brier_score_loss, confusion_matrix, log_loss, multilabel_confusion_matrix, roc_auc_score

import keras_roc
from keras_roc import UndefinedMetricWarning, evaluate
from keras_roc.metrics import _validate

RNG = np.random.default_rng(13)


# -- scores outside [0, 1] without from_logits ---------------------------------


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_scores_outside_unit_interval_give_nan_log_loss_and_name_the_fix(task):
    n = 300
    if task == "binary":
        y = RNG.integers(0, 2, n)
        logits = RNG.normal(y, 1.0)
    elif task == "multiclass":
        y = RNG.integers(0, 3, n)
        logits = RNG.normal(size=(n, 3)) + np.eye(3)[y]
    else:
        y = RNG.integers(0, 2, (n, 3))
        logits = RNG.normal(y, 1.0)
    with pytest.warns(
        UndefinedMetricWarning, match=r"outside \[0, 1\] \(lowest -[\d.]+, highest [\d.]+\).*from_logits=True"
    ):
        raw = evaluate(y, logits)
    assert np.isnan(raw.log_loss) and np.isnan(raw.brier_score) and np.isnan(raw.calibration_error)
    assert raw.calibration is None
    # The ranking metrics rank the scores as given.
    if task == "binary":
        assert raw.auc == pytest.approx(roc_auc_score(y, logits), abs=1e-12)
    # Said to be logits, the same scores are probabilities after sigmoid/softmax.
    fixed = evaluate(y, logits, from_logits=True)
    prob = softmax(logits, axis=1) if task == "multiclass" else expit(logits)
    expected = log_loss(y, prob) if task != "multilabel" else np.mean([log_loss(y[:, c], prob[:, c]) for c in range(3)])
    assert fixed.log_loss == pytest.approx(expected, rel=1e-9)
    if task == "binary":
        assert fixed.brier_score == pytest.approx(brier_score_loss(y, prob), rel=1e-9)


def test_probabilities_at_the_bounds_are_probabilities():
    y = np.array([0, 1, 0, 1])
    result = evaluate(y, np.array([0.0, 1.0, 0.25, 0.75]))  # warnings are errors
    assert np.isfinite(result.log_loss)


# -- integer scores beyond 2**53 -----------------------------------------------


@pytest.mark.parametrize("big", [2**53 + 1, -(2**53) - 1, 2**62 + 1])
@pytest.mark.parametrize("container", [np.array, list])
def test_integer_scores_float64_cannot_hold_are_rejected_with_the_fix(big, container):
    y = [0, 1, 0, 1]
    scores = container([big, big + 1, 7, big + 2]) if big > 0 else container([big, big + 1, 7, big - 1])
    with pytest.raises(ValueError, match=r"integers beyond \+-2\*\*53.*rankdata"):
        evaluate(y, scores)


def test_ranks_of_such_integers_give_the_exact_auc():
    base = 2**60
    scores = np.array([base, base + 1, base + 2, base + 3, base + 4], dtype=np.int64)
    y = np.array([0, 1, 0, 1, 1])
    # In float64 all five scores tie (AUC 0.5); their order gives 5/6.
    assert np.unique(scores.astype(np.float64)).size == 1
    assert evaluate(y, rankdata(scores) / scores.size).auc == pytest.approx(5 / 6, abs=1e-15)


def test_integer_scores_up_to_2_53_are_exact():
    scores = np.array([2**53, 2**53 - 1, -(2**53), 0], dtype=np.int64)
    y = np.array([1, 0, 0, 1])
    with pytest.warns(UndefinedMetricWarning, match="outside"):  # not probabilities
        result = evaluate(y, scores)
    assert result.auc == roc_auc_score(y, scores.astype(np.float64))


# -- float labels --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_multilabel_labels_are_not_copied(dtype):
    n, k = 20_000, 20
    labels = (RNG.random((n, k)) < 0.3).astype(dtype)
    scores = RNG.random((n, k)).astype(np.float32)
    checked = _validate(labels, scores, "auto", None, None)
    assert checked.task == "multilabel" and np.shares_memory(checked.labels, labels)
    tracemalloc.start()
    try:
        _validate(labels, scores, "auto", None, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < labels.nbytes / 4, (peak, labels.nbytes)  # no full-size temporary either
    result = evaluate(labels, scores)
    assert result.auc_micro == pytest.approx(roc_auc_score(labels, scores, average="micro"), abs=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_binary_labels_are_not_copied(dtype):
    labels = RNG.integers(0, 2, 1000).astype(dtype)
    scores = RNG.random(1000)
    assert np.shares_memory(_validate(labels, scores, "auto", None, None).labels, labels)
    assert evaluate(labels, scores).auc == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_float_class_indices_index_the_score_columns():
    y = RNG.integers(0, 3, 200)
    prob = softmax(RNG.normal(size=(200, 3)), axis=1)
    result = evaluate(y.astype(np.float32), prob)
    assert result.auc == pytest.approx(roc_auc_score(y, prob, multi_class="ovr"), abs=1e-12)
    np.testing.assert_array_equal(result.confusion_matrix, confusion_matrix(y, prob.argmax(1), labels=[0, 1, 2]))


@pytest.mark.parametrize("bad", [0.5, np.nan, 2.0**63])
def test_float_labels_that_are_no_indices_are_still_rejected(bad):
    labels = np.zeros((70_000, 2), np.float32)
    labels[:, 0] = 1
    labels[69_999] = [bad, 0.0]  # in the last block of rows
    with pytest.raises(ValueError, match="y_true"):
        evaluate(labels, np.full((70_000, 2), 0.5))


# -- samples without a score ------------------------------------------------------


def _with_nan_rows(scores, rows):
    scores = scores.copy()
    scores[rows] = np.nan
    return scores


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_samples_with_nan_scores_are_left_out_of_the_confusion_matrix(task, weighted):
    n, nan_rows = 200, [3, 50, 51, 199]
    weight = RNG.uniform(0.5, 2.0, n) if weighted else None
    if task == "binary":
        y, prob = RNG.integers(0, 2, n), RNG.random(n)
    elif task == "multiclass":
        y, prob = RNG.integers(0, 3, n), softmax(RNG.normal(size=(n, 3)), axis=1)
    else:
        y, prob = RNG.integers(0, 2, (n, 3)), RNG.random((n, 3))
    scores = _with_nan_rows(prob, nan_rows)
    if task == "multilabel":
        scores[7, 1] = np.nan  # one NaN in a row leaves the whole row out
        nan_rows = sorted(nan_rows + [7])
    kept = np.setdiff1d(np.arange(n), nan_rows)
    w = None if weight is None else weight[kept]
    with pytest.warns(
        UndefinedMetricWarning,
        match=rf"; {len(nan_rows)} with NaN scores are left out of the confusion matrix\.",
    ):
        result = evaluate(y, scores, sample_weight=weight)
    if task == "binary":
        expected = confusion_matrix(y[kept], prob[kept] >= 0.5, sample_weight=w)
    elif task == "multiclass":
        expected = confusion_matrix(y[kept], prob[kept].argmax(1), labels=[0, 1, 2], sample_weight=w)
    else:
        expected = multilabel_confusion_matrix(y[kept], prob[kept] >= 0.5, sample_weight=w)
    np.testing.assert_allclose(result.confusion_matrix, expected, rtol=1e-12)
    assert np.isnan(result.auc)


def test_infinite_scores_keep_their_decision():
    y = np.array([0, 1, 1, 0])
    with pytest.warns(UndefinedMetricWarning, match="NaN or infinite") as record:
        result = evaluate(y, np.array([0.1, np.inf, 0.9, 0.2]))
    assert not any("left out" in str(r.message) for r in record)
    np.testing.assert_array_equal(result.confusion_matrix, [[2, 0], [0, 2]])
    assert keras_roc.evaluate(y, np.array([0.1, 0.8, 0.9, 0.2])).auc == 1.0
