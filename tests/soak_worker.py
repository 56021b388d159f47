"""Run by tests/test_soak.py in a fresh process: 1,000,000 validation samples
x 20 classes through both callbacks for 3 epochs. Prints JSON with the peak
resident memory added by the callbacks and the sizes it is compared with."""

import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_roc  # noqa: E402


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def main(log_dir, n_val, n_classes, epochs):
    n_val, n_classes, epochs = int(n_val), int(n_classes), int(epochs)
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
    print(json.dumps({
        "baseline_peak": baseline,
        "peak": with_callbacks,
        "added": with_callbacks - baseline,
        "prediction_bytes": prediction_bytes,
        "model_bytes": model_bytes,
        "epochs_logged": len(history.history["val_roc_auc"]),
        "val_roc_auc": history.history["val_roc_auc"][-1],
        "epoch_seconds": [b - a for a, b in zip(timer[::2], timer[1::2])],
        "n_samples": roc.result.n_samples,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
