"""What the drawing helper keeps between epochs to draw faster.

The callbacks draw the same kinds of figures every epoch. `_LayoutMemory`
reuses the layout of an earlier ROC figure that matches a new one;
`_RefillableMatrix` refills a confusion-matrix figure drawn before with a
new matrix of the same classes; `_remember` is the small
least-recently-used store of both (the layouts here, the refillable
figures in `keras_roc._render`). The PNG bytes are those of a figure drawn
anew.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

from keras_roc import metrics
from keras_roc.figures.confusion import (
    _NORMALIZE_OPTIONS,
    _fill_cells,
    _matrix_panels,
    plot_confusion_matrix,
)
from keras_roc.figures.png import _print_png, figure_to_png


def _remember(cache, key, value, size):
    """Puts `value` last in the dict `cache` (most recently used) and drops
    the least recently used entries beyond `size`."""
    cache.pop(key, None)
    cache[key] = value
    while len(cache) > size:
        cache.pop(next(iter(cache)))


class _LayoutMemory:
    """Reuses the layout of a figure drawn before for a new one that matches it.

    Constrained layout places the axes from the sizes of the texts around
    them (titles, axis labels, legends outside the axes; tick labels follow
    from the limits). The callbacks' ROC figure changes only its curves and
    the digits of its legend from one epoch to the next, so the positions
    found once fit every later figure. `png` reuses them when the figure's
    size, axes, limits and the sizes of those texts match, and the PNG is
    the one `figure_to_png` makes, for about 30% less work. For figures
    without colorbars or a figure title (`plot_roc`): constrained layout
    also moves those, and only axes positions are kept.

    Args:
        size: How many layouts to keep (least recently used dropped first).
            Defaults to `4`.
    """

    def __init__(self, size=4):
        self._size = size
        self._positions = {}

    @staticmethod
    def _key(figure):
        renderer = figure.canvas.get_renderer()

        def extent(text):
            if text is None or not text.get_visible() or not text.get_text():
                return None
            box = text.get_window_extent(renderer)
            return (round(box.width, 6), round(box.height, 6))

        axes_keys = []
        for axes in figure.axes:
            legend = axes.get_legend()
            texts = [axes.title, axes.xaxis.label, axes.yaxis.label]
            if legend is not None:
                texts += [legend.get_title(), *legend.get_texts()]
            axes_keys.append(
                (
                    tuple(np.round(axes.get_position(original=True).bounds, 9)),
                    axes.get_xlim(),
                    axes.get_ylim(),
                    axes.get_aspect(),
                    tuple(extent(text) for text in texts),
                )
            )
        suptitle = figure.get_suptitle()
        return (tuple(figure.get_size_inches()), figure.dpi, suptitle, tuple(axes_keys))

    def png(self, figure):
        """PNG bytes of `figure`, laid out as a matching figure was before."""
        if type(figure.canvas) is FigureCanvasBase:
            FigureCanvasAgg(figure)
        engine = figure.get_layout_engine()
        if engine is None or type(figure.canvas) is not FigureCanvasAgg or figure.get_suptitle():
            return figure_to_png(figure)
        key = self._key(figure)
        positions = self._positions.get(key)
        if positions is None:
            engine.execute(figure)
            positions = [axes.get_position(original=True) for axes in figure.axes]
        else:
            for axes, position in zip(figure.axes, positions):
                axes.set_position(position)
        _remember(self._positions, key, positions, self._size)
        figure.set_layout_engine("none")
        return _print_png(figure)


class _RefillableMatrix:
    """A confusion-matrix figure that later matrices of the same classes refill.

    The callbacks draw a confusion matrix of the same classes every epoch.
    Refilling sets the heat maps, colour scales and cell texts of the figure
    drawn before instead of building a new one, and keeps its layout. Of
    the texts that decide the layout only a colorbar's tick labels and the
    title's size can change: then `refill` returns False and the caller
    draws a new figure. So the PNG is pixel for pixel the one
    `plot_confusion_matrix` gives, in about half the time. Binary and
    multiclass results only.

    Args:
        result: A binary or multiclass `ROCResult`.
        suptitle: The title above the panels, or None. Defaults to `None`.
        **kwargs: Keyword arguments of `plot_confusion_matrix`, except `ax`.
    """

    def __init__(self, result, *, suptitle=None, **kwargs):
        self.key = self.key_of(result, suptitle=suptitle, **kwargs)
        if self.key is None:
            raise ValueError(
                "Only a binary or multiclass `ROCResult` drawn with a colormap name can be "
                f"refilled. Received {type(result).__name__}."
            )
        self.figure = plot_confusion_matrix(result, **kwargs)
        # Kept to change its text only: `Figure.suptitle` would also move it
        # back to where it was before the layout.
        self._suptitle = self.figure.suptitle(suptitle) if suptitle else None
        FigureCanvasAgg(self.figure)
        # Laid out once, now: refills keep this layout while it fits.
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")
        self._layout = self._layout_texts()

    @staticmethod
    def key_of(result, *, suptitle=None, class_names=None, normalize="both", cmap="Blues"):
        """What the figure's structure depends on, or None (not refillable)."""
        if not isinstance(result, metrics.ROCResult) or result.task == "multilabel":
            return None
        if not isinstance(cmap, str) or normalize not in _NORMALIZE_OPTIONS:
            return None
        names = result.class_names if class_names is None else tuple(map(str, class_names))
        return (names, normalize, cmap, bool(suptitle))

    def _layout_texts(self):
        """What can change between refills among the texts around the axes:
        the title's size and the colorbars' tick labels."""
        title = None
        if self._suptitle is not None:
            box = self._suptitle.get_window_extent(self.figure.canvas.get_renderer())
            title = (round(box.width, 6), round(box.height, 6))
        return title, tuple(
            label.get_text() for axes in self.figure.axes if not axes.images for label in axes.yaxis.get_ticklabels()
        )

    def refill(self, result, *, suptitle=None, **kwargs):
        """Puts another result's matrix in the figure.

        Returns False if the figure does not fit it (other classes or
        options, or texts that need another layout): draw a new one then,
        this one is spent.
        """
        if self.key_of(result, suptitle=suptitle, **kwargs) != self.key:
            return False
        matrix = np.asarray(result.confusion_matrix)
        heat_maps = [axes for axes in self.figure.axes if axes.images]
        for axes, (_, values, texts, norm) in zip(heat_maps, _matrix_panels(matrix, self.key[1])):
            image = axes.images[0]
            image.set_data(np.ma.masked_invalid(values))
            if (image.norm.vmin, image.norm.vmax) != (norm.vmin, norm.vmax):
                image.set_norm(norm)  # the colorbar follows
            _fill_cells(axes, values, texts, image.cmap, image.norm)
        if suptitle:
            self._suptitle.set_text(suptitle)
        return self._layout_texts() == self._layout

    def png(self):
        """The figure as PNG bytes."""
        return _print_png(self.figure)
