"""`plot_roc`: the ROC curves of one `ROCResult`, optionally with a zoom panel."""

from __future__ import annotations

import math

import numpy as np

from keras_roc.figures._common import (
    _EN_DASH,
    MAX_NAMES_IN_NOTE,
    _axes_sequence,
    _check_result,
    _class_colours,
    _fmt_rate,
    _names_note,
    _new_figure,
    _plural,
    _short,
    _single_axes,
)
from keras_roc.figures._roc_axes import (
    _HEIGHT,
    _WIDTH_LEGEND_INSIDE,
    _WIDTH_LEGEND_OUTSIDE,
    LEGEND_INSIDE_MAX_ENTRIES,
    _chance,
    _roc_legend,
    _square_roc_axes,
)
from keras_roc.metrics.validation import check_int

#: Above this many classes, `plot_roc` draws only the averages and the best
#: and worst classes: beyond ~10 colours curves can no longer be told apart.
MAX_READABLE_CURVES = 10

#: How many best and how many worst classes `plot_roc` keeps when it has to
#: leave classes out (3 + 3 + 2 averages stays under MAX_READABLE_CURVES).
N_EXTREME_CLASSES = 3

#: Default zoom window `((x_min, x_max), (y_min, y_max))` on the top-left
#: corner of the ROC square, as in scikit-learn's multiclass ROC tutorial.
DEFAULT_ZOOM = ((0.0, 0.2), (0.8, 1.0))

#: Width (inches) of a new figure with the zoom panel, legend inside the
#: full view or outside, right of the zoom panel.
_ZOOM_WIDTH_LEGEND_INSIDE = 11.6
_ZOOM_WIDTH_LEGEND_OUTSIDE = 13.4
#: Legend entries besides the class curves: two averages and the diagonal.
_EXTRA_ENTRIES = 3

_MICRO_STYLE = dict(color="deeppink", linestyle=":", linewidth=3.0)
_MACRO_STYLE = dict(color="navy", linestyle="--", linewidth=3.0)


def plot_roc(result, *, ax=None, zoom=False, max_curves=MAX_READABLE_CURVES, title=None):
    """Draws the ROC curves of an `ROCResult`, with their AUCs in the legend.

    Binary: the ROC curve (legend: AUC and its DeLong interval), the
    operating point at `result.threshold` and Youden's optimum. Multiclass
    and multilabel: one one-vs-rest curve per class plus the micro- and
    macro-averaged curves (thick dotted and dashed). With more classes than
    `max_curves`, only the averages and the 3 best and 3 worst classes (by
    AUC) are drawn, and the title says so. Classes whose AUC is undefined
    (no positive or no negative sample) are skipped and named in the title.
    The chance diagonal is dashed grey; the axes are the unit square.

    Args:
        result: A `keras_roc.ROCResult` from `keras_roc.evaluate`.
        ax: Axes to draw on. With `zoom`, None or a pair of axes (full view,
            zoom). Defaults to `None` (a new figure).
        zoom: True adds a second panel zooming on the top-left corner
            (`x` in 0..0.2, `y` in 0.8..1), as in scikit-learn's multiclass
            ROC tutorial; a pair `((x_min, x_max), (y_min, y_max))` chooses
            the window. Defaults to `False`.
        max_curves: Most per-class curves drawn before switching to the best
            and worst classes. Defaults to `10`.
        title: Title of the (full-view) axes; notes about classes left out
            are added on a second line. Defaults to `None` (a title from the
            task).

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        TypeError: `result` is not an `ROCResult`, or `ax` is not Axes.
        ValueError: `zoom` with a single Axes, or invalid `max_curves`.

    Example:

    >>> import keras_roc
    >>> result = keras_roc.evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> figure = keras_roc.plot_roc(result, zoom=True)
    >>> len(figure.axes)
    2
    """
    _check_result(result)
    max_curves = check_int(max_curves, "max_curves", 0)
    limits = _zoom_limits(zoom)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"`title` must be a string or None. Received {type(title).__name__}.")

    names, notes = _select_classes(result, max_curves)
    many = result.task != "binary" and len(names) + _EXTRA_ENTRIES > LEGEND_INSIDE_MAX_ENTRIES
    figure, main, zoom_ax = _roc_panels(ax, limits, many)

    _chance(main)
    _draw_roc_curves(main, result, names, with_labels=True)
    _square_roc_axes(main)
    main.set_title(_roc_title(result, title, notes), fontsize="medium")
    if zoom_ax is not None:
        _draw_zoom(zoom_ax, result, names, limits)
    # A long legend goes right of the zoom panel: between the panels it
    # would push them apart.
    _roc_legend(main, outside_of=zoom_ax)
    return figure


def _zoom_limits(zoom):
    """Returns None (no zoom) or ((x_min, x_max), (y_min, y_max))."""
    if zoom is False or zoom is None:
        return None
    if zoom is True:
        return DEFAULT_ZOOM
    try:
        (x0, x1), (y0, y1) = zoom
        limits = tuple(float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise TypeError(
            f"`zoom` must be True, False or ((x_min, x_max), (y_min, y_max)), e.g. {DEFAULT_ZOOM}. Received {zoom!r}."
        ) from None
    x0, x1, y0, y1 = limits
    if not (0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0):
        raise ValueError(
            "`zoom` limits must satisfy 0 <= min < max <= 1 on both axes. "
            f"Received {zoom!r}; the default is {DEFAULT_ZOOM}."
        )
    return (x0, x1), (y0, y1)


def _select_classes(result, max_curves):
    """Class names to draw, in legend order, and notes for the title."""
    names = list(result.class_names) if result.task != "binary" else [result.class_names[1]]
    aucs = np.array([result.per_class_auc[n] for n in names], dtype=np.float64)
    defined = np.isfinite(aucs)
    notes = []
    undefined = [n for n, ok in zip(names, defined) if not ok]
    kept = [n for n, ok in zip(names, defined) if ok]
    if result.task != "binary" and len(kept) > max_curves:
        kept, note = _extreme_classes(result, names, kept, aucs[defined], max_curves)
        notes.append(note)
    if undefined:
        what = "class" if result.task != "multilabel" else "label"
        notes.append(
            f"undefined AUC, not drawn: {_names_note(undefined)}"
            if len(undefined) <= MAX_NAMES_IN_NOTE
            else f"{_plural(len(undefined), what)} with undefined AUC not drawn"
        )
    return kept, notes


def _extreme_classes(result, names, kept, kept_aucs, max_curves):
    """The best and worst of the `kept` classes (none if `max_curves` < 2),
    and the note for the title saying so."""
    # Stable sort, descending AUC: ties keep the class order.
    order = np.argsort(-kept_aucs, kind="stable")
    k = min(N_EXTREME_CLASSES, max_curves // 2)
    chosen = np.r_[order[:k], order[len(order) - k :]] if k else order[:0]
    what = "class" if result.task == "multiclass" else "label"
    if k:
        note = f"showing best {k} and worst {k} of {_plural(len(names), what)}"
    else:
        note = f"averages only; {_plural(len(names), what)} not drawn"
    return [kept[i] for i in chosen], note


def _roc_panels(ax, limits, many):
    """`(figure, full-view axes, zoom axes or None)`, new or from `ax`."""
    if limits is None:
        if ax is None:
            width = _WIDTH_LEGEND_OUTSIDE if many else _WIDTH_LEGEND_INSIDE
            figure = _new_figure(width, _HEIGHT)
            main = figure.add_subplot()
        else:
            figure, main = _single_axes(ax, "plot_roc", " With zoom=True pass a pair of axes.")
        return figure, main, None
    if ax is None:
        width = _ZOOM_WIDTH_LEGEND_OUTSIDE if many else _ZOOM_WIDTH_LEGEND_INSIDE
        figure = _new_figure(width, _HEIGHT)
        main, zoom_ax = figure.subplots(1, 2)
    else:
        main, zoom_ax = _axes_sequence(ax, 2, "plot_roc(zoom=True)", "two panels (full view and zoom)")
        figure = main.figure
    return figure, main, zoom_ax


def _roc_title(result, title, notes):
    """The full view's title: `title` or one from the task, then the notes."""
    if title is None:
        if result.task == "binary":
            title = f"ROC curve (positive class: {_short(result.class_names[1])})"
        elif result.task == "multiclass":
            title = "One-vs-rest ROC curves"
        else:
            title = "Per-label ROC curves"
    if notes:
        title = title + "\n(" + "; ".join(notes) + ")"
    return title


def _draw_zoom(zoom_ax, result, names, limits):
    """The zoom panel: the curves of the full view (unlabelled) in `limits`."""
    (x0, x1), (y0, y1) = limits
    _chance(zoom_ax)
    _draw_roc_curves(zoom_ax, result, names, with_labels=False)
    _square_roc_axes(zoom_ax)
    zoom_ax.set_aspect("auto")
    zoom_ax.set_box_aspect(1.0)
    zoom_ax.set_xlim(x0, x1)
    zoom_ax.set_ylim(y0, y1)
    zoom_ax.set_title(f"Zoom on x {x0:g}{_EN_DASH}{x1:g}, y {y0:g}{_EN_DASH}{y1:g}", fontsize="medium")


def _draw_roc_curves(ax, result, names, *, with_labels):
    """Draws the curves of `names`, the averages or operating points on `ax`."""
    if result.task == "binary":
        _draw_binary_curve(ax, result, names, with_labels)
        _draw_operating_points(ax, result, with_labels)
        return
    _draw_average_curves(ax, result, with_labels)
    for name, colour in zip(names, _class_colours(len(names))):
        curve = result.curves[name]
        ax.plot(
            curve.fpr,
            curve.tpr,
            color=colour,
            linewidth=1.3,
            alpha=0.9,
            label=_label(f"{_short(name)} (AUC = {result.per_class_auc[name]:.3f})", with_labels),
            gid="roc-class",
        )


def _label(text, with_labels):
    """A legend label, or one the legend leaves out."""
    return text if with_labels else "_nolegend_"


def _binary_label(result):
    label = f"AUC = {result.auc:.3f}"
    low, high = result.auc_ci if result.auc_ci is not None else (math.nan, math.nan)
    if np.isfinite(low) and np.isfinite(high):
        label += f" ({result.confidence:.0%} CI {low:.2f}{_EN_DASH}{high:.2f})"
    return label


def _draw_binary_curve(ax, result, names, with_labels):
    """The positive class's curve (unless its AUC is undefined: no `names`)."""
    name = result.class_names[1]
    curve = result.curves[name]
    if names:
        ax.plot(
            curve.fpr,
            curve.tpr,
            color="C0",
            linewidth=2.0,
            label=_label(_binary_label(result), with_labels),
            gid="roc-class",
        )


def _draw_operating_points(ax, result, with_labels):
    """The operating points that are defined: at the threshold, Youden's
    optimum, and at the target specificity / sensitivity when evaluated."""
    points = (
        (result.at_threshold, "o", "C3", "operating-point", "threshold {t:g}: sensitivity {s}, specificity {p}"),
        (result.youden, "*", "C2", "youden", "Youden's optimum {t:.3g}: sensitivity {s}, specificity {p}"),
        (
            getattr(result, "at_specificity", None),
            "s",
            "C4",
            "at-specificity",
            "at specificity {p}: threshold {t:.3g}, sensitivity {s}",
        ),
        (
            getattr(result, "at_sensitivity", None),
            "D",
            "C5",
            "at-sensitivity",
            "at sensitivity {s}: threshold {t:.3g}, specificity {p}",
        ),
    )
    for point, marker, colour, gid, text in points:
        if point is None or not (np.isfinite(point.sensitivity) and np.isfinite(point.specificity)):
            continue
        ax.plot(
            [1.0 - point.specificity],
            [point.sensitivity],
            linestyle="none",
            marker=marker,
            markersize=11 if marker == "*" else 8,
            color=colour,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=5,
            label=_label(
                text.format(t=point.threshold, s=_fmt_rate(point.sensitivity), p=_fmt_rate(point.specificity)),
                with_labels,
            ),
            gid=gid,
        )


def _draw_average_curves(ax, result, with_labels):
    """The micro- and macro-averaged curves, where their AUC is defined."""
    for key, style, text, value in (
        ("micro", _MICRO_STYLE, "micro-average", result.auc_micro),
        ("macro", _MACRO_STYLE, "macro-average", result.auc_macro),
    ):
        curve = result.curves[key]
        if value is None or not np.isfinite(value) or not np.isfinite(curve.tpr).all():
            continue
        ax.plot(
            curve.fpr,
            curve.tpr,
            label=_label(f"{text} (AUC = {value:.3f})", with_labels),
            gid=f"roc-{key}",
            zorder=4,
            **style,
        )
