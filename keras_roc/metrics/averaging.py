"""Averages over classes: macro, prevalence-weighted and micro.

* Macro: the mean of the defined per-class AUCs, and the mean of the
  per-class TPRs at the union of their FPRs for the curve
  (`_macro_curve`, as in scikit-learn's multiclass ROC tutorial).
* Weighted: the per-class AUCs weighted by each class's positive weight.
* Micro: one binary problem of every (sample, class) entry. Unweighted, the
  sorted rows of the classes are merged chunk by chunk by the streaming
  engine (`_micro_unweighted`); weighted, the sorted engine sorts every
  entry (`_micro_weighted`). Micro averages have no interval, so neither
  engine computes a variance.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from keras_roc.metrics._engine import _thin
from keras_roc.metrics._sorted import _binary_core
from keras_roc.metrics._streaming import _merged_rows_core
from keras_roc.metrics.results import ROCCurve


@dataclasses.dataclass(frozen=True)
class _ClassAverages:
    """The macro and prevalence-weighted AUCs, and which classes they use."""

    macro: float
    weighted: float
    defined: np.ndarray  # per class: whether its AUC is defined


@dataclasses.dataclass(frozen=True)
class _MicroAverage:
    """The micro-averaged AUC and curve (None: no positive or no negative
    entry), and average precision (NaN: no positive entry)."""

    auc: float
    curve: ROCCurve | None
    average_precision: float = math.nan


def _class_averages(per_class_auc, prevalence):
    """Macro and weighted averages of the defined AUCs of `per_class_auc`
    (name to AUC), weighted by `prevalence` (positive weight per class)."""
    aucs = np.array(list(per_class_auc.values()))
    defined = np.isfinite(aucs)
    auc_macro = float(aucs[defined].mean()) if defined.any() else math.nan
    weights = np.asarray(prevalence)[defined]
    auc_weighted = (
        float(np.dot(aucs[defined], weights) / weights.sum()) if defined.any() and weights.sum() > 0 else math.nan
    )
    return _ClassAverages(auc_macro, auc_weighted, defined)


def _micro_unweighted(rows, positives, max_points, score_nbytes):
    """The micro engine of unweighted scores.

    `rows` are the scores as `(n_classes, n)` rows, each already sorted;
    they are merged chunk by chunk (`_merged_rows_core`), so no sorted copy
    of the whole matrix is made. `positives` are the positive entries'
    scores, taken before any sorting (sorted here, in place).
    """
    positives.sort()
    return _merged_rows_core(rows, positives, max_points, score_nbytes, variance=False)


def _micro_weighted(task, labels, scores, weight, max_points):
    """The micro engine of weighted `(n, n_classes)` scores, as they are."""
    n, n_classes = scores.shape
    if task == "multiclass":
        positive_mask = np.zeros(scores.shape, dtype=bool)
        positive_mask[np.arange(n), labels] = True
    else:
        positive_mask = labels == 1
    return _binary_core(
        positive_mask.ravel(),
        scores.ravel(),
        np.repeat(weight, n_classes),
        max_points,
        variance=False,
    )


def _micro_average(engine):
    """The `_MicroAverage` of a micro engine."""
    if not engine.defined:
        return _MicroAverage(math.nan, None, engine.average_precision())
    return _MicroAverage(engine.auc_and_variance().auc, engine.curve(), engine.average_precision())


def _macro_average_precision(per_class):
    """Mean of the defined (finite) per-class values (name to value): for
    the average precision, the classes with positives. NaN if there is
    none."""
    values = np.array(list(per_class.values()), dtype=np.float64)
    defined = np.isfinite(values)
    return float(values[defined].mean()) if defined.any() else math.nan


def _macro_curve(curves, auc_macro, max_points):
    """Mean TPR over classes at the union of their FPRs (sklearn tutorial)."""
    if not curves:
        return ROCCurve(np.array([0.0, 1.0]), np.array([math.nan] * 2), np.array([math.inf, -math.inf]), auc_macro)
    grid = np.unique(np.concatenate([c.fpr for c in curves]))
    mean_tpr = np.zeros_like(grid)
    for c in curves:
        mean_tpr += np.interp(grid, c.fpr, c.tpr)
    mean_tpr /= len(curves)
    # Thresholds are per class and have no common meaning here.
    thresholds = np.full(grid.shape, np.nan)
    curve = ROCCurve(grid, mean_tpr, thresholds, auc_macro)
    return _thin(curve, max_points)
