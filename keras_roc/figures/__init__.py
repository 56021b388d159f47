"""Figures of ROC results: compute with `evaluate`, then draw.

Every function takes results (or predictions, evaluated here with
`keras_roc.evaluate`) and an optional `ax`, draws with matplotlib's
object-oriented API only and returns the `Figure` it drew on. Without `ax` a
new `matplotlib.figure.Figure` is created (never through `pyplot`, so nothing
is registered globally, nothing needs closing and any backend works,
headless included); with `ax` the drawing goes there and `ax.figure` is
returned. `figure_to_png` renders a figure to PNG bytes with the Agg canvas.

The package imports NumPy, matplotlib and `keras_roc.metrics` only: no
TensorFlow, no Keras, no `matplotlib.pyplot`. It never changes `rcParams`
or the backend. Undefined values are reported as one
`keras_roc.UndefinedMetricWarning` per call, pointing at the caller.

Modules:
    roc: `plot_roc`, one result's ROC curves (optional zoom panel).
    comparison: `plot_roc_comparison`, several classifiers on one chart.
    confusion: `plot_confusion_matrix`, heat maps or per-label panels.
    distribution: `plot_score_distribution`, score histograms by class.
    cross_validation: `plot_cv_roc`; its numbers come from
        `keras_roc.metrics.cross_validation` (`cv_roc_summary`,
        `CVROCSummary`, re-exported here).
    calibration: `plot_calibration`, the reliability diagram.
    png: `figure_to_png`.
    _common: argument checks and helpers shared by the figures (the option
        checks shared with `evaluate` are `keras_roc.metrics.validation`'s).
    _roc_axes: the square axes, chance diagonal and legend of ROC charts.
    _kept: what the drawing helper (`keras_roc._render`) keeps between
        epochs: `_remember`, `_LayoutMemory`, `_RefillableMatrix`.
"""

# Besides the public functions, the constants (all of them, as before the
# split) and the private names `keras_roc._render` and the tests reach as
# `keras_roc.figures.<name>` are imported here: hence the noqa F401.
from keras_roc.figures._common import MAX_NAME_CHARS, MAX_NAMES_IN_NOTE  # noqa: F401
from keras_roc.figures._kept import _LayoutMemory, _RefillableMatrix, _remember  # noqa: F401
from keras_roc.figures._roc_axes import (  # noqa: F401
    LEGEND_INSIDE_MAX_ENTRIES,
    LEGEND_SMALL_FONT_MAX_ENTRIES,
)
from keras_roc.figures.calibration import plot_calibration
from keras_roc.figures.comparison import plot_roc_comparison
from keras_roc.figures.confusion import (  # noqa: F401
    COLORBAR_INCHES,
    DARK_LUMINANCE,
    LABEL_PANEL_COLUMNS,
    MATRIX_TARGET_INCHES,
    MAX_ANNOTATED_CLASSES,
    MAX_CELL_FONT,
    MAX_CELL_INCHES,
    MAX_LABEL_PANELS,
    MAX_MATRIX_INCHES,
    MIN_CELL_FONT,
    MIN_CELL_INCHES,
    MIN_MATRIX_INCHES,
    plot_confusion_matrix,
)
from keras_roc.figures.cross_validation import plot_cv_roc
from keras_roc.figures.distribution import (  # noqa: F401
    LEGEND_HEADROOM,
    MAX_SCORE_PANELS,
    SCORE_PANEL_COLUMNS,
    plot_score_distribution,
)
from keras_roc.figures.png import figure_to_png
from keras_roc.figures.roc import (  # noqa: F401
    DEFAULT_ZOOM,
    MAX_READABLE_CURVES,
    N_EXTREME_CLASSES,
    plot_roc,
)
from keras_roc.metrics._warnings import renamed_attribute as _renamed_attribute
from keras_roc.metrics.cross_validation import CVROCSummary, cv_roc_summary

__all__ = [
    "CVROCSummary",
    "cv_roc_summary",
    "figure_to_png",
    "plot_calibration",
    "plot_confusion_matrix",
    "plot_cv_roc",
    "plot_roc",
    "plot_roc_comparison",
    "plot_score_distribution",
]

#: Old names, still reachable with a `DeprecationWarning`.
_RENAMED = {"CvRocSummary": "CVROCSummary"}

# The drawing functions keep the module they always had, `keras_roc.figures`:
# so `help`, `doctest.testmod(keras_roc.figures)` and pickles by reference
# see them here. (`cv_roc_summary` is `keras_roc.metrics`'s now. Not the
# classes: before Python 3.13, `inspect.getsource` looks a class up in the
# file of its `__module__`.)
for _function in (
    plot_roc,
    plot_roc_comparison,
    plot_confusion_matrix,
    plot_score_distribution,
    plot_cv_roc,
    plot_calibration,
    figure_to_png,
):
    _function.__module__ = __name__
del _function


def __getattr__(name):
    return _renamed_attribute(__name__, globals(), _RENAMED, name)
