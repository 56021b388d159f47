"""`plot_cv_roc`: cross-validated ROC curves, their mean and a ±1 std band.

The numbers come from `keras_roc.metrics.cross_validation` (`cv_roc_summary`,
`CVROCSummary`, re-exported by `keras_roc.figures`); the drawing takes them
from a `CVROCSummary` only.
"""

from __future__ import annotations

import numpy as np

from keras_roc.figures._common import (
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
from keras_roc.metrics._warnings import warn_undefined
from keras_roc.metrics.cross_validation import (
    _fold_results,
    _summarize,
    _undefined_folds_notes,
)
from keras_roc.metrics.validation import check_int

# ----------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------


def plot_cv_roc(folds, *, ax=None, title=None, grid_points=101):
    """Draws cross-validated ROC curves: each fold, the mean and a ±1 std band.

    Each fold's curve is thin and translucent ("fold k (AUC = ...)"), the
    mean curve thick ("mean ROC (AUC = mean ± std)", over the folds' AUCs),
    with a grey band of ±1 standard deviation of the TPR (clipped to
    [0, 1]) and the chance diagonal, as in scikit-learn's cross-validation
    ROC example. The numbers come from `cv_roc_summary`; folds with an
    undefined AUC are left out, with an `UndefinedMetricWarning`.

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
    grid_points = check_int(grid_points, "grid_points", 2)
    results = _fold_results(folds, "plot_cv_roc")
    summary = _summarize(results, grid_points)
    warn_undefined(_undefined_folds_notes(results))
    # Legend entries: each fold, the mean, the band and the chance diagonal.
    figure, axis = _figure_and_axes(ax, "plot_cv_roc", _roc_width(len(results) + 3), _HEIGHT)
    _draw_folds(axis, results)
    _draw_mean(axis, summary)
    _chance(axis)
    _square_roc_axes(axis)
    n_defined = int(np.isfinite(summary.fold_aucs).sum())
    axis.set_title(title if title is not None else f"ROC over {n_defined} folds", fontsize="medium")
    _roc_legend(axis)
    return figure


def _draw_folds(axis, results):
    """Each fold's curve, thin and translucent (folds with an undefined AUC
    keep their colour but are not drawn)."""
    colours = _class_colours(len(results))
    for k, (result, colour) in enumerate(zip(results, colours), start=1):
        if not np.isfinite(result.auc):
            continue
        axis.plot(
            result.curve.fpr,
            result.curve.tpr,
            color=colour,
            linewidth=1.0,
            alpha=0.45,
            label=f"fold {k} (AUC = {result.auc:.3f})",
            gid="roc-fold",
        )


def _draw_mean(axis, summary):
    """The mean curve and its band of ±1 standard deviation, clipped to [0, 1]."""
    axis.plot(
        summary.mean_fpr,
        summary.mean_tpr,
        color="navy",
        linewidth=2.5,
        zorder=4,
        label=f"mean ROC (AUC = {summary.mean_auc:.3f} \u00b1 {summary.std_auc:.3f})",
        gid="roc-mean",
    )
    axis.fill_between(
        summary.mean_fpr,
        np.clip(summary.mean_tpr - summary.std_tpr, 0.0, 1.0),
        np.clip(summary.mean_tpr + summary.std_tpr, 0.0, 1.0),
        color="grey",
        alpha=0.25,
        linewidth=0,
        label="\u00b1 1 std. dev.",
        gid="std-band",
    )
