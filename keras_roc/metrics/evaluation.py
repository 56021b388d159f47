"""`evaluate` and `roc_curve`: from checked inputs to frozen results.

`evaluate` checks its options and inputs (`validation`), turns logits into
probabilities, notes undefined inputs, then runs one engine per binary
problem (`_engine.ROCEngine`): the streaming engine (`_streaming`) for
unweighted problems, the sorted engine (`_sorted`) for weighted ones. Binary
tasks have one problem; multiclass and multilabel tasks one per class plus
the micro average (`averaging`). Each problem gives its AUC, DeLong
interval and curve (`_class_problem`); the log loss (`_log_loss`) and the
confusion matrix (`_confusion`) come from the unsorted scores.

`roc_curve` is validation, one engine and its curve.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from typing import NamedTuple

import numpy as np

from keras_roc.metrics._calibration import _calibration
from keras_roc.metrics._chunks import _binary_chunks
from keras_roc.metrics._classes import (
    _before_sorting,
    _class_rows,
    _if_asked,
    _multi_confusion,
    _nan_point,
    _PerClass,
    _positive_of,
    _undefined_classes,
)
from keras_roc.metrics._confusion import _binary_confusion, _left_out_count, _lowest_at_least, _scored, _subset
from keras_roc.metrics._engine import PointCounts
from keras_roc.metrics._log_loss import _binary_log_loss
from keras_roc.metrics._notes import _EvaluationNotes
from keras_roc.metrics._scores import _outside_unit_interval_note, _probabilities
from keras_roc.metrics._sorted import _binary_core
from keras_roc.metrics._streaming import _stream_core, _subset_core
from keras_roc.metrics._warnings import warn_undefined
from keras_roc.metrics.averaging import (
    _class_averages,
    _macro_average_precision,
    _macro_curve,
    _micro_average,
    _micro_unweighted,
    _micro_weighted,
    _MicroAverage,
)
from keras_roc.metrics.results import ROCCurve, ROCResult, _nan_curve
from keras_roc.metrics.validation import (
    EvaluationOptions,
    check_max_curve_points,
    check_options,
    validate,
)

#: Curves with more vertices than this are thinned for drawing (the AUC is
#: always computed from the exact curve). 2,000 points are more than a
#: 1,000-pixel-wide figure can show and keep a 100-class result small.
DEFAULT_MAX_CURVE_POINTS = 2000


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
    max_fpr=None,
    target_specificity=None,
    target_sensitivity=None,
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
        max_fpr: A false positive rate in (0, 1]: McClish's standardized
            partial AUC up to it, from the exact curve, as
            `roc_auc_score(max_fpr=...)` (`partial_auc`, per class and macro
            for multiclass and multilabel). Defaults to `None` (not
            computed).
        target_specificity: A rate in [0, 1]: report the exact curve's
            vertex with the highest sensitivity among those with
            specificity `>=` it (ties: the highest threshold), as
            `at_specificity` (binary) or `per_class_at_specificity`.
            Defaults to `None` (not computed).
        target_sensitivity: A rate in [0, 1]: the vertex with the highest
            specificity among those with sensitivity `>=` it (ties: the
            highest threshold), as `at_sensitivity` or
            `per_class_at_sensitivity`. Defaults to `None`.

    Returns:
        A frozen `ROCResult`.

    Raises:
        ValueError: Shapes that do not match, labels outside the score
            columns, empty input, string or non-finite labels, negative or
            non-finite weights, or invalid options.

    Undefined values (a class without positives or negatives, NaN or
    infinite scores) are NaN and reported in one `UndefinedMetricWarning`
    (a `UserWarning`), as are DeLong intervals that say nothing: NaN (a
    class with fewer than 2 positives or negatives) or of zero width (a
    variance of 0 with an AUC strictly between 0 and 1, as when every score
    is tied). The same texts are in `ROCResult.notes`.

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
        max_fpr=max_fpr,
        target_specificity=target_specificity,
        target_sensitivity=target_sensitivity,
    )
    warn_undefined(result.notes)
    return result


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
    max_fpr=None,
    target_specificity=None,
    target_sensitivity=None,
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
    options = check_options(threshold, confidence, max_curve_points, target_specificity, target_sensitivity, max_fpr)
    data = validate(y_true, y_score, task, class_names, sample_weight)
    return _evaluate_checked(
        data,
        options,
        from_logits=from_logits,
        overwrite_scores=overwrite_scores,
        interval_notes=interval_notes,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class _Problem:
    """What the steps of one evaluation share.

    Attributes:
        task: The task.
        labels: The labels, as `validate` returns them.
        scores: The probabilities that are ranked (`_probabilities`).
        weight: The weights, or None.
        names: The class names.
        finite: Whether every score is finite.
        log_dtype: The dtype whose epsilon clips the log loss (that of the
            scores given, or float64 for logits).
        options: The checked `EvaluationOptions`.
        z: The normal quantile of the intervals' confidence.
        notes: The `_EvaluationNotes` being collected.
        probabilities: Whether the scores are finite probabilities: the log
            loss and calibration are NaN otherwise (the AUCs rank any score).
        calibration: `(brier_score, calibration_error, CalibrationCurve)`,
            computed before any sorting (`_calibration`).
    """

    task: str
    labels: np.ndarray
    scores: np.ndarray
    weight: np.ndarray | None
    names: tuple
    finite: bool
    log_dtype: np.dtype
    options: EvaluationOptions
    z: float
    notes: _EvaluationNotes
    probabilities: bool = True
    calibration: tuple = (math.nan, math.nan, None)

    @property
    def targets(self):
        """The target specificity and sensitivity (None: not asked)."""
        return (self.options.target_specificity, self.options.target_sensitivity)

    def common_fields(self):
        """The fields of `ROCResult` every task fills the same way."""
        brier, ece, record = self.calibration
        return dict(
            brier_score=brier,
            calibration_error=ece,
            calibration=record,
            class_names=self.names,
            n_samples=int(self.scores.shape[0]),
            threshold=float(self.options.threshold),
            confidence=float(self.options.confidence),
        )


def _evaluate_checked(data, options, *, from_logits=False, overwrite_scores=False, interval_notes=True):
    """`_evaluate` of checked inputs: a `ValidatedInput` and
    `EvaluationOptions` (for callers that use the checked inputs too)."""
    notes = _EvaluationNotes(weighted=data.weight is not None, intervals=interval_notes)
    scores = _probabilities(data.task, data.scores, from_logits)
    finite = _input_notes(scores, data.weight, notes)
    not_probabilities = None if from_logits else _outside_unit_interval_note(scores)
    if not_probabilities is not None:
        notes.add(not_probabilities)
    probabilities = finite and not_probabilities is None
    problem = _Problem(
        task=data.task,
        labels=data.labels,
        scores=scores,
        weight=data.weight,
        names=data.names,
        finite=finite,
        log_dtype=np.float64 if from_logits else data.scores.dtype,
        options=options,
        z=_normal_quantile(options.confidence),
        notes=notes,
        # Before any sorting: the scores may be sorted in place later.
        probabilities=probabilities,
        calibration=(
            _calibration(data.task, data.labels, scores, data.weight) if probabilities else (math.nan,) * 2 + (None,)
        ),
    )
    if problem.task == "binary":
        return _evaluate_binary(problem)
    return _evaluate_multi(problem, overwrite_scores)


def _input_notes(scores, weight, notes):
    """Notes NaN or infinite scores and zero total weight; returns whether
    every score is finite."""
    finite = bool(np.isfinite(scores).all())
    if not finite:
        bad = int((~np.isfinite(scores)).any(axis=-1).sum()) if scores.ndim == 2 else int((~np.isfinite(scores)).sum())
        scored = _scored(scores)
        left_out = (
            ""
            if scored is None
            else f"; {_left_out_count(scored)} with NaN scores are left out of the confusion matrix"
        )
        notes.add(
            f"{bad} sample(s) have NaN or infinite scores (a diverged model?); AUC and log loss are NaN{left_out}."
        )
    if weight is not None and not weight.sum() > 0:
        notes.add("All sample weights are zero; every metric is NaN.")
    return finite


# ----------------------------------------------------------------------------
# One binary problem: AUC, interval, curve
# ----------------------------------------------------------------------------


class _ClassROC(NamedTuple):
    """AUC, DeLong interval, curve and variance of one binary problem."""

    auc: float
    ci: tuple
    curve: ROCCurve
    variance: float


def _normal_quantile(confidence):
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _interval(auc, variance, z):
    if not (np.isfinite(auc) and np.isfinite(variance)):
        return (math.nan, math.nan)
    half = z * math.sqrt(max(variance, 0.0))
    return (max(0.0, auc - half), min(1.0, auc + half))


def _undefined_reason(engine):
    """Why the AUC of an undefined problem is undefined (a `_notes` reason)."""
    return "no positive" if engine.total_pos <= 0 else "no negative"


def _class_problem(name, engine, z, notes):
    """The `_ClassROC` of one binary (one-vs-rest) problem's engine."""
    if not engine.defined:
        notes.add_class(_undefined_reason(engine), name)
        return _ClassROC(math.nan, (math.nan, math.nan), _nan_curve(), math.nan)
    auc, variance = engine.auc_and_variance()
    problem = _interval_problem(engine, auc, variance)
    if problem is not None:
        notes.add_class(problem, name)
    return _ClassROC(auc, _interval(auc, variance, z), engine.curve(), variance)


def _interval_problem(engine, auc, variance):
    """Why the DeLong interval of a defined AUC says nothing, or None."""
    if engine.total_pos <= 1 or engine.total_neg <= 1:
        return "few samples"  # the variance divides by n - 1: NaN
    if variance == 0 and 0 < auc < 1:
        # A zero-width interval. At an AUC of 0 or 1 (perfect separation,
        # common on small sets) a zero variance is the estimate, not a fault.
        return "zero variance"
    return None


# ----------------------------------------------------------------------------
# Binary tasks
# ----------------------------------------------------------------------------


def _binary_decisions(positive, scores, weight, threshold, finite):
    """The confusion matrix at `threshold`; samples with a NaN score have
    no decision and are left out (the non-finite note counts them)."""
    # Compare as real numbers, as the operating point does (a float32 score
    # equal to float32(0.7) is below the threshold 0.7).
    bound = _lowest_at_least(threshold, scores.dtype)
    scored = None if finite else _scored(scores)
    if scored is not None:
        positive, scores, weight = positive[scored], scores[scored], _subset(weight, scored)
    return _binary_confusion(positive, scores >= bound, weight)


def _evaluate_binary(problem):
    """The `ROCResult` of a binary `_Problem`: one engine, its operating
    point at the threshold and its Youden optimum."""
    names, scores, weight = problem.names, problem.scores, problem.weight
    threshold, max_points = problem.options.threshold, problem.options.max_curve_points
    max_fpr = problem.options.max_fpr
    positive = problem.labels == 1
    cm = _binary_decisions(positive, scores, weight, threshold, problem.finite)
    if not problem.finite:
        return _undefined_binary(problem, cm)
    log_loss = _binary_log_loss(positive, scores, weight, problem.log_dtype) if problem.probabilities else math.nan
    if weight is None:
        source = _binary_chunks(scores, positive)
        del positive  # keep the peak memory near one copy of the scores
        # The confusion matrix counted the scores >= the threshold, as the
        # operating point does: tp and fp are its right column.
        point = PointCounts(threshold, int(cm[1, 1]), int(cm[0, 1]))
        engine = _stream_core(source, max_points, youden=True, point=point, targets=problem.targets, max_fpr=max_fpr)
    else:
        engine = _binary_core(
            positive, scores, weight, max_points, threshold=threshold, targets=problem.targets, max_fpr=max_fpr
        )
    roc = _class_problem(names[1], engine, problem.z, problem.notes)
    return ROCResult(
        task="binary",
        auc=roc.auc,
        auc_ci=roc.ci,
        auc_se=math.sqrt(roc.variance) if np.isfinite(roc.variance) else math.nan,
        auc_micro=None,
        auc_macro=None,
        auc_weighted=None,
        per_class_auc={names[1]: roc.auc},
        per_class_ci={names[1]: roc.ci},
        average_precision=engine.average_precision(),
        per_class_average_precision={names[1]: engine.average_precision()},
        log_loss=log_loss,
        confusion_matrix=cm,
        at_threshold=engine.point(),
        youden=engine.youden(),
        partial_auc=engine.partial_auc(),
        per_class_partial_auc=None if max_fpr is None else {names[1]: engine.partial_auc()},
        at_specificity=engine.at_target("specificity"),
        at_sensitivity=engine.at_target("sensitivity"),
        curves={names[1]: roc.curve},
        notes=tuple(problem.notes.messages),
        **problem.common_fields(),
    )


def _undefined_binary(problem, cm):
    """The result of binary scores that are not all finite."""
    names, nan = problem.names, math.nan
    return ROCResult(
        task="binary",
        auc=nan,
        auc_ci=(nan, nan),
        auc_se=nan,
        auc_micro=None,
        auc_macro=None,
        auc_weighted=None,
        per_class_auc={names[1]: nan},
        per_class_ci={names[1]: (nan, nan)},
        average_precision=nan,
        per_class_average_precision={names[1]: nan},
        log_loss=nan,
        confusion_matrix=cm,
        at_threshold=_nan_point(problem.options.threshold),
        youden=_nan_point(nan),
        partial_auc=None if problem.options.max_fpr is None else nan,
        per_class_partial_auc=None if problem.options.max_fpr is None else {names[1]: nan},
        at_specificity=None if problem.targets[0] is None else _nan_point(nan),
        at_sensitivity=None if problem.targets[1] is None else _nan_point(nan),
        curves={names[1]: _nan_curve()},
        notes=tuple(problem.notes.messages),
        **problem.common_fields(),
    )


# ----------------------------------------------------------------------------
# Multiclass and multilabel tasks
# ----------------------------------------------------------------------------


def _evaluate_multi(problem, overwrite=False):
    """The `ROCResult` of a multiclass or multilabel `_Problem`: one engine
    per class, the averages and the confusion matrices. `overwrite`: the
    scores may be sorted in place (see `_evaluate`)."""
    cm = _multi_confusion(problem)
    max_points = problem.options.max_curve_points
    if problem.finite:
        # Everything that needs the scores unsorted comes first: the rows
        # below may be the scores themselves (`overwrite`), sorted in place.
        unsorted = _before_sorting(problem)
        rows = _class_rows(problem.scores, problem.weight, overwrite)
        classes = _per_class(problem, rows)
        # Unweighted, the sorted rows are merged for the micro average.
        if problem.weight is None:
            engine = _micro_unweighted(rows, unsorted.micro_positives, max_points, problem.scores.nbytes)
        else:
            engine = _micro_weighted(problem.task, problem.labels, problem.scores, problem.weight, max_points)
        del rows
        micro, log_loss = _micro_average(engine), unsorted.log_loss
        del engine, unsorted
    else:
        classes = _undefined_classes(problem.names)
        micro, log_loss = _MicroAverage(math.nan, _nan_curve()), math.nan
    averages = _class_averages(classes.auc, classes.prevalence)
    if micro.curve is None:
        problem.notes.add("The micro average has no positive or no negative entries.")
    curves = dict(classes.curves)
    curves["micro"] = micro.curve if micro.curve is not None else _nan_curve()
    curves["macro"] = _macro_curve(
        [curves[name] for name, ok in zip(problem.names, averages.defined) if ok],
        averages.macro,
        max_points,
    )
    return ROCResult(
        task=problem.task,
        auc=averages.macro,
        auc_ci=None,
        auc_se=None,
        auc_micro=micro.auc,
        auc_macro=averages.macro,
        auc_weighted=averages.weighted,
        per_class_auc=classes.auc,
        per_class_ci=classes.ci,
        average_precision_micro=micro.average_precision,
        **_class_extras(problem, classes),
        log_loss=log_loss,
        confusion_matrix=cm,
        at_threshold=None,
        youden=None,
        curves=curves,
        notes=tuple(problem.notes.messages),
        **problem.common_fields(),
    )


def _class_extras(problem, classes):
    """The `ROCResult` fields of the per-class average precision, partial
    AUC and target points, and their macro averages."""
    ap_macro = _macro_average_precision(classes.average_precision)
    max_fpr, (specificity, sensitivity) = problem.options.max_fpr, problem.targets
    return dict(
        average_precision=ap_macro,
        average_precision_macro=ap_macro,
        per_class_average_precision=classes.average_precision,
        partial_auc=None if max_fpr is None else _macro_average_precision(classes.partial_auc),
        per_class_partial_auc=_if_asked(max_fpr, classes.partial_auc),
        per_class_at_specificity=_if_asked(specificity, classes.at_specificity),
        per_class_at_sensitivity=_if_asked(sensitivity, classes.at_sensitivity),
    )


def _per_class(problem, rows):
    """Each class's problem against the rest. Unweighted, each row is
    sorted in place and streamed; weighted, sorted with its weights."""
    weight, max_points, max_fpr = problem.weight, problem.options.max_curve_points, problem.options.max_fpr
    classes = _PerClass({}, {}, {}, [], {}, {}, {}, {})
    for c, name in enumerate(problem.names):
        positive = _positive_of(problem, c)
        row = rows[c]
        if weight is None:
            positives = row[positive]
            positives.sort()
            row.sort()
            engine = _subset_core(row, positives, max_points, problem.scores.nbytes, problem.targets, max_fpr)
        else:
            engine = _binary_core(positive, row, weight, max_points, targets=problem.targets, max_fpr=max_fpr)
        roc = _class_problem(name, engine, problem.z, problem.notes)
        classes.auc[name], classes.ci[name], classes.curves[name] = roc.auc, roc.ci, roc.curve
        classes.prevalence.append(engine.total_pos)
        classes.average_precision[name] = engine.average_precision()
        classes.at_specificity[name] = engine.at_target("specificity")
        classes.at_sensitivity[name] = engine.at_target("sensitivity")
        classes.partial_auc[name] = engine.partial_auc()
    return classes


# ----------------------------------------------------------------------------
# roc_curve
# ----------------------------------------------------------------------------


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
        An `ROCCurve` whose `fpr`, `tpr` and `thresholds` equal scikit-learn's
        `roc_curve(..., drop_intermediate=True)`.

    Undefined curves (no positive or no negative sample, NaN or infinite
    scores, zero weights) have a NaN AUC and are reported in one
    `UndefinedMetricWarning`, with the texts of `evaluate`.

    Example:

    >>> import keras_roc
    >>> curve = keras_roc.roc_curve([0, 1, 1], [0.2, 0.9, 0.4])
    >>> curve.auc
    1.0
    """
    max_points = check_max_curve_points(max_curve_points)
    data = validate(y_true, y_score, "binary", None, sample_weight)
    # No interval is returned, so no note about one.
    notes = _EvaluationNotes(weighted=data.weight is not None, intervals=False)
    curve = _binary_curve(data, max_points, notes)
    warn_undefined(notes.messages)
    return curve


def _binary_curve(data, max_points, notes):
    """The curve of a checked binary input, from one engine (without the
    variance, the Youden optimum or an operating point)."""
    scores = _probabilities("binary", data.scores, False)
    if not _input_notes(scores, data.weight, notes):
        return _nan_curve()
    if data.weight is None:
        engine = _stream_core(_binary_chunks(scores, data.labels == 1), max_points, variance=False)
    else:
        engine = _binary_core(data.labels == 1, scores, data.weight, max_points, variance=False)
    if not engine.defined:
        notes.add_class(_undefined_reason(engine), data.names[1])
        return _nan_curve()
    return engine.curve()
