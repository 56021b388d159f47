"""What AUCEarlyStopping adds per epoch, next to the evaluation ROCCallback makes.

Per validated epoch AUCEarlyStopping computes the DeLong components of the
pass's scores (`comparison.placements`: one sort per class, from the sorted
engine's primitive) and tests them against the best epoch's
(`comparison.paired_test`). Printed side by side with `keras_roc.evaluate`
of the same scores (what ROCCallback already does each epoch), as medians
of `--rounds` alternating rounds, with the memory it keeps (the best
epoch's components) as a multiple of the float32 scores.

Also `compare_auc` against an O(n^2) pairwise DeLong on a small input (the
direct definition): exits non-zero if they differ by more than 1e-12.
Timings are printed, never asserted.

    python benchmarks/bench_compare_auc.py [--quick] [--rounds 5]
"""

import argparse
import statistics
import sys
import time
import warnings

import numpy as np

import keras_roc
from keras_roc.metrics import comparison, validation


def binary_case(n, rng):
    y = rng.integers(0, 2, n)
    scores = (1 / (1 + np.exp(-(rng.normal(size=n) + y)))).astype(np.float32)
    return y, scores


def multiclass_case(n, k, rng):
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    scores = np.exp(logits)
    return y, (scores / scores.sum(axis=1, keepdims=True)).astype(np.float32)


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def measure(name, y, scores, rounds):
    best = comparison.placements(validation.validate(y, scores, "auto", None, None))
    ours, theirs = [], []
    for round_index in range(rounds):
        steps = [
            (
                "ours",
                lambda: comparison.paired_test(
                    comparison.placements(validation.validate(y, scores, "auto", None, None)), best
                ),
            ),
            ("evaluate", lambda: keras_roc.evaluate(y, scores)),
        ]
        if round_index % 2:
            steps.reverse()
        for label, step in steps:
            seconds, _ = timed(step)
            (ours if label == "ours" else theirs).append(seconds)
    kept = best.psi.nbytes / scores.nbytes
    t_ours, t_eval = statistics.median(ours), statistics.median(theirs)
    print(
        f"{name:<28} AUCEarlyStopping {t_ours:7.3f} s   evaluate {t_eval:7.3f} s   "
        f"ratio {t_ours / t_eval:5.2f}   kept {kept:.1f}x the scores"
    )


def check_against_pairs(rng):
    n = 300
    y = rng.integers(0, 2, n)
    a = np.round(rng.random(n) + 0.3 * y, 2)
    b = np.round(a + 0.5 * rng.random(n), 2)
    w = rng.random(n) + 0.5
    test = keras_roc.compare_auc(y, a, b, sample_weight=w)
    pos = y == 1

    def components(s):
        x, z = s[pos][:, None], s[~pos][None, :]
        kernel = (x > z) + 0.5 * (x == z)
        v10 = kernel @ w[~pos] / w[~pos].sum()
        v01 = w[pos] @ kernel / w[pos].sum()
        return w[pos] @ v10 / w[pos].sum(), v10, v01

    auc_a, v10a, v01a = components(a)
    auc_b, v10b, v01b = components(b)
    m, k = w[pos].sum(), w[~pos].sum()
    s10 = np.dot(w[pos], ((v10a - auc_a) - (v10b - auc_b)) ** 2) / (m - 1)
    s01 = np.dot(w[~pos], ((v01a - auc_a) - (v01b - auc_b)) ** 2) / (k - 1)
    se = np.sqrt(s10 / m + s01 / k)
    error = max(abs(test.difference - (auc_a - auc_b)), abs(test.standard_error - se))
    print(f"compare_auc against the O(n^2) definition (n={n}, ties, weights): max difference {error:.1e}")
    return error <= 1e-12


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    n_binary, (n_multi, k) = (100_000, (20_000, 10)) if args.quick else (1_000_000, (200_000, 10))
    warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
    measure(f"binary {n_binary:,}", *binary_case(n_binary, rng), args.rounds)
    measure(f"multiclass {n_multi:,} x {k}", *multiclass_case(n_multi, k, rng), args.rounds)
    return 0 if check_against_pairs(rng) else 1


if __name__ == "__main__":
    sys.exit(main())
