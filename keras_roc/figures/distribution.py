"""`plot_score_distribution`: histograms of the positives' and negatives' scores."""

from __future__ import annotations

import math
import numbers

import numpy as np

from keras_roc import metrics
from keras_roc.figures._common import (
    _figure_and_axes,
    _fmt_rate,
    _new_figure,
    _panels,
    _short,
)
from keras_roc.metrics._warnings import warn_undefined
from keras_roc.metrics.evaluation import _evaluate_checked
from keras_roc.metrics.validation import check_options, validate

#: At most this many one-vs-rest panels in `plot_score_distribution`
#: (3 rows of 4 small histograms are still readable on one screen).
MAX_SCORE_PANELS = 12
#: Most panels per row of the score-distribution grid.
SCORE_PANEL_COLUMNS = 4
#: Histogram axes are this many times taller than the highest bar, leaving
#: the top free for the legend.
LEGEND_HEADROOM = 1.45
#: No interval is shown: any valid level does (`evaluate`'s default).
_UNUSED_CONFIDENCE = 0.95


def plot_score_distribution(
    y_true, y_score, *, threshold=0.5, class_names=None, from_logits=False, sample_weight=None, bins=50, ax=None
):
    """Histograms of the scores of positives and negatives, with the threshold.

    The chart that explains sensitivity and specificity: each class's scores
    as a density histogram (each area is 1), so the share of the positives'
    area right of the threshold line is the sensitivity and the share of
    the negatives' area left of it is the specificity (both in the legend).

    Binary: one panel. Multiclass: one small one-vs-rest panel per class
    (scores of class `c` for the samples of class `c` against the others;
    the decision is the argmax, so no threshold line). Multilabel: one panel
    per label with the threshold and its sensitivity and specificity. At
    most 12 panels; the title says when classes are left out.

    Inputs are checked exactly as `keras_roc.evaluate` checks them (same
    errors, and the same `UndefinedMetricWarning` for undefined values, but
    none about DeLong intervals, which are not shown); non-finite scores
    are left out of the histograms.

    Args:
        y_true: Labels, as for `keras_roc.evaluate`.
        y_score: Scores, as for `keras_roc.evaluate`.
        threshold: Scores `>=` this are called positive (binary and
            multilabel). Defaults to `0.5`.
        class_names: Names of the classes (binary: negative, positive).
            Defaults to `None` ("0", "1", ...).
        from_logits: Whether `y_score` are logits; the histograms then show
            probabilities. Defaults to `False`.
        sample_weight: Non-negative weights `(n,)` for the histograms and
            rates. Defaults to `None`.
        bins: Number of bins, or increasing bin edges. Defaults to `50`.
        ax: Axes to draw on (binary), or a sequence of one Axes per panel.
            Defaults to `None` (a new figure).

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        ValueError: Invalid labels, scores, weights, threshold or bins (the
            messages of `keras_roc.evaluate`), or the wrong number of axes.

    Example:

    >>> import keras_roc
    >>> figure = keras_roc.plot_score_distribution(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.5)
    >>> figure.axes[0].get_legend().get_texts()[-1].get_text()
    'threshold 0.5: sensitivity 0.50, specificity 1.00'
    """
    # The curves are not drawn: two points each are enough.
    options = check_options(threshold, _UNUSED_CONFIDENCE, 2)
    data = validate(y_true, y_score, "auto", class_names, sample_weight)
    # No interval is drawn, so no note about one.
    result = _evaluate_checked(data, options, from_logits=from_logits, interval_notes=False)
    warn_undefined(result.notes)
    scores = _probabilities(data, from_logits)
    edges = _bin_edges(scores, bins, float(threshold))
    if result.task == "binary":
        return _plot_binary(ax, data, result, scores, edges, threshold)
    return _plot_panels(ax, data, result, scores, edges, threshold)


# ----------------------------------------------------------------------------
# Scores and bins
# ----------------------------------------------------------------------------


def _probabilities(data, from_logits):
    """The scores `evaluate` ranks: probabilities after sigmoid/softmax."""
    scores = metrics._probabilities(data.task, data.scores, from_logits)
    return np.asarray(scores, dtype=np.float64)


def _bin_edges(scores, bins, threshold):
    finite = scores[np.isfinite(scores)]
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"`bins` must be a positive integer. Received {bins}.")
        low = min(float(finite.min()), threshold) if finite.size else 0.0
        high = max(float(finite.max()), threshold) if finite.size else 1.0
        if 0.0 <= low and high <= 1.0:
            low, high = 0.0, 1.0  # probabilities: always the whole [0, 1]
        if high <= low:
            low, high = low - 0.5, high + 0.5
        return np.linspace(low, high, int(bins) + 1)
    edges = np.asarray(bins, dtype=np.float64) if not isinstance(bins, (str, bool)) else None
    if edges is None or edges.ndim != 1 or edges.size < 2 or not (np.diff(edges) > 0).all():
        raise ValueError(
            f"`bins` must be a positive integer or an increasing 1-D array of bin edges. Received {bins!r}."
        )
    return edges


def _are_probabilities(edges):
    """Whether the bins lie within [0, 1], so the x axis shows probabilities."""
    return edges[0] >= 0 and edges[-1] <= 1


# ----------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------


def _histograms(ax, scores, positive, weight, edges, names, *, with_labels):
    """Overlaid density histograms of the positives' and negatives' scores."""
    finite = np.isfinite(scores)
    drawn = 0
    for mask, colour, name in (
        (~positive, "C0", names[0]),
        (positive, "C3", names[1]),
    ):
        mask = mask & finite
        w = None if weight is None else weight[mask]
        total = mask.sum() if w is None else w.sum()
        if not total > 0:
            continue
        ax.hist(
            scores[mask],
            bins=edges,
            weights=w,
            density=True,
            alpha=0.45,
            color=colour,
            histtype="stepfilled",
            edgecolor=colour,
            linewidth=1.0,
            label=name if with_labels else "_nolegend_",
        )
        drawn += 1
    return drawn


def _plot_binary(ax, data, result, scores, edges, threshold):
    """One panel: both classes' histograms, the threshold and its rates."""
    figure, axis = _figure_and_axes(ax, "plot_score_distribution", 7.0, 4.6, fixed_aspect=False)
    names = result.class_names
    positive = data.labels == 1
    _histograms(
        axis,
        scores,
        positive,
        data.weight,
        edges,
        (f"negatives ({_short(names[0])})", f"positives ({_short(names[1])})"),
        with_labels=True,
    )
    point = result.at_threshold
    axis.axvline(
        threshold,
        color="black",
        linestyle="--",
        linewidth=1.5,
        gid="threshold",
        label=f"threshold {threshold:g}: sensitivity {_fmt_rate(point.sensitivity)},"
        f" specificity {_fmt_rate(point.specificity)}",
    )
    axis.set_xlim(edges[0], edges[-1])
    axis.set_xlabel(f"Predicted probability of {_short(names[1])!r}" if _are_probabilities(edges) else "Score")
    axis.set_ylabel("Density (each histogram's area is 1)")
    axis.set_title(f"Score distributions by true class (AUC = {result.auc:.3f})", fontsize="medium")
    axis.set_ylim(0.0, axis.get_ylim()[1] * LEGEND_HEADROOM)
    axis.legend(loc="upper center", fontsize="small", framealpha=0.9)
    axis.grid(True, alpha=0.3)
    return figure


def _plot_panels(ax, data, result, scores, edges, threshold):
    """One one-vs-rest panel per class (multiclass) or label (multilabel)."""
    names = result.class_names
    n_classes = len(names)
    n_panels = min(n_classes, MAX_SCORE_PANELS)
    rows = math.ceil(n_panels / SCORE_PANEL_COLUMNS)
    columns = math.ceil(n_panels / rows)  # balanced rows: 5 panels as 3 + 2
    figure, axes = _panels(
        ax,
        n_panels,
        rows,
        columns,
        lambda: _new_figure(3.4 * columns + 0.4, 2.8 * rows + 0.9, fixed_aspect=False),
        "plot_score_distribution",
        f"one panel per class ({n_panels})",
    )
    multilabel = result.task == "multilabel"
    rates = _label_rates(result) if multilabel else None
    for index, axis in enumerate(axes):
        _class_panel(axis, index, data, result, scores, edges, threshold, rates)
        _finish_panel(axis, index, columns, n_panels, edges)
    heading = (
        "Score distributions, one-vs-rest (density)"
        if not multilabel
        else f"Score distributions per label (threshold {threshold:g})"
    )
    if n_classes > n_panels:
        what = "labels" if multilabel else "classes"
        heading += f"\n(first {n_panels} of {n_classes} {what})"
    figure.suptitle(heading)
    return figure


def _class_panel(axis, index, data, result, scores, edges, threshold, rates):
    """The histograms and title of one class's (or label's) panel."""
    names = result.class_names
    multilabel = result.task == "multilabel"
    positive = (data.labels[:, index] == 1) if multilabel else (data.labels == index)
    _histograms(
        axis,
        scores[:, index],
        positive,
        data.weight,
        edges,
        (
            "other classes" if not multilabel else "label absent",
            "this class" if not multilabel else "label present",
        ),
        with_labels=index == 0,
    )
    heading = f"{_short(names[index])} (AUC = {result.per_class_auc[names[index]]:.3f})"
    if multilabel:
        axis.axvline(
            threshold,
            color="black",
            linestyle="--",
            linewidth=1.2,
            gid="threshold",
            label="threshold" if index == 0 else "_nolegend_",
        )
        sensitivity, specificity = rates
        heading += f"\nsens. {_fmt_rate(sensitivity[index])}, spec. {_fmt_rate(specificity[index])}"
    axis.set_title(heading, fontsize="small")


def _label_rates(result):
    """Each label's sensitivity and specificity at the threshold (NaN where
    undefined), from the multilabel confusion matrices."""
    cm = np.asarray(result.confusion_matrix, dtype=np.float64)
    tn, fp, fn, tp = (cm[:, i, j] for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        sensitivity = np.where(tp + fn > 0, tp / np.where(tp + fn > 0, tp + fn, 1), np.nan)
        specificity = np.where(tn + fp > 0, tn / np.where(tn + fp > 0, tn + fp, 1), np.nan)
    return sensitivity, specificity


def _finish_panel(axis, index, columns, n_panels, edges):
    """Limits, grid, the first panel's legend and the outer panels' labels."""
    axis.set_xlim(edges[0], edges[-1])
    axis.tick_params(labelsize="x-small")
    axis.grid(True, alpha=0.3)
    if index == 0:
        axis.set_ylim(0.0, axis.get_ylim()[1] * LEGEND_HEADROOM)
        axis.legend(fontsize="x-small", loc="upper center", framealpha=0.9)
    if index % columns == 0:
        axis.set_ylabel("Density", fontsize="small")
    if index + columns >= n_panels:  # no panel below this one
        axis.set_xlabel("Predicted probability" if _are_probabilities(edges) else "Score", fontsize="small")
