"""Two AUCs on the same samples: DeLong's paired test (`compare_auc`).

DeLong, DeLong & Clarke-Pearson (1988) compare correlated AUCs through
their structural components: per positive sample, the share of negatives
it outranks (V10); per negative, the share of positives ranked above it
(V01), ties counting half. The components come from the sorted engine's
one DeLong primitive (`_sorted.structural_components`, Sun & Xu's
algorithm: one sort per score vector), mapped back to the samples.

Every sample `i` gets, for each binary problem `k`, the centred component
scaled so that its squares sum to the DeLong variance:

    psi_k(i) = (V_k(i) - AUC_k) / sqrt(W (W - 1)),

with `W` the total weight of the side of `i` in problem `k` (positives for
V10, negatives for V01). For two scores, the DeLong variance of the
difference is `sum_i w_i (psi^a(i) - psi^b(i))^2` (exactly
`(S10_aa + S10_bb - 2 S10_ab) / m + (S01_aa + S01_bb - 2 S01_ab) / n`);
for the macro one-vs-rest average of `K` classes, `psi` is the mean of the
classes' `psi_k`, so the covariances between the classes (which share
samples) are included. Weights act as frequency weights, as in the
intervals of `evaluate`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import statistics
from typing import NamedTuple

import numpy as np

from keras_roc.metrics._scores import _probabilities
from keras_roc.metrics._sorted import sorted_groups, structural_components
from keras_roc.metrics._warnings import warn_undefined
from keras_roc.metrics.validation import check_confidence, validate


@dataclasses.dataclass(frozen=True)
class AUCComparison:
    """DeLong's paired test of two AUCs on the same samples.

    Attributes:
        auc_a: AUC of `score_a` (binary, or the macro one-vs-rest average).
        auc_b: AUC of `score_b`.
        difference: `auc_a - auc_b`.
        interval: Confidence interval `(low, high)` of the difference at
            `confidence`, clipped to [-1, 1].
        standard_error: DeLong standard error of the difference.
        z: `difference / standard_error`.
        p_value: Two-sided p-value of "the AUCs are equal" (normal
            approximation). Half of it is the one-sided p-value of the
            direction observed.
        confidence: The level of `interval`.
        task: `"binary"`, `"multiclass"` or `"multilabel"`.
        notes: Why some values are undefined or say nothing (also issued as
            one `UndefinedMetricWarning`).
    """

    auc_a: float
    auc_b: float
    difference: float
    interval: tuple
    standard_error: float
    z: float
    p_value: float
    confidence: float
    task: str
    notes: tuple = ()

    def one_sided_p_value(self) -> float:
        """p-value of "`auc_a` is not above `auc_b`" against "`auc_a` is
        higher": `P(Z >= z)` for a standard normal `Z`."""
        return _upper_tail(self.z)


class Placements(NamedTuple):
    """One score vector's AUCs and per-sample DeLong components.

    What `compare_auc` needs of each score vector, and what
    `AUCEarlyStopping` keeps of its best epoch instead of the scores.

    Attributes:
        aucs: `(K,)` AUC per binary problem (NaN: undefined).
        psi: `(n, K)` float64 centred, scaled components (see the module
            docstring); NaN for a problem whose variance is undefined.
        weight: `(n,)` float64 weights, or None.
        labels_key: Digest of the labels and weights: the two score vectors
            of a comparison must be of the same samples.
        task: The task.
        finite: Whether every score is finite.
    """

    aucs: np.ndarray
    psi: np.ndarray
    weight: np.ndarray | None
    labels_key: str
    task: str
    finite: bool


def compare_auc(
    y_true, score_a, score_b, *, sample_weight=None, confidence=0.95, task="auto", from_logits=False, class_names=None
):
    """DeLong's test for two correlated AUCs on the same samples.

    DeLong, DeLong & Clarke-Pearson (1988), with Sun & Xu's (2014) fast
    algorithm: one sort per score vector. Binary tasks compare the two AUCs;
    multiclass and multilabel tasks compare the macro one-vs-rest averages
    (the `auc` of `evaluate`, classes without positives or negatives left
    out), with the covariances between the classes' AUCs included.

    Args:
        y_true: Labels, as `evaluate` takes them.
        score_a: Scores of the first classifier, as `evaluate` takes them.
        score_b: Scores of the second, same shape as `score_a`.
        sample_weight: Non-negative weights `(n,)`, frequency weights as in
            `evaluate`'s intervals. Defaults to `None`.
        confidence: Level of the interval of the difference. Defaults to
            `0.95`.
        task: As for `evaluate`. Defaults to `"auto"`.
        from_logits: Whether the scores are logits (softmax changes the
            ranking of multiclass scores). Defaults to `False`.
        class_names: As for `evaluate` (used in notes). Defaults to `None`.

    Returns:
        A frozen `AUCComparison`: `auc_a`, `auc_b`, `difference`
        (`auc_a - auc_b`), its `interval` and `standard_error`, `z` and the
        two-sided `p_value`.

    Raises:
        ValueError: Invalid inputs (as `evaluate`), or score arrays of
            different shapes.

    Undefined values (one class only, NaN scores, fewer than 2 positives or
    negatives) are NaN with one `UndefinedMetricWarning`. When the
    difference has zero variance (the two scores rank the samples alike),
    `z` is 0 and `p_value` 1 if the AUCs are equal, else `z` is infinite and
    `p_value` 0, with a note.

    Example:

    >>> import keras_roc
    >>> test = keras_roc.compare_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.1, 0.2, 0.3, 0.4])
    >>> test.auc_a, test.auc_b
    (0.75, 1.0)
    """
    confidence = check_confidence(confidence)
    shape_a, shape_b = np.shape(score_a), np.shape(score_b)
    if shape_a != shape_b:
        raise ValueError(
            f"`score_a` and `score_b` must have the same shape (scores of the same samples). "
            f"Received shapes {shape_a} and {shape_b}."
        )
    a = placements(validate(y_true, score_a, task, class_names, sample_weight), from_logits)
    b = placements(validate(y_true, score_b, task, class_names, sample_weight), from_logits)
    result = paired_test(a, b, confidence)
    warn_undefined(result.notes)
    return result


def placements(data, from_logits=False):
    """The `Placements` of a `ValidatedInput` (scores as `validate` gives)."""
    scores = _probabilities(data.task, data.scores, from_logits)  # ranked as given: no float64 copy
    columns = scores[:, None] if scores.ndim == 1 else scores
    n, k = columns.shape
    finite = bool(np.isfinite(columns).all())
    aucs = np.full(k, math.nan)
    psi = np.zeros((n, k))
    if finite:
        for index in range(k):
            aucs[index], psi[:, index] = _problem_components(_positive(data, index), columns[:, index], data.weight)
    return Placements(aucs, psi, data.weight, _labels_key(data), data.task, finite)


def _positive(data, index):
    """The positives of binary problem `index` (one class against the rest)."""
    if data.task == "binary":
        return data.labels == 1
    if data.task == "multiclass":
        return data.labels == index
    return data.labels[:, index] == 1


def _problem_components(positive, score, weight):
    """`(auc, psi)` of one binary problem (AUC NaN, psi 0 if undefined)."""
    groups = sorted_groups(positive, score, weight)
    pos, neg = float(groups.tps[-1]), float(groups.fps[-1])
    psi = np.zeros(score.shape[0])
    if not (pos > 0 and neg > 0):
        return math.nan, psi
    c = structural_components(groups.tps, groups.fps)
    if pos <= 1 or neg <= 1:  # the variance divides by W - 1
        return c.auc, psi + math.nan
    # Each group's two values, repeated over its sorted positions, then
    # put back in the samples' order.
    sizes = np.diff(groups.ends, prepend=-1)
    as_positive = np.repeat((c.v10 - c.auc) / math.sqrt(pos * (pos - 1.0)), sizes)
    as_negative = np.repeat((c.v01 - c.auc) / math.sqrt(neg * (neg - 1.0)), sizes)
    psi[groups.order] = np.where(positive[groups.order], as_positive, as_negative)
    return c.auc, psi


def _labels_key(data):
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(data.labels).tobytes())
    if data.weight is not None:
        digest.update(np.ascontiguousarray(data.weight).tobytes())
    return digest.hexdigest()


def paired_test(a, b, confidence=0.95):
    """The `AUCComparison` of two `Placements` of the same samples."""
    if a.labels_key != b.labels_key or a.aucs.shape != b.aucs.shape:
        raise ValueError(
            "The two score vectors were not computed on the same labels (and weights): "
            "a paired test needs the same samples in the same order."
        )
    notes = []
    defined = np.isfinite(a.aucs)  # the same classes for both: same labels
    if not (a.finite and b.finite):
        notes.append("Some scores are NaN or infinite (a diverged model?): the comparison is NaN.")
        return _undefined(a.task, confidence, notes)
    if not defined.any():
        notes.append(
            "No class has both positive and negative samples, so the AUCs are undefined (NaN)."
            if a.task != "binary"
            else "The labels have a single class, so the AUCs are undefined (NaN)."
        )
        return _undefined(a.task, confidence, notes)
    if not defined.all():
        notes.append(f"{int((~defined).sum())} class(es) without positive or negative samples are left out.")
    share = 1.0 / defined.sum()
    auc_a, auc_b = float(a.aucs[defined].mean()), float(b.aucs[defined].mean())
    difference = auc_a - auc_b
    delta = (a.psi[:, defined] - b.psi[:, defined]).sum(axis=1) * share
    squares = delta * delta
    variance = float(squares.sum() if a.weight is None else np.dot(a.weight, squares))
    z_level = statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)
    if not math.isfinite(variance):
        notes.append(
            "The DeLong variance of the difference is undefined (NaN): it needs at least 2 positive and "
            "2 negative samples (a total weight above 1 of each)."
        )
        return AUCComparison(
            auc_a,
            auc_b,
            difference,
            (math.nan, math.nan),
            math.nan,
            math.nan,
            math.nan,
            float(confidence),
            a.task,
            tuple(notes),
        )
    se = math.sqrt(max(variance, 0.0))
    if se == 0:
        notes.append(
            "The difference of the AUCs has zero variance (the two scores rank the samples alike), "
            "so the test says nothing: z and the p-value are set from the sign of the difference."
        )
        z = 0.0 if difference == 0 else math.copysign(math.inf, difference)
    else:
        z = difference / se
    half = z_level * se
    interval = (max(-1.0, difference - half), min(1.0, difference + half))
    p_value = 1.0 if z == 0 else 2.0 * _upper_tail(abs(z))
    return AUCComparison(auc_a, auc_b, difference, interval, se, z, p_value, float(confidence), a.task, tuple(notes))


def _upper_tail(z):
    """`P(Z >= z)` for a standard normal `Z` (accurate in the far tail)."""
    if math.isnan(z):
        return math.nan
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _undefined(task, confidence, notes):
    nan = math.nan
    return AUCComparison(nan, nan, nan, (nan, nan), nan, nan, nan, float(confidence), task, tuple(notes))
