"""The one interface of the two ROC engines, and what they share.

An engine summarises one binary problem (one class against the rest, or
every entry of a score matrix for the micro average) and answers what
`evaluate` asks about it. Everything an answer depends on is given when the
engine is built (`max_points` for the curve; the threshold, or for the
streaming engine the counts at it, for the operating point), so no query
takes an argument. Two engines implement `ROCEngine`:

* `_sorted._BinaryCore` (built by `_sorted._binary_core`): one argsort per
  problem and cumulative sums per tied group; any sample weights.
* `_streaming._StreamCore` (built by `_streaming._stream_core`,
  `_subset_core` and `_merged_rows_core`): unweighted problems, summarised
  in one pass over chunks of a sorted copy of the scores (`_chunks`),
  with the peak memory of one chunk. It computes everything in that pass,
  so it must be told beforehand what will be asked (`variance`, `youden`,
  `point`).

Both give the same AUC as scikit-learn's `roc_auc_score` and the same curve
as its `roc_curve(drop_intermediate=True)`.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from keras_roc.metrics.results import OperatingPoint, ROCCurve


class AUCVariance(NamedTuple):
    """The exact AUC and its DeLong variance (NaN where undefined)."""

    auc: float
    variance: float


@dataclasses.dataclass(frozen=True)
class PointCounts:
    """Positive and negative counts at scores `>=` a threshold.

    What the streaming engine reports as its operating point: `evaluate`
    counts them in the confusion matrix, with the same comparison.
    """

    threshold: float
    tp: int
    fp: int


@runtime_checkable
class ROCEngine(Protocol):
    """What `evaluate` asks of the summary of one binary problem."""

    @property
    def total_pos(self) -> float:
        """Total positive weight (the number of positives, unweighted)."""

    @property
    def total_neg(self) -> float:
        """Total negative weight."""

    @property
    def defined(self) -> bool:
        """Whether there are positives and negatives, so an AUC."""

    def auc_and_variance(self) -> AUCVariance:
        """The exact AUC and its DeLong variance (NaN if not wanted)."""

    def curve(self) -> ROCCurve:
        """The curve, thinned to the `max_points` the engine was built for."""

    def point(self) -> OperatingPoint:
        """Sensitivity and specificity at the threshold it was built for."""

    def youden(self) -> OperatingPoint:
        """The threshold maximising sensitivity + specificity - 1."""


def _thin(curve, max_points):
    """Keeps at most `max_points` exact vertices, spread along the curve."""
    n = curve.fpr.size
    if max_points is None or n <= max_points or not np.isfinite(curve.auc):
        return curve
    # Even spacing along the path length |dfpr| + |dtpr| keeps the corner
    # shape wherever the curve actually moves.
    path = np.r_[0.0, np.cumsum(np.abs(np.diff(curve.fpr)) + np.abs(np.diff(curve.tpr)))]
    keep = np.searchsorted(path, np.linspace(0.0, path[-1], max_points))
    keep[0], keep[-1] = 0, n - 1  # both ends, and never more than max_points
    keep = np.unique(keep)
    return ROCCurve(curve.fpr[keep], curve.tpr[keep], curve.thresholds[keep], curve.auc, True)
