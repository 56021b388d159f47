"""The data of TensorBoard's ROC tab (plugin `keras_roc`), from an `ROCResult`.

Each epoch, a few small tensors per run (step = epoch): per class the exact
ROC curve as rows of threshold, true-positive count and false-positive
count, thinned to at most `MAX_VERTICES` exact vertices; the micro curve
(with thresholds) and the macro curve; and one JSON summary. The format
(tags, shapes, JSON fields) is public API, documented in one place:
docs/tensorboard_tab.md. The `keras_roc_tensorboard` package serves it.

NumPy and the standard library only: `tab_data` runs on the callbacks'
writer thread, and the summary metadata never changes from epoch to epoch
(TensorBoard keeps the metadata of a tag's first event only).
"""

from __future__ import annotations

import json
import math
from typing import NamedTuple

import numpy as np

__all__ = ["MAX_VERTICES", "PLUGIN_NAME", "SUMMARY_TAG", "TabData", "curve_tag", "tab_data", "write_tab"]

#: The plugin name in the event files (route prefix `/data/plugin/keras_roc/`).
PLUGIN_NAME = "keras_roc"
#: Version of the data format, in every tag's `plugin_data.content`.
FORMAT_VERSION = 1
#: Vertices kept per curve: enough for a smooth line at any screen size while
#: 10 classes + micro + macro stay within ~150 KiB per epoch.
MAX_VERTICES = 1000
#: The per-epoch JSON summary.
SUMMARY_TAG = "keras_roc/summary"
MICRO_TAG = "keras_roc/micro"
MACRO_TAG = "keras_roc/macro"
# float32 holds every integer up to 2**24 exactly: larger counts are float64.
_FLOAT32_EXACT_INTEGERS = 2**24


def curve_tag(class_name):
    """The tag of one class's curve: `keras_roc/curve/<class name>`."""
    return f"keras_roc/curve/{class_name}"


class TabData(NamedTuple):
    """One epoch of the ROC tab: `(tag, array)` pairs and the summary JSON."""

    tensors: list
    summary: str


class _Totals(NamedTuple):
    """Positive and negative totals (counts, or weights) of one curve."""

    positives: float
    negatives: float


def metadata_content():
    """The `plugin_data.content` of every tag: the same at every epoch."""
    return json.dumps({"version": FORMAT_VERSION}).encode()


def tab_data(result, max_classes=None):
    """The ROC tab's tensors and summary for one `ROCResult`.

    Args:
        result: A `keras_roc.ROCResult`.
        max_classes: Curves for at most this many classes (micro and macro
            always). Defaults to `None` (all).

    Returns:
        A `TabData`.
    """
    totals = _class_totals(result)
    weighted = np.asarray(result.confusion_matrix).dtype.kind == "f"
    names = list(result.per_class_auc)[:max_classes]
    tensors, curves = [], []
    for name in names:
        tensors.append((curve_tag(name), _counts_tensor(result.curves[name], totals[name], weighted)))
        curves.append(_curve_entry("class", name, curve_tag(name), totals[name], result.per_class_auc[name]))
        curves[-1]["ci"] = _floats(result.per_class_ci.get(name))
    if result.task != "binary":
        micro = _Totals(sum(t.positives for t in totals.values()), sum(t.negatives for t in totals.values()))
        tensors.append((MICRO_TAG, _counts_tensor(result.curves["micro"], micro, weighted)))
        curves.append(_curve_entry("micro", "micro", MICRO_TAG, micro, result.auc_micro))
        tensors.append((MACRO_TAG, _rates_tensor(result.curves["macro"])))
        curves.append(_curve_entry("macro", "macro", MACRO_TAG, None, result.auc_macro))
    summary = _summary(result, curves, weighted, len(names))
    return TabData(tensors, json.dumps(summary, allow_nan=False, separators=(",", ":")))


def _class_totals(result):
    """Class name -> `_Totals`, from the confusion matrix (rows: true class)."""
    matrix = np.asarray(result.confusion_matrix)
    if result.task == "multilabel":  # (L, 2, 2): [[tn, fp], [fn, tp]]
        positives, negatives = matrix[:, 1, :].sum(axis=1), matrix[:, 0, :].sum(axis=1)
    else:
        positives = matrix.sum(axis=1)
        negatives = positives.sum() - positives
    names = result.class_names
    pairs = {name: _Totals(positives[i].item(), negatives[i].item()) for i, name in enumerate(names)}
    return {name: pairs[name] for name in result.per_class_auc}


def _counts_tensor(curve, totals, weighted):
    """`(3, n)`: threshold, TP and FP at each kept vertex of `curve`.

    Unweighted counts are the exact integers (`tpr * positives` rounded);
    weighted ones `tpr * total weight`. float32 when every value is exactly
    a float32 (scores from Keras are), else float64.
    """
    tpr, fpr = _rate(curve.tpr, totals.positives), _rate(curve.fpr, totals.negatives)
    keep = _thin(tpr, fpr)
    table = np.empty((3, keep.size))
    table[0] = np.asarray(curve.thresholds)[keep]
    table[1] = _count(tpr[keep], totals.positives, weighted)
    table[2] = _count(fpr[keep], totals.negatives, weighted)
    exact = not weighted and max(totals.positives, totals.negatives) < _FLOAT32_EXACT_INTEGERS
    if exact and np.array_equal(table[0], table[0].astype(np.float32).astype(np.float64), equal_nan=True):
        return table.astype(np.float32)
    return table


def _rate(rate, total):
    """A curve's rates; zeros when there is nothing to count (the rates are NaN)."""
    return np.asarray(rate, np.float64) if total > 0 else np.zeros(np.shape(rate))


def _count(rate, total, weighted):
    counts = rate * total
    return counts if weighted else np.rint(counts)


def _rates_tensor(curve):
    """`(2, n)` float64: FPR and TPR of the macro curve (it has no thresholds)."""
    fpr, tpr = np.asarray(curve.fpr, np.float64), np.asarray(curve.tpr, np.float64)
    keep = _thin(np.nan_to_num(tpr), np.nan_to_num(fpr))
    return np.stack([fpr[keep], tpr[keep]])


def _thin(tpr, fpr, max_points=MAX_VERTICES):
    """Indices of at most `max_points` vertices spread evenly along the path
    length `|dfpr| + |dtpr|` (both ends kept): the vertices stay exact."""
    n = tpr.size
    if n <= max_points:
        return np.arange(n)
    path = np.cumsum(np.abs(np.diff(fpr)) + np.abs(np.diff(tpr)))
    keep = np.searchsorted(path, np.linspace(0.0, path[-1], max_points)) + 1  # path[i] ends at vertex i + 1
    keep[0], keep[-1] = 0, n - 1
    return keep[np.r_[True, keep[1:] != keep[:-1]]]  # nondecreasing: drop repeats


def _curve_entry(kind, name, tag, totals, auc):
    entry = {"kind": kind, "name": str(name), "tag": tag, "auc": _float(auc)}
    if totals is not None:
        entry["positives"], entry["negatives"] = _floats(totals.positives), _floats(totals.negatives)
    return entry


def _summary(result, curves, weighted, n_drawn):
    matrix = np.asarray(result.confusion_matrix)
    return {
        "version": FORMAT_VERSION,
        "task": result.task,
        "n_samples": int(result.n_samples),
        "weighted": bool(weighted),
        "threshold": _float(result.threshold),
        "confidence": _float(result.confidence),
        "class_names": [str(name) for name in result.class_names],
        "classes_drawn": n_drawn,
        "auc": _float(result.auc),
        "auc_ci": _floats(result.auc_ci),
        "auc_micro": _float(result.auc_micro),
        "auc_macro": _float(result.auc_macro),
        "auc_weighted": _float(result.auc_weighted),
        "curves": curves,
        "operating_points": _operating_points(result),
        "confusion_matrix": _matrix(matrix) if matrix.size <= _MAX_MATRIX_CELLS else None,
        "notes": list(result.notes),
    }


# The epoch's confusion matrix goes into the summary up to 50 x 50 classes
# (~15 KiB of JSON); beyond, it is left out (null).
_MAX_MATRIX_CELLS = 2500


def _matrix(matrix):
    """Nested lists: integer counts as they are, weights through `_floats`."""
    return matrix.tolist() if matrix.dtype.kind in "iu" else _floats(matrix.tolist())


def _operating_points(result):
    """Binary: `{"at_threshold", "youden", ...: point}`; otherwise
    `{"at_specificity"/"at_sensitivity": {class: point}}` when targets were given."""
    out = {}
    for key in ("at_threshold", "youden", "at_specificity", "at_sensitivity"):
        point = getattr(result, key)
        if point is not None:
            out[key] = _point(point)
    for key in ("at_specificity", "at_sensitivity"):
        points = getattr(result, "per_class_" + key)
        if points is not None:
            out[key] = {str(name): _point(point) for name, point in points.items()}
    return out


def _point(point):
    return {
        "threshold": _float(point.threshold),
        "sensitivity": _float(point.sensitivity),
        "specificity": _float(point.specificity),
    }


def _float(value):
    """A JSON number, or None for None and non-finite values."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _floats(value):
    """`_float` through nested lists and tuples (integers stay integers)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_floats(item) for item in value]
    if isinstance(value, (int, np.integer)):
        return int(value)
    return _float(value)


def write_tab(writer, result, step, max_classes=None):
    """Writes `tab_data(result, max_classes)` to `writer` (an `EventWriter`)
    as one event at `step`, with `DATA_CLASS_TENSOR` metadata (without it
    TensorBoard's data providers would not list the tags)."""
    from tensorboard.compat.proto import summary_pb2

    data = tab_data(result, max_classes)
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=metadata_content()),
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )
    values = [(tag, array, metadata) for tag, array in data.tensors]
    values.append((SUMMARY_TAG, np.array(data.summary.encode(), dtype=object), metadata))
    writer.tensors(values, step)
    return data
