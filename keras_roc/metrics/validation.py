"""Every check of the inputs of `evaluate`, each made here and only here.

`validate` checks and normalises the arrays (scores, labels, weights), infers
the task and names the classes, returning a frozen `ValidatedInput`;
`check_options` checks `threshold`, `confidence` and `max_curve_points`,
returning `EvaluationOptions`. The `check_*` functions check one public
option each, with the rules and messages every keras_roc function shares
(the figures use them; the callbacks can): `check_task`, `check_threshold`,
`check_probability_threshold`, `check_confidence`,
`check_max_curve_points`, `check_int` and `check_class_names`.

Errors are `ValueError`s naming the offending shapes or values, but for
arguments of the wrong type where the rule says `TypeError` (`check_int`,
`check_class_names`).
"""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

#: The tasks `evaluate` understands.
TASKS = ("binary", "multiclass", "multilabel")

#: Labels of at least this magnitude are no class index; float labels this
#: large would also lose their integer precision as float64.
_HUGE_LABEL = 2.0**62
#: Names the averaged curves take in `ROCResult.curves`.
_RESERVED_NAMES = frozenset({"micro", "macro"})
#: Numbers accepted for `threshold` and `confidence` (booleans are refused
#: before this check).
_REAL = (int, float, np.integer, np.floating)


@dataclasses.dataclass(frozen=True, eq=False)
class ValidatedInput:
    """The inputs of `evaluate`, checked and normalised.

    Attributes:
        task: `"binary"`, `"multiclass"` or `"multilabel"`.
        labels: int64. Binary `(n,)` in {0, 1}; multiclass `(n,)` in
            [0, C); multilabel `(n, L)` in {0, 1}.
        scores: Floats (float16 widened to float32, integers and booleans
            to float64), as given otherwise (not copied). Binary `(n,)` or
            `(n, 2)`; multiclass and multilabel `(n, C)`.
        weight: float64 `(n,)`, or None.
        names: The class names, a tuple of str (binary: negative,
            positive).
    """

    task: str
    labels: np.ndarray
    scores: np.ndarray
    weight: np.ndarray | None
    names: tuple


@dataclasses.dataclass(frozen=True)
class EvaluationOptions:
    """The options of `evaluate`, checked.

    Attributes:
        threshold: The decision threshold, a float.
        confidence: The level of the intervals, as given: the normal
            quantile is computed from it as given (a NumPy float32 level
            gives a float32 quantile argument).
        max_curve_points: An int >= 2, or None.
        target_specificity: A float in [0, 1], or None (no point asked).
        target_sensitivity: A float in [0, 1], or None (no point asked).
        max_fpr: A float in (0, 1], or None (no partial AUC).
    """

    threshold: float
    confidence: float
    max_curve_points: int | None
    target_specificity: float | None = None
    target_sensitivity: float | None = None
    max_fpr: float | None = None


# ----------------------------------------------------------------------------
# Options
# ----------------------------------------------------------------------------


def _reject_boolean(value, name):
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"`{name}` must be a number, not a boolean. Received {value!r}.")


def check_task(value, allow_auto=True):
    """Returns `value` if it is one of `TASKS` (or `"auto"` if allowed).

    Args:
        value: The `task` argument.
        allow_auto: Whether `"auto"` is accepted. Defaults to `True`.
    """
    allowed = (("auto",) if allow_auto else ()) + TASKS
    if value not in allowed:
        raise ValueError(f"`task` must be one of {', '.join(map(repr, allowed))}. Received task={value!r}.")
    return value


def check_threshold(value):
    """Returns a finite real `value` (not a boolean) as a float."""
    _reject_boolean(value, "threshold")
    if not (isinstance(value, _REAL) and math.isfinite(value)):
        raise ValueError(f"`threshold` must be a finite number. Received {value!r}.")
    return float(value)


def check_probability_threshold(value):
    """Returns a real `value` in [0, 1] (not a boolean) as a float.

    For thresholds on scores known to be probabilities.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"`threshold` must be a probability in [0, 1]. Received threshold={value!r}.")
    return float(value)


def check_target(value, name):
    """Returns None, or a real `value` in [0, 1] (not a boolean) as a float.

    Args:
        value: The target rate (`target_specificity` or
            `target_sensitivity`), or None.
        name: Its argument name, for the error message.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"`{name}` must be a rate in [0, 1] or None. Received {name}={value!r}.")
    return float(value)


def check_max_fpr(value):
    """Returns None, or a real `value` in (0, 1] (not a boolean) as a float."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise ValueError(f"`max_fpr` must be a false positive rate in (0, 1] or None. Received max_fpr={value!r}.")
    return float(value)


def check_confidence(value):
    """Returns `value` as given if it is a real number in (0, 1).

    Not converted: `evaluate` computes the normal quantile from the value
    as given.
    """
    _reject_boolean(value, "confidence")
    # 0.5 + confidence / 2 must stay below 1 for the normal quantile.
    if not (isinstance(value, _REAL) and 0 < value and 0.5 + value / 2 < 1):
        raise ValueError(f"`confidence` must be a number in (0, 1). Received {value!r}.")
    return value


def check_max_curve_points(value):
    """Returns an integer `value` >= 2 as an int, or None."""
    _reject_boolean(value, "max_curve_points")
    if value is not None and (not isinstance(value, (int, np.integer)) or value < 2):
        raise ValueError(f"`max_curve_points` must be an integer >= 2 or None. Received {value!r}.")
    return None if value is None else int(value)


def check_int(value, name, minimum):
    """Returns an integer `value` >= `minimum` as an int.

    NumPy integers are accepted, booleans are not.

    Raises:
        TypeError: `value` is not an integer.
        ValueError: `value` is a boolean, or below `minimum`.
    """
    _reject_boolean(value, name)
    if not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer >= {minimum}. Received {value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Received {value!r}.")
    return int(value)


def check_class_names(value):
    """Returns a sequence of names as a tuple of str; None stays None.

    Raises:
        TypeError: `value` is a single string, or not a sequence.
    """
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"`class_names` must be a sequence of names, not a single string. Received {value!r}.")
    try:
        return tuple(str(name) for name in value)
    except TypeError:
        raise TypeError(
            f"`class_names` must be a sequence of names. Received {value!r} of type {type(value).__name__}."
        ) from None


def check_options(
    threshold, confidence, max_curve_points, target_specificity=None, target_sensitivity=None, max_fpr=None
):
    """Checks the options of `evaluate`; returns them as `EvaluationOptions`.

    A boolean anywhere is reported first, then `confidence`, `threshold`,
    `max_curve_points`, the targets and `max_fpr`, in that order. The
    targets and `max_fpr` default to `None` (not computed).
    """
    for name, value in (("confidence", confidence), ("threshold", threshold), ("max_curve_points", max_curve_points)):
        _reject_boolean(value, name)
    confidence = check_confidence(confidence)
    return EvaluationOptions(
        threshold=check_threshold(threshold),
        confidence=confidence,
        max_curve_points=check_max_curve_points(max_curve_points),
        target_specificity=check_target(target_specificity, "target_specificity"),
        target_sensitivity=check_target(target_sensitivity, "target_sensitivity"),
        max_fpr=check_max_fpr(max_fpr),
    )


# ----------------------------------------------------------------------------
# Arrays
# ----------------------------------------------------------------------------


def validate(y_true, y_score, task, class_names, sample_weight):
    """Checks and normalises the inputs of `evaluate`: a `ValidatedInput`.

    Args:
        y_true: Labels, as `evaluate` takes them.
        y_score: Scores, as `evaluate` takes them.
        task: `"auto"` or one of `TASKS`.
        class_names: Names of the classes, or None.
        sample_weight: Weights `(n,)` or `(n, 1)`, or None.
    """
    scores = _as_float_scores(y_score)
    labels = _as_labels(y_true, scores.shape)
    if scores.shape[0] == 0:
        raise ValueError(
            "`y_true` and `y_score` are empty. Received shapes "
            f"{labels.shape} and {scores.shape}; at least one sample is needed."
        )
    task, labels, scores = _infer_task(labels, scores, task)
    weight = _as_sample_weight(sample_weight, scores.shape[0])
    n_classes = 2 if task == "binary" else scores.shape[1]
    names = _class_names(class_names, task, n_classes)
    return ValidatedInput(task=task, labels=labels, scores=scores, weight=weight, names=names)


#: Integers up to 2**53 in magnitude are exact in float64; beyond it,
#: distinct integer scores may round to one float and tie.
_FLOAT64_EXACT_INTEGERS = 2**53


def _check_exact_in_float64(scores):
    """Integer scores must survive the cast to float64 with their order."""
    if scores.dtype.kind == "O":
        big = [v for v in scores.flat if isinstance(v, numbers.Integral) and abs(v) > _FLOAT64_EXACT_INTEGERS]
        low, high = (min(big), max(big)) if big else (0, 0)
    elif scores.dtype.kind in "iu" and scores.dtype.itemsize == 8 and scores.size:
        low, high = int(scores.min()), int(scores.max())
    else:
        return
    if max(abs(low), abs(high)) > _FLOAT64_EXACT_INTEGERS:
        raise ValueError(
            f"`y_score` holds integers beyond +-2**53 (lowest {low}, highest {high}), which float64 cannot "
            "hold exactly: distinct scores would tie and change the AUC. Pass their scaled ranks instead "
            "(`scipy.stats.rankdata(y_score) / len(y_score)`: the ranking metrics depend only on the order)."
        )


def _as_float_scores(y_score):
    scores = np.asarray(y_score)
    _check_exact_in_float64(scores)
    if scores.dtype.kind in "biu":
        scores = scores.astype(np.float64)
    elif scores.dtype.kind == "f":
        if scores.dtype.itemsize < 4:
            scores = scores.astype(np.float32)
    elif scores.dtype.kind == "O":
        try:
            scores = scores.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"`y_score` must hold numbers. Received an object array of shape {scores.shape}."
            ) from None
    else:
        raise ValueError(
            "`y_score` must hold numbers (probabilities or logits). Received "
            f"dtype {scores.dtype} with shape {scores.shape}."
        )
    if scores.ndim == 0 or scores.ndim > 2:
        raise ValueError(f"`y_score` must have shape (n,), (n, 1) or (n, n_classes). Received shape {scores.shape}.")
    return scores


def _as_labels(y_true, score_shape=None):
    labels = np.asarray(y_true)
    kind = labels.dtype.kind
    if kind in "US" or (kind == "O" and any(isinstance(v, (str, bytes)) for v in labels.flat)):
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
            raise ValueError(f"`y_true` must hold numbers. Received an object array of shape {labels.shape}.") from None
        kind = "f"
    if kind == "b":
        return labels.astype(np.int64)
    if kind in "iu":
        return labels.astype(np.int64, copy=False)
    if kind == "f":
        return _whole_float_labels(labels, score_shape)
    raise ValueError(f"`y_true` must hold class indices. Received dtype {labels.dtype}.")


#: Labels per block when labels are checked: the checks' temporaries stay
#: small (a few hundred KiB) whatever the size of the labels.
_LABEL_BLOCK_SIZE = 1 << 16


def _row_blocks(array):
    """`array` in blocks of whole rows of about `_LABEL_BLOCK_SIZE` values."""
    rows = array if array.ndim else array.reshape(1)
    step = max(1, _LABEL_BLOCK_SIZE // max(1, rows[0].size if rows.shape[0] else 1))
    for start in range(0, rows.shape[0], step):
        yield rows[start : start + step]


def _whole_float_labels(labels, score_shape):
    """Float labels as they are (no copy), if they are finite whole numbers
    below `_HUGE_LABEL`; else the error that names the offending values."""
    for block in _row_blocks(labels):
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(block).all() and (np.abs(block) < _HUGE_LABEL).all()
            whole = whole and np.array_equal(np.round(block), block)
        if not whole:
            _raise_for_float_labels(labels, score_shape)
    return labels


def _raise_for_float_labels(labels, score_shape):
    """Raises the error for float labels that are no class indices."""
    finite = np.isfinite(labels)
    if not finite.all():
        bad = labels[~finite]
        raise ValueError(
            f"`y_true` holds {bad.size} non-finite value(s) "
            f"(e.g. {bad[:3].tolist()}). Labels must be finite class "
            "indices or 0/1 indicators."
        )
    huge = np.abs(labels) >= _HUGE_LABEL
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


def _as_sample_weight(sample_weight, n):
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight)
    if weight.dtype.kind not in "biuf":
        raise ValueError(f"`sample_weight` must be numeric. Received dtype {weight.dtype}.")
    weight = weight.astype(np.float64)
    if weight.ndim == 2 and weight.shape[1] == 1:
        weight = weight[:, 0]
    if weight.shape != (n,):
        raise ValueError(
            f"`sample_weight` must have shape ({n},), one weight per sample. Received shape {weight.shape}."
        )
    with np.errstate(over="ignore"):
        total = weight.sum()
    if np.isfinite(weight).all() and not np.isfinite(total):
        raise ValueError(
            "`sample_weight` sums to more than float64 can hold "
            f"(max {weight.max():g}); divide the weights by a constant."
        )
    if not np.isfinite(weight).all():
        raise ValueError(f"`sample_weight` holds non-finite values {weight[~np.isfinite(weight)][:3].tolist()}.")
    if (weight < 0).any():
        raise ValueError(
            "`sample_weight` must be non-negative. Received "
            f"{int((weight < 0).sum())} negative value(s), e.g. "
            f"{weight[weight < 0][:3].tolist()}."
        )
    return weight


# ----------------------------------------------------------------------------
# The task
# ----------------------------------------------------------------------------


def _infer_task(labels, scores, task):
    """Returns (task, positive-class labels/indicators, scores) normalised.

    Binary: labels (n,) in {0, 1}, scores (n,).
    Multiclass: labels (n,) in [0, C), scores (n, C).
    Multilabel: labels (n, L) in {0, 1}, scores (n, L).
    """
    check_task(task)
    received = f"Received y_true {labels.shape}, y_score {scores.shape}."
    if labels.ndim == 0 or labels.shape[0] != scores.shape[0]:
        raise ValueError(f"`y_true` and `y_score` must have the same number of samples. {received}")
    if labels.ndim > 2:
        raise ValueError(f"`y_true` must be 1-D or 2-D. {received}")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    n_columns = 1 if scores.ndim == 1 else scores.shape[1]
    if labels.ndim == 2:
        task, labels = _from_indicators(labels, task, n_columns, received)
        if task == "multilabel":
            return task, labels, scores
    task = _task_of_indices(scores, task, n_columns, received)
    _check_label_range(labels, task, n_columns, received)
    if task == "multiclass":  # class indices index the score columns
        labels = labels.astype(np.int64, copy=False)
    return task, labels, scores


def _from_indicators(labels, task, n_columns, received):
    """The task of 2-D 0/1 labels, and the labels: as they are for
    multilabel, else the index of each row's one 1."""
    if labels.shape[1] != n_columns:
        raise ValueError(
            f"`y_true` has {labels.shape[1]} columns but `y_score` has "
            f"{n_columns}: one-hot or multi-hot labels need one column "
            f"per score column. {received}"
        )
    if not _zero_one(labels):
        values = np.unique(labels[(labels != 0) & (labels != 1)])
        raise ValueError(
            "2-D `y_true` must be one-hot or multi-hot 0/1 indicators. "
            f"Received other values: {values[:5].tolist()}. {received}"
        )
    one_hot = bool((labels.sum(axis=1) == 1).all())
    if task == "auto":
        task = "multiclass" if one_hot else "multilabel"
        if one_hot and n_columns == 2:
            task = "binary"
    if task == "multilabel":
        if n_columns == 0:
            raise ValueError(f"`y_true` and `y_score` have no label columns. {received}")
        return task, labels
    if not one_hot:
        rows = np.flatnonzero(labels.sum(axis=1) != 1)[:5]
        raise ValueError(
            f"task={task!r} needs exactly one 1 per row of 2-D `y_true`,"
            f" but rows {rows.tolist()} have {labels[rows].sum(1).tolist()}"
            " ones. Pass task='multilabel' for multi-hot labels."
        )
    return task, labels.argmax(axis=1)


def _zero_one(labels):
    """Whether every label is 0 or 1, checked in blocks of rows."""
    for block in _row_blocks(labels):
        if not ((block == 0) | (block == 1)).all():
            return False
    return True


def _task_of_indices(scores, task, n_columns, received):
    """The task of 1-D labels (class indices), from the scores' shape."""
    if task == "multilabel":
        raise ValueError(f"task='multilabel' needs 2-D multi-hot `y_true` with one column per score column. {received}")
    if scores.ndim == 1:
        if task == "multiclass":
            raise ValueError(
                f"task='multiclass' needs `y_score` of shape (n, n_classes); 1-D scores are binary. {received}"
            )
        return "binary"
    if task == "auto":
        return "binary" if n_columns == 2 else "multiclass"
    if task == "binary" and n_columns != 2:
        raise ValueError(
            f"task='binary' needs scores of shape (n,), (n, 1) or (n, 2); "
            f"{n_columns} columns is a multiclass problem. {received}"
        )
    return task


def _check_label_range(labels, task, n_columns, received):
    """Class indices must be 0/1 (binary) or index a score column."""
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
    else:
        low = high = 0
    limit = 2 if task == "binary" else n_columns
    if low >= 0 and high < limit:
        return
    values = np.unique(labels[(labels < 0) | (labels >= limit)])[:5]
    if task == "binary":
        raise ValueError(
            f"Binary `y_true` must hold 0 (negative) and 1 (positive). Received values {values.tolist()}. {received}"
        )
    raise ValueError(
        f"`y_true` holds labels {values.tolist()} outside the "
        f"{n_columns} score columns (valid: 0..{n_columns - 1}). "
        f"{received}"
    )


def _class_names(class_names, task, n_classes):
    """The names of `n_classes` classes: given (checked) or "0", "1", ..."""
    names = check_class_names(class_names)
    if names is None:
        return tuple(str(i) for i in range(n_classes))
    if len(names) != n_classes:
        what = {
            "binary": "a binary task has 2 classes (negative, positive)",
            "multiclass": f"the scores have {n_classes} columns",
            "multilabel": f"the scores have {n_classes} label columns",
        }[task]
        raise ValueError(f"`class_names` has {len(names)} names but {what}. Received class_names={list(names)}.")
    if len(set(names)) != len(names) or _RESERVED_NAMES & set(names):
        raise ValueError(f"`class_names` must be unique and must not be 'micro' or 'macro'. Received {list(names)}.")
    return names
