"""Log loss (cross-entropy), clipped as scikit-learn's `log_loss` clips."""

from __future__ import annotations

import math

import numpy as np

from keras_roc.metrics._numeric import _dot

#: Samples per block in the log loss (it allocates float64 blocks this long).
_LOG_LOSS_BLOCK = 1 << 16


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
