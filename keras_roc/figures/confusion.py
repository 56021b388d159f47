"""`plot_confusion_matrix`: annotated heat maps, or 2x2 panels per label."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.colors import Colormap, Normalize

from keras_roc import metrics
from keras_roc.figures._common import (
    _EN_DASH,
    _axes_sequence,
    _new_figure,
    _panels,
    _short,
    _single_axes,
)
from keras_roc.metrics.validation import check_class_names

#: At most this many 2x2 panels for a multilabel confusion matrix.
MAX_LABEL_PANELS = 30
#: Panels per row of the multilabel confusion-matrix grid.
LABEL_PANEL_COLUMNS = 6

#: Confusion-matrix cell size in inches: large cells for few classes,
#: shrinking to the smallest that still fits "0.00" in the smallest font.
MAX_CELL_INCHES = 0.9
MIN_CELL_INCHES = 0.32
#: ...chosen as this many inches divided by the number of classes.
MATRIX_TARGET_INCHES = 4.8
#: A confusion-matrix panel is at least this wide (inches) and at most this.
MIN_MATRIX_INCHES = 2.6
MAX_MATRIX_INCHES = 14.0
#: Cell annotations are dropped above this many classes (unreadable).
MAX_ANNOTATED_CLASSES = 40
#: Font sizes (points) of cell annotations: largest for 2 classes, shrinking
#: with the number of classes down to the smallest legible size.
MAX_CELL_FONT = 12.0
MIN_CELL_FONT = 7.0
#: Width of a colorbar in inches.
COLORBAR_INCHES = 0.18
#: Cells whose colour is darker than this relative luminance get white text.
DARK_LUMINANCE = 0.45

_NORMALIZE_OPTIONS = ("both", "true", None)


def plot_confusion_matrix(result_or_matrix, *, class_names=None, normalize="both", ax=None, cmap="Blues"):
    """Draws a confusion matrix as an annotated heat map.

    Rows are the true classes and columns the predicted ones. Each cell is
    annotated: counts as integers (one decimal when sample weights make them
    fractional), row-normalized values with two decimals; a row without
    samples shows "–". The text is white on dark cells. Cells and fonts
    shrink with the number of classes (readable up to ~40 classes; beyond,
    cells are not annotated). A multilabel result is drawn as one 2x2 panel
    per label (`[[tn, fp], [fn, tp]]`, at most 30 panels).

    Args:
        result_or_matrix: A binary or multiclass `ROCResult`, a multilabel
            one, a `(C, C)` array (rows true, columns predicted, e.g. from
            `sklearn.metrics.confusion_matrix`) or an `(L, 2, 2)` array.
        class_names: Names of the classes (labels for `(L, 2, 2)`). Defaults
            to `None` (the result's names, or "0", "1", ...).
        normalize: `"both"`: counts and row-normalized side by side (two
            axes); `"true"`: only row-normalized (rows sum to 1); `None`:
            only counts. Multilabel panels show counts and, with `"both"`,
            the row fraction below each count. Defaults to `"both"`.
        ax: Axes to draw on: one Axes, a pair for `"both"`, or one per
            label panel for multilabel. Defaults to `None` (a new figure).
        cmap: Colormap name or `Colormap`. Defaults to `"Blues"`.

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        TypeError: Wrong argument types.
        ValueError: Non-square or negative matrix, bad `normalize`, names
            that do not match, or the wrong number of axes.

    Example:

    >>> import keras_roc
    >>> figure = keras_roc.plot_confusion_matrix([[5, 1], [2, 7]])
    >>> [axes.get_title() for axes in figure.axes[:2]]
    ['Counts', 'Normalized (rows sum to 1)']
    """
    _check_normalize(normalize)
    matrix, default_names = _matrix_of(result_or_matrix)
    cmap = _colormap(cmap)

    if matrix.ndim == 3:
        names = _matrix_names(class_names, default_names, matrix.shape[0], "labels")
        return _plot_multilabel_matrices(matrix, names, normalize, ax, cmap)

    n = matrix.shape[0]
    names = _matrix_names(class_names, default_names, n, "classes")
    annotate = n <= MAX_ANNOTATED_CLASSES
    fontsize = _cell_font(n)
    tick_fontsize = float(np.clip(11.0 - 0.1 * n, 7.5, 10.0))
    panels = _matrix_panels(matrix, normalize)
    figure, axes = _matrix_axes(ax, len(panels), names, tick_fontsize)
    for axis, (title, values, texts, norm) in zip(axes, panels):
        _draw_matrix(
            axis,
            values,
            texts if annotate else None,
            names,
            cmap=cmap,
            norm=norm,
            title=title,
            fontsize=fontsize,
            tick_fontsize=tick_fontsize,
        )
    return figure


# ----------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------


def _check_normalize(normalize):
    if normalize not in _NORMALIZE_OPTIONS:
        raise ValueError(
            "`normalize` must be 'both' (counts and row-normalized side by "
            "side), 'true' (row-normalized only) or None (counts only). "
            f"Received normalize={normalize!r}."
        )


def _matrix_of(result_or_matrix):
    """The confusion matrix to draw and the class names that come with it."""
    if isinstance(result_or_matrix, metrics.ROCResult):
        return np.asarray(result_or_matrix.confusion_matrix), result_or_matrix.class_names
    if isinstance(result_or_matrix, (str, bytes, Mapping)) or result_or_matrix is None:
        raise TypeError(
            "`result_or_matrix` must be an `ROCResult` or a (C, C) array of "
            f"counts. Received {type(result_or_matrix).__name__}."
        )
    return _check_matrix(result_or_matrix), None


def _check_matrix(matrix):
    array = np.asarray(matrix)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            "The confusion matrix must hold numbers (counts or weighted sums). "
            f"Received dtype {array.dtype} with shape {array.shape}."
        )
    square = array.ndim == 2 and array.shape[0] == array.shape[1] and array.shape[0] >= 1
    per_label = array.ndim == 3 and array.shape[1:] == (2, 2) and array.shape[0] >= 1
    if not (square or per_label):
        raise ValueError(
            "The confusion matrix must be square, shape (C, C) with rows the "
            "true and columns the predicted classes, or (L, 2, 2) for "
            f"multilabel. Received shape {array.shape}. Pass an `ROCResult` or "
            "`sklearn.metrics.confusion_matrix(y_true, y_pred)`."
        )
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError(
            "The confusion matrix must hold finite, non-negative counts. "
            f"Received values from {array.min()!r} to {array.max()!r}."
        )
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    return array


def _colormap(cmap):
    if isinstance(cmap, Colormap):
        return cmap.with_extremes(bad="0.92")
    if isinstance(cmap, str):
        try:
            return matplotlib.colormaps[cmap].with_extremes(bad="0.92")
        except KeyError:
            raise ValueError(
                f"`cmap` {cmap!r} is not a matplotlib colormap name. Use e.g. "
                "'Blues', 'viridis' or 'Greys', or pass a `Colormap`."
            ) from None
    raise TypeError(
        f"`cmap` must be a colormap name or a `matplotlib.colors.Colormap`. Received {type(cmap).__name__}."
    )


def _matrix_names(class_names, default, n, what):
    names = check_class_names(class_names)
    if names is None:
        return tuple(default) if default is not None else tuple(str(i) for i in range(n))
    if len(names) != n:
        raise ValueError(
            f"`class_names` has {len(names)} names but the confusion matrix has "
            f"{n} {what}. Received class_names={list(names)}."
        )
    return names


# ----------------------------------------------------------------------------
# Values and cell texts
# ----------------------------------------------------------------------------


def _row_normalize(counts):
    """Rows divided by their sums; rows without samples are NaN (no warning)."""
    counts = counts.astype(np.float64)
    sums = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, sums, out=np.full(counts.shape, np.nan), where=sums > 0)


def _count_texts(counts):
    """Cell texts for counts: integers, or 1 decimal for non-integral sums."""
    if counts.dtype.kind in "iu" or np.array_equal(counts, np.round(counts)):
        return np.array([f"{int(v)}" for v in np.round(counts).ravel()]).reshape(counts.shape)
    return np.array([f"{v:.1f}" for v in counts.ravel()]).reshape(counts.shape)


def _fraction_texts(fractions):
    return np.array([_EN_DASH if not np.isfinite(v) else f"{v:.2f}" for v in fractions.ravel()]).reshape(
        fractions.shape
    )


def _matrix_panels(matrix, normalize):
    """(title, values, cell texts, colour scale) of each panel of a (C, C) matrix."""
    panels = []
    if normalize in ("both", None):
        panels.append(
            ("Counts", matrix.astype(np.float64), _count_texts(matrix), Normalize(0.0, max(float(matrix.max()), 1e-12)))
        )
    if normalize in ("both", "true"):
        fractions = _row_normalize(matrix)
        panels.append(("Normalized (rows sum to 1)", fractions, _fraction_texts(fractions), Normalize(0.0, 1.0)))
    return panels


# ----------------------------------------------------------------------------
# Heat maps
# ----------------------------------------------------------------------------


def _cell_font(n_classes):
    return float(np.clip(13.0 - 0.18 * n_classes, MIN_CELL_FONT, MAX_CELL_FONT))


def _matrix_axes(ax, n_panels, names, tick_fontsize):
    """`(figure, axes)` for the `n_panels` heat maps: new, sized for the
    classes and their names, or the axes passed as `ax` (checked)."""
    if ax is None:
        figure = _new_matrix_figure(n_panels, names, tick_fontsize)
        axes = list(figure.subplots(1, n_panels)) if n_panels > 1 else [figure.add_subplot()]
        return figure, axes
    if n_panels == 2:
        axes = _axes_sequence(ax, 2, "plot_confusion_matrix(normalize='both')", "two panels (counts and normalized)")
        return axes[0].figure, axes
    figure, single = _single_axes(ax, "plot_confusion_matrix", " normalize='both' takes a pair of axes.")
    return figure, [single]


def _new_matrix_figure(n_panels, names, tick_fontsize):
    """A figure whose heat maps have cells sized for the number of classes
    and margins for the longest (shortened) tick label."""
    n = len(names)
    cell = float(np.clip(MATRIX_TARGET_INCHES / n, MIN_CELL_INCHES, MAX_CELL_INCHES))
    side = float(np.clip(n * cell, MIN_MATRIX_INCHES, MAX_MATRIX_INCHES))
    longest = max(len(_short(name)) for name in names)
    margin = 0.9 + 0.07 * longest * tick_fontsize / 10.0
    width = n_panels * (side + margin + 0.9) + 0.2
    height = side + margin + 0.7
    return _new_figure(width, height)


def _draw_matrix(ax, values, texts, names, *, cmap, norm, title, fontsize, tick_fontsize, colorbar=True):
    """One heat map with annotated cells. Returns the image."""
    n = values.shape[0]
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, interpolation="nearest")
    if texts is not None:
        for i, j in np.ndindex(texts.shape):
            # Inside the axes: left out of the layout computation (faster).
            ax.text(j, i, "", ha="center", va="center", fontsize=fontsize, gid="cell", in_layout=False)
        _fill_cells(ax, values, texts, cmap, norm)
    ticks = np.arange(n)
    labels = [_short(name) for name in names]
    ax.set_xticks(ticks, labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=tick_fontsize)
    ax.set_yticks(ticks, labels, fontsize=tick_fontsize)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    ax.set_title(title, fontsize="medium")
    ax.tick_params(length=0)
    # White cell borders: two line collections (cheaper than minor ticks).
    edges = np.arange(n + 1) - 0.5
    width = 0.5 if n > 15 else 1.0
    ax.vlines(edges[1:-1], -0.5, n - 0.5, colors="white", linewidth=width)
    ax.hlines(edges[1:-1], -0.5, n - 0.5, colors="white", linewidth=width)
    if colorbar:
        width = ax.get_position().width * ax.figure.get_figwidth()
        ax.figure.colorbar(
            image, ax=ax, fraction=float(np.clip(COLORBAR_INCHES / width, 0.02, 0.08)), pad=0.03, shrink=0.9
        )
    return image


def _fill_cells(ax, values, texts, cmap, norm):
    """Sets the cell annotations of a heat map drawn by `_draw_matrix`."""
    colours = _text_colours(values, cmap, norm)
    cells = [text for text in ax.texts if text.get_gid() == "cell"]
    for text, string, colour in zip(cells, texts.ravel(), colours.ravel()):
        text.set_text(string)
        text.set_color(colour)


def _text_colours(values, cmap, norm):
    """White on dark cells, black on light ones (relative luminance)."""
    rgba = cmap(norm(np.ma.masked_invalid(values)))
    luminance = rgba[..., :3] @ np.array([0.2126, 0.7152, 0.0722])
    dark = (luminance < DARK_LUMINANCE) & np.isfinite(values)
    return np.where(dark, "white", "black")


# ----------------------------------------------------------------------------
# Multilabel: one 2x2 panel per label
# ----------------------------------------------------------------------------


def _plot_multilabel_matrices(matrices, names, normalize, ax, cmap):
    n_labels = matrices.shape[0]
    n_panels = min(n_labels, MAX_LABEL_PANELS)
    columns = min(LABEL_PANEL_COLUMNS, n_panels)
    rows = math.ceil(n_panels / columns)
    figure, axes = _panels(
        ax,
        n_panels,
        rows,
        columns,
        lambda: _new_figure(2.3 * columns + 1.2, 2.4 * rows + 0.7),
        "plot_confusion_matrix",
        f"one 2x2 panel per label ({n_panels})",
    )
    values, texts, norm = _label_panel_values(matrices[:n_panels], normalize)
    image = None
    for index, axis in enumerate(axes):
        image = _draw_matrix(
            axis,
            values[index],
            texts[index],
            ("negative", "positive"),
            cmap=cmap,
            norm=norm,
            title=_short(names[index]),
            fontsize=9.0,
            tick_fontsize=7.0,
            colorbar=False,
        )
        axis.xaxis.label.set_fontsize("small")
        axis.yaxis.label.set_fontsize("small")
        if ax is None:
            _label_outer_panels(axis, index, columns, n_panels)
    what = {None: "counts", "true": "row-normalized", "both": "counts and row fractions"}[normalize]
    heading = f"Per-label confusion matrices ({what})"
    if n_labels > n_panels:
        heading += f"\n(first {n_panels} of {n_labels} labels)"
    figure.suptitle(heading)
    figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02, shrink=0.8)
    return figure


def _label_panel_values(counts, normalize):
    """`(values, cell texts, colour scale)` of the (L, 2, 2) panels: counts
    for `normalize=None`, else row fractions (with counts for "both")."""
    fractions = _row_normalize(counts)
    count_texts = _count_texts(counts)
    if normalize is None:
        return (counts.astype(np.float64), count_texts, Normalize(0.0, max(float(counts.max()), 1e-12)))
    if normalize == "both":
        texts = np.char.add(np.char.add(count_texts, "\n"), _fraction_texts(fractions))
    else:
        texts = _fraction_texts(fractions)
    return fractions, texts, Normalize(0.0, 1.0)


def _label_outer_panels(axis, index, columns, n_panels):
    """Every panel has the same axes: label only the outer ones."""
    if index + columns < n_panels:  # a panel below shows them
        axis.set_xlabel("")
        axis.tick_params(axis="x", labelbottom=False)
    if index % columns:
        axis.set_ylabel("")
        axis.tick_params(axis="y", labelleft=False)
