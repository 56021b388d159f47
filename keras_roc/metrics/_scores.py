"""The scores that are ranked: probabilities from logits, one row per class."""

from __future__ import annotations

import math

import numpy as np

#: Rows per block when a score matrix is copied to one contiguous row per
#: class: small enough for a block to stay in cache, which makes the copy
#: several times faster than copying strided columns one at a time
#: (benchmarks/bench_evaluate.py measures the whole evaluation).
_TRANSPOSE_BLOCK_ROWS = 4096


def _sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    # NaN logits give NaN (reported by evaluate's non-finite check).
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(-np.logaddexp(0.0, -x))


def _softmax(x):
    x = np.asarray(x, dtype=np.float64)
    # Infinite or float64-spanning logits give NaN or inf here, reported by
    # evaluate's non-finite check rather than as NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        z = x - x.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
    return z


def _probabilities(task, scores, from_logits):
    """The scores that are ranked: after sigmoid/softmax for logits, and
    column 1 of `(n, 2)` binary scores. `scores` as `validate` returns them.
    """
    if from_logits:
        if task == "multiclass" or (task == "binary" and scores.ndim == 2):
            scores = _softmax(scores)
        else:
            scores = _sigmoid(scores)
    if task == "binary" and scores.ndim == 2:
        scores = scores[:, 1]
    return scores


#: The start of the note for scores taken as probabilities that are not;
#: the callbacks replace that note with one that names their own fix.
OUTSIDE_UNIT_INTERVAL = "`y_score` holds values outside [0, 1]"


def _finite_range(scores):
    """`(lowest, highest)` finite score; `(nan, nan)` when there is none.

    `fmin`/`fmax` skip NaN; infinities are left to the non-finite note.
    """
    if not scores.size:
        return math.nan, math.nan
    low, high = np.fmin.reduce(scores, axis=None), np.fmax.reduce(scores, axis=None)
    if not np.isfinite(low) or not np.isfinite(high):
        finite = scores[np.isfinite(scores)]
        if not finite.size:
            return math.nan, math.nan
        low, high = finite.min(), finite.max()
    return float(low), float(high)


def _outside_unit_interval_note(scores):
    """The note for scores taken as probabilities that are not, or None."""
    low, high = _finite_range(scores)
    if not (low < 0 or high > 1):
        return None
    return (
        f"{OUTSIDE_UNIT_INTERVAL} (lowest {low:.6g}, highest {high:.6g}), so they are not "
        "probabilities: the log loss, Brier score and calibration error are NaN. Pass "
        "`from_logits=True` if they are logits."
    )


def _columns(scores):
    """Copy of a `(n, k)` score matrix as `(k, n)`: one contiguous row per column."""
    n, k = scores.shape
    out = np.empty((k, n), dtype=scores.dtype)
    for start in range(0, n, _TRANSPOSE_BLOCK_ROWS):
        stop = start + _TRANSPOSE_BLOCK_ROWS
        out[:, start:stop] = scores[start:stop].T
    return out
