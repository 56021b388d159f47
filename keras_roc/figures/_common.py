"""Checks and helpers shared by the figure functions.

Every argument check used by more than one figure lives here, so that the
figures word their errors the same way: `_check_result`, `_single_axes`,
`_axes_sequence` and the `_evaluate` wrapper; checks of options that other
keras_roc functions share too (`check_int`, `check_threshold`,
`check_class_names`, ...) are `keras_roc.metrics.validation`'s. The rest
are small helpers: new figures, panel grids, name shortening and colours.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from keras_roc import metrics

#: Class names longer than this are shortened with an ellipsis on axes.
MAX_NAME_CHARS = 20
#: At most this many names are listed in a "not drawn" note.
MAX_NAMES_IN_NOTE = 3

_EN_DASH = "\u2013"
#: Resolution of new figures and the default of `figure_to_png`: the two
#: agree, so `figure_to_png` takes its one-draw path by default.
_FIGURE_DPI = 100


# ----------------------------------------------------------------------------
# Figures and axes
# ----------------------------------------------------------------------------


def _new_figure(width, height, *, fixed_aspect=True):
    # "compressed" is constrained layout for fixed-aspect axes (ROC squares,
    # heat maps): it packs them without gaps and keeps outside legends in.
    layout = "compressed" if fixed_aspect else "constrained"
    return Figure(figsize=(width, height), dpi=_FIGURE_DPI, layout=layout)


def _figure_and_axes(ax, function, width, height, *, fixed_aspect=True, hint=""):
    """`(figure, axes)`: a new `width` x `height` figure with one axes for
    `ax=None`, else the figure of the one `Axes` passed (checked)."""
    if ax is None:
        figure = _new_figure(width, height, fixed_aspect=fixed_aspect)
        return figure, figure.add_subplot()
    return _single_axes(ax, function, hint)


def _single_axes(ax, function, hint=""):
    """Returns (figure, axes) for `ax=None` or one `Axes`; raises otherwise."""
    if isinstance(ax, Axes):
        return ax.figure, ax
    raise TypeError(
        f"`ax` of `{function}` must be None or one matplotlib `Axes`. "
        f"Received an object of type {type(ax).__name__}.{hint}"
    )


def _axes_sequence(ax, count, function, what):
    """Checks that `ax` is a sequence of exactly `count` Axes; returns a list."""
    if isinstance(ax, Axes):
        raise ValueError(
            f"`{function}` draws {what} and needs `ax=None` or a sequence of "
            f"{count} matplotlib `Axes`. Received a single Axes. Pass "
            f"`ax=None`, or e.g. `Figure().subplots(1, {count})`."
        )
    if isinstance(ax, np.ndarray):
        ax = ax.ravel().tolist()
    if not isinstance(ax, Sequence) or isinstance(ax, str):
        raise TypeError(
            f"`ax` of `{function}` must be None or a sequence of {count} "
            f"matplotlib `Axes`. Received an object of type {type(ax).__name__}."
        )
    ax = list(ax)
    bad = [type(a).__name__ for a in ax if not isinstance(a, Axes)]
    if bad:
        raise TypeError(
            f"`ax` of `{function}` must hold matplotlib `Axes`. Received "
            f"elements of type {', '.join(sorted(set(bad)))}."
        )
    if len(ax) != count:
        raise ValueError(
            f"`{function}` draws {what} and needs exactly {count} Axes in "
            f"`ax`. Received {len(ax)}. Pass `ax=None` to get a new figure."
        )
    return ax


def _panels(ax, n_panels, rows, columns, new_figure, function, what):
    """`(figure, axes)`: a rows x columns grid of `n_panels` new axes, or the
    `n_panels` axes the caller passed as `ax`."""
    if ax is None:
        figure = new_figure()
        grid = np.atleast_1d(figure.subplots(rows, columns)).ravel().tolist()
        for extra in grid[n_panels:]:
            extra.remove()
        return figure, grid[:n_panels]
    if n_panels == 1 and isinstance(ax, Axes):
        ax = [ax]
    axes = _axes_sequence(ax, n_panels, function, what)
    return axes[0].figure, axes


# ----------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------


def _check_result(result, argument="result"):
    if not isinstance(result, metrics.ROCResult):
        raise TypeError(
            f"`{argument}` must be a `keras_roc.ROCResult`, as returned by "
            f"`keras_roc.evaluate(y_true, y_score)`. Received an object of "
            f"type {type(result).__name__}. Evaluate the predictions first."
        )


def _evaluate(where, y_true, y_score, **options):
    """`metrics._evaluate` (no warning: the notes are in the result), with
    errors naming `where`."""
    try:
        return metrics._evaluate(y_true, y_score, **options)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


# ----------------------------------------------------------------------------
# Texts and colours
# ----------------------------------------------------------------------------


def _short(name):
    name = str(name)
    if len(name) <= MAX_NAME_CHARS:
        return name
    return name[: MAX_NAME_CHARS - 1] + "\u2026"


def _names_note(names):
    shown = ", ".join(repr(n) for n in names[:MAX_NAMES_IN_NOTE])
    if len(names) > MAX_NAMES_IN_NOTE:
        shown += f" and {len(names) - MAX_NAMES_IN_NOTE} more"
    return shown


def _fmt_rate(value):
    return "undefined" if not np.isfinite(value) else f"{value:.2f}"


def _plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "es" if word.endswith("s") else "s")


def _class_colours(n):
    """`n` distinguishable colours: tab10, tab20, then a sampled colormap."""
    if n <= 10:
        return [matplotlib.colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [matplotlib.colormaps["tab20"](i) for i in range(n)]
    return list(matplotlib.colormaps["viridis"](np.linspace(0.0, 0.95, n)))
