"""Cross-validated ROC: the summary over folds (`cv_roc_summary`,
`CvRocSummary`) and its figure (`plot_cv_roc`).

The computation (`_fold_results`, `_summarize`) draws nothing; the drawing
takes its numbers from a `CvRocSummary` only.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from keras_roc import metrics
from keras_roc.figures._common import (
    _check_int,
    _class_colours,
    _figure_and_axes,
)
from keras_roc.figures._roc_axes import (
    _HEIGHT,
    _chance,
    _roc_legend,
    _roc_width,
    _square_roc_axes,
)

# ----------------------------------------------------------------------------
# Computation
# ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CvRocSummary:
    """Mean ROC curve and AUC over cross-validation folds. Arrays read-only.

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
    left out, with a warning.

    Args:
        folds: Sequence of binary `ROCResult`s, or of `(y_true, y_score)`
            pairs (optionally `(y_true, y_score, sample_weight)`).
        grid_points: Points of the common FPR grid. Defaults to `101`.

    Returns:
        A frozen `CvRocSummary`.

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
    grid_points = _check_int(grid_points, "grid_points", 2)
    results = _fold_results(folds, "cv_roc_summary")
    # Called here, not deeper: its warning points at the caller of this function.
    return _summarize(results, grid_points)


def _fold_results(folds, function):
    """Each fold as a binary `ROCResult` (evaluating (y_true, y_score) pairs)."""
    if isinstance(folds, (str, bytes, Mapping, np.ndarray)) or not isinstance(folds, Sequence):
        raise TypeError(
            f"`folds` of `{function}` must be a list of binary `ROCResult`s or of "
            "(y_true, y_score) pairs, one per fold. Received "
            f"{type(folds).__name__}."
        )
    if not folds:
        raise ValueError(
            f"`folds` of `{function}` is empty: pass one `ROCResult` or "
            "(y_true, y_score) pair per fold."
        )
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
    if isinstance(fold, metrics.ROCResult):
        return fold
    if isinstance(fold, (tuple, list)) and len(fold) in (2, 3):
        y_true, y_score, *weight = fold
        # No warning here: `_summarize` reports undefined folds once.
        try:
            return metrics._evaluate(y_true, y_score, task="binary",
                                     sample_weight=weight[0] if weight else None)
        except ValueError as error:
            raise ValueError(f"fold {k}: {error}") from None
    raise TypeError(
        f"fold {k} must be a binary `ROCResult` or a (y_true, y_score) "
        f"pair (optionally with sample_weight). Received "
        f"{type(fold).__name__}"
        + (f" of length {len(fold)}." if isinstance(fold, (tuple, list)) else ".")
    )


def _summarize(results, grid_points):
    """The `CvRocSummary` of binary `results`; warns (at the caller of the
    public function that called this) about folds left out."""
    aucs = np.array([r.auc for r in results], dtype=np.float64)
    defined = np.isfinite(aucs)
    if not defined.any():
        raise ValueError(
            "Every fold has an undefined AUC (each lacks positive or negative "
            "samples); use stratified folds, e.g. `sklearn.model_selection."
            "StratifiedKFold`."
        )
    if not defined.all():
        reasons = "; ".join(
            f"fold {k}: " + (" ".join(r.notes) or "no positive or no negative samples")
            for k, (r, ok) in enumerate(zip(results, defined), start=1) if not ok
        )
        warnings.warn(
            f"{int((~defined).sum())} of {len(results)} folds have an undefined "
            f"AUC and are left out of the mean curve and mean AUC ({reasons}). "
            "Use stratified folds, e.g. `sklearn.model_selection.StratifiedKFold`.",
            UserWarning, stacklevel=3,
        )
    grid = np.linspace(0.0, 1.0, grid_points)
    tprs = np.stack([np.interp(grid, r.curve.fpr, r.curve.tpr)
                     for r, ok in zip(results, defined) if ok])
    tprs[:, 0] = 0.0
    mean_tpr = tprs.mean(axis=0)
    mean_tpr[-1] = 1.0
    return CvRocSummary(
        mean_fpr=grid,
        mean_tpr=mean_tpr,
        std_tpr=tprs.std(axis=0),
        fold_aucs=aucs,
        mean_auc=float(aucs[defined].mean()),
        std_auc=float(aucs[defined].std()),
    )


# ----------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------


def plot_cv_roc(folds, *, ax=None, title=None, grid_points=101):
    """Draws cross-validated ROC curves: each fold, the mean and a ±1 std band.

    Each fold's curve is thin and translucent ("fold k (AUC = ...)"), the
    mean curve thick ("mean ROC (AUC = mean ± std)", over the folds' AUCs),
    with a grey band of ±1 standard deviation of the TPR (clipped to
    [0, 1]) and the chance diagonal, as in scikit-learn's cross-validation
    ROC example. The numbers come from `cv_roc_summary`.

    Args:
        folds: Sequence of binary `ROCResult`s, or of `(y_true, y_score)`
            pairs (optionally `(y_true, y_score, sample_weight)`).
        ax: Axes to draw on. Defaults to `None` (a new figure).
        title: Axes title. Defaults to `None` ("ROC over k folds").
        grid_points: Points of the common FPR grid. Defaults to `101`.

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        TypeError: `folds` is not a sequence of results or pairs.
        ValueError: No folds, a non-binary fold, or invalid `grid_points`.

    Example:

    >>> import keras_roc
    >>> figure = keras_roc.plot_cv_roc(
    ...     [([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), ([0, 1, 0, 1], [0.2, 0.9, 0.1, 0.6])])
    >>> figure.axes[0].get_legend().get_texts()[2].get_text()
    'mean ROC (AUC = 0.875 ± 0.125)'
    """
    grid_points = _check_int(grid_points, "grid_points", 2)
    results = _fold_results(folds, "plot_cv_roc")
    # Called here, not deeper: its warning points at the caller of this function.
    summary = _summarize(results, grid_points)
    # Legend entries: each fold, the mean, the band and the chance diagonal.
    figure, axis = _figure_and_axes(ax, "plot_cv_roc", _roc_width(len(results) + 3), _HEIGHT)
    _draw_folds(axis, results)
    _draw_mean(axis, summary)
    _chance(axis)
    _square_roc_axes(axis)
    n_defined = int(np.isfinite(summary.fold_aucs).sum())
    axis.set_title(title if title is not None else f"ROC over {n_defined} folds",
                   fontsize="medium")
    _roc_legend(axis)
    return figure


def _draw_folds(axis, results):
    """Each fold's curve, thin and translucent (folds with an undefined AUC
    keep their colour but are not drawn)."""
    colours = _class_colours(len(results))
    for k, (result, colour) in enumerate(zip(results, colours), start=1):
        if not np.isfinite(result.auc):
            continue
        axis.plot(result.curve.fpr, result.curve.tpr, color=colour, linewidth=1.0,
                  alpha=0.45, label=f"fold {k} (AUC = {result.auc:.3f})", gid="roc-fold")


def _draw_mean(axis, summary):
    """The mean curve and its band of ±1 standard deviation, clipped to [0, 1]."""
    axis.plot(summary.mean_fpr, summary.mean_tpr, color="navy", linewidth=2.5, zorder=4,
              label=f"mean ROC (AUC = {summary.mean_auc:.3f} \u00b1 {summary.std_auc:.3f})",
              gid="roc-mean")
    axis.fill_between(
        summary.mean_fpr,
        np.clip(summary.mean_tpr - summary.std_tpr, 0.0, 1.0),
        np.clip(summary.mean_tpr + summary.std_tpr, 0.0, 1.0),
        color="grey", alpha=0.25, linewidth=0, label="\u00b1 1 std. dev.", gid="std-band",
    )
