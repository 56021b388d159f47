"""The streaming engine: exact ROC of unweighted problems in one pass.

One pass over the chunks of a sorted copy of the scores (`_chunks`), or
over the special runs of a sparse problem, yields the exact AUC (in
integers), the DeLong moments (`_Moments`), the Youden optimum and the curve,
thinned as it is built (`_CurveStream`). `_StreamCore` holds the pass and
answers the `ROCEngine` queries; `_stream_core`, `_subset_core` and
`_merged_rows_core` build and feed one.

Groups of tied scores travel as `_TieGroups` (decreasing scores, with their
cumulative counts); the curve's vertices as `_Vertices` (thresholds decoded
only where kept) and, once kept, `_CurvePiece`s. These records, made for
every chunk, are `NamedTuple`s: named and immutable, and built at tuple
speed (a frozen dataclass costs about 0.5 us more each).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from keras_roc.metrics._chunks import (
    _merged_rows_chunks,
    _merged_unique,
    _ties_at_most,
)
from keras_roc.metrics._engine import (
    AUCVariance,
    PointCounts,
    TargetPoints,
    _no_useful_threshold,
    _partial_area,
    _standardized,
    _undefined_average_precision,
)
from keras_roc.metrics._numeric import _dot, _ratio
from keras_roc.metrics.results import OperatingPoint, ROCCurve

#: The sparse path (`_StreamCore.add_sparse`) is taken when positives plus
#: tied pairs are at most this fraction of the scores: its work is
#: O(k log n) for k of them, against several passes over n otherwise.
_SPARSE_FRACTION = 1 / 8


class _TieGroups(NamedTuple):
    """Consecutive groups of tied scores, decreasing scores.

    Attributes:
        thresholds_at: `thresholds_at(i)` gives the scores of groups `i`
            (an index array): decoded only where asked.
        tps: Positives at scores >= each group's (cumulative, from the top
            of the whole problem).
        fps: Negatives at scores >= each group's.
        pos_in: Positives in each group.
        neg_in: Negatives in each group.
    """

    thresholds_at: Callable[[np.ndarray], np.ndarray]
    tps: np.ndarray
    fps: np.ndarray
    pos_in: np.ndarray
    neg_in: np.ndarray

    def take(self, index):
        """The groups `index` (an index array), in that order."""
        thresholds_at, tps, fps, pos_in, neg_in = self
        return _TieGroups(lambda i: thresholds_at(index[i]), tps[index], fps[index], pos_in[index], neg_in[index])


class _Vertices(NamedTuple):
    """Consecutive vertices of a curve, in order.

    Attributes:
        thresholds_at: `thresholds_at(i)` gives the thresholds of vertices
            `i` (an index array): decoded only for the vertices kept.
        tps: Positives at scores >= each vertex's threshold.
        fps: Negatives at scores >= each vertex's threshold.
    """

    thresholds_at: Callable[[np.ndarray], np.ndarray]
    tps: np.ndarray
    fps: np.ndarray


class _CurvePiece(NamedTuple):
    """Kept vertices of a curve, thresholds decoded."""

    thresholds: np.ndarray
    tps: np.ndarray
    fps: np.ndarray


class _PendingGroup(NamedTuple):
    """The last group of a chunk: a vertex or not, decided by the next group.

    Attributes:
        threshold: Its score, as a one-element array.
        tp: Positives at scores >= its score.
        fp: Negatives at scores >= its score.
        pos_in: Positives in it.
        neg_in: Negatives in it.
        emitted: Whether it was already taken as a vertex (the first group
            of the whole curve, alone in its chunk).
    """

    threshold: np.ndarray
    tp: int
    fp: int
    pos_in: int
    neg_in: int
    emitted: bool

    def vertex(self):
        return _Vertices(lambda i: self.threshold[i], np.array([self.tp]), np.array([self.fp]))


class _Moments:
    """Weighted mean and sum of squared deviations of integer values (with
    integer weights), merged chunk by chunk.

    Each chunk's deviations are taken from its own mean and the chunks are
    combined with Chan et al.'s update, as accurate as a two-pass sum.
    """

    def __init__(self):
        self.weight, self.mean, self.squares = 0, 0.0, 0.0

    def add(self, weight, values, weighted_sum=None):
        """Adds `values` with `weight`; `weighted_sum` is their dot product
        if the caller has it already."""
        total = int(weight.sum())
        if total <= 0:
            return
        if weighted_sum is None:
            weighted_sum = int(_dot(weight, values))  # exact in int64
        mean = weighted_sum / total
        deviation = values - mean
        squares = float(_dot(weight, deviation * deviation))
        delta = mean - self.mean
        merged = self.weight + total
        self.squares += squares + delta * delta * self.weight * total / merged
        self.mean += delta * total / merged
        self.weight = merged

    def squares_about(self, center):
        """Sum of weighted squared deviations from `center`."""
        return self.squares + self.weight * (self.mean - center) ** 2


class _CurveStream:
    """The ROC curve of streamed tie groups, thinned while it is built.

    Keeps the vertices scikit-learn's `roc_curve(drop_intermediate=True)`
    keeps: the first and the last group and every group whose counts of
    positives and negatives differ from the next group's (where the second
    differences of the cumulative counts are not zero). Beyond `max_points`
    vertices it keeps the first vertex to reach each of `max_points - 1`
    targets evenly spaced along the path length `fpr + tpr`, as `_thin` does.
    """

    def __init__(self, total_pos, total_neg, max_points):
        self.total_pos, self.total_neg = total_pos, total_neg
        self.max_points = max_points
        self.pending = None  # the previous chunk's last group, a _PendingGroup
        self.n_groups = 0
        self.n_vertices = 0
        self.every = []  # _CurvePieces of all vertices, while they fit in max_points
        self.chosen = []  # _CurvePieces of the thinned curve
        # Targets only when thinning is possible: the curve has at most one
        # vertex per sample, plus the origin.
        thinnable = max_points is not None and max_points <= total_pos + total_neg
        self.targets = (
            np.linspace(0.0, 2.0, max_points)[1:]  # the origin takes 0
            if thinnable
            else None
        )

    def add(self, groups):
        """Adds the next `_TieGroups` (below those added before)."""
        thresholds_at, tps, fps, pos_in, neg_in = groups
        pending = self.pending
        if pending is not None and not pending.emitted:
            if (pending.pos_in, pending.neg_in) != (pos_in[0], neg_in[0]):
                self._emit(pending.vertex())
        change = (pos_in[1:] != pos_in[:-1]) | (neg_in[1:] != neg_in[:-1])
        if self.n_groups == 0:
            change[:1] = True  # the first group is always a vertex
        vertices = np.flatnonzero(change)
        if self.n_groups == 0 and tps.size == 1:
            vertices = np.array([0])
        self._emit(_Vertices(lambda i: thresholds_at(vertices[i]), tps[vertices], fps[vertices]))
        last = tps.size - 1
        # threshold, tp, fp, pos_in, neg_in, emitted (positional: once per chunk)
        self.pending = _PendingGroup(
            thresholds_at(np.array([last])),
            int(tps[last]),
            int(fps[last]),
            pos_in[last],
            neg_in[last],
            self.n_groups == 0 and last == 0,
        )
        self.n_groups += tps.size

    def add_vertices(self, vertices):
        """Adds every vertex of the curve at once (decided by the caller)."""
        self._emit(vertices)

    def _emit(self, vertices):
        """Takes the next `_Vertices` of the exact curve, in order."""
        thresholds_at, tps, fps = vertices
        if not tps.size:
            return
        self.n_vertices += tps.size
        if self.every is not None:
            if self.max_points is None or self.n_vertices + 1 <= self.max_points:
                self.every.append(_CurvePiece(thresholds_at(np.arange(tps.size)), tps, fps))
            else:
                self.every = None  # too many: only the thinned curve is kept
        if self.targets is not None and self.targets.size:
            path = fps / self.total_neg + tps / self.total_pos
            first = np.searchsorted(path, self.targets, side="left")
            reached = first < path.size
            if reached.any():
                picked = np.unique(first[reached])
                self.chosen.append(_CurvePiece(thresholds_at(picked), tps[picked], fps[picked]))
                self.targets = self.targets[~reached]

    def finish(self, auc):
        """The `ROCCurve`, starting at the origin."""
        if self.pending is not None and not self.pending.emitted:
            self._emit(self.pending.vertex())  # the last group is always a vertex
        parts = self.every if self.every is not None else self.chosen
        thresholds = np.concatenate([[np.inf]] + [p.thresholds for p in parts])
        tps = np.concatenate([[0]] + [p.tps for p in parts])
        fps = np.concatenate([[0]] + [p.fps for p in parts])
        return ROCCurve(
            fps / self.total_neg,
            tps / self.total_pos,
            thresholds.astype(np.float64),
            auc,
            self.every is None,
        )


class _StreamCore:
    """An unweighted binary problem summarised in one pass over tie groups.

    An `ROCEngine`, told at construction what will be asked: the curve is
    thinned to `max_points`; the DeLong variance is computed if `variance`,
    Youden's optimum if `youden`; `point` holds the counts at the threshold
    of the operating point (None: no point is asked for).

    Fed with `add_chunk` (chunks of groups, highest scores first) or
    `add_sparse` (the whole problem at once), then `finish`: `_stream_core`
    and `_subset_core` do this.
    """

    def __init__(
        self,
        total_pos,
        total_neg,
        max_points,
        *,
        variance=True,
        youden=False,
        point=None,
        targets=(None, None),
        max_fpr=None,
    ):
        self.total_pos, self.total_neg = float(total_pos), float(total_neg)
        self._point = point
        self._auc = self._variance = math.nan
        self._curve = self._youden = None
        self._n_pos, self._n_neg = int(total_pos), int(total_neg)
        self._variance_wanted, self._youden_wanted = variance, youden
        self._twice_area = 0  # 2 * n_pos * n_neg * AUC, an exact integer
        self._precision_sum = 0.0  # sum over positives of their group's precision
        self._targets = TargetPoints(self._n_pos, self._n_neg, *targets)
        self._max_fpr, self._partial_area = max_fpr, 0.0
        self._top = None  # the highest score
        self._v10, self._v01 = _Moments(), _Moments()
        self._curve_stream = _CurveStream(self._n_pos, self._n_neg, max_points)
        self._tp_above = self._fp_above = 0  # counts above the current chunk
        self._best_j, self._best = -math.inf, None  # Youden's J, its PointCounts

    @property
    def defined(self):
        return self.total_pos > 0 and self.total_neg > 0

    def add_chunk(self, chunk):
        """Adds the groups of one `_Chunk`, below those added before."""
        values, starts, pos_count = chunk.values, chunk.starts, chunk.pos_count
        last = starts.size - 1
        # Negatives at each distinct score: run lengths minus positives.
        neg_count = np.empty_like(starts)
        np.subtract(starts[1:], starts[:-1], out=neg_count[:-1])
        neg_count[-1] = values.size - starts[-1]
        neg_count -= pos_count
        # From here on, groups in decreasing score order, cumulative counts.
        pos_in, neg_in = pos_count[::-1], neg_count[::-1]
        tps = np.cumsum(pos_in)
        tps += self._tp_above
        fps = np.cumsum(neg_in)
        fps += self._fp_above
        groups = _TieGroups(lambda i: values[starts[last - i]], tps, fps, pos_in, neg_in)
        if self._top is None:
            self._top = values[starts[last]]
        self._curve_stream.add(groups)
        self._add_positive_groups(groups.take(last - np.flatnonzero(pos_count)[::-1]), int(fps[-1]))
        self._tp_above, self._fp_above = int(tps[-1]), int(fps[-1])

    def add_sparse(self, values, positives, tie):
        """Adds the whole problem from its special runs of tied scores.

        Special runs hold a positive or a tie (`tie`: the indices `i` with
        `values[i] == values[i + 1]`); every other score is one negative
        alone, whose counts follow from its position. Costs
        O((positives + ties) log n) after the sort, not O(n).
        """
        n_pos, m = self._n_pos, values.size
        self._top = values[-1]
        special = _merged_unique((positives, values[tie]))
        lo = np.searchsorted(values, special, side="left")
        hi = np.searchsorted(values, special, side="right")
        pos_below = np.searchsorted(positives, special, side="left")
        pos_in = np.searchsorted(positives, special, side="right") - pos_below
        tps = n_pos - pos_below
        runs = _TieGroups(lambda i: special[i], tps, (m - lo) - tps, pos_in, (hi - lo) - pos_in)
        k = np.flatnonzero(pos_in)[::-1]  # decreasing scores
        self._add_positive_groups(runs.take(k), self._n_neg)
        vertices = _sparse_vertex_starts(runs, lo, hi, m)
        thresholds = values[vertices]
        tps_v = n_pos - np.searchsorted(positives, thresholds, side="left")
        self._curve_stream.add_vertices(_Vertices(lambda i: thresholds[i], tps_v, (m - vertices) - tps_v))

    def _add_positive_groups(self, groups, fps_end):
        """AUC, DeLong moments and Youden's J from the `_TieGroups` holding
        positives (decreasing scores) of the current chunk; `fps_end` is the
        cumulative negatives at the chunk's end.

        The negatives between two such groups all have the same positives
        above them, so no other group is needed.
        """
        thresholds_at, tps_k, fps_k, pos_k, neg_k = groups
        # Each positive outranks the negatives below its group and ties with
        # (counts half of) those in it: twice that, in whole negatives.
        outranked = 2 * (self._n_neg - fps_k) + neg_k
        area = int(_dot(pos_k, outranked))
        self._twice_area += area
        # Average precision: each positive counts its group's precision.
        self._precision_sum += float(_dot(pos_k, tps_k / (tps_k + fps_k)))
        self._targets.add(thresholds_at, tps_k, fps_k)
        if self._max_fpr is not None:
            self._partial_area += _partial_area(pos_k, neg_k, fps_k, self._max_fpr * self._n_neg)
        if self._variance_wanted:
            self._add_moments(groups, fps_end, outranked, area)
        if self._youden_wanted and pos_k.size:
            # Youden's J peaks at a group holding positives.
            j = tps_k / self._n_pos - fps_k / self._n_neg
            top = int(np.argmax(j))
            if j[top] > self._best_j:
                self._best_j = j[top]
                self._best = PointCounts(thresholds_at(top), tps_k[top], fps_k[top])

    def _add_moments(self, groups, fps_end, outranked, area):
        """DeLong's components of the groups holding positives, kept as
        integers: V10 (per positive) is `outranked / (2 n_neg)`; V01 (per
        negative) is the positives above it, ties counting half, over n_pos:
        here twice that count, for the negatives tied with positives and for
        those between groups holding positives."""
        _, tps_k, fps_k, pos_k, neg_k = groups
        self._v10.add(pos_k, outranked, area)
        self._v01.add(neg_k, 2 * tps_k - pos_k)
        between = np.empty(pos_k.size + 1, dtype=np.int64)
        between[:-1] = fps_k - neg_k
        between[-1] = fps_end
        between[0] -= self._fp_above
        between[1:] -= fps_k
        above = np.empty(pos_k.size + 1, dtype=np.int64)
        above[0] = self._tp_above
        above[1:] = tps_k
        above *= 2
        self._v01.add(between, above)

    def finish(self):
        """Computes the results once every group has been added."""
        n_pos, n_neg = self._n_pos, self._n_neg
        self._auc = self._twice_area / (2 * n_pos * n_neg)  # correctly rounded
        if self._variance_wanted and n_pos > 1 and n_neg > 1:
            # The moments are of 2 n_neg V10 and 2 n_pos V01.
            scale10, scale01 = 2.0 * n_neg, 2.0 * n_pos
            s10 = self._v10.squares_about(self._auc * scale10) / scale10**2
            s01 = self._v01.squares_about(self._auc * scale01) / scale01**2
            self._variance = s10 / (n_pos - 1.0) / n_pos + s01 / (n_neg - 1.0) / n_neg
        self._curve = self._curve_stream.finish(self._auc)
        if self._youden_wanted:
            best = self._best
            self._youden = (
                _no_useful_threshold(self._top)
                if self._best_j <= 0
                else OperatingPoint(
                    float(best.threshold),
                    float(best.tp / self.total_pos),
                    float(1.0 - best.fp / self.total_neg),
                )
            )

    def auc_and_variance(self):
        """Exact AUC and its DeLong variance (NaN when undefined)."""
        return AUCVariance(self._auc, self._variance)

    def average_precision(self):
        """Exact average precision, summed in the pass over positives."""
        if not self.defined:
            return _undefined_average_precision(self.total_pos)
        return self._precision_sum / self._n_pos

    def curve(self):
        """The curve, built in the pass."""
        return self._curve

    def point(self):
        """Sensitivity and specificity at the threshold of `point`."""
        if self._point is None:
            raise RuntimeError("This engine was built without `point`: no operating point.")
        return OperatingPoint(
            float(self._point.threshold),
            _ratio(self._point.tp, self.total_pos),
            _ratio(self.total_neg - self._point.fp, self.total_neg),
        )

    def at_target(self, which):
        """The best exact vertex at the target `which` (see `TargetPoints`)."""
        return self._targets.point(which)

    def partial_auc(self):
        """McClish's standardized partial AUC up to `max_fpr` (None: none)."""
        if self._max_fpr is None:
            return None
        if not self.defined:
            return math.nan
        return _standardized(self._partial_area, self._n_pos, self._n_neg, self._max_fpr, self._auc)

    def youden(self):
        """The threshold maximising sensitivity + specificity - 1."""
        if not self._youden_wanted:
            raise RuntimeError("This engine was built with `youden=False`.")
        if self._youden is None:  # an undefined problem
            return OperatingPoint(math.nan, math.nan, math.nan)
        return self._youden


def _sparse_vertex_starts(runs, lo, hi, m):
    """The starts (in the sorted scores) of the curve's vertices, decreasing
    scores, for the special `runs` of `_StreamCore.add_sparse` spanning
    `lo:hi` each, among `m` scores.

    A run is a vertex when its counts differ from the next lower run's,
    which is a lone negative, (0, 1), unless a special run ends where it
    starts. The lowest and the highest runs always are vertices.
    """
    pos_in, neg_in = runs.pos_in, runs.neg_in
    touching = hi[:-1] == lo[1:]  # special run j + 1 sits on run j
    lower_pos = np.zeros_like(pos_in)
    lower_neg = np.ones_like(neg_in)
    lower_pos[1:][touching] = pos_in[:-1][touching]
    lower_neg[1:][touching] = neg_in[:-1][touching]
    is_vertex = (pos_in != lower_pos) | (neg_in != lower_neg)
    is_vertex |= (lo == 0) | (hi == m)
    # A lone negative right above a special run differs from it...
    above = hi[np.append(~touching, True)]
    # ...and lone negatives at the very bottom or top are vertices too.
    ends = ([0] if lo[0] > 0 else []) + ([m - 1] if hi[-1] < m else [])
    return _merged_unique((lo[is_vertex], above[above < m], np.array(ends, dtype=lo.dtype)))[::-1]


def _stream_core(source, max_points, **wanted):
    """A `_StreamCore` fed chunk by chunk from a `_ChunkSource`.

    `wanted`: the keyword arguments of `_StreamCore` (`variance`, `youden`,
    `point`, `targets`, `max_fpr`).
    """
    core = _StreamCore(source.total_pos, source.total_neg, max_points, **wanted)
    if core.defined:
        chunks = iter(source.chunks)
        while (chunk := next(chunks, None)) is not None:
            core.add_chunk(chunk)
            del chunk  # free it before the next chunk is made
        core.finish()
    return core


def _subset_core(values, positives, max_points, score_nbytes, targets=(None, None), max_fpr=None):
    """Engine of all the scores against the positives' scores, both sorted.

    Sparse (see `_StreamCore.add_sparse`) when positives and ties are rare,
    as for one class of many; streamed otherwise. `score_nbytes`, the size
    of the whole score array, sets the chunk size; `targets`, the target
    specificity and sensitivity of `at_target`, and `max_fpr`, the end of
    the partial AUC (default: none).
    """
    n_pos, n_neg = positives.size, values.size - positives.size
    rare = values.size * _SPARSE_FRACTION
    if 0 < n_pos <= rare and n_neg > 0 and _ties_at_most(values, rare - n_pos):
        core = _StreamCore(n_pos, n_neg, max_points, targets=targets, max_fpr=max_fpr)
        core.add_sparse(values, positives, np.flatnonzero(values[1:] == values[:-1]))
        core.finish()
        return core
    return _merged_rows_core([values], positives, max_points, score_nbytes, targets=targets, max_fpr=max_fpr)


def _merged_rows_core(rows, positives, max_points, score_nbytes, variance=True, targets=(None, None), max_fpr=None):
    """Engine of every entry of the sorted `rows` against the sorted
    `positives` among them, streamed from `_chunks._merged_rows_chunks`."""
    source = _merged_rows_chunks(rows, positives, score_nbytes)
    return _stream_core(source, max_points, variance=variance, targets=targets, max_fpr=max_fpr)
