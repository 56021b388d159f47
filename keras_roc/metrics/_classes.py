"""What multiclass and multilabel evaluation needs beside the engines:
the per-class records, the confusion matrices, the log loss and the
positive entries taken before the scores are sorted, and the rows that are
sorted."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from keras_roc.metrics._confusion import (
    _binary_confusion,
    _confusion,
    _lowest_at_least,
    _row_argmax,
    _scored,
    _subset,
)
from keras_roc.metrics._log_loss import _binary_log_loss, _clipped_log, _weighted_mean
from keras_roc.metrics._scores import _columns
from keras_roc.metrics.results import OperatingPoint, _nan_curve


def _nan_point(threshold):
    return OperatingPoint(threshold, math.nan, math.nan)


@dataclasses.dataclass(frozen=True)
class _PerClass:
    """Each class's AUC, interval, curve and average precision (by name),
    and positive weight."""

    auc: dict
    ci: dict
    curves: dict
    prevalence: list
    average_precision: dict
    at_specificity: dict
    at_sensitivity: dict
    partial_auc: dict


@dataclasses.dataclass(frozen=True, eq=False)
class _Unsorted:
    """What needs the scores before they are sorted: the log loss and, when
    unweighted, the positive entries' scores (for the micro average)."""

    log_loss: float
    micro_positives: np.ndarray | None


def _if_asked(target, per_class):
    """`per_class` (name to point) if a `target` was given, else None."""
    return None if target is None else per_class


def _positive_of(problem, c):
    """Whether each sample is a positive of class (or label) `c`."""
    if problem.task == "multiclass":
        return problem.labels == c
    return problem.labels[:, c] == 1


def _multi_confusion(problem):
    """Multiclass: the confusion matrix of the argmax. Multilabel: each
    label's `[[tn, fp], [fn, tp]]` at the threshold."""
    scores, weight, labels = problem.scores, problem.weight, problem.labels
    n_classes = scores.shape[1]
    scored = None if problem.finite else _scored(scores)
    if scored is not None:  # rows with a NaN score have no decision: left out (noted)
        scores, weight, labels = scores[scored], _subset(weight, scored), labels[scored]
    if problem.task == "multiclass":
        return _confusion(labels, _row_argmax(scores), n_classes, weight)
    bound = _lowest_at_least(problem.options.threshold, scores.dtype)
    return np.stack([_binary_confusion(labels[:, c] == 1, scores[:, c] >= bound, weight) for c in range(n_classes)])


def _before_sorting(problem):
    """The `_Unsorted` of finite scores."""
    labels, scores, weight, dtype = problem.labels, problem.scores, problem.weight, problem.log_dtype
    log_loss = math.nan
    if problem.task == "multiclass":
        chosen = np.take_along_axis(scores, labels[:, None], axis=1)[:, 0]
        if problem.probabilities:
            log_loss = _weighted_mean(-_clipped_log(chosen, dtype), weight)
        return _Unsorted(log_loss, chosen if weight is None else None)
    if problem.probabilities:
        log_loss = float(
            np.mean([_binary_log_loss(labels[:, c] == 1, scores[:, c], weight, dtype) for c in range(scores.shape[1])])
        )
    return _Unsorted(log_loss, scores[labels == 1] if weight is None else None)


def _class_rows(scores, weight, overwrite):
    """One contiguous row per class: the scores themselves when the caller
    gave them up (`overwrite`, unweighted, a writeable column-major array),
    else a copy."""
    in_place = overwrite and weight is None and scores.flags.f_contiguous and scores.flags.writeable
    return scores.T if in_place else _columns(scores)


def _undefined_classes(names):
    """The `_PerClass` of scores that are not all finite."""
    nan = math.nan
    return _PerClass(
        {name: nan for name in names},
        {name: (nan, nan) for name in names},
        {name: _nan_curve() for name in names},
        [0.0] * len(names),
        {name: nan for name in names},
        {name: _nan_point(nan) for name in names},
        {name: _nan_point(nan) for name in names},
        {name: nan for name in names},
    )
