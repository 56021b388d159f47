"""Brier score and expected calibration error, from the unsorted scores.

Brier score, as scikit-learn's `brier_score_loss` with its default scaling:
binary, the mean squared error of the positive-class probability; multiclass,
the mean over samples of the squared distance between the probability row
and the one-hot truth (a sum over classes, range [0, 2]); multilabel, the
mean over labels of each label's binary Brier score.

Expected calibration error (ECE): the scores are put in `CALIBRATION_BINS`
equal-width bins on [0, 1] (bin `b` holds `b/10 <= p < (b+1)/10`, the last
bin also holds 1.0): binary, the positive-class probability against the
positive label; multiclass, the top-class probability (confidence) against
whether the top class is the true one (accuracy); multilabel, every (sample,
label) entry against its label. ECE is the sum over bins of the bin's share
of the total weight (the number of samples, or entries, or their weight)
times |observed frequency - mean predicted probability|.

Both need probabilities: with a score outside [0, 1] both are NaN (the
caller notes it).
"""

from __future__ import annotations

import math

import numpy as np

from keras_roc.metrics._numeric import _dot
from keras_roc.metrics.results import CalibrationCurve

#: Equal-width bins on [0, 1]: 10 is the usual choice of reliability
#: diagrams, with enough samples per bin on small validation sets.
CALIBRATION_BINS = 10
#: Rows per block: float64 temporaries of this many rows stay far below the
#: size of the scores (as in the log loss).
_BLOCK = 1 << 16


class _BinSums:
    """Weight, weighted predicted probability and weighted hits per bin."""

    def __init__(self):
        self.weight = np.zeros(CALIBRATION_BINS)
        self.predicted = np.zeros(CALIBRATION_BINS)
        self.observed = np.zeros(CALIBRATION_BINS)

    def add(self, prob, hit, weight):
        """Adds probabilities `prob` with outcomes `hit` (booleans) and
        weights `weight` (None: 1 each)."""
        index = np.minimum((prob * CALIBRATION_BINS).astype(np.intp), CALIBRATION_BINS - 1)
        prob = prob.astype(np.float64, copy=False)
        if weight is None:
            self.weight += np.bincount(index, minlength=CALIBRATION_BINS)
            self.predicted += np.bincount(index, prob, minlength=CALIBRATION_BINS)
            self.observed += np.bincount(index, hit, minlength=CALIBRATION_BINS)
        else:
            self.weight += np.bincount(index, weight, minlength=CALIBRATION_BINS)
            self.predicted += np.bincount(index, prob * weight, minlength=CALIBRATION_BINS)
            self.observed += np.bincount(index, np.where(hit, weight, 0.0), minlength=CALIBRATION_BINS)

    def record(self):
        """The `CalibrationCurve` and the expected calibration error."""
        filled = self.weight > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            predicted = np.where(filled, self.predicted / self.weight, np.nan)
            observed = np.where(filled, self.observed / self.weight, np.nan)
        total = self.weight.sum()
        gaps = np.abs(observed[filled] - predicted[filled])
        error = float(_dot(self.weight[filled], gaps) / total) if total > 0 else math.nan
        edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
        return CalibrationCurve(edges, predicted, observed, self.weight.copy()), error


def _calibration(task, labels, scores, weight):
    """`(brier_score, calibration_error, CalibrationCurve or None)` of
    probabilities `scores` (NaN, NaN, None if any is outside [0, 1]).

    In blocks of `_BLOCK` rows, so the float64 temporaries stay small."""
    if not (scores.size and scores.min() >= 0 and scores.max() <= 1):  # no temporaries
        return math.nan, math.nan, None
    sums, squared = _BinSums(), 0.0
    for start in range(0, scores.shape[0], _BLOCK):
        block = slice(start, start + _BLOCK)
        w = None if weight is None else weight[block]
        squared += _block_squares(task, labels[block], scores[block], w, sums)
    total = scores.shape[0] if weight is None else float(weight.sum())
    per_row = 1 if task != "multilabel" else scores.shape[1]  # multilabel: mean over labels
    brier = squared / total / per_row if total > 0 else math.nan
    record, ece = sums.record()
    return brier, ece, record


def _block_squares(task, labels, scores, weight, sums):
    """Adds a block's bins to `sums`; returns its weighted sum of squared
    errors (multiclass: summed over classes; multilabel: over labels)."""
    if task == "binary":
        positive = labels == 1
        error = scores.astype(np.float64) - positive
        sums.add(scores, positive, weight)
        return _weighted_sum(error * error, weight)
    if task == "multiclass":
        rows = np.arange(scores.shape[0])
        chosen = scores[rows, labels].astype(np.float64)
        squares = np.einsum("ij,ij->i", scores, scores, dtype=np.float64)
        top = np.argmax(scores, axis=1)
        sums.add(scores[rows, top], top == labels, weight)
        return _weighted_sum(squares - 2.0 * chosen + 1.0, weight)
    total = 0.0
    for c in range(scores.shape[1]):
        positive = labels[:, c] == 1
        error = scores[:, c].astype(np.float64) - positive
        total += _weighted_sum(error * error, weight)
        sums.add(scores[:, c], positive, weight)
    return total


def _weighted_sum(values, weight):
    return float(values.sum()) if weight is None else float(_dot(values, weight))
