"""`plot_calibration`: the reliability diagram of an `ROCResult`."""

from __future__ import annotations

import numpy as np

from keras_roc import metrics
from keras_roc.figures._common import _figure_and_axes

#: Figure size in inches: a square reliability panel above a short
#: histogram of the bins' weights.
CALIBRATION_FIGURE_INCHES = (5.0, 6.0)
#: Height of the histogram relative to the reliability panel.
HISTOGRAM_HEIGHT_RATIO = 0.3


def plot_calibration(result, *, ax=None, title=None):
    """Draws the reliability diagram of `result.calibration`.

    The observed frequency of each bin against its mean predicted
    probability (markers joined by a line; empty bins are left out), the
    diagonal of perfect calibration, and behind them (on a secondary y axis,
    scaled to the lower part of the Axes) a bar histogram of the weight
    (number of samples or entries) in each bin. The legend gives the expected calibration error.

    Args:
        result: An `ROCResult` whose `calibration` is not None.
        ax: Axes to draw on. Defaults to `None` (a new figure).
        title: Title of the axes. Defaults to `None` (`"Reliability
            diagram"`).

    Returns:
        The `matplotlib.figure.Figure` drawn on (`ax.figure` if `ax` given).

    Raises:
        TypeError: `result` is not an `ROCResult`, or `ax` not one Axes.
        ValueError: The result has no calibration data (scores that are not
            probabilities, or a result made before calibration existed).
    """
    if not isinstance(result, metrics.ROCResult):
        raise TypeError(f"`plot_calibration` needs an `ROCResult`. Received an object of type {type(result).__name__}.")
    record = result.calibration
    if record is None:
        raise ValueError(
            "This result has no calibration data: its scores were not all probabilities in [0, 1] "
            "(pass `from_logits=True` to `evaluate` for logits)."
        )
    figure, axes = _figure_and_axes(ax, "plot_calibration", *CALIBRATION_FIGURE_INCHES, fixed_aspect=False)
    edges = record.bin_edges
    width = np.diff(edges)
    counts = axes.twinx()
    counts.bar(edges[:-1], record.weight, width=width, align="edge", color="C7", alpha=0.3, gid="bin-weight")
    top = record.weight.max() if record.weight.size else 0.0
    counts.set_ylim(0.0, (top if top > 0 else 1.0) / HISTOGRAM_HEIGHT_RATIO)
    counts.set_ylabel("weight per bin")
    axes.set_zorder(counts.get_zorder() + 1)
    axes.patch.set_visible(False)
    axes.plot([0.0, 1.0], [0.0, 1.0], linestyle="--", color="0.5", label="perfectly calibrated", gid="diagonal")
    filled = record.weight > 0
    axes.plot(
        record.mean_predicted[filled],
        record.observed_frequency[filled],
        marker="o",
        color="C0",
        label=f"{result.task} (ECE {result.calibration_error:.3f})",
        gid="reliability",
    )
    axes.set_xlim(0.0, 1.0)
    axes.set_ylim(0.0, 1.0)
    axes.set_xlabel("mean predicted probability")
    axes.set_ylabel("observed frequency")
    axes.set_title("Reliability diagram" if title is None else title)
    axes.legend(loc="upper left")
    return figure
