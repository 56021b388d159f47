"""Cross-validated ROC: the mean curve and AUC over folds (`cv_roc_summary`,
`CVROCSummary`).

`keras_roc.figures.plot_cv_roc` draws this summary; the steps it shares
with `cv_roc_summary` are `_fold_results`, `_summarize` and
`_undefined_folds_notes`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from keras_roc.metrics._warnings import warn_undefined
from keras_roc.metrics.evaluation import _evaluate
from keras_roc.metrics.results import ROCResult
from keras_roc.metrics.validation import check_int


@dataclasses.dataclass(frozen=True)
class CVROCSummary:
    """Mean ROC curve and AUC over cross-validation folds. Arrays read-only.

    (`CvRocSummary` is the deprecated old name.)

    Attributes:
        mean_fpr: The common false-positive-rate grid, `linspace(0, 1, k)`.
        mean_tpr: Mean over folds of each fold's TPR interpolated on the
            grid (first point 0, last point 1).
        std_tpr: Standard deviation over folds of the interpolated TPRs.
        fold_aucs: Each fold's exact AUC, in fold order.
        mean_auc: Mean of the defined fold AUCs.
        std_auc: Standard deviation (`ddof=0`, as `np.std`) of the defined
            fold AUCs.
    """

    mean_fpr: np.ndarray
    mean_tpr: np.ndarray
    std_tpr: np.ndarray
    fold_aucs: np.ndarray
    mean_auc: float
    std_auc: float

    def __post_init__(self):
        for name in ("mean_fpr", "mean_tpr", "std_tpr", "fold_aucs"):
            array = np.array(getattr(self, name), dtype=np.float64)
            array.flags.writeable = False
            object.__setattr__(self, name, array)


def cv_roc_summary(folds, *, grid_points=101):
    """Mean ROC curve, its ±1 std band and the mean AUC over CV folds.

    As in scikit-learn's example "Receiver Operating Characteristic (ROC)
    with cross validation": each fold's TPR is interpolated on a common FPR
    grid `np.linspace(0, 1, grid_points)` (first point set to 0), averaged
    (last point set to 1) and its standard deviation taken across folds. The
    mean and standard deviation of the AUC are over the folds' exact AUCs.
    Folds with an undefined AUC (a fold without positives or negatives) are
    left out, with an `UndefinedMetricWarning`.

    Args:
        folds: Sequence of binary `ROCResult`s, or of `(y_true, y_score)`
            pairs (optionally `(y_true, y_score, sample_weight)`).
        grid_points: Points of the common FPR grid. Defaults to `101`.

    Returns:
        A frozen `CVROCSummary`.

    Raises:
        TypeError: `folds` is not a sequence of results or pairs.
        ValueError: No folds, a non-binary fold, or invalid `grid_points`.

    Example:

    >>> import keras_roc
    >>> summary = keras_roc.cv_roc_summary(
    ...     [([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), ([0, 1, 0, 1], [0.2, 0.9, 0.1, 0.6])])
    >>> round(summary.mean_auc, 3), round(summary.std_auc, 3)
    (0.875, 0.125)
    """
    grid_points = check_int(grid_points, "grid_points", 2)
    results = _fold_results(folds, "cv_roc_summary")
    summary = _summarize(results, grid_points)
    warn_undefined(_undefined_folds_notes(results))
    return summary


def _fold_results(folds, function):
    """Each fold as a binary `ROCResult` (evaluating (y_true, y_score) pairs)."""
    if isinstance(folds, (str, bytes, Mapping, np.ndarray)) or not isinstance(folds, Sequence):
        raise TypeError(
            f"`folds` of `{function}` must be a list of binary `ROCResult`s or of "
            "(y_true, y_score) pairs, one per fold. Received "
            f"{type(folds).__name__}."
        )
    if not folds:
        raise ValueError(f"`folds` of `{function}` is empty: pass one `ROCResult` or (y_true, y_score) pair per fold.")
    results = []
    for k, fold in enumerate(folds, start=1):
        result = _fold_result(k, fold)
        if result.task != "binary":
            raise ValueError(
                f"fold {k} is a {result.task} result; cross-validated ROC curves "
                "need binary results. Evaluate one class against the rest, e.g. "
                "`evaluate(y == c, scores[:, c])`."
            )
        results.append(result)
    return results


def _fold_result(k, fold):
    """Fold `k` (counted from 1) as an `ROCResult`, evaluated if a pair."""
    if isinstance(fold, ROCResult):
        return fold
    if isinstance(fold, (tuple, list)) and len(fold) in (2, 3):
        y_true, y_score, *weight = fold
        # No warning here: `_undefined_folds_notes` reports undefined folds once.
        try:
            return _evaluate(y_true, y_score, task="binary", sample_weight=weight[0] if weight else None)
        except ValueError as error:
            raise ValueError(f"fold {k}: {error}") from None
    raise TypeError(
        f"fold {k} must be a binary `ROCResult` or a (y_true, y_score) "
        f"pair (optionally with sample_weight). Received "
        f"{type(fold).__name__}" + (f" of length {len(fold)}." if isinstance(fold, (tuple, list)) else ".")
    )


def _summarize(results, grid_points):
    """The `CVROCSummary` of binary `results` (the folds with an undefined
    AUC left out)."""
    aucs = np.array([r.auc for r in results], dtype=np.float64)
    defined = np.isfinite(aucs)
    if not defined.any():
        raise ValueError(
            "Every fold has an undefined AUC (each lacks positive or negative "
            "samples); use stratified folds, e.g. `sklearn.model_selection."
            "StratifiedKFold`."
        )
    grid = np.linspace(0.0, 1.0, grid_points)
    tprs = np.stack([np.interp(grid, r.curve.fpr, r.curve.tpr) for r, ok in zip(results, defined) if ok])
    tprs[:, 0] = 0.0
    mean_tpr = tprs.mean(axis=0)
    mean_tpr[-1] = 1.0
    return CVROCSummary(
        mean_fpr=grid,
        mean_tpr=mean_tpr,
        std_tpr=tprs.std(axis=0),
        fold_aucs=aucs,
        mean_auc=float(aucs[defined].mean()),
        std_auc=float(aucs[defined].std()),
    )


def _undefined_folds_notes(results):
    """The note about the folds of `results` with an undefined AUC (left out
    of the summary), in a list; empty if there are none."""
    reasons = [
        f"fold {k}: " + (" ".join(result.notes) or "no positive or no negative samples")
        for k, result in enumerate(results, start=1)
        if not np.isfinite(result.auc)
    ]
    if not reasons:
        return []
    return [
        f"{len(reasons)} of {len(results)} folds have an undefined "
        f"AUC and are left out of the mean curve and mean AUC ({'; '.join(reasons)}). "
        "Use stratified folds, e.g. `sklearn.model_selection.StratifiedKFold`."
    ]
