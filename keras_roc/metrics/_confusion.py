"""Decisions: the threshold as compared in the scores' dtype, argmax by
rows, and confusion matrices."""

from __future__ import annotations

import numpy as np

#: Rows per block for the argmax of a score matrix: NumPy copies a
#: column-major matrix to row order for `argmax(axis=1)`; block by block the
#: copy stays small.
_ARGMAX_BLOCK_ROWS = 1 << 16


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


def _row_argmax(scores):
    """`np.argmax(scores, axis=1)` in row blocks (no full copy of `scores`)."""
    out = np.empty(scores.shape[0], dtype=np.intp)
    for start in range(0, scores.shape[0], _ARGMAX_BLOCK_ROWS):
        stop = start + _ARGMAX_BLOCK_ROWS
        np.argmax(scores[start:stop], axis=1, out=out[start:stop])
    return out


def _confusion(true_index, pred_index, n_classes, weight):
    counts = np.bincount(
        true_index * n_classes + pred_index,
        weights=weight,
        minlength=n_classes * n_classes,
    ).reshape(n_classes, n_classes)
    return counts.astype(np.int64) if weight is None else counts


def _binary_confusion(positive, predicted, weight):
    """`[[tn, fp], [fn, tp]]` of boolean truths and decisions."""
    if weight is not None:
        return _confusion(positive.astype(np.int64), predicted.astype(np.int64), 2, weight)
    n_pos, n_called = np.count_nonzero(positive), np.count_nonzero(predicted)
    tp = np.count_nonzero(positive & predicted)
    fp, fn = n_called - tp, n_pos - tp
    return np.array([[positive.size - n_pos - fp, fp], [fn, tp]], dtype=np.int64)


def _scored(scores):
    """Which samples have a score (no NaN in their row); None when all do.

    Samples without a score have no decision: the confusion matrices leave
    them out (counted in a note) rather than call them negative.
    """
    missing = np.isnan(scores) if scores.ndim == 1 else np.isnan(scores).any(axis=1)
    return ~missing if missing.any() else None


def _left_out_count(scored):
    """How many samples the confusion matrix leaves out (`_scored`)."""
    return scored.size - int(np.count_nonzero(scored))


def _subset(array, rows):
    return None if array is None else array[rows]
