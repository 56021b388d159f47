"""Soak: 1,000,000 validation samples x 20 classes through both callbacks.

Trains with `ROCCallback` and `ConfusionMatrixCallback` reusing fit's
validation pass (TensorBoard images every epoch) for 3 epochs and prints the
peak resident memory they add over the same fit without them, as a multiple
of the predictions plus the model, and the per-epoch time.

    python3 dev.py bench            # runs every benchmark
    python benchmarks/bench_soak.py [--quick]
"""

import json
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_roc  # noqa: E402


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def run(log_dir, n_val, n_classes, epochs):
    rng = np.random.default_rng(0)
    n_features = 16
    x_train = rng.normal(size=(20_000, n_features)).astype("float32")
    y_train = rng.integers(0, n_classes, len(x_train))
    x_val = rng.normal(size=(n_val, n_features)).astype("float32")
    y_val = rng.integers(0, n_classes, n_val).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy")
    fit = dict(x=x_train, y=y_train, validation_data=(x_val, y_val), batch_size=4096, verbose=0)
    # Baseline: the same fit without keras_roc reaches Keras's own peak.
    model.fit(epochs=2, **fit)
    baseline = peak_rss_bytes()
    roc = keras_roc.ROCCallback(log_dir=log_dir)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=log_dir)
    timer = []
    lap = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, l: timer.append(time.perf_counter()),
        on_epoch_end=lambda e, l: timer.append(time.perf_counter()),
    )
    history = model.fit(epochs=2 + epochs, initial_epoch=2, callbacks=[roc, cm, lap], **fit)
    with_callbacks = peak_rss_bytes()
    prediction_bytes = n_val * n_classes * 4  # float32
    model_bytes = sum(int(np.prod(w.shape)) * 4 for w in model.weights)
    return {
        "baseline_peak": baseline,
        "peak": with_callbacks,
        "added": with_callbacks - baseline,
        "prediction_bytes": prediction_bytes,
        "model_bytes": model_bytes,
        "epochs_logged": len(history.history["val_roc_auc"]),
        "val_roc_auc": history.history["val_roc_auc"][-1],
        "epoch_seconds": [b - a for a, b in zip(timer[::2], timer[1::2])],
        "n_samples": roc.result.n_samples,
    }


def main():
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="keras_roc memory soak")
    parser.add_argument("--quick", action="store_true", help="100k x 20, a smoke run")
    parser.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    args = parser.parse_args()
    n_val = 100_000 if args.quick else 1_000_000
    with tempfile.TemporaryDirectory() as log_dir:
        out = run(log_dir, n_val, 20, 3)
    if args.json:
        print(json.dumps(out))
        return
    budget = out["prediction_bytes"] + out["model_bytes"]
    print(f"Soak: {n_val:,} validation samples x 20 classes, 3 epochs, images every epoch")
    print(f"  peak RSS of plain fit      {out['baseline_peak'] / 1e6:8.1f} MB")
    print(f"  peak RSS with keras_roc    {out['peak'] / 1e6:8.1f} MB")
    print(f"  added by the callbacks     {out['added'] / 1e6:8.1f} MB = "
          f"{out['added'] / budget:.2f}x (predictions + model = {budget / 1e6:.1f} MB; target <= 2x)")
    print("  epoch seconds              " + ", ".join(f"{s:.1f}" for s in out["epoch_seconds"]))
    print(f"  samples evaluated per epoch {out['n_samples']:,}")


if __name__ == "__main__":
    main()
