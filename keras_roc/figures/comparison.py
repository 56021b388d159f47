"""`plot_roc_comparison`: several classifiers' ROC curves on one chart."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from keras_roc import metrics
from keras_roc.figures._common import (
    _class_colours,
    _evaluate,
    _figure_and_axes,
    _names_note,
    _short,
)
from keras_roc.figures._roc_axes import (
    _HEIGHT,
    _chance,
    _roc_legend,
    _roc_width,
    _square_roc_axes,
)
from keras_roc.metrics._warnings import warn_undefined


def plot_roc_comparison(y_true, scores, *, sample_weight=None, from_logits=False, ax=None, title=None):
    """Draws several classifiers' ROC curves on one chart.

    Each entry of `scores` is evaluated on the same labels (or given as an
    `ROCResult`) and drawn with its AUC in the legend, sorted by AUC,
    best first; e.g. a Keras network against a random forest. Binary
    results show the positive class's curve; multiclass and multilabel
    results their micro-averaged curve (the legend title says so). Entries
    with an undefined AUC are skipped and named in the title.

    Args:
        y_true: Labels shared by every array in `scores`, as for
            `keras_roc.evaluate`. May be None if every value is an
            `ROCResult`.
        scores: Mapping of classifier name to scores (binary `(n,)` arrays,
            or `(n, C)` for multiclass) or to `ROCResult`s.
        sample_weight: Weights `(n,)` for the arrays. Defaults to `None`.
        from_logits: Whether the arrays are logits. Defaults to `False`.
        ax: Axes to draw on. Defaults to `None` (a new figure).
        title: Axes title. Defaults to `None` ("ROC comparison").

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        TypeError: `scores` is not a mapping, or `ax` is not Axes.
        ValueError: Empty `scores`, mixed tasks, missing `y_true`, or the
            input errors of `keras_roc.evaluate`.

    Example:

    >>> import keras_roc
    >>> y = [0, 0, 1, 1]
    >>> figure = keras_roc.plot_roc_comparison(
    ...     y, {"model A": [0.1, 0.4, 0.35, 0.8], "model B": [0.2, 0.1, 0.7, 0.9]})
    >>> [t.get_text() for t in figure.axes[0].get_legend().get_texts()][:2]
    ['model B (AUC = 1.000)', 'model A (AUC = 0.750)']
    """
    _check_scores(scores)
    results = _classifier_results(y_true, scores, sample_weight, from_logits)
    for name, value in scores.items():
        if not isinstance(value, metrics.ROCResult):  # evaluated here: warn of its notes
            warn_undefined(results[str(name)].notes, prefix=f"scores[{name!r}]: ")
    binary = _shared_task(results) == "binary"
    aucs = {n: (r.auc if binary else r.auc_micro) for n, r in results.items()}
    drawn = sorted((n for n in results if np.isfinite(aucs[n])), key=lambda n: -aucs[n])
    undefined = [n for n in results if not np.isfinite(aucs[n])]

    # Legend entries: the classifiers drawn and the chance diagonal.
    figure, axis = _figure_and_axes(ax, "plot_roc_comparison", _roc_width(len(drawn) + 1), _HEIGHT)
    _chance(axis)
    for name, colour in zip(drawn, _class_colours(len(drawn))):
        curve = results[name].curve
        axis.plot(
            curve.fpr,
            curve.tpr,
            color=colour,
            linewidth=2.0,
            label=f"{_short(name)} (AUC = {aucs[name]:.3f})",
            gid="roc-classifier",
        )
    _square_roc_axes(axis)
    if title is None:
        title = "ROC comparison"
    if undefined:
        title += f"\n(undefined AUC, not drawn: {_names_note(undefined)})"
    axis.set_title(title, fontsize="medium")
    # Curves were drawn best first: the legend is sorted by AUC.
    _roc_legend(axis, title=None if binary else "micro-average ROC")
    return figure


def _check_scores(scores):
    if not isinstance(scores, Mapping):
        raise TypeError(
            "`scores` must be a mapping of classifier name to scores (or "
            "`ROCResult`), e.g. {'Keras MLP': p_mlp, 'random forest': p_rf}. "
            f"Received {type(scores).__name__}."
        )
    if not scores:
        raise ValueError(
            "`scores` is empty: pass at least one classifier, e.g. {'Keras MLP': model.predict(x_test)[:, 0]}."
        )


def _classifier_results(y_true, scores, sample_weight, from_logits):
    """Each classifier's `ROCResult` by name (str), evaluating arrays (their
    notes are not issued here)."""
    results = {}
    for name, value in scores.items():
        if isinstance(value, metrics.ROCResult):
            results[str(name)] = value
            continue
        if y_true is None:
            raise ValueError(
                f"`y_true` is None but scores[{name!r}] is an array: pass the "
                "labels, or `ROCResult`s from `keras_roc.evaluate`."
            )
        results[str(name)] = _evaluate(
            f"scores[{name!r}]",
            y_true,
            value,
            from_logits=from_logits,
            sample_weight=sample_weight,
        )
    return results


def _shared_task(results):
    """The task all `results` solve; raises if they differ."""
    tasks = sorted({r.task for r in results.values()})
    if len(tasks) > 1:
        found = ", ".join(f"{n!r}: {r.task}" for n, r in results.items())
        raise ValueError(
            "All classifiers must solve the same task to share one ROC chart. "
            f"Received {found}. Compare binary with binary scores."
        )
    return tasks[0]
