"""`figure_to_png`: a figure as PNG bytes, rendered headless with Agg."""

from __future__ import annotations

import io
import math
import numbers

from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_roc.figures._common import _FIGURE_DPI


def figure_to_png(figure, *, dpi=_FIGURE_DPI):
    """Renders a figure to PNG bytes with the Agg canvas (headless).

    A figure without a drawing canvas (e.g. `Figure()` made without
    `pyplot`) gets a `FigureCanvasAgg` attached; a figure that already has a
    GUI canvas keeps it (matplotlib prints the PNG through Agg anyway).

    Args:
        figure: A `matplotlib.figure.Figure`, e.g. returned by `plot_roc`.
        dpi: Resolution in dots per inch. Defaults to `100`.

    Returns:
        The PNG file as `bytes`.

    Raises:
        TypeError: `figure` is not a `Figure`.
        ValueError: `dpi` is not a positive number.

    Example:

    >>> import keras_roc
    >>> figure = keras_roc.plot_confusion_matrix([[5, 1], [2, 7]])
    >>> keras_roc.figure_to_png(figure)[:4]
    b'\\x89PNG'
    """
    if not isinstance(figure, Figure):
        hint = ""
        if hasattr(figure, "get_figure"):
            hint = " For a SubFigure or Axes, pass `obj.get_figure(root=True)`."
        raise TypeError(
            "`figure` must be a `matplotlib.figure.Figure` (e.g. returned by "
            f"`keras_roc.plot_roc`). Received {type(figure).__name__}.{hint}"
        )
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not (math.isfinite(dpi) and dpi > 0):
        raise ValueError(f"`dpi` must be a positive number. Received {dpi!r}.")
    if type(figure.canvas) is FigureCanvasBase:
        FigureCanvasAgg(figure)  # attaches itself as figure.canvas
    if type(figure.canvas) is FigureCanvasAgg and dpi == figure.dpi:
        return _print_png(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _print_png(figure):
    """PNG bytes of a figure on an Agg canvas, drawn once at its own dpi.

    `savefig` draws a figure with a layout engine twice (once to lay it out,
    once to render); the Agg canvas's own `print_png` lays out and renders in
    one draw, and gives the same pixels.
    """
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer)
    return buffer.getvalue()
