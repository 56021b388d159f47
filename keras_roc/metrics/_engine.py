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
import math
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from keras_roc.metrics._numeric import _dot
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

    def average_precision(self) -> float:
        """The exact average precision, as scikit-learn's
        `average_precision_score`: the sum over distinct thresholds of
        `(recall_k - recall_{k-1}) * precision_k`. NaN without positives;
        1.0 with positives but no negatives (precision is 1 everywhere)."""

    def partial_auc(self) -> float | None:
        """McClish's standardized partial AUC up to the `max_fpr` the engine
        was built for, from the exact curve (None: no `max_fpr`; NaN:
        undefined)."""

    def curve(self) -> ROCCurve:
        """The curve, thinned to the `max_points` the engine was built for."""

    def point(self) -> OperatingPoint:
        """Sensitivity and specificity at the threshold it was built for."""

    def youden(self) -> OperatingPoint:
        """The threshold maximising sensitivity + specificity - 1."""

    def at_target(self, which: str) -> OperatingPoint | None:
        """The exact curve's best vertex at the target specificity or
        sensitivity (`which`) it was built for (None: no target given);
        see `TargetPoints`."""


class TargetPoints:
    """The exact curve's vertices best at a target specificity and at a
    target sensitivity, found over the groups holding positives (in
    decreasing scores) and the origin.

    At a target specificity: the vertex with the highest sensitivity among
    those whose specificity is >= the target, ties to the highest
    threshold. That vertex is the first group reaching its positive count:
    a group holding positives (or the origin). At a target sensitivity: the
    highest specificity among vertices whose sensitivity is >= the target,
    ties to the highest threshold: the first group reaching the target, which
    holds positives (or the origin, for a target of 0).
    """

    def __init__(self, total_pos, total_neg, specificity=None, sensitivity=None):
        self.total_pos, self.total_neg = total_pos, total_neg
        self.specificity, self.sensitivity = specificity, sensitivity
        origin = (math.inf, 0, 0)  # threshold, tp, fp
        self.at_specificity = origin
        self.at_sensitivity = origin if sensitivity is not None and sensitivity <= 0 else None

    def add(self, thresholds_at, tps, fps):
        """Adds the next groups holding positives (below those added before)."""
        if self.specificity is not None and tps.size:
            # Specificity decreases along the groups: candidates are a prefix.
            n_ok = int(np.count_nonzero(1.0 - fps / self.total_neg >= self.specificity))
            if n_ok:
                last = n_ok - 1
                self.at_specificity = (float(thresholds_at(np.array([last]))[0]), tps[last], fps[last])
        if self.sensitivity is not None and self.at_sensitivity is None and tps.size:
            reached = np.flatnonzero(tps / self.total_pos >= self.sensitivity)
            if reached.size:
                first = reached[0]
                self.at_sensitivity = (float(thresholds_at(np.array([first]))[0]), tps[first], fps[first])

    def point(self, which):
        """The `OperatingPoint` at the target `which` (`"specificity"` or
        `"sensitivity"`), or None if that target was not given."""
        if getattr(self, which) is None:
            return None
        if self.total_pos <= 0 or self.total_neg <= 0:
            return OperatingPoint(math.nan, math.nan, math.nan)
        threshold, tp, fp = getattr(self, "at_" + which)
        return OperatingPoint(threshold, float(tp / self.total_pos), float(1.0 - fp / self.total_neg))


def _partial_area(pos_k, neg_k, fps_k, limit):
    """Area under the exact ROC curve up to `limit` negatives (weight),
    in units of positives times negatives, from the groups holding
    positives: `pos_k` positives and `neg_k` negatives in each, `fps_k`
    negatives at scores >= each's.

    Each positive adds the negatives below its group up to `limit`, and its
    share of the triangle under its group's diagonal, cut at `limit` (the
    linear interpolation scikit-learn makes at `max_fpr`).
    """
    below = np.maximum(limit - fps_k, 0.0)
    tied = np.clip(limit - (fps_k - neg_k), 0.0, neg_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(neg_k > 0, tied * tied / (2.0 * neg_k), 0.0)
    return float(_dot(pos_k, below + own))


def _standardized(area, total_pos, total_neg, max_fpr, auc):
    """McClish's standardized partial AUC of an `area` from
    `_partial_area` (scikit-learn's `roc_auc_score(max_fpr=...)`): 0.5 for
    the chance diagonal, 1 for a perfect test; the AUC itself at
    `max_fpr == 1`."""
    if max_fpr == 1.0:
        return auc
    partial = area / total_pos / total_neg
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return 0.5 * (1.0 + (partial - min_area) / (max_area - min_area))


def _no_useful_threshold(top_score):
    """Youden's optimum when no threshold beats chance (J <= 0 everywhere):
    calling every sample negative (sensitivity 0, specificity 1), at the
    finite threshold just above the highest score, `nextafter(top, inf)`
    (not `inf`, which loggers and JSON writers reject)."""
    return OperatingPoint(float(np.nextafter(float(top_score), math.inf)), 0.0, 1.0)


def _undefined_average_precision(total_pos):
    """The average precision of a problem without positives (NaN) or
    without negatives (1.0: every threshold has precision 1)."""
    return 1.0 if total_pos > 0 else math.nan


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
