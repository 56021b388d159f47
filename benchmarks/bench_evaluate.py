"""keras_roc.evaluate against scikit-learn computing the same outputs.

Three cases, on the same seeded inputs for both libraries:

* binary: 1,000,000 float32 probabilities (sigmoid of a noisy score) and
  0/1 labels. scikit-learn: `roc_curve`, `roc_auc_score`,
  `average_precision_score`, `log_loss`, `brier_score_loss` and
  `confusion_matrix` at threshold 0.5.
* multiclass: 1,000,000 x 100 float32 softmax probabilities and integer
  labels. scikit-learn: `roc_curve` for each class, macro and micro
  `roc_auc_score(multi_class="ovr")`, macro and micro
  `average_precision_score` (on the one-hot labels it needs), `log_loss`,
  `brier_score_loss` and `confusion_matrix` of the argmax.
* many classes: 20,000 x 1,000 float32 softmax probabilities, the same
  outputs as multiclass. The micro average merges one sorted input per
  class; this case checks that its memory stays bounded at 1,000 inputs.

keras_roc.evaluate computes all of that and more (DeLong intervals, the
weighted average, curves thinned to 2,000 exact vertices for drawing; the
AUCs always come from the exact curves).

Each library first runs once under tracemalloc (which sees NumPy's
allocations, scikit-learn's included) for the peak extra memory, reported
as a multiple of the score array's bytes; that run is also the warm-up.
Then `--rounds` timed rounds alternate the two libraries (keras_roc first
in even rounds, scikit-learn first in odd ones) and the medians are
reported, with the speed ratio scikit-learn / keras_roc.

Timings are printed, never asserted: a slow or busy machine does not fail
the benchmark. It exits non-zero only if the results differ: an AUC,
average precision, log loss or Brier score by more than 1e-12, a confusion
matrix at all, or a point of a keras_roc curve that is not a vertex of
scikit-learn's curve.

    python benchmarks/bench_evaluate.py            # full size, a few minutes
    python benchmarks/bench_evaluate.py --quick    # 100k, 100k x 20, 5k x 200
    python benchmarks/bench_evaluate.py --cases many-classes   # one case
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (
    auc as trapezoid_auc,
)
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import label_binarize

import keras_roc

#: Largest allowed |keras_roc - scikit-learn| for AUCs, average precisions,
#: log losses and Brier scores (issue 13: equal to 1e-12).
TOLERANCE = 1e-12
#: The binary decision threshold of the confusion matrix.
THRESHOLD = 0.5
#: Rows per block when generating the multiclass probabilities (bounds the
#: float64 temporaries of the generator).
GENERATION_BLOCK_ROWS = 100_000
#: Added to the true class's logit: a useful but imperfect classifier.
TRUE_CLASS_SHIFT = 1.5

FULL = {"binary": 1_000_000, "multiclass": (1_000_000, 100), "many-classes": (20_000, 1_000)}
QUICK = {"binary": 100_000, "multiclass": (100_000, 20), "many-classes": (5_000, 200)}
CASES = tuple(FULL)


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def binary_data(n, seed):
    """0/1 labels and float32 probabilities sigmoid(normal + label)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    logits = rng.standard_normal(n) + labels
    probabilities = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
    return labels, probabilities


def multiclass_data(n, n_classes, seed):
    """Integer labels and float32 softmax probabilities, rows summing to 1."""
    rng = np.random.default_rng(seed + 1)
    labels = rng.integers(0, n_classes, n)
    probabilities = np.empty((n, n_classes), dtype=np.float32)
    for start in range(0, n, GENERATION_BLOCK_ROWS):
        stop = min(start + GENERATION_BLOCK_ROWS, n)
        logits = rng.standard_normal((stop - start, n_classes))
        logits[np.arange(stop - start), labels[start:stop]] += TRUE_CLASS_SHIFT
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        probabilities[start:stop] = logits
    return labels, probabilities


# ---------------------------------------------------------------------------
# The two contenders
# ---------------------------------------------------------------------------


def keras_roc_run(labels, scores):
    return keras_roc.evaluate(labels, scores, threshold=THRESHOLD)


def sklearn_binary(labels, scores):
    curve = roc_curve(labels, scores)
    auc = roc_auc_score(labels, scores)
    ap = average_precision_score(labels, scores)
    loss = log_loss(labels, scores)
    brier = brier_score_loss(labels, scores)
    matrix = confusion_matrix(labels, (scores >= THRESHOLD).astype(labels.dtype))
    return {"curves": [curve], "auc": auc, "ap": ap, "log_loss": loss, "brier": brier, "confusion": matrix}


def sklearn_multiclass(labels, scores):
    n_classes = scores.shape[1]
    curves = [roc_curve(labels == c, scores[:, c]) for c in range(n_classes)]
    macro = roc_auc_score(labels, scores, multi_class="ovr", average="macro")
    micro = roc_auc_score(labels, scores, multi_class="ovr", average="micro")
    one_hot = label_binarize(labels, classes=range(n_classes))
    ap_macro = average_precision_score(one_hot, scores, average="macro")
    ap_micro = average_precision_score(one_hot, scores, average="micro")
    del one_hot
    loss = log_loss(labels, scores)
    with warnings.catch_warnings():
        # float32 rows sum to 1 only to float32 precision.
        warnings.simplefilter("ignore", UserWarning)
        brier = brier_score_loss(labels, scores, labels=range(n_classes))
    matrix = confusion_matrix(labels, scores.argmax(axis=1))
    return {
        "curves": curves,
        "macro": macro,
        "micro": micro,
        "ap_macro": ap_macro,
        "ap_micro": ap_micro,
        "log_loss": loss,
        "brier": brier,
        "confusion": matrix,
    }


# ---------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------


def peak_extra_bytes(run):
    """Runs `run()` under tracemalloc: (its result, peak bytes allocated)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def timed(run):
    gc.collect()
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def measure(label, contenders, rounds):
    """Memory pass (also the warm-up), then interleaved timed rounds."""
    print(f"measuring {label}: memory pass, then {rounds} timed rounds ...", flush=True)
    started = time.perf_counter()
    out = {}
    for name, run in contenders.items():
        result, peak = peak_extra_bytes(run)
        out[name] = {"peak": peak, "times": [], "result": result}
        del result
    names = list(contenders)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            out[name]["result"] = None  # free the previous result first
            result, seconds = timed(contenders[name])
            out[name]["result"] = result
            out[name]["times"].append(seconds)
    print(f"    done in {time.perf_counter() - started:.0f} s", flush=True)
    return out


# ---------------------------------------------------------------------------
# Exactness
# ---------------------------------------------------------------------------


def curve_on_exact(curve, exact):
    """Whether every point of `curve` is a vertex of scikit-learn's curve."""
    fpr, tpr, thresholds = exact
    # scikit-learn's thresholds decrease: search their negation.
    rows = np.searchsorted(-thresholds.astype(np.float64), -curve.thresholds)
    rows = rows.clip(0, thresholds.size - 1)
    return bool(
        np.array_equal(thresholds[rows].astype(np.float64), curve.thresholds)
        and np.array_equal(fpr[rows], curve.fpr)
        and np.array_equal(tpr[rows], curve.tpr)
    )


def exact_log_loss(labels, scores):
    """scikit-learn's log loss on a float64 copy (exact reference).

    On float32 input scikit-learn computes the logs and their mean in
    float32, which is off by about 1e-8; keras_roc computes in float64.
    """
    with warnings.catch_warnings():
        # float32 rows sum to 1 only to float32 precision.
        warnings.simplefilter("ignore", UserWarning)
        return log_loss(labels, scores.astype(np.float64))


def exact_brier(labels, scores):
    """scikit-learn's Brier score on a float64 copy (exact reference)."""
    n_classes = 2 if scores.ndim == 1 else scores.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rows sum to 1 only to float32 precision
        return brier_score_loss(labels, scores.astype(np.float64), labels=range(n_classes))


def binary_checks(labels, scores, ours, theirs):
    return {
        "auc": abs(ours.auc - theirs["auc"]),
        "average precision": abs(ours.average_precision - theirs["ap"]),
        "brier score": abs(ours.brier_score - exact_brier(labels, scores)),
        "brier score vs sklearn on float32 (info)": abs(ours.brier_score - theirs["brier"]),
        "log loss": abs(ours.log_loss - exact_log_loss(labels, scores)),
        "log loss vs sklearn on float32 (info)": abs(ours.log_loss - theirs["log_loss"]),
        "confusion matrix equal": np.array_equal(ours.confusion_matrix, theirs["confusion"]),
        "curve points on sklearn's curve": curve_on_exact(ours.curve, theirs["curves"][0]),
    }


def multiclass_checks(labels, scores, ours, theirs):
    per_class = [
        abs(ours.per_class_auc[str(c)] - trapezoid_auc(fpr, tpr)) for c, (fpr, tpr, _) in enumerate(theirs["curves"])
    ]
    return {
        "macro auc": abs(ours.auc_macro - theirs["macro"]),
        "micro auc": abs(ours.auc_micro - theirs["micro"]),
        "per-class auc (max)": max(per_class),
        "macro average precision": abs(ours.average_precision_macro - theirs["ap_macro"]),
        "micro average precision": abs(ours.average_precision_micro - theirs["ap_micro"]),
        "brier score": abs(ours.brier_score - exact_brier(labels, scores)),
        "brier score vs sklearn on float32 (info)": abs(ours.brier_score - theirs["brier"]),
        "log loss": abs(ours.log_loss - exact_log_loss(labels, scores)),
        "log loss vs sklearn on float32 (info)": abs(ours.log_loss - theirs["log_loss"]),
        "confusion matrix equal": np.array_equal(ours.confusion_matrix, theirs["confusion"]),
        "curve points on sklearn's curves": all(
            curve_on_exact(ours.curves[str(c)], exact) for c, exact in enumerate(theirs["curves"])
        ),
    }


def failures(checks):
    bad = []
    for name, value in checks.items():
        if "(info)" in name:
            continue
        if isinstance(value, bool):
            if not value:
                bad.append(name)
        elif not value <= TOLERANCE:
            bad.append(name)
    return bad


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def machine_line():
    model = "unknown CPU"
    avx512 = False
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    avx512 = "avx512f" in line.split()
    except OSError:
        model = platform.processor() or model
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {model}, {os.cpu_count()} cores"
        f"{', AVX-512' if avx512 else ''}{load}\n"
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, keras_roc {keras_roc.__version__}"
    )


def report_row(label, scores, measured):
    ours, theirs = measured["keras_roc"], measured["scikit-learn"]
    t_ours = statistics.median(ours["times"])
    t_theirs = statistics.median(theirs["times"])
    nbytes = scores.nbytes
    print(
        f"{label:<30} {t_ours:>10.3f} {t_theirs:>12.3f} {t_theirs / t_ours:>8.1f}x"
        f" {ours['peak'] / nbytes:>11.2f}x {theirs['peak'] / nbytes:>13.2f}x"
    )
    rounds = lambda ts: ", ".join(f"{t:.3f}" for t in ts)  # noqa: E731
    print(f"{'':<30}   rounds: keras_roc {rounds(ours['times'])}; scikit-learn {rounds(theirs['times'])}")


def report_checks(label, checks):
    print(f"{label}:")
    for name, value in checks.items():
        shown = ("yes" if value else "NO") if isinstance(value, bool) else f"{value:.1e}"
        print(f"    {name:<42} {shown}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs (100k, 100k x 20, 5k x 200): a smoke test")
    parser.add_argument(
        "--cases", nargs="+", choices=CASES, default=list(CASES), help="the cases to run (default: all)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per library (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()

    print("keras_roc.evaluate vs scikit-learn (same outputs, same inputs)")
    print(machine_line())
    print(
        f"rounds: {args.rounds} timed per library, interleaved, medians shown;"
        f" memory: one tracemalloc run each (also the warm-up)\n",
        flush=True,
    )

    rows, all_checks = [], []
    if "binary" in args.cases:
        n_bin = sizes["binary"]
        y, s = binary_data(n_bin, args.seed)
        measured = measure(
            f"binary {n_bin:,}",
            {"keras_roc": lambda: keras_roc_run(y, s), "scikit-learn": lambda: sklearn_binary(y, s)},
            args.rounds,
        )
        rows.append((f"binary {n_bin:,} float32", s, measured))
        all_checks.append(
            (
                f"binary {n_bin:,}",
                binary_checks(y, s, measured["keras_roc"]["result"], measured["scikit-learn"]["result"]),
            )
        )
        del measured

    for case in ("multiclass", "many-classes"):
        if case not in args.cases:
            continue
        n_multi, n_classes = sizes[case]
        label = f"{case} {n_multi:,} x {n_classes:,}"
        y, p = multiclass_data(n_multi, n_classes, args.seed)
        measured = measure(
            label,
            {
                "keras_roc": lambda y=y, p=p: keras_roc_run(y, p),
                "scikit-learn": lambda y=y, p=p: sklearn_multiclass(y, p),
            },
            args.rounds,
        )
        rows.append((label, p, measured))
        all_checks.append(
            (label, multiclass_checks(y, p, measured["keras_roc"]["result"], measured["scikit-learn"]["result"]))
        )
        del measured

    print()
    print(f"{'case':<30} {'keras_roc':>10} {'scikit-learn':>12} {'speed-up':>9} {'peak memory (x score bytes)':>27}")
    print(f"{'':<30} {'median s':>10} {'median s':>12} {'sk / kr':>9} {'keras_roc':>12} {'scikit-learn':>14}")
    for label, scores, measured_case in rows:
        report_row(label, scores, measured_case)

    print(
        f"\nexactness: |keras_roc - scikit-learn| (must be <= {TOLERANCE:g});"
        " log loss against scikit-learn on a float64 copy"
    )
    failed = []
    for label, checks in all_checks:
        report_checks(label, checks)
        failed += [f"{label}: {name}" for name in failures(checks)]
    print(f"\ntotal benchmark time {time.perf_counter() - started:.0f} s")
    if failed:
        print("EXACTNESS CHECK FAILED: " + "; ".join(failed))
        return 1
    print("exactness check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
