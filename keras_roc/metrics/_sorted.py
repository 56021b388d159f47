"""The sorted engine: one argsort per problem, any sample weights.

`_binary_core` sorts the scores once and accumulates the positive and
negative weight per group of tied scores; `_BinaryCore` answers the
`ROCEngine` queries from those sums.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np

from keras_roc.metrics._engine import (
    AUCVariance,
    TargetPoints,
    _no_useful_threshold,
    _partial_area,
    _standardized,
    _thin,
    _undefined_average_precision,
)
from keras_roc.metrics._numeric import _dot, _ratio
from keras_roc.metrics.results import OperatingPoint, ROCCurve


@dataclasses.dataclass
class _BinaryCore:
    """Per-group sums from one descending sort of one binary problem.

    An `ROCEngine`: `curve` is thinned to `max_points`, `point` is at
    `threshold` (None: no operating point is asked for), and the DeLong
    variance is computed only if `variance`.
    """

    thresholds: np.ndarray  # distinct scores, decreasing
    tps: np.ndarray  # cumulative positive weight at score >= threshold
    fps: np.ndarray  # cumulative negative weight at score >= threshold
    max_points: int | None
    threshold: float | None = None
    variance: bool = True
    targets: tuple = (None, None)  # target specificity and sensitivity
    max_fpr: float | None = None  # of the partial AUC (None: not wanted)
    _auc_variance: AUCVariance | None = dataclasses.field(default=None, init=False, repr=False)

    @property
    def total_pos(self):
        return float(self.tps[-1]) if self.tps.size else 0.0

    @property
    def total_neg(self):
        return float(self.fps[-1]) if self.fps.size else 0.0

    @property
    def defined(self):
        return self.total_pos > 0 and self.total_neg > 0

    def auc_and_variance(self):
        """Exact AUC and its DeLong variance (computed once)."""
        if self._auc_variance is None:
            self._auc_variance = self._compute_auc_and_variance()
        return self._auc_variance

    def _compute_auc_and_variance(self):
        """Exact AUC and its DeLong variance (Sun & Xu's fast algorithm),
        from `structural_components`; weights act as frequency weights."""
        pos, neg = self.total_pos, self.total_neg
        if not self.defined:
            return AUCVariance(math.nan, math.nan)
        if not self.variance or pos <= 1 or neg <= 1:
            return AUCVariance(_group_auc(self.tps, self.fps), math.nan)
        c = structural_components(self.tps, self.fps)
        s10 = _dot(c.pos_in, (c.v10 - c.auc) ** 2) / (pos - 1.0)
        s01 = _dot(c.neg_in, (c.v01 - c.auc) ** 2) / (neg - 1.0)
        return AUCVariance(c.auc, float(s10 / pos + s01 / neg))

    def average_precision(self):
        """Exact average precision: each group holding positive weight adds
        its share of the positive weight times its precision (a step sum
        over distinct thresholds, as scikit-learn's)."""
        if not self.defined:
            return _undefined_average_precision(self.total_pos)
        pos_in = np.diff(self.tps, prepend=0.0)
        has_pos = pos_in > 0  # the others add nothing (and may be 0 / 0)
        tps = self.tps[has_pos]
        precision = tps / (tps + self.fps[has_pos])
        return float(_dot(pos_in[has_pos] / self.total_pos, precision))

    def curve(self):
        """The ROC curve, with scikit-learn's `drop_intermediate=True`."""
        fps, tps, thresholds = self.fps, self.tps, self.thresholds
        # Scores held only by zero-weight samples are no thresholds:
        # scikit-learn drops zero-weight samples before building the curve.
        moved = np.diff(fps, prepend=0.0) + np.diff(tps, prepend=0.0) > 0
        if not moved.all():
            fps, tps, thresholds = fps[moved], tps[moved], thresholds[moved]
        if fps.size > 2:
            keep = np.r_[
                True,
                np.logical_or(np.diff(fps, 2), np.diff(tps, 2)),
                True,
            ]
            fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
        fps = np.r_[0.0, fps]
        tps = np.r_[0.0, tps]
        thresholds = np.r_[np.inf, thresholds]
        with np.errstate(invalid="ignore", divide="ignore"):
            fpr = fps / fps[-1] if fps[-1] > 0 else np.full_like(fps, np.nan)
            tpr = tps / tps[-1] if tps[-1] > 0 else np.full_like(tps, np.nan)
        auc = self.auc_and_variance().auc
        return _thin(ROCCurve(fpr, tpr, thresholds, auc), self.max_points)

    def point(self):
        """Sensitivity and specificity when scores >= `threshold` are positive."""
        if self.threshold is None:
            raise RuntimeError("This engine was built without a threshold: pass `threshold`.")
        threshold = self.threshold
        # thresholds are decreasing; count groups with score >= threshold.
        k = np.searchsorted(-self.thresholds, -threshold, side="right")
        tp = self.tps[k - 1] if k else 0.0
        fp = self.fps[k - 1] if k else 0.0
        return OperatingPoint(
            float(threshold),
            _ratio(tp, self.total_pos),
            _ratio(self.total_neg - fp, self.total_neg),
        )

    def partial_auc(self):
        """McClish's standardized partial AUC up to `max_fpr` (None: none)."""
        if self.max_fpr is None:
            return None
        if not self.defined:
            return math.nan
        pos_in = np.diff(self.tps, prepend=0.0)
        neg_in = np.diff(self.fps, prepend=0.0)
        has_pos = pos_in > 0
        limit = self.max_fpr * self.total_neg
        area = _partial_area(pos_in[has_pos], neg_in[has_pos], self.fps[has_pos], limit)
        return _standardized(area, self.total_pos, self.total_neg, self.max_fpr, self.auc_and_variance().auc)

    def at_target(self, which):
        """The best exact vertex at the target `which` (see `TargetPoints`)."""
        points = TargetPoints(self.total_pos, self.total_neg, *self.targets)
        if self.defined:
            has_pos = np.diff(self.tps, prepend=0.0) > 0
            index = np.flatnonzero(has_pos)
            points.add(lambda i: self.thresholds[index[i]], self.tps[index], self.fps[index])
        return points.point(which)

    def youden(self):
        """The threshold maximising sensitivity + specificity - 1."""
        if not self.defined:
            return OperatingPoint(math.nan, math.nan, math.nan)
        j = self.tps / self.total_pos - self.fps / self.total_neg
        best = int(np.argmax(j))
        if j[best] <= 0:  # no threshold beats calling everything negative
            return _no_useful_threshold(self.thresholds[0])
        return OperatingPoint(
            float(self.thresholds[best]),
            float(self.tps[best] / self.total_pos),
            float(1.0 - self.fps[best] / self.total_neg),
        )


class StructuralComponents(NamedTuple):
    """DeLong's structural components of one binary problem, per group of
    tied scores (decreasing), from `structural_components`.

    `v10`: the share of the negative weight a positive of the group
    outranks (ties count half); `v01`: the share of the positive weight
    ranked above a negative of the group (ties count half). Both average
    to `auc` over their samples.
    """

    auc: float
    v10: np.ndarray
    v01: np.ndarray
    pos_in: np.ndarray  # positive weight in each group
    neg_in: np.ndarray  # negative weight in each group


def _group_auc(tps, fps):
    """The exact AUC from cumulative positive and negative weights per
    group of tied scores (decreasing); the problem must be defined."""
    # Rates first: weights near the float64 limits would overflow or
    # underflow pos * neg (and 0.5 * a subnormal weight is 0).
    tpr, fpr = tps / tps[-1], fps / fps[-1]
    tpr_in = np.diff(tpr, prepend=0.0)
    auc = float(_dot(np.diff(fpr, prepend=0.0), tpr - 0.5 * tpr_in))
    return min(1.0, max(0.0, auc))  # rounding can pass 1 by an ulp


def structural_components(tps, fps):
    """DeLong's structural components per group (Sun & Xu's algorithm):
    the one DeLong primitive of the sorted engine, used by its variance and
    by `keras_roc.compare_auc`.

    Within a group of tied scores every positive has the same V10 and every
    negative the same V01, so both are computed per group. Weights act as
    frequency weights (an integer weight k is the same as repeating the
    sample k times).

    Args:
        tps, fps: Cumulative positive and negative weight at scores `>=`
            each group's, decreasing scores; both totals above 0.
    """
    pos, neg = float(tps[-1]), float(fps[-1])
    pos_in = np.diff(tps, prepend=0.0)
    neg_in = np.diff(fps, prepend=0.0)
    v10 = (neg - fps + 0.5 * neg_in) / neg
    v01 = (tps - pos_in + 0.5 * pos_in) / pos
    return StructuralComponents(_group_auc(tps, fps), v10, v01, pos_in, neg_in)


class SortedGroups(NamedTuple):
    """One descending sort of a binary problem, grouped by tied scores."""

    order: np.ndarray  # sample indices by decreasing score
    ends: np.ndarray  # position in `order` of each group's last sample
    thresholds: np.ndarray  # each group's score, float64
    tps: np.ndarray  # cumulative positive weight at score >= the group's
    fps: np.ndarray  # cumulative negative weight


def sorted_groups(positive, score, weight):
    """Sorts once and accumulates positive/negative weight per tied group.

    Args:
        positive: Boolean truths `(n,)`.
        score: Scores `(n,)`.
        weight: Weights `(n,)`, or None.
    """
    order = np.argsort(score)[::-1]
    sorted_score = score[order]
    sorted_pos = positive[order]
    if weight is None:
        pos_weight = sorted_pos.astype(np.float64)
    else:
        sorted_weight = weight[order]
        pos_weight = np.where(sorted_pos, sorted_weight, 0.0)
    with np.errstate(over="ignore"):  # scores spanning the float64 range
        ends = np.r_[np.flatnonzero(np.diff(sorted_score)), sorted_score.size - 1]
    tps = np.cumsum(pos_weight)[ends]
    if weight is None:
        fps = (ends + 1.0) - tps
    else:
        fps = np.cumsum(sorted_weight - pos_weight)[ends]
    return SortedGroups(order, ends, sorted_score[ends].astype(np.float64), tps, fps)


def _binary_core(
    positive, score, weight, max_points, *, threshold=None, variance=True, targets=(None, None), max_fpr=None
):
    """Sorts once and accumulates positive/negative weight per tied group.

    Args:
        positive: Boolean truths `(n,)`.
        score: Scores `(n,)`.
        weight: Weights `(n,)`, or None.
        max_points: What `curve` thins to (None: every vertex).
        threshold: Where `point` is taken. Defaults to `None` (no point).
        variance: Whether the DeLong variance is wanted. Defaults to `True`.
        targets: The target specificity and sensitivity of `at_target`.
            Defaults to `(None, None)` (none).
        max_fpr: The end of the partial AUC. Defaults to `None` (none).
    """
    groups = sorted_groups(positive, score, weight)
    return _BinaryCore(
        groups.thresholds,
        groups.tps,
        groups.fps,
        max_points,
        threshold=threshold,
        variance=variance,
        targets=targets,
        max_fpr=max_fpr,
    )
