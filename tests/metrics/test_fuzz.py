"""Adversarial property-based tests of `evaluate` and of the callbacks' checks.

Hypothesis throws hostile input at `keras_roc.evaluate`: constant scores,
a single class, a single sample, subnormal, huge and infinite scores, NaN,
huge, tiny and zero weights, labels as strings, booleans, floats 0.0/1.0,
shapes (n,), (n, 1), (n, 2), (n, C), int and float dtypes, bad options.
Every input must end in exactly one of:

- a ValueError whose message names the problem (TypeError only for a
  string `class_names`), when the input breaks the documented contract;
- a value equal to scikit-learn's on the same input, where scikit-learn
  answers;
- NaN with an UndefinedMetricWarning, where scikit-learn does not answer.

Whether an input is valid is decided here, independently, from the
documented contract (`_reference` below), never by calling keras_roc. The
callbacks' argument checks and their label checks at `on_train_begin` are
fuzzed the same way, without training.

`KERAS_ROC_FUZZ_EXAMPLES=2000 pytest tests/metrics/test_fuzz.py` runs a longer hunt.
"""

from __future__ import annotations

import math
import numbers
import os
import types
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import expit, softmax
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

import keras_roc
import keras_roc.metrics

#: Examples per evaluate fuzz test; raise it locally to hunt for bugs.
EXAMPLES = int(os.environ.get("KERAS_ROC_FUZZ_EXAMPLES", "800"))
#: Examples per callback fuzz test (these build Keras objects).
CALLBACK_EXAMPLES = max(40, EXAMPLES // 10)

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CALLBACK_FUZZ = settings(FUZZ, max_examples=CALLBACK_EXAMPLES)

AUC_REL, AUC_ABS = 1e-9, 1e-12


# ---------------------------------------------------------------------------
# Value pools
# ---------------------------------------------------------------------------

NEAR_0_AND_1 = (
    0.0,
    -0.0,
    5e-324,
    1e-45,
    1e-300,
    1e-16,
    2.220446049250313e-16,
    1 - 2.220446049250313e-16,
    1 - 1.1102230246251565e-16,
    1.0,
)
PROBABILITIES = NEAR_0_AND_1 + (0.1, 0.25, 0.5, 0.5, 0.75, 0.9)
ADVERSARIAL = PROBABILITIES + (
    2.0,
    -1.0,
    1e300,
    -1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    3.4e38,
    1e-320,
    -5e-324,
    math.inf,
    -math.inf,
    math.nan,
)
# Integer scores: exact in float64 up to |v| = 2**53; beyond it, rejected.
INT_SCORES = (0, 1, 1, 0, -1, 2, 7, 255, 2**31 - 1, -(2**31), 2**53, -(2**53), 2**52 + 1)
INEXACT_INT_SCORES = (2**53 + 1, -(2**53) - 1, 2**60, 2**62 + 1)
WEIGHTS = (
    0.0,
    0.0,
    1.0,
    1.0,
    2.0,
    0.5,
    3.0,
    1e-150,
    1e-100,
    1e-8,
    1e8,
    1e100,
    1e150,
    1e300,
    1e-300,
    5e-324,
    1e155,
    1e-170,  # near and beyond float64's limits
)
BAD_WEIGHTS = (-1.0, -1e-300, math.nan, math.inf, -math.inf)
BAD_LABEL_VALUES = (
    2,
    3,
    -1,
    0.5,
    1e6,
    2**40,
    math.nan,
    math.inf,
    -math.inf,
    "a",
    "1",
    None,
    b"0",
    1e300,
    1e19,
    -1e300,  # beyond the int64 range
)

# Options: (valid values, invalid values). Each option is invalid in about
# one case in ten, so that most cases reach the numbers.
TASKS_OPTION = (("auto",) * 6 + ("binary", "multiclass", "multilabel"), ("ovr", "", None, 1, "Binary"))
THRESHOLDS = (
    (0.5, 0.5, 0.0, 1.0, 0.3, 2.0, 1e300, -1e300, 5e-324, np.float32(0.7), np.float64(0.25), np.int64(0)),
    (math.nan, math.inf, -math.inf, "0.5", None, True, np.bool_(False)),
)
CONFIDENCES = (
    (0.95, 0.95, 0.5, 5e-324, 1e-300, 0.999999, np.float32(0.9)),
    (0, 1, 1.0, math.nan, -0.1, 95, "0.9", None, True, float(np.nextafter(1.0, 0.0))),
)
MAX_POINTS = (
    (keras_roc.metrics.DEFAULT_MAX_CURVE_POINTS,) * 2 + (None, 2, 3, np.int64(5)),
    (1, 0, -1, 2.5, True),
)
CLASS_NAMES = (
    (None,) * 6 + (["neg", "pos"], ["a", "b", "c"], ["a", "b", "c", "d"], [0, 1], (1, 2, 3)),
    (["only"], ["a", "a", "b"], ["micro", "b"], ["a", "macro", "c"], "ab", (1, "1"), (3, 4, 5, 6, 7)),
)

# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------


def _values(draw, element, size):
    return draw(st.lists(element, min_size=size, max_size=size))


@st.composite
def score_arrays(draw, shape, clean=False):
    size = int(np.prod(shape))
    family = draw(
        st.sampled_from(
            ["float64"] * 8
            + ["float32"] * 3
            + ["float16", "object", "int64", "int32", "uint8", "bool"]
            + ([] if clean else ["str", "complex"])
        )
    )
    if family in ("int64", "int32", "uint8"):
        info = np.iinfo(family)
        pool = [v for v in INT_SCORES + INEXACT_INT_SCORES * (family == "int64") if info.min <= v <= info.max]
        return np.array(_values(draw, st.sampled_from(pool), size), dtype=family).reshape(shape)
    if family == "bool":
        return np.array(_values(draw, st.booleans(), size), dtype=bool).reshape(shape)
    mode = draw(st.sampled_from(["probability", "adversarial", "constant", "ties", "simplex", "any"]))
    if mode == "probability":
        element = st.one_of(st.sampled_from(PROBABILITIES), st.floats(0, 1))
    elif mode == "adversarial":
        element = st.sampled_from(ADVERSARIAL)
    elif mode == "constant":
        element = st.just(draw(st.sampled_from(ADVERSARIAL)))
    elif mode == "ties":
        element = st.sampled_from((0.0, 0.5, 1.0))
    elif mode == "simplex":
        element = st.integers(0, 4).map(float)
    else:
        element = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
    scores = np.array(_values(draw, element, size), dtype=np.float64).reshape(shape)
    if mode == "simplex" and len(shape) == 2 and shape[1] > 0:
        scores += 0.25
        scores /= scores.sum(axis=1, keepdims=True)  # rows sum to one
    if family == "str":
        return scores.astype(str)
    if family == "complex":
        return scores.astype(np.complex128)
    if family == "object":
        return scores.astype(object)
    with np.errstate(over="ignore"):  # 1e300 as float32 is inf: a real input
        return scores.astype(family)


@st.composite
def label_arrays(draw, n, width, *, callback=False, clean=False):
    """Labels for `n` samples and scores of `width` columns (None: 1-D)."""
    k = width if width and width > 2 else 2
    two_d = [] if clean and not width else ["one-hot", "one-hot", "multi-hot", "multi-hot"]
    form = draw(
        st.sampled_from(["index"] * 4 + ["single-class", "column"] + two_d + ([] if clean else ["wrong-width"]))
    )
    index = np.array(_values(draw, st.integers(0, k - 1), n), dtype=np.int64)
    if form == "single-class":
        index[:] = draw(st.integers(0, k - 1))
    if form in ("index", "single-class"):
        labels = index
    elif form == "column":
        labels = index[:, None]
    elif form == "one-hot":
        labels = np.eye(k, dtype=np.int64)[index]
    elif form == "multi-hot":
        labels = np.array(_values(draw, st.integers(0, 1), n * k), dtype=np.int64).reshape(n, k)
    else:
        other = draw(st.sampled_from([1, 2, 3, 4, 5]).filter(lambda c: c != k))
        labels = np.eye(other, dtype=np.int64)[np.minimum(index, other - 1)]
    encoding = draw(
        st.sampled_from(
            ["int64"] * 4
            + ["int32", "uint8", "bool", "float64", "float64", "float32", "object", "list", "list"]
            + ([] if clean else ["str"])
        )
    )
    if encoding == "list":
        labels = labels.tolist()
    elif encoding == "str":
        labels = labels.astype(str)
    else:
        labels = labels.astype(encoding)
    corruption = None if clean else draw(st.sampled_from([None] * 6 + ["value", "value", "length", "3-d", "0-d"]))
    labels = np.asarray(labels) if corruption else labels
    if corruption == "value" and labels.size:
        bad = draw(st.sampled_from(BAD_LABEL_VALUES))
        labels = labels.astype(object if isinstance(bad, (str, bytes)) or bad is None else np.float64)
        flat = labels.reshape(-1)
        flat[draw(st.integers(0, flat.size - 1))] = bad
    elif corruption == "length":
        extra = np.zeros((1,) + labels.shape[1:], labels.dtype)
        labels = labels[:-1] if n and draw(st.booleans()) else np.concatenate([labels, extra])
    elif corruption == "3-d":
        labels = labels[..., None] if labels.ndim >= 2 else labels[:, None, None]
    elif corruption == "0-d":
        labels = labels.reshape(-1)[0] if labels.size else np.int64(1)
    return labels


@st.composite
def weight_arrays(draw, n, clean=False):
    form = draw(
        st.sampled_from(
            [None] * 4
            + ["good"] * 4
            + ["zeros", "column", "int", "bool", "float32"]
            + ([] if clean else ["bad", "bad", "length", "2-d", "str", "object"])
        )
    )
    if form is None:
        return None
    values = np.array(_values(draw, st.sampled_from(WEIGHTS), n), dtype=np.float64)
    if form == "zeros":
        values[:] = 0.0
    elif form == "bad" and n:
        values[draw(st.integers(0, n - 1))] = draw(st.sampled_from(BAD_WEIGHTS))
    elif form == "length":
        values = values[:-1] if n and draw(st.booleans()) else np.append(values, 1.0)
    elif form == "column":
        values = values[:, None]
    elif form == "2-d":
        values = np.stack([values, values], axis=1)
    elif form == "int":
        values = np.array(_values(draw, st.integers(0, 5), n), dtype=np.int64)
    elif form == "bool":
        values = np.array(_values(draw, st.booleans(), n), dtype=bool)
    elif form == "float32":
        with np.errstate(over="ignore", under="ignore"):
            values = values.astype(np.float32)
    elif form == "str":
        values = values.astype(str)
    elif form == "object":
        values = values.astype(object)
    return values if draw(st.booleans()) else values.tolist()


@st.composite
def _option(draw, pools):
    valid, invalid = pools
    return draw(st.sampled_from(invalid if draw(st.sampled_from([False] * 9 + [True])) else valid))


@st.composite
def evaluate_cases(draw):
    # Two cases in three break nothing in the arrays (an option may still be
    # invalid), so that most cases reach the numbers.
    clean = draw(st.sampled_from([True, True, False]))
    n = draw(
        st.one_of(
            st.sampled_from([1, 1, 2, 2, 3, 0]),
            st.integers(1 if clean else 0, 12),
            st.integers(13, 64),  # long runs of tied scores take other paths
        )
    )
    layout = draw(
        st.sampled_from(["1d"] * 3 + ["n1", "n2", "n2", "nC", "nC"] + ([] if clean else ["n0", "0-d", "3-d"]))
    )
    width = {"1d": None, "n1": 1, "n2": 2, "n0": 0, "0-d": None, "3-d": 2}.get(layout)
    if layout == "nC":
        width = draw(st.integers(3, 4))
    shape = {"1d": (n,), "0-d": (), "3-d": (n, 2, 1)}.get(layout, (n, width))
    k = width if width and width > 2 else 2
    scores = draw(score_arrays(shape, clean))
    labels = draw(label_arrays(n, width if width else None, clean=clean))
    return dict(
        y_true=labels,
        y_score=scores,
        sample_weight=draw(weight_arrays(n, clean)),
        task=draw(_option(TASKS_OPTION)),
        class_names=draw(
            st.sampled_from([None, None, [f"c{i}" for i in range(k)], list(range(k))])
            if clean
            else _option(CLASS_NAMES)
        ),
        from_logits=draw(st.booleans()),
        threshold=draw(_option(THRESHOLDS)),
        confidence=draw(_option(CONFIDENCES)),
        max_curve_points=draw(_option(MAX_POINTS)),
    )


# ---------------------------------------------------------------------------
# The reference: the documented contract, decided independently
# ---------------------------------------------------------------------------

_REAL = (int, float, np.integer, np.floating)
_TASKS = ("binary", "multiclass", "multilabel")


class _Invalid(Exception):
    """The input breaks the contract; `alternatives` are the acceptable
    descriptions, each a tuple of substrings the message must all hold."""

    def __init__(self, *alternatives):
        super().__init__(alternatives)
        self.alternatives = list(alternatives)


def _option_problems(task, threshold, confidence, max_curve_points):
    problems = [
        (f"`{name}`", "boolean")
        for name, value in (
            ("confidence", confidence),
            ("threshold", threshold),
            ("max_curve_points", max_curve_points),
        )
        if isinstance(value, (bool, np.bool_))
    ]
    if not (isinstance(confidence, _REAL) and 0 < confidence and 0.5 + confidence / 2 < 1):
        problems.append(("`confidence`",))
    if not (isinstance(threshold, _REAL) and math.isfinite(threshold)):
        problems.append(("`threshold`",))
    if max_curve_points is not None and not (isinstance(max_curve_points, (int, np.integer)) and max_curve_points >= 2):
        problems.append(("`max_curve_points`",))
    if not isinstance(task, str) or task not in ("auto",) + _TASKS:
        problems.append(("`task`", repr(task)))
    return problems


def _scores(y_score):
    scores = np.asarray(y_score)
    dtype = scores.dtype
    if dtype.kind in "iuO" and any(
        isinstance(v, numbers.Integral) and abs(int(v)) > 2**53 for v in scores.flat
    ):  # not exact in float64: distinct scores would tie
        raise _Invalid(("`y_score`", "2**53"))
    if dtype.kind in "biuf":
        as_float = scores.astype(np.float64)  # exact for these inputs
    elif dtype.kind == "O":
        try:
            as_float = scores.astype(np.float64)
        except (TypeError, ValueError):
            raise _Invalid(("`y_score`",)) from None
        dtype = np.dtype(np.float64)
    else:
        raise _Invalid(("`y_score`", str(dtype)))
    if as_float.ndim not in (1, 2):
        raise _Invalid(("`y_score`", str(as_float.shape)))
    # keras_roc computes in float32 below float32 and in float64 for ints.
    eps_dtype = np.float64 if dtype.kind in "biu" else np.promote_types(dtype, np.float32)
    return as_float, eps_dtype


def _labels(y_true):
    """Labels as float64 (exact for every label that is valid)."""
    labels = np.asarray(y_true)
    kind = labels.dtype.kind
    if kind in "US" or (kind == "O" and any(isinstance(v, (str, bytes)) for v in labels.flat)):
        raise _Invalid(("`y_true`", "strings"))
    if kind in "biuO":
        try:
            labels = labels.astype(np.float64)
        except (TypeError, ValueError):
            raise _Invalid(("`y_true`",)) from None
    elif kind != "f":
        raise _Invalid(("`y_true`", str(labels.dtype)))
    labels = labels.astype(np.float64)
    if not np.isfinite(labels).all():
        raise _Invalid(("`y_true`", "non-finite"))
    if not np.array_equal(np.round(labels), labels):
        raise _Invalid(("`y_true`", "whole numbers"))
    return labels


def _task_and_indicators(labels, scores, task):
    """Resolves the task as documented; returns (task, 0/1 indicators
    (n, K) of the K classes, scores with an (n, 1) column squeezed)."""
    n = scores.shape[0]
    shapes = (str(labels.shape), str(scores.shape))
    if labels.ndim == 0 or labels.shape[0] != n:
        raise _Invalid(("`y_true`", "`y_score`") + shapes)
    if labels.ndim > 2:
        raise _Invalid(("`y_true`", str(labels.shape)))
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    n_columns = 1 if scores.ndim == 1 else scores.shape[1]
    if labels.ndim == 2:
        if labels.shape[1] != n_columns:
            raise _Invalid(("`y_true`", "`y_score`") + shapes)
        if not np.isin(labels, (0, 1)).all():
            raise _Invalid(("`y_true`", "0/1"))
        one_hot = bool((labels.sum(axis=1) == 1).all())
        if task == "auto":
            task = "multiclass" if one_hot else "multilabel"
            if one_hot and n_columns == 2:
                task = "binary"
        if task == "multilabel":
            return task, labels.astype(np.int64), scores
        if not one_hot:
            raise _Invalid(("`y_true`", f"task={task!r}"))
        labels = labels.argmax(axis=1).astype(np.float64)
    if task == "multilabel":
        raise _Invalid(("task='multilabel'", "`y_true`"))
    if scores.ndim == 1:
        if task == "multiclass":
            raise _Invalid(("task='multiclass'", "`y_score`"))
        task = "binary"
    elif task == "auto":
        task = "binary" if n_columns == 2 else "multiclass"
    elif task == "binary" and n_columns != 2:
        raise _Invalid(("task='binary'", "columns"))
    limit = 2 if task == "binary" else n_columns
    if labels.size and (labels.min() < 0 or labels.max() >= limit):
        raise _Invalid(("`y_true`",) + shapes)
    index = labels.astype(np.int64)
    indicators = np.eye(limit, dtype=np.int64)[index] if limit else np.zeros((n, 0), np.int64)
    return task, indicators, scores


def _weights(sample_weight, n):
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight)
    if weight.dtype.kind not in "biuf":
        raise _Invalid(("`sample_weight`", str(weight.dtype)))
    weight = weight.astype(np.float64)
    if weight.ndim == 2 and weight.shape[1] == 1:
        weight = weight[:, 0]
    if weight.shape != (n,):
        raise _Invalid(("`sample_weight`", f"({n},)", str(weight.shape)))
    if not np.isfinite(weight).all():
        raise _Invalid(("`sample_weight`", "non-finite"))
    if (weight < 0).any():
        raise _Invalid(("`sample_weight`", "non-negative"))
    return weight


def _names(class_names, task, n_classes):
    if class_names is None:
        return tuple(str(i) for i in range(n_classes))
    if isinstance(class_names, str):
        raise _Invalid(("`class_names`", repr(class_names)))
    names = tuple(str(name) for name in class_names)
    if len(names) != n_classes or len(set(names)) != len(names) or {"micro", "macro"} & set(names):
        raise _Invalid(("`class_names`", str(list(names))))
    return names


def _has_huge_labels(y_true):
    try:
        values = np.asarray(y_true, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.any(np.abs(values) >= 2.0**62))


def _reference(case):
    """What `evaluate(**case)` must do: raise (`problems`) or return `ok`."""
    problems = _option_problems(case["task"], case["threshold"], case["confidence"], case["max_curve_points"])
    scores = labels = None
    try:
        scores, eps_dtype = _scores(case["y_score"])
    except _Invalid as error:
        problems += error.alternatives
    try:
        labels = _labels(case["y_true"])
    except _Invalid as error:
        problems += error.alternatives
    if scores is not None and scores.shape[0] == 0:
        problems.append(("empty",))
    if scores is not None and scores.shape[0]:
        try:
            _weights(case["sample_weight"], scores.shape[0])
        except _Invalid as error:
            problems += error.alternatives
        if labels is not None and not any("`task`" in p for p in problems):
            try:
                task, indicators, used = _task_and_indicators(labels, scores, case["task"])
            except _Invalid as error:
                problems += error.alternatives
    if _has_huge_labels(case["y_true"]):
        # Labels beyond the int64 range may be reported before anything else.
        problems.append(("`y_true`", "too large"))
    if problems:
        return types.SimpleNamespace(problems=problems, ok=None)
    n_classes = 2 if task == "binary" else indicators.shape[1]
    try:
        names = _names(case["class_names"], task, n_classes)
    except _Invalid as error:
        return types.SimpleNamespace(problems=error.alternatives, ok=None)
    weight = _weights(case["sample_weight"], scores.shape[0])

    # The per-class problems, on the probabilities the contract defines.
    logits = case["from_logits"]
    with np.errstate(all="ignore"):
        if task == "binary":
            positive = indicators[:, 1:]
            if used.ndim == 2:
                column = softmax(used, axis=1)[:, 1] if logits else used[:, 1]
            else:
                column = expit(used) if logits else used
            probs = column[:, None]
        elif task == "multiclass":
            positive = indicators
            probs = softmax(used, axis=1) if logits else used
        else:
            positive = indicators
            probs = expit(used) if logits else used
        # Sigmoid is monotone: the logits rank like the probabilities.
        raw = None
        if logits and task == "binary" and used.ndim == 1:
            raw = used[:, None]
        elif logits and task == "multilabel":
            raw = used
    return types.SimpleNamespace(
        problems=[],
        ok=types.SimpleNamespace(
            task=task,
            names=names,
            positive=positive,
            probs=probs,
            raw=raw,
            weight=weight,
            labels_1d=indicators.argmax(axis=1) if task != "multilabel" else None,
            eps_dtype=eps_dtype,
            logits=logits,
        ),
    )


def _sklearn_auc(y, score, weight):
    """scikit-learn's AUC, or None where it does not answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = roc_auc_score(y, score, sample_weight=weight)
        except Exception:  # scikit-learn's own refusal: no answer
            return None
    return float(value) if np.isfinite(value) else None


def _sklearn_log_loss(y, prob, weight, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = log_loss(y, prob, labels=labels, sample_weight=weight)
        except Exception:
            return None
    return float(value) if np.isfinite(value) else None


def _logit_band(y, logits, weight):
    """The AUCs a monotone sigmoid can give: between the AUC of the logits
    with near-tied pairs (sigmoids within a few ulps, by scipy) counted as
    ties in one direction or the other. Two correct sigmoids may round such
    pairs apart or together, so both ends are right; nothing outside is."""
    y = np.asarray(y).astype(bool)
    w = np.ones(y.size) if weight is None else np.asarray(weight, np.float64)
    total = w[y].sum() * w[~y].sum()
    if not total > 0:
        return None
    xp, xn = logits[y][:, None], logits[~y][None, :]
    with np.errstate(all="ignore"):
        pp, pn = expit(xp), expit(xn)
        near = np.abs(pp - pn) <= 4 * np.spacing(np.maximum(pp, pn))
    pair_weight = w[y][:, None] * w[~y][None, :]
    exact = (xp > xn) + 0.5 * (xp == xn)
    low = (pair_weight * np.where(near & (xp > xn), 0.5, exact)).sum() / total
    high = (pair_weight * np.where(near & (xp < xn), 0.5, exact)).sum() / total
    return low, high


def _matches(got, ref, y, raw, weight):
    """`got` equals the reference AUC (for logits: lies in its band)."""
    if ref is None:
        return math.isnan(got)
    if raw is None or _close(got, ref):
        return _close(got, ref)
    band = _logit_band(y, raw, weight)
    return band is not None and band[0] - AUC_ABS <= got <= band[1] + AUC_ABS


def _sklearn_average_precision(y, score, weight):
    """scikit-learn's average precision, or None where it is undefined
    (no positive weight: scikit-learn then answers 0 with a warning)."""
    positive_weight = (y * (np.ones_like(score) if weight is None else weight)).sum()
    if not positive_weight > 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = average_precision_score(y, score, sample_weight=weight)
        except Exception:  # scikit-learn's own refusal (e.g. weights it overflows)
            return math.nan
    return float(value) if np.isfinite(value) else math.nan


def _check_average_precision(got, y, score, weight, comparable):
    """The per-class average precision: scikit-learn's, or NaN where undefined."""
    if not comparable:  # non-finite scores give NaN; logits are checked by rank elsewhere
        return
    ref = _sklearn_average_precision(y, score, weight)
    if ref is None:
        assert math.isnan(got), got
    elif not math.isnan(ref):
        assert _close(got, ref), (got, ref)
        assert 0.0 <= got <= 1.0


def _close(got, expected, rel=AUC_REL, abs_=AUC_ABS):
    return math.isclose(got, expected, rel_tol=rel, abs_tol=abs_)


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def _call_evaluate(case):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            result = keras_roc.evaluate(**case)
        except Exception as error:  # classified below
            return None, error, list(record)
    return result, None, list(record)


def _assert_only_user_warnings(record):
    # A RuntimeWarning from NumPy would be an exception under `-W error`.
    stray = [f"{r.category.__name__}: {r.message}" for r in record if not issubclass(r.category, UserWarning)]
    assert not stray, stray


def _assert_only_undefined_metric_warnings(record):
    # evaluate's own warnings are all UndefinedMetricWarnings.
    _assert_only_user_warnings(record)
    others = [
        f"{r.category.__name__}: {r.message}"
        for r in record
        if issubclass(r.category, UserWarning) and r.category is not keras_roc.UndefinedMetricWarning
    ]
    assert not others, others


def _assert_names_problem(error, problems, case):
    message = str(error)
    allowed = TypeError if isinstance(case["class_names"], str) else ()
    assert type(error) is ValueError or (allowed and type(error) is allowed), f"{type(error).__name__}: {message}"
    assert any(all(word in message for word in p) for p in problems), (message, problems)


def _check_curve(curve, max_points):
    fpr, tpr = curve.fpr, curve.tpr
    assert fpr[0] == 0 and tpr[0] == 0 and fpr[-1] == 1 and tpr[-1] == 1, (fpr, tpr)
    assert (np.diff(fpr) >= 0).all() and (np.diff(tpr) >= 0).all(), (fpr, tpr)
    assert curve.thresholds[0] == np.inf
    if max_points is not None and curve.thinned:
        assert fpr.size <= int(max_points), (fpr.size, max_points)


def _check_interval(auc, ci, se=None):
    low, high = ci
    if math.isfinite(low) or math.isfinite(high):
        assert 0.0 <= low <= auc <= high <= 1.0, (low, auc, high)
    if se is not None and math.isfinite(se):
        assert se >= 0.0


def _interval_says_nothing(result, name):
    """(NaN interval, zero-width interval with 0 < AUC < 1) of a defined AUC."""
    auc = result.per_class_auc[name]
    low, high = result.per_class_ci[name]
    defined = math.isfinite(auc)
    return defined and math.isnan(low), defined and low == high and 0 < auc < 1


def check_evaluate(case):
    expected = _reference(case)
    result, error, record = _call_evaluate(case)
    _assert_only_undefined_metric_warnings(record)
    if expected.problems:
        assert error is not None, f"accepted invalid input {expected.problems}: {result}"
        _assert_names_problem(error, expected.problems, case)
        return
    assert error is None, f"rejected valid input: {type(error).__name__}: {error}"
    ok = expected.ok
    warned = any(r.category is keras_roc.UndefinedMetricWarning for r in record)
    assert result.task == ok.task
    assert result.n_samples == ok.probs.shape[0]
    assert isinstance(result.auc, float)
    finite = bool(np.isfinite(ok.probs).all())
    w = ok.weight

    # Per class: scikit-learn's number, or NaN with a warning.
    keys = [ok.names[1]] if ok.task == "binary" else list(ok.names)
    assert list(result.per_class_auc) == keys
    references = []
    for c, name in enumerate(keys):
        y, p = ok.positive[:, c], ok.probs[:, c]
        ref = _sklearn_auc(y, p, w) if finite else None
        got = result.per_class_auc[name]
        raw = None if ok.raw is None else ok.raw[:, c]
        assert _matches(got, ref, y, raw, w), (name, got, ref)
        references.append(None if ref is None else got)  # got: within the band
        _check_average_precision(result.per_class_average_precision[name], y, p, w, finite and raw is None)
        if math.isfinite(got):
            assert 0.0 <= got <= 1.0, got
            _check_curve(result.curves[name], case["max_curve_points"])
        _check_interval(got, result.per_class_ci[name])
    undefined = any(ref is None for ref in references)

    if ok.task == "binary":
        assert result.auc == result.per_class_auc[keys[0]] or (
            math.isnan(result.auc) and math.isnan(result.per_class_auc[keys[0]])
        )
        _check_interval(result.auc, result.auc_ci, result.auc_se)
    else:
        defined = [ref for ref in references if ref is not None]
        if defined:
            assert _close(result.auc_macro, float(np.mean(defined)))
            assert result.auc == result.auc_macro
            weights = np.ones(ok.probs.shape[0]) if w is None else w
            prevalence = np.array(
                [(ok.positive[:, c] * weights).sum() for c, ref in enumerate(references) if ref is not None]
            )
            if prevalence.sum() > 0:
                assert _close(result.auc_weighted, float(np.average(defined, weights=prevalence)))
        else:
            assert math.isnan(result.auc_macro) and math.isnan(result.auc)
        micro = None
        flat_w = None if w is None else np.repeat(w, len(keys))
        if finite:
            micro = _sklearn_auc(ok.positive.ravel(), ok.probs.ravel(), flat_w)
        raw = None if ok.raw is None else ok.raw.ravel()
        assert _matches(result.auc_micro, micro, ok.positive.ravel(), raw, flat_w), (
            result.auc_micro,
            micro,
        )
        if micro is None:
            undefined = True
        else:
            _check_curve(result.curves["micro"], case["max_curve_points"])
        for value in (result.auc_micro, result.auc_macro, result.auc_weighted):
            assert math.isnan(value) or 0.0 <= value <= 1.0, value

    # Log loss: scikit-learn's where it answers on probabilities.
    zero_weight = w is not None and not w.sum() > 0
    in_range = bool(((ok.probs >= 0) & (ok.probs <= 1)).all())
    if not finite or zero_weight or not in_range:
        # Scores outside [0, 1] without from_logits are not probabilities:
        # scikit-learn refuses them; keras_roc says so and gives NaN.
        assert math.isnan(result.log_loss) and math.isnan(result.brier_score)
        undefined = True
    else:
        assert math.isfinite(result.log_loss) and result.log_loss >= 0
        if ok.logits or ok.eps_dtype == np.float64:
            if ok.task == "binary":
                ref = _sklearn_log_loss(ok.positive[:, 0], ok.probs[:, 0], w, [0, 1])
            elif ok.task == "multiclass":
                ref = _sklearn_log_loss(ok.labels_1d, ok.probs, w, list(range(len(keys))))
            else:
                per_label = [_sklearn_log_loss(ok.positive[:, c], ok.probs[:, c], w, [0, 1]) for c in range(len(keys))]
                ref = None if None in per_label else float(np.mean(per_label))
            if ref is not None:
                assert _close(result.log_loss, ref, 1e-9, 1e-12), (result.log_loss, ref)

    # A warning exactly when something is undefined or a DeLong interval of
    # a defined AUC says nothing: NaN, or a variance of 0 with 0 < AUC < 1.
    # Only the binary variance is visible (auc_se); a per-class interval of
    # zero width allows a warning (it may also come from a tiny
    # `confidence`) but does not require one.
    must = any(_interval_says_nothing(result, name)[0] for name in keys) or (
        ok.task == "binary" and result.auc_se == 0 and 0 < result.auc < 1
    )
    may = any(_interval_says_nothing(result, name)[1] for name in keys)
    messages = [str(r.message) for r in record]
    assert warned == (undefined or must) or (warned and may), (messages, undefined, must, may)

    # Confusion matrix on the scores given (probabilities: no transform).
    if not ok.logits:
        _check_confusion(result, ok, float(case["threshold"]))
    result.scalars()
    str(result)


def _check_confusion(result, ok, threshold):
    w = np.ones(ok.probs.shape[0]) if ok.weight is None else ok.weight
    # Samples with a NaN score have no decision: left out, with a note.
    w = np.where(np.isnan(ok.probs).any(axis=1), 0.0, w)
    if ok.task == "multiclass":
        predicted = np.argmax(ok.probs, axis=1)
        c = len(ok.names)
        expected = np.zeros((c, c))
        np.add.at(expected, (ok.labels_1d, predicted), w)
    else:
        called = ok.probs >= threshold  # float64 scores against the float64 threshold
        columns = []
        for j in range(called.shape[1]):
            truth = ok.positive[:, j].astype(bool)
            columns.append(
                [
                    [w[~truth & ~called[:, j]].sum(), w[~truth & called[:, j]].sum()],
                    [w[truth & ~called[:, j]].sum(), w[truth & called[:, j]].sum()],
                ]
            )
        expected = np.array(columns)
        if ok.task == "binary":
            expected = expected[0]
    np.testing.assert_allclose(result.confusion_matrix, expected, rtol=1e-12, atol=0)


# ---------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------


@FUZZ
@given(case=evaluate_cases())
def test_fuzz_evaluate(case):
    check_evaluate(case)


@st.composite
def degenerate_cases(draw):
    """Valid inputs only, concentrated on the degenerate ones: one or two
    samples, one class, constant or subnormal scores, zero weights, and
    long runs of tied scores."""
    n = draw(st.one_of(st.integers(1, 4), st.integers(17, 48)))
    width = draw(st.sampled_from([None, 1, 2, 3]))
    k = 2 if width in (None, 1, 2) else width
    labels = np.array(_values(draw, st.integers(0, k - 1), n))
    value = draw(st.sampled_from(ADVERSARIAL))
    shape = (n,) if width is None else (n, width)
    scores = (
        np.full(shape, value)
        if draw(st.booleans())
        else np.array(_values(draw, st.sampled_from(ADVERSARIAL), int(np.prod(shape)))).reshape(shape)
    )
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, object]))
    with np.errstate(over="ignore"):
        scores = scores.astype(dtype)
    encodings = [np.int64, np.float64, np.uint8] + ([bool] if k == 2 else [])
    labels = labels.astype(draw(st.sampled_from(encodings)))
    weight = draw(st.sampled_from([None, "zeros", "one-zero", "pool"]))
    if weight == "zeros":
        weight = np.zeros(n)
    elif weight == "one-zero":
        weight = np.ones(n)
        weight[0] = 0.0
    elif weight == "pool":
        weight = np.array(_values(draw, st.sampled_from(WEIGHTS), n))
    return dict(
        y_true=labels,
        y_score=scores,
        sample_weight=weight,
        task="auto",
        class_names=None,
        from_logits=draw(st.booleans()),
        threshold=0.5,
        confidence=0.95,
        max_curve_points=draw(st.sampled_from([None, 2, 2000])),
    )


@FUZZ
@given(case=degenerate_cases())
def test_fuzz_evaluate_degenerate_valid_inputs(case):
    assert not _reference(case).problems
    check_evaluate(case)


def test_reference_agrees_on_plain_examples():
    """The fuzz oracle itself, on inputs whose outcome is known by hand."""
    base = dict(
        task="auto",
        class_names=None,
        from_logits=False,
        sample_weight=None,
        threshold=0.5,
        confidence=0.95,
        max_curve_points=2000,
    )
    ok = _reference(dict(base, y_true=[0, 0, 1, 1], y_score=[0.1, 0.4, 0.35, 0.8]))
    assert not ok.problems and ok.ok.task == "binary"
    assert _sklearn_auc(ok.ok.positive[:, 0], ok.ok.probs[:, 0], None) == 0.75
    for bad in (
        dict(y_true=["a", "b"], y_score=[0.1, 0.2]),
        dict(y_true=[0, 1, 1], y_score=[0.1, 0.2]),
        dict(y_true=[0, 2], y_score=[0.1, 0.2]),
        dict(y_true=[0, 1], y_score=[0.1, 0.2], sample_weight=[1, -1]),
        dict(y_true=[], y_score=[]),
    ):
        assert _reference(dict(base, **bad)).problems
        check_evaluate(dict(base, **bad))


# ---------------------------------------------------------------------------
# Callbacks: argument checks and label checks, without training
# ---------------------------------------------------------------------------

_X = np.zeros((4, 3), np.float32)
_Y = np.array([0, 1, 0, 1])
VALIDATION_DATA = (
    None,
    (_X, _Y),
    [_X, _Y],
    (_X, _Y, np.ones(4)),
    (_X,),
    (_X, _Y, None, _Y),
    (),
    "data",
    _X,
    {"x": _X, "y": _Y},
    5,
)
CALLBACK_ARGS = {
    "validation_data": VALIDATION_DATA,
    "task": ("auto", "binary", "multiclass", "multilabel", "ovr", None, 1, ["binary"]),
    "image_every": ("auto", 0, 1, 5, -1, True, 1.5, None, "1", "Auto", np.int64(2)),
    "batch_size": (None, 1, 32, 0, -4, 2.5, "32", np.int64(8)),
    "threshold": (0.0, 0.5, 1, 1.0, -0.1, 1.5, math.nan, math.inf, None, "0.5", np.float32(0.5)),
    "class_names": (None, ["a", "b"], ("x", "y", "z"), "ab", [1, 2], []),
    "from_logits": (False, True, 0, "yes"),
}
ROC_ONLY_ARGS = {
    "prefix": ("val_", "own_", "", None, 3),
    "max_classes_in_tensorboard": (20, 1, 0, -1, 2.5, None),
}


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _callback_problems(kind, kwargs):
    """Names of the arguments the constructor must reject."""
    bad = []
    task = kwargs.get("task", "auto")
    if not (isinstance(task, str) and task in ("auto",) + _TASKS):
        bad.append("task")
    image_every = kwargs.get("image_every", "auto")
    if image_every not in ("auto", None) and not (_is_integer(image_every) and image_every >= 0):
        bad.append("image_every")
    batch_size = kwargs.get("batch_size")
    if batch_size is not None and not (_is_integer(batch_size) and batch_size >= 1):
        bad.append("batch_size")
    threshold = kwargs.get("threshold", 0.5)
    if not (_is_real(threshold) and 0 <= threshold <= 1):
        bad.append("threshold")
    if isinstance(kwargs.get("class_names"), str):
        bad.append("class_names")
    from_logits = kwargs.get("from_logits")
    if from_logits is not None and not isinstance(from_logits, (bool, np.bool_)):
        bad.append("from_logits")  # 0 and "yes" are not booleans
    data = kwargs.get("validation_data")
    if data is not None and not (isinstance(data, (tuple, list)) and len(data) in (2, 3)):
        bad.append("validation_data")
    if kind == "ROCCallback":
        prefix = kwargs.get("prefix", "val_")
        if not isinstance(prefix, str) or (data is None and prefix != "val_"):
            bad.append("prefix")
        most = kwargs.get("max_classes_in_tensorboard", 20)
        if not _is_integer(most) or most < 1:
            bad.append("max_classes_in_tensorboard")
    return bad


@st.composite
def callback_constructions(draw):
    kind = draw(st.sampled_from(["ROCCallback", "ConfusionMatrixCallback"]))
    pools = dict(CALLBACK_ARGS, **(ROC_ONLY_ARGS if kind == "ROCCallback" else {}))
    kwargs = {}
    for name, pool in pools.items():
        if draw(st.booleans()):
            kwargs[name] = draw(st.sampled_from(pool))
    return kind, kwargs


@CALLBACK_FUZZ
@given(construction=callback_constructions())
def test_fuzz_callback_constructor(construction):
    kind, kwargs = construction
    import keras_roc.callbacks  # noqa: F401  (imports Keras)

    cls = getattr(keras_roc, kind)
    bad = _callback_problems(kind, kwargs)
    data = kwargs.pop("validation_data", None)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            callback = cls(data, **kwargs)
        except (ValueError, TypeError) as error:
            assert bad, f"rejected valid arguments: {type(error).__name__}: {error}"
            assert any(name in str(error) for name in bad), (str(error), bad)
        else:
            assert not bad, f"accepted invalid {bad}"
            assert callback.task == kwargs.get("task", "auto")
            assert callback.threshold == float(kwargs.get("threshold", 0.5))
    _assert_only_user_warnings(record)


_MODELS = {}


def _model(width):
    if width not in _MODELS:
        import keras

        _MODELS[width] = keras.Sequential([keras.Input((3,)), keras.layers.Dense(width)])
    return _MODELS[width]


@st.composite
def callback_label_cases(draw):
    width = draw(st.sampled_from([1, 2, 3, 4]))
    n = draw(st.integers(0, 6))
    labels = draw(label_arrays(n, width if width > 1 else None, callback=True))
    # x may not match y: the constructor must then reject the lengths.
    n_x = max(0, n + draw(st.sampled_from([0, 0, 0, -1, 1])))
    return dict(
        kind=draw(st.sampled_from(["ROCCallback", "ConfusionMatrixCallback"])),
        width=width,
        x=np.zeros((n_x, 3), np.float32),
        y=labels,
        task=draw(st.sampled_from(["auto", "auto", "binary", "multiclass", "multilabel"])),
        class_names=draw(st.sampled_from([None, None, ["a", "b"], ["a", "b", "c"], ["a", "a", "b", "c"]])),
    )


@CALLBACK_FUZZ
@given(case=callback_label_cases())
def test_fuzz_callback_label_checks(case):
    callback_cls = getattr(keras_roc, case["kind"])
    width, y = case["width"], case["y"]
    labels = np.asarray(y)
    expected = _reference(
        dict(
            y_true=labels,
            y_score=np.zeros((labels.shape[0] if labels.ndim else 1, width), np.float32),
            task=case["task"],
            class_names=case["class_names"],
            sample_weight=None,
            from_logits=False,
            threshold=0.5,
            confidence=0.95,
            max_curve_points=None,
        )
    )
    model = _model(width)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        lengths_differ = labels.ndim >= 1 and labels.shape[0] != case["x"].shape[0]
        try:
            callback = callback_cls(
                validation_data=(case["x"], y),
                task=case["task"],
                class_names=case["class_names"],
                image_every=0,
            )
        except ValueError as error:
            # Constructor checks: lengths of x and y, labels that are None or
            # scalars. Nothing else may fail here.
            message = str(error)
            assert lengths_differ or labels.ndim == 0, message
            assert "same number of samples" in message or "labels" in message or "scalar" in message, message
            return
        assert not lengths_differ, "x and y lengths differ but the constructor accepted them"
        callback.set_model(model)
        callback.set_params({"epochs": 1, "steps": 1, "verbose": 0})
        try:
            callback.on_train_begin()
        except (ValueError, TypeError) as error:
            message = str(error)
            assert expected.problems, f"rejected valid labels {labels.shape}: {message}"
            assert f"model has {width} output(s)" in message, message
            assert str(labels.shape) in message, message
            assert any(all(w in message for w in p) for p in expected.problems), (
                message,
                expected.problems,
            )
        else:
            assert not expected.problems, (
                f"accepted labels {labels.shape} {labels.dtype} for {width} outputs",
                expected.problems,
            )
            callback.on_train_end()
    _assert_only_user_warnings(record)
