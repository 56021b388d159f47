"""Soak: 1,000,000 validation samples x 20 classes through both callbacks.

Measures the peak resident memory that `ROCCallback` and
`ConfusionMatrixCallback` (reusing fit's validation pass, TensorBoard images
every epoch) add to training, as a multiple of the size of the predictions
plus the model, and the time of each epoch with and without them.

The same script runs twice, each time in a fresh process: once plain, once
with the callbacks. Both processes do exactly the same: a 2-epoch `fit`
(warm-up), then a 3-epoch `fit` (`initial_epoch=2`), with or without the
callbacks in the second. The added memory is the difference of the two
processes' peak RSS (Keras's own second `fit` reaches a higher peak than the
first, so comparing with a single plain fit would blame keras_roc for it).
The figures are drawn in keras_roc's helper process, whose peak RSS is
reported separately.

    python3 dev.py bench            # runs every benchmark
    python benchmarks/bench_soak.py [--quick] [--check] [--json] [--log-dir DIR]

`--check` also compares the last epoch's logged values with scikit-learn on
`model.predict` of the validation set (after the memory is measured);
`tests/callbacks/test_soak.py` runs it that way.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

N_CLASSES = 20
EPOCHS = 3
#: The project's target: added peak RSS at most this multiple of the
#: predictions (float32) plus the model.
TARGET_RATIO = 2.0


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def helper_peak_rss_bytes():
    """Peak RSS of keras_roc's drawing helper process (Linux), or None."""
    from keras_roc import _render

    pid = _render.helper_pid()
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # KiB
    except OSError:
        pass
    return None


def run(mode, log_dir, n_val, check=False):
    """One process's measurement; `mode` is "plain" or "callbacks"."""
    import keras

    import keras_roc

    rng = np.random.default_rng(0)
    n_features = 16
    x_train = rng.normal(size=(20_000, n_features)).astype("float32")
    y_train = rng.integers(0, N_CLASSES, len(x_train))
    x_val = rng.normal(size=(n_val, n_features)).astype("float32")
    y_val = rng.integers(0, N_CLASSES, n_val).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(N_CLASSES, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    fit = dict(x=x_train, y=y_train, validation_data=(x_val, y_val), batch_size=4096, verbose=0)
    model.fit(epochs=2, **fit)  # warm-up, the same in both processes
    timer = []
    lap = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: timer.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: timer.append(time.perf_counter()),
    )
    callbacks = []
    if mode == "callbacks":
        # Images every epoch (the default draws only the last one of a short fit).
        callbacks = [
            keras_roc.ROCCallback(log_dir=log_dir, image_every=1),
            keras_roc.ConfusionMatrixCallback(log_dir=log_dir, image_every=1),
        ]
    history = model.fit(epochs=2 + EPOCHS, initial_epoch=2, callbacks=callbacks + [lap], **fit)
    out = {
        "mode": mode,
        "peak": peak_rss_bytes(),
        "helper_peak": helper_peak_rss_bytes(),
        "prediction_bytes": n_val * N_CLASSES * 4,  # float32
        "model_bytes": sum(int(np.prod(w.shape)) * 4 for w in model.weights),
        "epoch_seconds": [b - a for a, b in zip(timer[::2], timer[1::2])],
        "logged": {key: values for key, values in history.history.items()},
    }
    if mode == "callbacks":
        out["n_samples"] = callbacks[0].result.n_samples
        out["confusion_matrix"] = callbacks[1].confusion_matrix.tolist()
        if check:
            out["exact"] = reference_values(model, x_val, y_val, fit["batch_size"])
    return out


def reference_values(model, x_val, y_val, batch_size):
    """scikit-learn's values on the model's predictions (the last epoch's weights)."""
    from sklearn.metrics import confusion_matrix, log_loss, roc_auc_score

    scores = model.predict(x_val, batch_size=batch_size, verbose=0)
    one_hot = np.eye(N_CLASSES, dtype=np.int8)[y_val]
    return {
        "val_roc_auc": roc_auc_score(y_val, scores, multi_class="ovr", average="macro"),
        "val_roc_auc_micro": roc_auc_score(one_hot, scores, average="micro"),
        # keras_roc takes the float32 softmax outputs as they are; sklearn
        # wants rows summing to one, so they are renormalised for it.
        "val_log_loss": log_loss(
            y_val, scores / scores.sum(axis=1, keepdims=True, dtype=np.float64), labels=range(N_CLASSES)
        ),
        "confusion_matrix": confusion_matrix(y_val, scores.argmax(axis=1), labels=range(N_CLASSES)).tolist(),
    }


def measure(n_val, log_dir, check):
    """Runs the plain and the callbacks process; returns both results."""
    results = {}
    for mode in ("plain", "callbacks"):
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--process",
            mode,
            "--n-val",
            str(n_val),
            "--log-dir",
            log_dir,
        ]
        if check:
            command.append("--check")
        print(f"  running the {mode} process ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"The {mode} process failed:\n{done.stderr[-4000:]}")
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    plain, with_callbacks = results["plain"], results["callbacks"]
    budget = with_callbacks["prediction_bytes"] + with_callbacks["model_bytes"]
    added = with_callbacks["peak"] - plain["peak"]
    return {
        "n_val": n_val,
        "plain_peak": plain["peak"],
        "peak": with_callbacks["peak"],
        "added": added,
        "budget": budget,
        "ratio": added / budget,
        "target_ratio": TARGET_RATIO,
        "helper_peak": with_callbacks["helper_peak"],
        "plain_epoch_seconds": plain["epoch_seconds"],
        "epoch_seconds": with_callbacks["epoch_seconds"],
        "plain_logged": plain["logged"],
        "logged": with_callbacks["logged"],
        "n_samples": with_callbacks["n_samples"],
        "confusion_matrix": with_callbacks["confusion_matrix"],
        "exact": with_callbacks.get("exact"),
    }


def main():
    parser = argparse.ArgumentParser(description="keras_roc memory soak")
    parser.add_argument("--quick", action="store_true", help="100k x 20, a smoke run")
    parser.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    parser.add_argument("--check", action="store_true", help="compare with scikit-learn after measuring")
    parser.add_argument("--log-dir", help="keep the TensorBoard logs here (default: a temporary folder)")
    parser.add_argument("--n-val", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--process", choices=("plain", "callbacks"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    n_val = args.n_val or (100_000 if args.quick else 1_000_000)
    if args.process:  # one of the two measuring processes
        print(json.dumps(run(args.process, args.log_dir, n_val, check=args.check)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        out = measure(n_val, args.log_dir or scratch, args.check)
    if args.json:
        print(json.dumps(out))
        return
    mb = 1e6
    print(
        f"Soak: {n_val:,} validation samples x {N_CLASSES} classes, {EPOCHS} epochs, images every epoch "
        "(two fresh processes, the same two fits, with and without the callbacks)"
    )
    print(f"  peak RSS, plain                {out['plain_peak'] / mb:8.1f} MB")
    print(f"  peak RSS, with keras_roc       {out['peak'] / mb:8.1f} MB")
    verdict = "met" if out["ratio"] <= TARGET_RATIO else "MISSED"
    print(
        f"  added by the callbacks         {out['added'] / mb:8.1f} MB = {out['ratio']:.2f}x "
        f"(predictions + model = {out['budget'] / mb:.1f} MB; target <= {TARGET_RATIO:g}x: {verdict})"
    )
    if out["helper_peak"] is not None:
        print(f"  drawing helper process         {out['helper_peak'] / mb:8.1f} MB peak RSS (a separate process)")
    plain_t, with_t = np.median(out["plain_epoch_seconds"]), np.median(out["epoch_seconds"])
    print("  epoch seconds, plain           " + ", ".join(f"{s:.2f}" for s in out["plain_epoch_seconds"]))
    print(
        "  epoch seconds, with keras_roc  "
        + ", ".join(f"{s:.2f}" for s in out["epoch_seconds"])
        + f" (median {with_t / plain_t:.2f}x plain; callbacks' time per epoch ~{with_t - plain_t:+.2f} s)"
    )
    print(f"  samples evaluated per epoch    {out['n_samples']:,}")
    if out["exact"] is not None:
        for key in ("val_roc_auc", "val_roc_auc_micro", "val_log_loss"):
            print(f"  {key:30s} {out['logged'][key][-1]:.12f} (scikit-learn {out['exact'][key]:.12f})")
        same = out["confusion_matrix"] == out["exact"]["confusion_matrix"]
        print(f"  confusion matrix               {'equal to' if same else 'DIFFERS from'} scikit-learn's")


if __name__ == "__main__":
    main()
