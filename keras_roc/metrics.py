"""Exact ROC analysis on NumPy arrays: no TensorFlow, no Keras.

Everything here is vectorised NumPy: one sort per class gives the exact ROC
curve, the exact AUC (equal to scikit-learn's `roc_auc_score`, ties and
sample weights included) and the DeLong variance (the fast algorithm of
Sun & Xu, 2014: structural components from the same sorted order).

The public entry point is `evaluate`, which returns a frozen `ROCResult`.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import types
import warnings
from collections.abc import Mapping

import numpy as np

__all__ = [
    "TASKS",
    "DEFAULT_MAX_CURVE_POINTS",
    "RocCurve",
    "OperatingPoint",
    "ROCResult",
    "evaluate",
    "roc_curve",
]

#: The tasks `evaluate` understands.
TASKS = ("binary", "multiclass", "multilabel")

#: Curves with more vertices than this are thinned for drawing (the AUC is
#: always computed from the exact curve). 2,000 points are more than a
#: 1,000-pixel-wide figure can show and keep a 100-class result small.
DEFAULT_MAX_CURVE_POINTS = 2000

#: Samples per block in the log loss (it allocates float64 blocks this long).
_LOG_LOSS_BLOCK = 1 << 16
#: Rows per block for the argmax of a score matrix: NumPy copies a
#: column-major matrix to row order for `argmax(axis=1)`; block by block the
#: copy stays small.
_ARGMAX_BLOCK_ROWS = 1 << 16


#: A note about several classes names at most this many of them: one note
#: per class made a 14,000-character warning for 141 absent classes.
_MAX_NAMED_CLASSES = 10

#: What the DeLong variance needs (weights count as frequencies).
_VARIANCE_NEEDS = "at least 2 positive and 2 negative samples"
_VARIANCE_NEEDS_WEIGHTED = (
    _VARIANCE_NEEDS + " (with sample weights, a total weight above 1 of each)"
)

#: Notes about classes, by reason: (for one class, for several classes).
#: Fields: `name` (quoted), `count`, `names` (quoted, capped) and `needs`.
_CLASS_NOTES = {
    "no positive": (
        "Class {name} has no positive samples, so its ROC AUC is undefined"
        " (NaN) and left out of the averages.",
        "{count} classes have no positive samples ({names}), so their ROC AUC"
        " is undefined (NaN) and they are left out of the averages.",
    ),
    "no negative": (
        "Class {name} has no negative samples, so its ROC AUC is undefined"
        " (NaN) and left out of the averages.",
        "{count} classes have no negative samples ({names}), so their ROC AUC"
        " is undefined (NaN) and they are left out of the averages.",
    ),
    "few samples": (
        "The DeLong interval of class {name} is undefined (NaN): its variance"
        " needs {needs}.",
        "The DeLong intervals of {count} classes ({names}) are undefined"
        " (NaN): their variance needs {needs}.",
    ),
    "zero variance": (
        "The DeLong interval of class {name} has zero width: its variance is 0"
        " (as when every score is tied), so the interval does not describe the"
        " uncertainty of the AUC.",
        "The DeLong intervals of {count} classes ({names}) have zero width:"
        " their variance is 0 (as when every score is tied), so the intervals"
        " do not describe the uncertainty of the AUCs.",
    ),
}
#: The reasons of `_CLASS_NOTES` that concern DeLong intervals only.
_INTERVAL_REASONS = ("few samples", "zero variance")


class _EvaluationNotes:
    """Collects the reasons some values are undefined, to warn once each.

    Reasons that concern classes (`add_class`) make one note per reason,
    which names at most `_MAX_NAMED_CLASSES` of them, in the place of the
    first class with that reason.
    """

    def __init__(self, weighted=False, intervals=True):
        self.weighted = weighted
        self.intervals = intervals  # whether notes about DeLong intervals are wanted
        self._entries = []  # ("note", message) or ("classes", reason), in order
        self._classes = {}  # reason -> names of the classes with it

    def add(self, message):
        if ("note", message) not in self._entries:
            self._entries.append(("note", message))

    def add_class(self, reason, name):
        """Records that class `name` has `reason`, a key of `_CLASS_NOTES`."""
        if reason in _INTERVAL_REASONS and not self.intervals:
            return
        if reason not in self._classes:
            self._classes[reason] = []
            self._entries.append(("classes", reason))
        self._classes[reason].append(name)

    @property
    def messages(self):
        needs = _VARIANCE_NEEDS_WEIGHTED if self.weighted else _VARIANCE_NEEDS
        return [
            _class_note(value, self._classes[value], needs) if kind == "classes" else value
            for kind, value in self._entries
        ]


def _class_note(reason, names, needs):
    """The note for the classes `names` that share `reason`."""
    one, several = _CLASS_NOTES[reason]
    if len(names) == 1:
        return one.format(name=repr(names[0]), needs=needs)
    shown = ", ".join(map(repr, names[:_MAX_NAMED_CLASSES]))
    if len(names) > _MAX_NAMED_CLASSES:
        shown += f" and {len(names) - _MAX_NAMED_CLASSES} more"
    return several.format(count=len(names), names=shown, needs=needs)


def _readonly(array):
    array = np.asarray(array)
    array.flags.writeable = False
    return array


def _rebuild(cls, fields):
    return cls(**fields)


class _Picklable:
    """Pickles a frozen result through its constructor.

    The constructor makes arrays read-only again and wraps mappings in
    read-only proxies (which cannot be pickled as they are).
    """

    def __reduce__(self):
        fields = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            fields[field.name] = dict(value) if isinstance(value, types.MappingProxyType) else value
        return _rebuild, (type(self), fields)


@dataclasses.dataclass(frozen=True)
class RocCurve(_Picklable):
    """One ROC curve: false/true positive rates at decreasing thresholds.

    The first point is always `(0, 0)` at threshold `inf`, as in
    `sklearn.metrics.roc_curve`. A sample is called positive when its score
    is `>=` the threshold.

    Attributes:
        fpr: False positive rates, increasing, float64.
        tpr: True positive rates, increasing, float64.
        thresholds: Decreasing score thresholds, float64 (`inf` first).
        auc: Area under the exact curve (never from a thinned curve).
        thinned: True when the curve was thinned to at most
            `max_curve_points` of its exact vertices for drawing.
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    thinned: bool = False

    def __post_init__(self):
        for name in ("fpr", "tpr", "thresholds"):
            object.__setattr__(self, name, _readonly(getattr(self, name)))


@dataclasses.dataclass(frozen=True)
class OperatingPoint:
    """Sensitivity and specificity of a binary test at one threshold.

    Attributes:
        threshold: Scores `>=` this value are called positive.
        sensitivity: True positive rate (recall of the positive class).
        specificity: True negative rate, `1 - fpr`.
    """

    threshold: float
    sensitivity: float
    specificity: float

    @property
    def youden_j(self) -> float:
        """Youden's J statistic, `sensitivity + specificity - 1`."""
        return self.sensitivity + self.specificity - 1.0


@dataclasses.dataclass(frozen=True)
class ROCResult(_Picklable):
    """Everything `evaluate` computed. Frozen; arrays are read-only.

    Attributes:
        task: `"binary"`, `"multiclass"` or `"multilabel"`.
        class_names: Names of the classes (binary: negative, positive).
        n_samples: Number of samples evaluated.
        auc: The headline AUC: binary AUC, or the macro one-vs-rest average.
        auc_ci: DeLong confidence interval `(low, high)` of the binary AUC,
            clipped to [0, 1]; None for other tasks.
        auc_se: DeLong standard error of the binary AUC; None otherwise.
        auc_micro: Micro-averaged AUC (None for binary).
        auc_macro: Mean of the defined per-class AUCs (None for binary).
        auc_weighted: Per-class AUCs weighted by class prevalence (None for
            binary).
        per_class_auc: Class name to one-vs-rest AUC (binary: the positive
            class only). NaN where a class has no positive or no negative.
        per_class_ci: Class name to its DeLong interval.
        log_loss: Cross-entropy: binary, categorical (multiclass), or the
            mean of the per-label binary cross-entropies (multilabel).
        confusion_matrix: Binary and multiclass: `(C, C)` counts, rows true
            and columns predicted. Multilabel: `(L, 2, 2)` with
            `[[tn, fp], [fn, tp]]` per label. int64, or float64 when
            weighted.
        threshold: The threshold used for binary and multilabel decisions.
        confidence: The confidence level of the intervals.
        at_threshold: Binary only: operating point at `threshold`.
        youden: Binary only: the operating point maximising Youden's J.
        curves: Class name to `RocCurve`; multiclass and multilabel also
            have `"micro"` and `"macro"`.
        notes: Why some values are undefined, and which DeLong intervals
            say nothing (NaN or zero width); also issued as warnings. A
            note about several classes names at most 10 of them.
    """

    task: str
    class_names: tuple
    n_samples: int
    auc: float
    auc_ci: tuple | None
    auc_se: float | None
    auc_micro: float | None
    auc_macro: float | None
    auc_weighted: float | None
    per_class_auc: Mapping[str, float]
    per_class_ci: Mapping[str, tuple]
    log_loss: float
    confusion_matrix: np.ndarray
    threshold: float
    confidence: float
    at_threshold: OperatingPoint | None
    youden: OperatingPoint | None
    curves: Mapping[str, RocCurve]
    notes: tuple = ()

    def __post_init__(self):
        object.__setattr__(
            self, "confusion_matrix", _readonly(self.confusion_matrix)
        )
        for name in ("per_class_auc", "per_class_ci", "curves"):
            value = getattr(self, name)
            object.__setattr__(
                self, name, types.MappingProxyType(dict(value))
            )

    @property
    def curve(self) -> RocCurve:
        """Binary: the positive class's curve. Otherwise the micro curve."""
        if self.task == "binary":
            return self.curves[self.class_names[1]]
        return self.curves["micro"]

    def scalars(self) -> dict:
        """Scalar metrics as a flat `dict` of Python floats.

        Keys: `roc_auc`, `log_loss`; multiclass and multilabel add
        `roc_auc_micro`, `roc_auc_macro`, `roc_auc_weighted`; binary adds
        `roc_auc_ci_low`, `roc_auc_ci_high`, `sensitivity`, `specificity`,
        `youden_threshold`, `youden_sensitivity`, `youden_specificity`.
        """
        out = {"roc_auc": self.auc}
        if self.task != "binary":
            out["roc_auc_micro"] = self.auc_micro
            out["roc_auc_macro"] = self.auc_macro
            out["roc_auc_weighted"] = self.auc_weighted
        out["log_loss"] = self.log_loss
        if self.task == "binary":
            out["roc_auc_ci_low"], out["roc_auc_ci_high"] = self.auc_ci
            out["sensitivity"] = self.at_threshold.sensitivity
            out["specificity"] = self.at_threshold.specificity
            out["youden_threshold"] = self.youden.threshold
            out["youden_sensitivity"] = self.youden.sensitivity
            out["youden_specificity"] = self.youden.specificity
        return {key: float(value) for key, value in out.items()}

    def __str__(self):
        level = f"{self.confidence:.0%}"
        lines = [f"ROCResult({self.task}, {self.n_samples} samples)"]
        if self.task == "binary":
            low, high = self.auc_ci
            lines.append(
                f"  AUC       {self.auc:.4f}  ({level} CI {low:.4f}-{high:.4f})"
            )
            point, best = self.at_threshold, self.youden
            lines.append(
                f"  at {point.threshold:g}: sensitivity {point.sensitivity:.3f},"
                f" specificity {point.specificity:.3f}"
            )
            lines.append(
                f"  Youden's optimum {best.threshold:.4g}: sensitivity"
                f" {best.sensitivity:.3f}, specificity {best.specificity:.3f}"
            )
        else:
            lines.append(
                f"  AUC macro {self.auc_macro:.4f}  micro {self.auc_micro:.4f}"
                f"  weighted {self.auc_weighted:.4f}"
            )
            for name, value in self.per_class_auc.items():
                lines.append(f"    {name:<12} {value:.4f}")
        lines.append(f"  log loss  {self.log_loss:.4f}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------
# Input validation
# ----------------------------------------------------------------------------


def _shape(value):
    return tuple(np.shape(value))


def _as_float_scores(y_score):
    scores = np.asarray(y_score)
    if scores.dtype.kind == "b":
        scores = scores.astype(np.float64)
    elif scores.dtype.kind in "iu":
        scores = scores.astype(np.float64)
    elif scores.dtype.kind == "f":
        if scores.dtype.itemsize < 4:
            scores = scores.astype(np.float32)
    elif scores.dtype.kind == "O":
        try:
            scores = scores.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "`y_score` must hold numbers. Received an object array of "
                f"shape {scores.shape}."
            ) from None
    else:
        raise ValueError(
            "`y_score` must hold numbers (probabilities or logits). Received "
            f"dtype {scores.dtype} with shape {scores.shape}."
        )
    if scores.ndim == 0 or scores.ndim > 2:
        raise ValueError(
            "`y_score` must have shape (n,), (n, 1) or (n, n_classes). "
            f"Received shape {scores.shape}."
        )
    return scores


def _as_int_labels(y_true, score_shape=None):
    labels = np.asarray(y_true)
    kind = labels.dtype.kind
    if kind in "US" or (
        kind == "O" and any(isinstance(v, (str, bytes)) for v in labels.flat)
    ):
        shown = np.unique(labels.astype(str))[:5].tolist()
        raise ValueError(
            "`y_true` must hold integer class indices (0, 1, ...) or 0/1 "
            f"indicators, not strings. Received values {shown}. Encode them "
            "first, e.g. with `sklearn.preprocessing.LabelEncoder`."
        )
    if kind == "O":
        try:
            labels = labels.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "`y_true` must hold numbers. Received an object array of "
                f"shape {labels.shape}."
            ) from None
        kind = "f"
    if kind == "b":
        return labels.astype(np.int64)
    if kind in "iu":
        return labels.astype(np.int64, copy=False)
    if kind == "f":
        finite = np.isfinite(labels)
        if not finite.all():
            bad = labels[~finite]
            raise ValueError(
                f"`y_true` holds {bad.size} non-finite value(s) "
                f"(e.g. {bad[:3].tolist()}). Labels must be finite class "
                "indices or 0/1 indicators."
            )
        huge = np.abs(labels) >= 2.0**62  # no class index is that large
        if huge.any():
            raise ValueError(
                "`y_true` holds values too large to be class indices, e.g. "
                f"{labels[huge][:3].tolist()}. Labels must be class indices or "
                f"0/1 indicators. Received `y_true` {labels.shape}, `y_score` "
                f"{score_shape}."
            )
        rounded = np.round(labels)
        if not np.array_equal(rounded, labels):
            bad = np.unique(labels[rounded != labels])[:5]
            raise ValueError(
                "`y_true` must hold whole numbers (class indices or 0/1 "
                f"indicators). Received non-integer values {bad.tolist()}."
            )
        return rounded.astype(np.int64)
    raise ValueError(
        f"`y_true` must hold class indices. Received dtype {labels.dtype}."
    )


def _as_sample_weight(sample_weight, n):
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight)
    if weight.dtype.kind not in "biuf":
        raise ValueError(
            f"`sample_weight` must be numeric. Received dtype {weight.dtype}."
        )
    weight = weight.astype(np.float64)
    if weight.ndim == 2 and weight.shape[1] == 1:
        weight = weight[:, 0]
    if weight.shape != (n,):
        raise ValueError(
            f"`sample_weight` must have shape ({n},), one weight per sample. "
            f"Received shape {weight.shape}."
        )
    with np.errstate(over="ignore"):
        total = weight.sum()
    if np.isfinite(weight).all() and not np.isfinite(total):
        raise ValueError(
            "`sample_weight` sums to more than float64 can hold "
            f"(max {weight.max():g}); divide the weights by a constant."
        )
    if not np.isfinite(weight).all():
        raise ValueError(
            "`sample_weight` holds non-finite values "
            f"{weight[~np.isfinite(weight)][:3].tolist()}."
        )
    if (weight < 0).any():
        raise ValueError(
            "`sample_weight` must be non-negative. Received "
            f"{int((weight < 0).sum())} negative value(s), e.g. "
            f"{weight[weight < 0][:3].tolist()}."
        )
    return weight


def _infer_task(labels, scores, task):
    """Returns (task, positive-class labels/indicators, scores) normalised.

    Binary: labels (n,) in {0, 1}, scores (n,).
    Multiclass: labels (n,) in [0, C), scores (n, C).
    Multilabel: labels (n, L) in {0, 1}, scores (n, L).
    """
    if task not in ("auto",) + TASKS:
        raise ValueError(
            f"`task` must be one of 'auto', {', '.join(map(repr, TASKS))}. "
            f"Received task={task!r}."
        )
    n = scores.shape[0]
    received = f"Received y_true {labels.shape}, y_score {scores.shape}."
    if labels.ndim == 0 or labels.shape[0] != n:
        raise ValueError(
            f"`y_true` and `y_score` must have the same number of samples. "
            f"{received}"
        )
    if labels.ndim > 2:
        raise ValueError(f"`y_true` must be 1-D or 2-D. {received}")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    n_columns = 1 if scores.ndim == 1 else scores.shape[1]

    if labels.ndim == 2:
        if labels.shape[1] != n_columns:
            raise ValueError(
                f"`y_true` has {labels.shape[1]} columns but `y_score` has "
                f"{n_columns}: one-hot or multi-hot labels need one column "
                f"per score column. {received}"
            )
        values = np.unique(labels)
        if not np.isin(values, (0, 1)).all():
            raise ValueError(
                "2-D `y_true` must be one-hot or multi-hot 0/1 indicators. "
                f"Received values {values[:5].tolist()}. {received}"
            )
        one_hot = bool((labels.sum(axis=1) == 1).all())
        if task == "auto":
            task = "multiclass" if one_hot else "multilabel"
            if one_hot and n_columns == 2:
                task = "binary"
        if task == "multilabel":
            if n_columns == 0:
                raise ValueError(
                    f"`y_true` and `y_score` have no label columns. {received}"
                )
            return task, labels, scores
        if not one_hot:
            rows = np.flatnonzero(labels.sum(axis=1) != 1)[:5]
            raise ValueError(
                f"task={task!r} needs exactly one 1 per row of 2-D `y_true`,"
                f" but rows {rows.tolist()} have {labels[rows].sum(1).tolist()}"
                " ones. Pass task='multilabel' for multi-hot labels."
            )
        labels = labels.argmax(axis=1)

    if task == "multilabel":
        raise ValueError(
            "task='multilabel' needs 2-D multi-hot `y_true` with one column "
            f"per score column. {received}"
        )
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
    else:
        low = high = 0
    if scores.ndim == 1:
        if task == "multiclass":
            raise ValueError(
                "task='multiclass' needs `y_score` of shape (n, n_classes); "
                f"1-D scores are binary. {received}"
            )
        task = "binary"
    elif task == "auto":
        task = "binary" if n_columns == 2 else "multiclass"
    elif task == "binary" and n_columns != 2:
        raise ValueError(
            f"task='binary' needs scores of shape (n,), (n, 1) or (n, 2); "
            f"{n_columns} columns is a multiclass problem. {received}"
        )
    limit = 2 if task == "binary" else n_columns
    if low < 0 or high >= limit:
        values = np.unique(labels[(labels < 0) | (labels >= limit)])[:5]
        if task == "binary":
            raise ValueError(
                "Binary `y_true` must hold 0 (negative) and 1 (positive). "
                f"Received values {values.tolist()}. {received}"
            )
        raise ValueError(
            f"`y_true` holds labels {values.tolist()} outside the "
            f"{n_columns} score columns (valid: 0..{n_columns - 1}). "
            f"{received}"
        )
    return task, labels, scores


def _class_names(class_names, task, n_classes):
    if class_names is None:
        return tuple(str(i) for i in range(n_classes))
    if isinstance(class_names, str):
        raise TypeError(
            "`class_names` must be a sequence of names, not a single string. "
            f"Received {class_names!r}."
        )
    try:
        names = tuple(str(name) for name in class_names)
    except TypeError:
        raise TypeError(
            "`class_names` must be a sequence of names. Received "
            f"{class_names!r} of type {type(class_names).__name__}."
        ) from None
    if len(names) != n_classes:
        what = {
            "binary": "a binary task has 2 classes (negative, positive)",
            "multiclass": f"the scores have {n_classes} columns",
            "multilabel": f"the scores have {n_classes} label columns",
        }[task]
        raise ValueError(
            f"`class_names` has {len(names)} names but {what}. "
            f"Received class_names={list(names)}."
        )
    if len(set(names)) != len(names) or {"micro", "macro"} & set(names):
        raise ValueError(
            "`class_names` must be unique and must not be 'micro' or "
            f"'macro'. Received {list(names)}."
        )
    return names


# ----------------------------------------------------------------------------
# Core computations
# ----------------------------------------------------------------------------


def _sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    # NaN logits give NaN (reported by evaluate's non-finite check).
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(-np.logaddexp(0.0, -x))


def _probabilities(task, scores, from_logits):
    """The scores that are ranked: after sigmoid/softmax for logits, and
    column 1 of `(n, 2)` binary scores. `scores` as `_validate` returns them.
    """
    if from_logits:
        if task == "multiclass" or (task == "binary" and scores.ndim == 2):
            scores = _softmax(scores)
        else:
            scores = _sigmoid(scores)
    if task == "binary" and scores.ndim == 2:
        scores = scores[:, 1]
    return scores


def _softmax(x):
    x = np.asarray(x, dtype=np.float64)
    # Infinite or float64-spanning logits give NaN or inf here, reported by
    # evaluate's non-finite check rather than as NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        z = x - x.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
    return z


@dataclasses.dataclass
class _BinaryCore:
    """Per-group sums from one descending sort of one binary problem."""

    thresholds: np.ndarray  # distinct scores, decreasing
    tps: np.ndarray  # cumulative positive weight at score >= threshold
    fps: np.ndarray  # cumulative negative weight at score >= threshold

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
        """Exact AUC and its DeLong variance (Sun & Xu's fast algorithm).

        Within a group of tied scores every positive has the same structural
        component V10 (the share of negatives it outranks, ties counting
        half) and every negative the same V01, so both are computed per
        group. Weights act as frequency weights (an integer weight k is the
        same as repeating the sample k times).
        """
        pos, neg = self.total_pos, self.total_neg
        if not self.defined:
            return math.nan, math.nan
        pos_in = np.diff(self.tps, prepend=0.0)
        neg_in = np.diff(self.fps, prepend=0.0)
        pos_above = self.tps - pos_in
        # Rates first: weights near the float64 limits would overflow or
        # underflow pos * neg (and 0.5 * a subnormal weight is 0).
        tpr, fpr = self.tps / pos, self.fps / neg
        tpr_in = np.diff(tpr, prepend=0.0)
        auc = float(_dot(np.diff(fpr, prepend=0.0), tpr - 0.5 * tpr_in))
        auc = min(1.0, max(0.0, auc))  # rounding can pass 1 by an ulp
        if pos <= 1 or neg <= 1:
            return auc, math.nan
        v10 = (neg - self.fps + 0.5 * neg_in) / neg
        v01 = (pos_above + 0.5 * pos_in) / pos
        s10 = _dot(pos_in, (v10 - auc) ** 2) / (pos - 1.0)
        s01 = _dot(neg_in, (v01 - auc) ** 2) / (neg - 1.0)
        return auc, float(s10 / pos + s01 / neg)

    def curve(self, auc, max_points):
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
        return _thin(RocCurve(fpr, tpr, thresholds, auc), max_points)

    def point(self, threshold):
        """Sensitivity and specificity when scores >= threshold are positive."""
        # thresholds are decreasing; count groups with score >= threshold.
        k = np.searchsorted(-self.thresholds, -threshold, side="right")
        tp = self.tps[k - 1] if k else 0.0
        fp = self.fps[k - 1] if k else 0.0
        return OperatingPoint(
            float(threshold),
            _ratio(tp, self.total_pos),
            _ratio(self.total_neg - fp, self.total_neg),
        )

    def youden(self):
        """The threshold maximising sensitivity + specificity - 1."""
        if not self.defined:
            return OperatingPoint(math.nan, math.nan, math.nan)
        j = self.tps / self.total_pos - self.fps / self.total_neg
        best = int(np.argmax(j))
        if j[best] <= 0:  # no threshold beats calling everything negative
            return OperatingPoint(math.inf, 0.0, 1.0)
        return OperatingPoint(
            float(self.thresholds[best]),
            float(self.tps[best] / self.total_pos),
            float(1.0 - self.fps[best] / self.total_neg),
        )


def _dot(a, b):
    """Dot product of two vectors, without BLAS.

    BLAS may start threads even for one vector product, which on a small or
    busy machine costs far more than the product (measured 4x slower than
    this on 1M floats with 2 cores).
    """
    return np.einsum("i,i->", a, b)


def _ratio(numerator, denominator):
    return float(numerator / denominator) if denominator > 0 else math.nan


def _binary_core(positive, score, weight):
    """Sorts once and accumulates positive/negative weight per tied group."""
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
    return _BinaryCore(sorted_score[ends].astype(np.float64), tps, fps)


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
    return RocCurve(
        curve.fpr[keep], curve.tpr[keep], curve.thresholds[keep], curve.auc, True
    )


def _normal_quantile(confidence):
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _interval(auc, variance, z):
    if not (np.isfinite(auc) and np.isfinite(variance)):
        return (math.nan, math.nan)
    half = z * math.sqrt(max(variance, 0.0))
    return (max(0.0, auc - half), min(1.0, auc + half))


def _clipped_log(p, dtype):
    eps = np.finfo(dtype).eps  # the clip scikit-learn's log_loss applies
    return np.log(np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps))


def _weighted_mean(values, weight):
    if weight is None:
        return float(np.mean(values))
    total = weight.sum()
    return float(_dot(values, weight) / total) if total > 0 else math.nan


def _binary_log_loss(positive, prob, weight, dtype):
    """Mean binary cross-entropy, in blocks to bound the float64 temporaries."""
    eps = np.finfo(dtype).eps  # the clip scikit-learn's log_loss applies
    total = 0.0
    for start in range(0, prob.shape[0], _LOG_LOSS_BLOCK):
        stop = start + _LOG_LOSS_BLOCK
        y = positive[start:stop].astype(np.float64)
        # The probability given to the true class, p or 1 - p, computed as
        # (2y - 1) p + (1 - y): exact but for the one rounding of 1 - p, and
        # much faster than np.where on a random mask.
        true_p = (2.0 * y - 1.0) * prob[start:stop]
        true_p += 1.0 - y
        loss = np.log(np.clip(true_p, eps, 1 - eps))
        total -= loss.sum() if weight is None else _dot(loss, weight[start:stop])
    denominator = prob.shape[0] if weight is None else weight.sum()
    return float(total / denominator) if denominator > 0 else math.nan


def _binary_confusion(positive, predicted, weight):
    """`[[tn, fp], [fn, tp]]` of boolean truths and decisions."""
    if weight is not None:
        return _confusion(positive.astype(np.int64), predicted.astype(np.int64), 2, weight)
    n_pos, n_called = np.count_nonzero(positive), np.count_nonzero(predicted)
    tp = np.count_nonzero(positive & predicted)
    fp, fn = n_called - tp, n_pos - tp
    return np.array([[positive.size - n_pos - fp, fp], [fn, tp]], dtype=np.int64)


# ----------------------------------------------------------------------------
# Exact ROC of unweighted problems, streamed from sorted copies
# ----------------------------------------------------------------------------
#
# An unweighted problem never needs an argsort of its scores (an int64 per
# sample, plus permuted copies of everything): a sorted copy of the scores,
# cut into chunks of whole tie groups from the highest score down, gives the
# number of positives and negatives at every distinct score. One pass over
# those chunks yields the exact AUC (in integers), the DeLong moments, the
# Youden optimum and the curve, thinned as it is built. The temporaries are
# those of one chunk, so the peak memory stays near one copy of the scores.

#: Chunk temporaries are sized to stay under this fraction of the bytes of
#: the whole score array (all classes) given to `evaluate`...
_CHUNK_MEMORY_FRACTION = 0.5
#: ...given about this many bytes of temporaries per element of a chunk
#: (measured: a dozen int64 arrays per distinct score, at their peak).
_CHUNK_BYTES_PER_ELEMENT = 128
#: But a chunk takes at least this many elements of each sorted input: fewer
#: would let the per-chunk Python overhead dominate...
_MIN_CHUNK_ELEMENTS = 1 << 13
#: ...as long as that floor holds at most this many elements over all the
#: inputs (never less than one per input): the micro average has one input
#: per class, and 8,192 elements of each of 1,000 classes let one chunk hold
#: 8 million elements, many times the memory budget (1,000 x 20,000 float32
#: scores peaked at 6x their bytes). Two inputs, the most a one-class
#: problem has, keep the full floor per input.
_MIN_CHUNK_TOTAL = 2 * _MIN_CHUNK_ELEMENTS
#: The sparse path (`_StreamCore.add_sparse`) is taken when positives plus
#: tied pairs are at most this fraction of the scores: its work is
#: O(k log n) for k of them, against several passes over n otherwise.
_SPARSE_FRACTION = 1 / 8
#: Chunks of packed keys with this many times more scores than distinct
#: scores count the positives of each run by a binary search.
_LONG_RUNS_RATIO = 16
#: Elements per block when counting ties (a bool temporary this long).
_TIE_COUNT_BLOCK = 1 << 20
#: Rows per block when a score matrix is copied to one contiguous row per
#: class: small enough for a block to stay in cache, which makes the copy
#: about 7x faster than copying strided columns one at a time.
_TRANSPOSE_BLOCK_ROWS = 4096
#: Unsigned integers with the bits of each float type, for packed keys.
_UNSIGNED = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}


def _chunk_length(score_nbytes, n_inputs=1):
    """Elements of each of `n_inputs` sorted inputs that go into one chunk,
    for a problem on a score array of `score_nbytes` bytes.

    A chunk holds about `n_inputs` times this many elements in all (see
    `_tie_chunks`), which stays within the memory allowance at any
    `n_inputs`.
    """
    allowance = score_nbytes * _CHUNK_MEMORY_FRACTION
    floor = max(1, min(_MIN_CHUNK_ELEMENTS, _MIN_CHUNK_TOTAL // n_inputs))
    return max(floor, int(allowance // (_CHUNK_BYTES_PER_ELEMENT * n_inputs)))


def _columns(scores):
    """Copy of a `(n, k)` score matrix as `(k, n)`: one contiguous row per column."""
    n, k = scores.shape
    out = np.empty((k, n), dtype=scores.dtype)
    for start in range(0, n, _TRANSPOSE_BLOCK_ROWS):
        stop = start + _TRANSPOSE_BLOCK_ROWS
        out[:, start:stop] = scores[start:stop].T
    return out


def _tie_chunks(arrays, length):
    """Cuts ascending arrays at common values into chunks, highest first.

    A chunk holds at most `length` times `len(arrays)` elements in all (more
    only inside one run of tied scores, which is never split). Yields one
    tuple of views per chunk.

    The cut values come from a sample of every `stride`-th element of each
    array: every `per_chunk`-th value of the sorted sample. A chunk then
    holds at most `per_chunk` sampled elements, each followed by fewer than
    `stride` unsampled ones of its array, and fewer than `stride` elements
    of each other array before its first sampled one: at most `stride *
    (per_chunk + len(arrays) - 1)` elements. With many arrays, cutting at
    every sampled value (`per_chunk` 1) would make a chunk, and a slice of
    every array, per `length` elements in all: tens of thousands for 1,000
    classes, with a bound per array and chunk. Instead half of the budget
    goes to the sampled elements and half to the rest: about `2 * total /
    (length * len(arrays))` chunks. With one or two arrays this cuts at
    every `length`-th element of each.
    """
    per_chunk = max(1, len(arrays) - 1)
    stride = max(1, length * len(arrays) // (per_chunk + len(arrays) - 1))
    sample = np.sort(np.concatenate([a[::stride] for a in arrays]))
    # The lowest sampled value is the lowest of all: nothing is below a cut.
    cuts = np.unique(sample[::per_chunk])
    del sample
    bounds = [np.r_[np.searchsorted(a, cuts, side="left"), a.size] for a in arrays]
    for j in range(cuts.size - 1, -1, -1):
        yield tuple(a[b[j]:b[j + 1]] for a, b in zip(arrays, bounds))


def _run_starts(values):
    """Indices where a new value starts in a sorted array."""
    change = np.empty(values.size, dtype=bool)
    change[:1] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def _ties_at_most(values, limit):
    """Whether sorted `values` has at most `limit` pairs of equal neighbours.

    Counts block by block and stops as soon as the limit is passed.
    """
    count = 0
    for start in range(0, values.size - 1, _TIE_COUNT_BLOCK):
        block = values[start:start + _TIE_COUNT_BLOCK + 1]
        count += int(np.count_nonzero(block[1:] == block[:-1]))
        if count > limit:
            return False
    return True


def _merged_unique(arrays):
    """Distinct values of ascending arrays, ascending.

    Not np.unique: it hashes (NumPy 2.3+) where merging sorted runs with
    the stable sort (timsort) takes linear time.
    """
    merged = np.sort(np.concatenate(arrays), kind="stable")
    return merged[_run_starts(merged)]


def _per_run_sums(flags, starts):
    """Sums of the 0/1 `flags` over the runs that begin at `starts`."""
    through = np.cumsum(flags, dtype=np.int64)[np.append(starts[1:], flags.size) - 1]
    return np.diff(through, prepend=0)


# Chunk sources. Each yields, highest scores first, `(values, starts, n_pos)`:
# an ascending chunk of all the scores, the indices where its distinct
# scores start, and the number of positives at each distinct score.


def _subset_groups(values, positives):
    """From ascending chunks of all scores and of the positive scores."""
    starts = _run_starts(values)
    # Every positive score occurs in `values`: find the run it starts.
    group = np.searchsorted(starts, np.searchsorted(values, positives, side="left"))
    return values, starts, np.bincount(group, minlength=starts.size)


def _merged_groups(pos, neg):
    """From ascending chunks of the positive and of the negative scores."""
    values = np.concatenate((pos, neg))
    # Two sorted runs: the stable sort (timsort) merges them in linear time.
    order = np.argsort(values, kind="stable")
    values = values[order]
    starts = _run_starts(values)
    return values, starts, _per_run_sums(order < pos.size, starts)


def _packable(scores):
    """Whether `_packed_keys` applies: native float32/float64, none negative."""
    return (
        scores.dtype in _UNSIGNED and scores.dtype.isnative
        and (scores.size == 0 or scores.min() >= 0)
    )


def _packed_keys(scores, positive):
    """Sorted keys `score_bits << 1 | is_positive` of non-negative scores.

    The bits of a non-negative float sort like its value and its sign bit is
    free (shifting it out turns -0.0 into +0.0), so one sort of one array the
    size of the scores orders them and carries the labels along. It is also
    much faster than an argsort (about 4 ms against 20 ms for 1M float32).
    """
    keys = np.array(scores, order="C", copy=True).view(_UNSIGNED[scores.dtype])
    keys <<= 1
    keys |= positive  # not `where=positive`: a masked ufunc is 10x slower
    keys.sort()
    return keys


def _key_chunks(keys, length):
    """Chunks of sorted packed keys, whole tie groups, highest first."""
    # Move each cut to the start of its tie group (the key with label 0).
    cuts = np.searchsorted(keys, (keys[::length] >> 1) << 1, side="left")
    bounds = np.unique(np.append(cuts, keys.size))
    for j in range(bounds.size - 2, -1, -1):
        yield keys[bounds[j]:bounds[j + 1]]


class _KeyScores:
    """The scores of a chunk of packed keys, decoded where indexed."""

    def __init__(self, keys, dtype):
        self.keys, self.dtype, self.size = keys, dtype, keys.size

    def __getitem__(self, index):
        return (np.asarray(self.keys[index]) >> 1).view(self.dtype)


def _key_groups(keys, dtype):
    """From an ascending chunk of packed keys of scores of `dtype`."""
    # Neighbours hold the same score when their keys differ at most in the
    # label bit.
    change = np.empty(keys.size, dtype=bool)
    change[:1] = True
    np.greater(keys[1:] ^ keys[:-1], 1, out=change[1:])
    starts = np.flatnonzero(change)
    del change
    if starts.size * _LONG_RUNS_RATIO < keys.size:
        # Long runs of tied scores (e.g. saturated probabilities): a run's
        # negatives come first, so its positives start at its first odd
        # key. A search per run keeps the temporaries per run, not per score.
        ends = np.append(starts[1:], keys.size)
        n_pos = ends - np.searchsorted(keys, keys[starts] | 1, side="left")
    else:
        n_pos = _per_run_sums(keys & 1, starts)
    return _KeyScores(keys, dtype), starts, n_pos


def _lowest_at_least(value, dtype):
    """The smallest `dtype` number >= `value`.

    For scores of that dtype, `score >= value` (as real numbers) exactly
    when `score >= bound`, compared in the scores' own dtype.
    """
    with np.errstate(over="ignore"):
        bound = np.asarray(value, dtype=dtype)[()]
    if float(bound) < value:
        bound = np.nextafter(bound, dtype.type(np.inf))
    return bound


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
        self.pending = None  # the previous chunk's last group (undecided)
        self.n_groups = 0
        self.n_vertices = 0
        self.every = []  # all vertices, while they fit in max_points
        self.chosen = []  # the vertices of the thinned curve
        # Targets only when thinning is possible: the curve has at most one
        # vertex per sample, plus the origin.
        thinnable = max_points is not None and max_points <= total_pos + total_neg
        self.targets = (
            np.linspace(0.0, 2.0, max_points)[1:]  # the origin takes 0
            if thinnable else None
        )

    def add(self, thresholds_at, tps, fps, pos_in, neg_in):
        """Adds the next groups (decreasing scores); `thresholds_at(i)` gives
        the scores of groups `i`."""
        if self.pending is not None:
            threshold, tp, fp, counts, emitted = self.pending
            if not emitted and counts != (pos_in[0], neg_in[0]):
                self._emit(np.array([tp]), np.array([fp]), lambda i: threshold[i])
        change = (pos_in[1:] != pos_in[:-1]) | (neg_in[1:] != neg_in[:-1])
        if self.n_groups == 0:
            change[:1] = True  # the first group is always a vertex
        vertices = np.flatnonzero(change)
        if self.n_groups == 0 and tps.size == 1:
            vertices = np.array([0])
        self._emit(tps[vertices], fps[vertices], lambda i: thresholds_at(vertices[i]))
        last = tps.size - 1
        self.pending = (
            thresholds_at(np.array([last])), int(tps[last]), int(fps[last]),
            (pos_in[last], neg_in[last]), self.n_groups == 0 and last == 0,
        )
        self.n_groups += tps.size

    def add_vertices(self, tps, fps, thresholds):
        """Adds every vertex of the curve at once (decided by the caller)."""
        self._emit(tps, fps, lambda i: thresholds[i])

    def _emit(self, tps, fps, thresholds_of):
        """Takes the next vertices of the exact curve, in order, by their
        counts; `thresholds_of(i)` gives the thresholds of vertices `i`."""
        if not tps.size:
            return
        self.n_vertices += tps.size
        if self.every is not None:
            if self.max_points is None or self.n_vertices + 1 <= self.max_points:
                self.every.append((thresholds_of(np.arange(tps.size)), tps, fps))
            else:
                self.every = None  # too many: only the thinned curve is kept
        if self.targets is not None and self.targets.size:
            path = fps / self.total_neg + tps / self.total_pos
            first = np.searchsorted(path, self.targets, side="left")
            reached = first < path.size
            if reached.any():
                picked = np.unique(first[reached])
                self.chosen.append((thresholds_of(picked), tps[picked], fps[picked]))
                self.targets = self.targets[~reached]

    def finish(self, auc):
        """The `RocCurve`, starting at the origin."""
        if self.pending is not None and not self.pending[-1]:
            # The last group is always a vertex.
            threshold, tp, fp, _, _ = self.pending
            self._emit(np.array([tp]), np.array([fp]), lambda i: threshold[i])
        parts = self.every if self.every is not None else self.chosen
        thresholds = np.concatenate([[np.inf]] + [p[0] for p in parts])
        tps = np.concatenate([[0]] + [p[1] for p in parts])
        fps = np.concatenate([[0]] + [p[2] for p in parts])
        return RocCurve(
            fps / self.total_neg, tps / self.total_pos,
            thresholds.astype(np.float64), auc, self.every is None,
        )


class _StreamCore:
    """An unweighted binary problem summarised in one pass over tie groups.

    Fed with `add_chunk` (chunks of groups, highest scores first; see the
    chunk sources above) or `add_sparse` (the whole problem at once), then
    `finish`; `_stream_core` and `_sparse_core` do this. Offers
    `_BinaryCore`'s interface, everything computed in the pass: the curve
    for the `max_points` given here, and the operating point from
    `point_counts`, the (tp, fp) counts at the one threshold `point` is
    asked about.
    """

    def __init__(self, total_pos, total_neg, max_points, *,
                 variance=True, youden=False, point_counts=(0, 0)):
        self.total_pos, self.total_neg = float(total_pos), float(total_neg)
        self.max_points = max_points
        self._point = point_counts
        self._auc = self._variance = math.nan
        self._curve = self._youden = None
        self._n_pos, self._n_neg = int(total_pos), int(total_neg)
        self._variance_wanted, self._youden_wanted = variance, youden
        self._twice_area = 0  # 2 * n_pos * n_neg * AUC, an exact integer
        self._v10, self._v01 = _Moments(), _Moments()
        self._curve_stream = _CurveStream(self._n_pos, self._n_neg, max_points)
        self._tp_above = self._fp_above = 0  # counts above the current chunk
        self._best_j, self._best = -math.inf, None

    @property
    def defined(self):
        return self.total_pos > 0 and self.total_neg > 0

    def add_chunk(self, values, starts, pos_count):
        """Adds the groups of one chunk, below those added before."""
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

        def thresholds_at(i):
            return values[starts[last - i]]

        self._curve_stream.add(thresholds_at, tps, fps, pos_in, neg_in)
        k = last - np.flatnonzero(pos_count)[::-1]
        self._add_positive_groups(
            pos_in[k], neg_in[k], tps[k], fps[k], int(fps[-1]),
            lambda i: thresholds_at(k[i]),
        )
        self._tp_above, self._fp_above = int(tps[-1]), int(fps[-1])

    def add_sparse(self, values, positives, tie):
        """Adds the whole problem from its special runs of tied scores.

        Special runs hold a positive or a tie (`tie`: the indices `i` with
        `values[i] == values[i + 1]`); every other score is one negative
        alone, whose counts follow from its position. Costs
        O((positives + ties) log n) after the sort, not O(n).
        """
        n_pos, m = self._n_pos, values.size
        special = _merged_unique((positives, values[tie]))
        lo = np.searchsorted(values, special, side="left")
        hi = np.searchsorted(values, special, side="right")
        pos_below = np.searchsorted(positives, special, side="left")
        pos_in = np.searchsorted(positives, special, side="right") - pos_below
        neg_in = (hi - lo) - pos_in
        tps = n_pos - pos_below
        fps = (m - lo) - tps
        k = np.flatnonzero(pos_in)[::-1]  # decreasing scores
        self._add_positive_groups(
            pos_in[k], neg_in[k], tps[k], fps[k], self._n_neg,
            lambda i: special[k[i]],
        )

        # A run is a vertex when its counts differ from the next lower run's,
        # which is a lone negative, (0, 1), unless a special run ends where
        # it starts. The lowest and the highest runs always are vertices.
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
        vertices = _merged_unique(
            (lo[is_vertex], above[above < m], np.array(ends, dtype=lo.dtype))
        )[::-1]  # run starts, decreasing scores
        tps_v = n_pos - np.searchsorted(positives, values[vertices], side="left")
        self._curve_stream.add_vertices(tps_v, (m - vertices) - tps_v, values[vertices])

    def _add_positive_groups(self, pos_k, neg_k, tps_k, fps_k, fps_end, threshold_of):
        """AUC, DeLong moments and Youden's J from the groups holding
        positives (decreasing scores) of the current chunk; `fps_end` is the
        cumulative negatives at the chunk's end.

        The negatives between two such groups all have the same positives
        above them, so no other group is needed.
        """
        n_pos, n_neg = self._n_pos, self._n_neg
        # Each positive outranks the negatives below its group and ties with
        # (counts half of) those in it: twice that, in whole negatives.
        outranked = 2 * (n_neg - fps_k) + neg_k
        area = int(_dot(pos_k, outranked))
        self._twice_area += area
        if self._variance_wanted:
            # DeLong's components, kept as integers: V10 (per positive) is
            # `outranked / (2 n_neg)`; V01 (per negative) is the positives
            # above it, ties counting half, over n_pos: here twice that
            # count, for the negatives tied with positives...
            self._v10.add(pos_k, outranked, area)
            self._v01.add(neg_k, 2 * tps_k - pos_k)
            # ...and for those between groups holding positives.
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
        if self._youden_wanted and pos_k.size:
            # Youden's J peaks at a group holding positives.
            j = tps_k / n_pos - fps_k / n_neg
            top = int(np.argmax(j))
            if j[top] > self._best_j:
                self._best_j = j[top]
                self._best = (threshold_of(top), tps_k[top], fps_k[top])

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
            threshold, tp, fp = self._best or (math.inf, 0, 0)
            self._youden = (
                OperatingPoint(math.inf, 0.0, 1.0) if self._best_j <= 0
                else OperatingPoint(
                    float(threshold),
                    float(tp / self.total_pos),
                    float(1.0 - fp / self.total_neg),
                )
            )

    def auc_and_variance(self):
        """Exact AUC and its DeLong variance (NaN when undefined)."""
        return self._auc, self._variance

    def curve(self, auc, max_points):
        """The curve (built in the pass, for the same auc and max_points)."""
        return self._curve

    def point(self, threshold):
        """Sensitivity and specificity at the threshold of `point_counts`."""
        tp, fp = self._point
        return OperatingPoint(
            float(threshold),
            _ratio(tp, self.total_pos),
            _ratio(self.total_neg - fp, self.total_neg),
        )

    def youden(self):
        """The threshold maximising sensitivity + specificity - 1."""
        if self._youden is None:
            return OperatingPoint(math.nan, math.nan, math.nan)
        return self._youden


def _stream_core(chunks, total_pos, total_neg, max_points, **options):
    """A `_StreamCore` fed chunk by chunk."""
    core = _StreamCore(total_pos, total_neg, max_points, **options)
    if core.defined:
        chunks = iter(chunks)
        while (chunk := next(chunks, None)) is not None:
            core.add_chunk(*chunk)
            del chunk  # free it before the next chunk is made
        core.finish()
    return core


def _binary_chunks(scores, positive):
    """Sorted copies of binary scores, as chunks for `_StreamCore`.

    Returns the number of positives and the chunk generator, which holds
    only the sorted copy (one copy of the scores), not `positive`.
    """
    n_pos = int(np.count_nonzero(positive))
    if _packable(scores):
        keys = _packed_keys(scores, positive)
        dtype, length = scores.dtype, _chunk_length(scores.nbytes)
        return n_pos, (_key_groups(k, dtype) for k in _key_chunks(keys, length))
    # Negative scores: sort the two classes apart and merge chunk by chunk.
    pos, neg = scores[positive], scores[~positive]
    pos.sort()
    neg.sort()
    length = _chunk_length(scores.nbytes, 2)
    return n_pos, (_merged_groups(p, q) for p, q in _tie_chunks((pos, neg), length))


def _subset_core(values, positives, max_points, score_nbytes):
    """Core from all the scores and the positives' scores, both sorted.

    Sparse (see `_StreamCore.add_sparse`) when positives and ties are rare,
    as for one class of many; streamed otherwise. `score_nbytes`, the size
    of the whole score array, sets the chunk size.
    """
    n_pos, n_neg = positives.size, values.size - positives.size
    rare = values.size * _SPARSE_FRACTION
    if 0 < n_pos <= rare and n_neg > 0 and _ties_at_most(values, rare - n_pos):
        core = _StreamCore(n_pos, n_neg, max_points)
        core.add_sparse(values, positives, np.flatnonzero(values[1:] == values[:-1]))
        core.finish()
        return core
    return _merged_rows_core([values], positives, max_points, score_nbytes)


def _merged_rows_core(rows, positives, max_points, score_nbytes, variance=True):
    """Core of every entry of `rows` against the `positives` among them.

    Each row and `positives` are sorted ascending. The arrays are cut at
    common values (`_tie_chunks`) and several rows are merged chunk by
    chunk, so only one chunk is ever sorted at a time: for the micro
    average about 1.4x faster than sorting all entries as one array, in
    chunk-sized memory.
    """
    arrays = [*rows, positives]
    length = _chunk_length(score_nbytes, len(arrays))

    def chunks():
        for parts in _tie_chunks(arrays, length):
            values = parts[0]
            if len(rows) > 1:
                values = np.concatenate(parts[:-1])
                values.sort(kind="stable")  # a merge of the sorted runs
            yield _subset_groups(values, parts[-1])

    n_values = sum(row.size for row in rows)
    return _stream_core(
        chunks(), positives.size, n_values - positives.size, max_points, variance=variance
    )


def _macro_curve(curves, auc_macro, max_points):
    """Mean TPR over classes at the union of their FPRs (sklearn tutorial)."""
    if not curves:
        return RocCurve(np.array([0.0, 1.0]), np.array([math.nan] * 2), np.array([math.inf, -math.inf]), auc_macro)
    grid = np.unique(np.concatenate([c.fpr for c in curves]))
    mean_tpr = np.zeros_like(grid)
    for c in curves:
        mean_tpr += np.interp(grid, c.fpr, c.tpr)
    mean_tpr /= len(curves)
    # Thresholds are per class and have no common meaning here.
    thresholds = np.full(grid.shape, np.nan)
    curve = RocCurve(grid, mean_tpr, thresholds, auc_macro)
    return _thin(curve, max_points)


def evaluate(
    y_true,
    y_score,
    *,
    task="auto",
    class_names=None,
    from_logits=False,
    sample_weight=None,
    threshold=0.5,
    confidence=0.95,
    max_curve_points=DEFAULT_MAX_CURVE_POINTS,
):
    """Exact ROC analysis of a classifier's scores.

    Computes the ROC curves, the exact AUC (binary, per class one-vs-rest,
    micro, macro and prevalence-weighted averages), DeLong confidence
    intervals, log loss, the confusion matrix and, for binary tasks, the
    operating points at `threshold` and at Youden's optimum. The numbers
    equal scikit-learn's (`roc_auc_score`, `roc_curve`, `log_loss`,
    `confusion_matrix`) on the same input, ties and weights included, and
    are computed with one sort per class.

    Args:
        y_true: Labels. Shape `(n,)` with 0/1 (binary) or class indices
            (multiclass), or `(n, C)` one-hot (multiclass) or multi-hot
            (multilabel). Booleans and floats 0.0/1.0 are accepted.
        y_score: Scores, shape `(n,)` or `(n, 1)` (binary), `(n, 2)`
            (binary on column 1 when labels are 0/1) or `(n, C)`.
            Probabilities, or logits with `from_logits=True`.
        task: `"binary"`, `"multiclass"`, `"multilabel"` or `"auto"` to
            infer it from the shapes and labels. Defaults to `"auto"`.
        class_names: Names for the classes, used as keys of
            `per_class_auc` and in figures. Binary: `(negative, positive)`.
            Defaults to `None` (`"0"`, `"1"`, ...).
        from_logits: Whether `y_score` are logits: sigmoid (binary,
            multilabel) or softmax (multiclass) is applied first. Defaults
            to `False`.
        sample_weight: Non-negative weights of shape `(n,)`; they weight
            every metric (frequency weights for the DeLong interval).
            Defaults to `None`.
        threshold: Scores `>=` this are called positive (binary and
            multilabel confusion matrices and operating point). Defaults to
            `0.5`.
        confidence: Level of the DeLong intervals. Defaults to `0.95`.
        max_curve_points: Curves with more vertices are thinned to this many
            exact vertices for drawing; `None` keeps every vertex. The AUC
            always comes from the exact curve. Defaults to `2000`.

    Returns:
        A frozen `ROCResult`.

    Raises:
        ValueError: Shapes that do not match, labels outside the score
            columns, empty input, string or non-finite labels, negative or
            non-finite weights, or invalid options.

    Undefined values (a class without positives or negatives, NaN or
    infinite scores) are NaN and reported in one `UserWarning`, as are
    DeLong intervals that say nothing: NaN (a class with fewer than 2
    positives or negatives) or of zero width (a variance of 0 with an AUC
    strictly between 0 and 1, as when every score is tied).

    Example:

    >>> import numpy as np, keras_roc
    >>> result = keras_roc.evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(result.auc, 3)
    0.75
    >>> result.task
    'binary'
    """
    result = _evaluate(
        y_true,
        y_score,
        task=task,
        class_names=class_names,
        from_logits=from_logits,
        sample_weight=sample_weight,
        threshold=threshold,
        confidence=confidence,
        max_curve_points=max_curve_points,
    )
    if result.notes:
        warnings.warn(" ".join(result.notes), UserWarning, stacklevel=2)
    return result


def _check_options(threshold, confidence, max_curve_points):
    real = (int, float, np.integer, np.floating)
    for name, value in (("confidence", confidence), ("threshold", threshold), ("max_curve_points", max_curve_points)):
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(f"`{name}` must be a number, not a boolean. Received {value!r}.")
    # 0.5 + confidence / 2 must stay below 1 for the normal quantile.
    if not (isinstance(confidence, real) and 0 < confidence and 0.5 + confidence / 2 < 1):
        raise ValueError(
            f"`confidence` must be a number in (0, 1). Received {confidence!r}."
        )
    if not (isinstance(threshold, real) and math.isfinite(threshold)):
        raise ValueError(
            f"`threshold` must be a finite number. Received {threshold!r}."
        )
    if max_curve_points is not None and (
        not isinstance(max_curve_points, (int, np.integer)) or max_curve_points < 2
    ):
        raise ValueError(
            "`max_curve_points` must be an integer >= 2 or None. Received "
            f"{max_curve_points!r}."
        )


def _validate(y_true, y_score, task, class_names, sample_weight):
    """Validates and normalises inputs. Returns a namespace of arrays."""
    scores = _as_float_scores(y_score)
    labels = _as_int_labels(y_true, scores.shape)
    if scores.shape[0] == 0:
        raise ValueError(
            "`y_true` and `y_score` are empty. Received shapes "
            f"{labels.shape} and {scores.shape}; at least one sample is needed."
        )
    task, labels, scores = _infer_task(labels, scores, task)
    weight = _as_sample_weight(sample_weight, scores.shape[0])
    n_classes = 2 if task == "binary" else scores.shape[1]
    names = _class_names(class_names, task, n_classes)
    return types.SimpleNamespace(
        task=task, labels=labels, scores=scores, weight=weight, names=names
    )


def _evaluate(
    y_true,
    y_score,
    *,
    task="auto",
    class_names=None,
    from_logits=False,
    sample_weight=None,
    threshold=0.5,
    confidence=0.95,
    max_curve_points=DEFAULT_MAX_CURVE_POINTS,
    overwrite_scores=False,
    interval_notes=True,
):
    """`evaluate` without the warning: notes are returned in the result.

    With `interval_notes=False` there are no notes about DeLong intervals
    (for callers that show no interval).

    With `overwrite_scores=True` the caller gives up `y_score`: a float
    `(n, k)` array in column-major (Fortran) order is then sorted in place,
    column by column, instead of being copied first, which halves the peak
    memory of multiclass and multilabel evaluation. Its contents are
    undefined afterwards. Other inputs are copied as usual.
    """
    _check_options(threshold, confidence, max_curve_points)
    data = _validate(y_true, y_score, task, class_names, sample_weight)
    task, labels, scores, weight, names = (
        data.task, data.labels, data.scores, data.weight, data.names
    )
    notes = _EvaluationNotes(weighted=weight is not None, intervals=interval_notes)
    dtype = np.float64 if from_logits else scores.dtype
    scores = _probabilities(task, scores, from_logits)

    finite = bool(np.isfinite(scores).all())
    if not finite:
        bad = int((~np.isfinite(scores)).any(axis=-1).sum()) if scores.ndim == 2 else int((~np.isfinite(scores)).sum())
        notes.add(
            f"{bad} sample(s) have NaN or infinite scores (a diverged model?);"
            " AUC and log loss are NaN."
        )
    if weight is not None and not weight.sum() > 0:
        notes.add("All sample weights are zero; every metric is NaN.")

    z = _normal_quantile(confidence)
    common = dict(
        class_names=names,
        n_samples=int(scores.shape[0]),
        threshold=float(threshold),
        confidence=float(confidence),
    )
    if task == "binary":
        return _evaluate_binary(
            labels, scores, weight, finite, z, max_curve_points, notes, dtype, common
        )
    return _evaluate_multi(
        task, labels, scores, weight, finite, z, max_curve_points, notes, dtype, common,
        overwrite_scores,
    )


def _nan_curve():
    return RocCurve(np.array([0.0]), np.array([0.0]), np.array([np.inf]), math.nan)


def _class_problem(name, core, z, max_points, notes):
    """AUC, interval and curve of one binary (one-vs-rest) problem."""
    if not core.defined:
        notes.add_class("no positive" if core.total_pos <= 0 else "no negative", name)
        return math.nan, (math.nan, math.nan), _nan_curve(), math.nan
    auc, variance = core.auc_and_variance()
    problem = _interval_problem(core, auc, variance)
    if problem is not None:
        notes.add_class(problem, name)
    return auc, _interval(auc, variance, z), core.curve(auc, max_points), variance


def _interval_problem(core, auc, variance):
    """Why the DeLong interval of a defined AUC says nothing, or None."""
    if core.total_pos <= 1 or core.total_neg <= 1:
        return "few samples"  # the variance divides by n - 1: NaN
    if variance == 0 and 0 < auc < 1:
        # A zero-width interval. At an AUC of 0 or 1 (perfect separation,
        # common on small sets) a zero variance is the estimate, not a fault.
        return "zero variance"
    return None


def _evaluate_binary(labels, scores, weight, finite, z, max_points, notes, dtype, common):
    names = common["class_names"]
    threshold = common["threshold"]
    positive = labels == 1
    # Compare as real numbers, as the operating point does (a float32 score
    # equal to float32(0.7) is below the threshold 0.7).
    bound = _lowest_at_least(threshold, scores.dtype)
    cm = _binary_confusion(positive, scores >= bound, weight)
    nan_point = OperatingPoint(threshold, math.nan, math.nan)
    if not finite:
        return ROCResult(
            task="binary", auc=math.nan, auc_ci=(math.nan, math.nan),
            auc_se=math.nan, auc_micro=None, auc_macro=None, auc_weighted=None,
            per_class_auc={names[1]: math.nan},
            per_class_ci={names[1]: (math.nan, math.nan)},
            log_loss=math.nan, confusion_matrix=cm, at_threshold=nan_point,
            youden=OperatingPoint(math.nan, math.nan, math.nan),
            curves={names[1]: _nan_curve()}, notes=tuple(notes.messages),
            **common,
        )
    log_loss = _binary_log_loss(positive, scores, weight, dtype)
    if weight is None:
        # The confusion matrix counted `scores >= bound`, exactly as the
        # operating point does: tp and fp are its right column.
        point_counts = (int(cm[1, 1]), int(cm[0, 1]))
        n_pos, chunks = _binary_chunks(scores, positive)
        del positive  # keep the peak memory near one copy of the scores
        core = _stream_core(
            chunks, n_pos, scores.size - n_pos, max_points, youden=True,
            point_counts=point_counts,
        )
    else:
        core = _binary_core(positive, scores, weight)
    auc, ci, curve, variance = _class_problem(names[1], core, z, max_points, notes)
    return ROCResult(
        task="binary",
        auc=auc,
        auc_ci=ci,
        auc_se=math.sqrt(variance) if np.isfinite(variance) else math.nan,
        auc_micro=None,
        auc_macro=None,
        auc_weighted=None,
        per_class_auc={names[1]: auc},
        per_class_ci={names[1]: ci},
        log_loss=log_loss,
        confusion_matrix=cm,
        at_threshold=core.point(threshold),
        youden=core.youden(),
        curves={names[1]: curve},
        notes=tuple(notes.messages),
        **common,
    )


def _confusion(true_index, pred_index, n_classes, weight):
    counts = np.bincount(
        true_index * n_classes + pred_index,
        weights=weight,
        minlength=n_classes * n_classes,
    ).reshape(n_classes, n_classes)
    return counts.astype(np.int64) if weight is None else counts


def _row_argmax(scores):
    """`np.argmax(scores, axis=1)` in row blocks (no full copy of `scores`)."""
    out = np.empty(scores.shape[0], dtype=np.intp)
    for start in range(0, scores.shape[0], _ARGMAX_BLOCK_ROWS):
        stop = start + _ARGMAX_BLOCK_ROWS
        np.argmax(scores[start:stop], axis=1, out=out[start:stop])
    return out


def _evaluate_multi(task, labels, scores, weight, finite, z, max_points, notes, dtype, common, overwrite=False):
    names = common["class_names"]
    n, n_classes = scores.shape
    if task == "multiclass":
        positive_of = lambda c: labels == c  # noqa: E731
        cm = _confusion(labels, _row_argmax(scores), n_classes, weight)
    else:
        positive_of = lambda c: labels[:, c] == 1  # noqa: E731
        bound = _lowest_at_least(common["threshold"], scores.dtype)
        cm = np.stack([
            _binary_confusion(positive_of(c), scores[:, c] >= bound, weight)
            for c in range(n_classes)
        ])

    per_auc, per_ci, curves, prevalence = {}, {}, {}, []
    if finite:
        # Everything that needs the scores unsorted comes first: the rows
        # below may be the scores themselves (`overwrite`), sorted in place.
        if task == "multiclass":
            chosen = np.take_along_axis(scores, labels[:, None], axis=1)[:, 0]
            log_loss = _weighted_mean(-_clipped_log(chosen, dtype), weight)
            micro_positives = chosen if weight is None else None
            del chosen
        else:
            log_loss = float(np.mean([
                _binary_log_loss(labels[:, c] == 1, scores[:, c], weight, dtype)
                for c in range(n_classes)
            ]))
            micro_positives = scores[labels == 1] if weight is None else None
        # One contiguous row per class; unweighted, each row is then sorted in
        # place; after the classes, the rows are merged for the micro average.
        in_place = overwrite and weight is None and scores.flags.f_contiguous and scores.flags.writeable
        columns = scores.T if in_place else _columns(scores)
        for c, name in enumerate(names):
            positive = positive_of(c)
            column = columns[c]
            if weight is None:
                positives = column[positive]
                positives.sort()
                column.sort()
                core = _subset_core(column, positives, max_points, scores.nbytes)
            else:
                core = _binary_core(positive, column, weight)
            auc, ci, curve, _ = _class_problem(name, core, z, max_points, notes)
            per_auc[name], per_ci[name], curves[name] = auc, ci, curve
            prevalence.append(core.total_pos)
    else:
        for name in names:
            per_auc[name], per_ci[name], curves[name] = math.nan, (math.nan, math.nan), _nan_curve()
        prevalence = [0.0] * n_classes

    aucs = np.array(list(per_auc.values()))
    defined = np.isfinite(aucs)
    auc_macro = float(aucs[defined].mean()) if defined.any() else math.nan
    weights = np.asarray(prevalence)[defined]
    auc_weighted = (
        float(np.dot(aucs[defined], weights) / weights.sum())
        if defined.any() and weights.sum() > 0 else math.nan
    )

    if finite:
        auc_micro, micro_curve = _micro(
            task, labels, scores, weight, max_points, n_classes, columns, micro_positives
        )
        del columns, micro_positives
    else:
        auc_micro, micro_curve, log_loss = math.nan, _nan_curve(), math.nan
    if micro_curve is None:
        notes.add("The micro average has no positive or no negative entries.")
        micro_curve = _nan_curve()

    curves["micro"] = micro_curve
    curves["macro"] = _macro_curve(
        [curves[name] for name, ok in zip(names, defined) if ok], auc_macro,
        max_points,
    )
    return ROCResult(
        task=task,
        auc=auc_macro,
        auc_ci=None,
        auc_se=None,
        auc_micro=auc_micro,
        auc_macro=auc_macro,
        auc_weighted=auc_weighted,
        per_class_auc=per_auc,
        per_class_ci=per_ci,
        log_loss=log_loss,
        confusion_matrix=cm,
        at_threshold=None,
        youden=None,
        curves=curves,
        notes=tuple(notes.messages),
        **common,
    )


def _micro(task, labels, scores, weight, max_points, n_classes, columns, positives):
    """Micro-averaged AUC and curve over every (sample, class) entry.

    Unweighted, `columns` (the scores as `(n_classes, n)` rows, each
    already sorted) are merged chunk by chunk (`_merged_rows_core`): no
    sorted copy of the whole matrix is made; `positives` are the positive
    entries' scores, taken before any sorting. Weighted, `scores` is used as
    it is.
    """
    n = scores.shape[0]
    if weight is None:
        positives.sort()
        # Micro averages have no interval: no variance.
        core = _merged_rows_core(columns, positives, max_points, scores.nbytes, variance=False)
    else:
        if task == "multiclass":
            positive_mask = np.zeros(scores.shape, dtype=bool)
            positive_mask[np.arange(n), labels] = True
        else:
            positive_mask = labels == 1
        core = _binary_core(
            positive_mask.ravel(), scores.ravel(), np.repeat(weight, n_classes)
        )
    if not core.defined:
        return math.nan, None
    auc, _ = core.auc_and_variance()
    return auc, core.curve(auc, max_points)


def roc_curve(y_true, y_score, *, sample_weight=None, max_curve_points=None):
    """Exact binary ROC curve, as `sklearn.metrics.roc_curve` computes it.

    Args:
        y_true: 0/1 labels of shape `(n,)`.
        y_score: Scores of shape `(n,)`; higher means more likely positive.
        sample_weight: Non-negative weights of shape `(n,)`. Defaults to
            `None`.
        max_curve_points: Thin to at most this many exact vertices; `None`
            keeps all. Defaults to `None`.

    Returns:
        A `RocCurve` whose `fpr`, `tpr` and `thresholds` equal scikit-learn's
        `roc_curve(..., drop_intermediate=True)`.

    Example:

    >>> import keras_roc
    >>> curve = keras_roc.roc_curve([0, 1, 1], [0.2, 0.9, 0.4])
    >>> curve.auc
    1.0
    """
    # No interval is returned, so no note about one.
    result = _evaluate(
        y_true, y_score, task="binary", sample_weight=sample_weight,
        max_curve_points=max_curve_points, interval_notes=False,
    )
    if result.notes:
        warnings.warn(" ".join(result.notes), UserWarning, stacklevel=2)
    return result.curve
