"""The frozen results: `ROCCurve`, `OperatingPoint` and `ROCResult`.

Arrays in them are read-only and mappings are read-only proxies. They
pickle (and `copy.deepcopy`) through their constructors, which restore
both (`_Picklable`).
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Mapping

import numpy as np


def _readonly(array):
    array = np.asarray(array)
    array.flags.writeable = False
    return array


def _rebuild(cls, fields):
    # Pickles made before the package split name this function as
    # `keras_roc.metrics._rebuild`: the package keeps that name too.
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
class ROCCurve(_Picklable):
    """One ROC curve: false/true positive rates at decreasing thresholds.

    The first point is always `(0, 0)` at threshold `inf`, as in
    `sklearn.metrics.roc_curve`. A sample is called positive when its score
    is `>=` the threshold. (`RocCurve` is the deprecated old name.)

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


def _nan_curve():
    """The curve of an undefined problem: the origin only, AUC NaN."""
    return ROCCurve(np.array([0.0]), np.array([0.0]), np.array([np.inf]), math.nan)


@dataclasses.dataclass(frozen=True)
class CalibrationCurve(_Picklable):
    """Reliability data: equal-width bins of predicted probabilities.

    See `ROCResult.calibration_error` for what is binned. Arrays are
    read-only, float64.

    Attributes:
        bin_edges: The `n_bins + 1` edges on [0, 1].
        mean_predicted: Weighted mean predicted probability per bin (NaN
            for an empty bin).
        observed_frequency: Weighted share of hits (positives, or correct
            top classes) per bin (NaN for an empty bin).
        weight: Number of samples (or entries, or their weight) per bin.
    """

    bin_edges: np.ndarray
    mean_predicted: np.ndarray
    observed_frequency: np.ndarray
    weight: np.ndarray

    def __post_init__(self):
        for field in dataclasses.fields(self):
            object.__setattr__(self, field.name, _readonly(getattr(self, field.name)))


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


def _or_nan(value):
    """A value that may be None (results made before it existed) as a float."""
    return math.nan if value is None else value


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
        curves: Class name to `ROCCurve`; multiclass and multilabel also
            have `"micro"` and `"macro"`.
        average_precision: The headline average precision (as scikit-learn's
            `average_precision_score`): binary, of the positive class;
            multiclass and multilabel, the macro average. Defaults to NaN.
        average_precision_micro: Average precision of every (sample, class)
            entry (multiclass: one-hot entries), as scikit-learn's
            `average="micro"`; None for binary. Defaults to `None`.
        average_precision_macro: Mean of the per-class average precisions
            of the classes with positives; None for binary. Defaults to
            `None`.
        per_class_average_precision: Class name to one-vs-rest average
            precision (binary: the positive class only); NaN for a class
            without positives. Defaults to an empty mapping.
        partial_auc: When `max_fpr` was given: McClish's standardized
            partial AUC up to it (binary), or the macro average of the
            defined per-class ones. None otherwise. Defaults to `None`.
        per_class_partial_auc: When `max_fpr` was given: class name to its
            one-vs-rest standardized partial AUC (binary: the positive
            class only). None otherwise. Defaults to `None`.
        at_specificity: Binary, when `target_specificity` was given: the
            exact curve's vertex with the highest sensitivity among those
            with specificity `>=` the target (ties: the highest threshold).
            None otherwise. Defaults to `None`.
        at_sensitivity: Binary, when `target_sensitivity` was given: the
            vertex with the highest specificity among those with
            sensitivity `>=` the target (ties: the highest threshold). None
            otherwise. Defaults to `None`.
        per_class_at_specificity: Multiclass and multilabel, when
            `target_specificity` was given: class name to that vertex of
            its one-vs-rest curve (NaN point for an undefined class). None
            otherwise. Defaults to `None`.
        per_class_at_sensitivity: The same for `target_sensitivity`.
            Defaults to `None`.
        brier_score: As scikit-learn's `brier_score_loss` (default
            scaling): binary, the mean squared error of the positive
            probability; multiclass, the mean squared distance of the
            probability row to the one-hot truth (range [0, 2]); multilabel,
            the mean over labels of the binary Brier score. NaN when a score
            is not a probability. Defaults to NaN.
        calibration_error: Expected calibration error over 10 equal-width
            bins on [0, 1]: binary, of the positive-class probability;
            multiclass, of the top-class probability against accuracy;
            multilabel, of every (sample, label) entry. Each bin counts by
            its share of the samples (entries; their weight if weighted).
            NaN when a score is not a probability. Defaults to NaN.
        calibration: The `CalibrationCurve` of those bins, or None (scores
            that are not probabilities). Defaults to `None`.
        notes: Why some values are undefined, and which DeLong intervals
            say nothing (NaN or zero width); also issued as an
            `UndefinedMetricWarning`. A note about several classes names at
            most 10 of them.
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
    curves: Mapping[str, ROCCurve]
    notes: tuple = ()
    # Added later: defaults keep older constructions and pickles working.
    average_precision: float = math.nan
    average_precision_micro: float | None = None
    average_precision_macro: float | None = None
    per_class_average_precision: Mapping[str, float] = dataclasses.field(default_factory=dict)
    partial_auc: float | None = None
    per_class_partial_auc: Mapping[str, float] | None = None
    at_specificity: OperatingPoint | None = None
    at_sensitivity: OperatingPoint | None = None
    per_class_at_specificity: Mapping[str, OperatingPoint] | None = None
    per_class_at_sensitivity: Mapping[str, OperatingPoint] | None = None
    brier_score: float = math.nan
    calibration_error: float = math.nan
    calibration: CalibrationCurve | None = None

    def __post_init__(self):
        object.__setattr__(self, "confusion_matrix", _readonly(self.confusion_matrix))
        for name in ("per_class_auc", "per_class_ci", "curves", "per_class_average_precision"):
            value = getattr(self, name)
            object.__setattr__(self, name, types.MappingProxyType(dict(value)))
        for name in ("per_class_partial_auc", "per_class_at_specificity", "per_class_at_sensitivity"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, types.MappingProxyType(dict(value)))

    @property
    def curve(self) -> ROCCurve:
        """Binary: the positive class's curve. Otherwise the micro curve."""
        if self.task == "binary":
            return self.curves[self.class_names[1]]
        return self.curves["micro"]

    def scalars(self) -> dict:
        """Scalar metrics as a flat `dict` of Python floats.

        Keys: `roc_auc`, `log_loss`, `average_precision`, `brier_score`,
        `calibration_error`; multiclass and
        multilabel add `roc_auc_micro`, `roc_auc_macro`, `roc_auc_weighted`,
        `average_precision_micro`, `average_precision_macro`; with
        `max_fpr`, `roc_auc_partial`; binary adds
        `roc_auc_ci_low`, `roc_auc_ci_high`, `sensitivity`, `specificity`,
        `youden_threshold`, `youden_sensitivity`, `youden_specificity`,
        and, when those targets were given, `sensitivity_at_specificity`
        and `threshold_at_specificity`, `specificity_at_sensitivity` and
        `threshold_at_sensitivity`.
        """
        out = {"roc_auc": self.auc}
        if self.task != "binary":
            out["roc_auc_micro"] = self.auc_micro
            out["roc_auc_macro"] = self.auc_macro
            out["roc_auc_weighted"] = self.auc_weighted
        out["log_loss"] = self.log_loss
        out["average_precision"] = self.average_precision
        out["brier_score"] = self.brier_score
        out["calibration_error"] = self.calibration_error
        if self.partial_auc is not None:
            out["roc_auc_partial"] = self.partial_auc
        if self.task != "binary":
            out["average_precision_micro"] = _or_nan(self.average_precision_micro)
            out["average_precision_macro"] = _or_nan(self.average_precision_macro)
        if self.task == "binary":
            out["roc_auc_ci_low"], out["roc_auc_ci_high"] = self.auc_ci
            out["sensitivity"] = self.at_threshold.sensitivity
            out["specificity"] = self.at_threshold.specificity
            out["youden_threshold"] = self.youden.threshold
            out["youden_sensitivity"] = self.youden.sensitivity
            out["youden_specificity"] = self.youden.specificity
            if self.at_specificity is not None:
                out["sensitivity_at_specificity"] = self.at_specificity.sensitivity
                out["threshold_at_specificity"] = self.at_specificity.threshold
            if self.at_sensitivity is not None:
                out["specificity_at_sensitivity"] = self.at_sensitivity.specificity
                out["threshold_at_sensitivity"] = self.at_sensitivity.threshold
        return {key: float(value) for key, value in out.items()}

    def __str__(self):
        level = f"{self.confidence:.0%}"
        lines = [f"ROCResult({self.task}, {self.n_samples} samples)"]
        if self.task == "binary":
            low, high = self.auc_ci
            lines.append(f"  AUC       {self.auc:.4f}  ({level} CI {low:.4f}-{high:.4f})")
            point, best = self.at_threshold, self.youden
            lines.append(
                f"  at {point.threshold:g}: sensitivity {point.sensitivity:.3f}, specificity {point.specificity:.3f}"
            )
            lines.append(
                f"  Youden's optimum {best.threshold:.4g}: sensitivity"
                f" {best.sensitivity:.3f}, specificity {best.specificity:.3f}"
            )
            for label, point in (("specificity", self.at_specificity), ("sensitivity", self.at_sensitivity)):
                if point is not None:
                    lines.append(
                        f"  at target {label} {point.threshold:.4g}: sensitivity"
                        f" {point.sensitivity:.3f}, specificity {point.specificity:.3f}"
                    )
        else:
            lines.append(
                f"  AUC macro {self.auc_macro:.4f}  micro {self.auc_micro:.4f}  weighted {self.auc_weighted:.4f}"
            )
            for name, value in self.per_class_auc.items():
                lines.append(f"    {name:<12} {value:.4f}")
        if self.task == "binary":
            lines.append(f"  AP        {self.average_precision:.4f}")
        else:
            lines.append(
                f"  AP macro  {_or_nan(self.average_precision_macro):.4f}"
                f"  micro {_or_nan(self.average_precision_micro):.4f}"
            )
        if self.partial_auc is not None:
            lines.append(f"  partial AUC (standardized) {self.partial_auc:.4f}")
        lines.append(f"  log loss  {self.log_loss:.4f}")
        lines.append(f"  Brier     {self.brier_score:.4f}  ECE {self.calibration_error:.4f}")
        return "\n".join(lines)
