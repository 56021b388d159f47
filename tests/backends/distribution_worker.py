"""One distributed fit, run in a fresh process by test_distribution.py.

Usage: distribution_worker.py MODE LOG_DIR [RANK WORLD INIT_FILE]

- `jax_data_parallel`: keras.distribution.DataParallel over the host's
  devices (XLA_FLAGS=--xla_force_host_platform_device_count=2).
- `torch_ddp`: one rank of a torch.distributed (gloo) group.

Prints one JSON line: the logs, the exact values on `model.predict`, and
what the worker saw.
"""

import json
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score


def data():
    x, y = load_breast_cancer(return_X_y=True)
    x = ((x - x.mean(0)) / x.std(0)).astype("float32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order].astype("float32")
    # 400 training and 160 validation rows: every batch of 20 splits over 2 devices
    return x[:400], y[:400], x[400:560], y[400:560]


def build(keras, **compile_kwargs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((30,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", **compile_kwargs)
    return model


def fit_and_report(keras, model, log_dir, extra):
    import keras_roc

    x, y, x_val, y_val = data()
    roc = keras_roc.ROCCallback(log_dir=log_dir)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=log_dir)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=2, batch_size=20, verbose=0, callbacks=[roc, cm])
    scores = np.asarray(keras.ops.convert_to_numpy(model.predict(x_val, batch_size=20, verbose=0)))[:, 0]
    report = {
        "val_roc_auc": history.history["val_roc_auc"],
        "exact": float(roc_auc_score(y_val, scores)),
        "cm_total": int(cm.confusion_matrix.sum()),
        "n_val": len(y_val),
    }
    report.update(extra)
    print(json.dumps(report))


def jax_data_parallel(log_dir):
    import jax
    import keras

    devices = jax.devices()
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
    fit_and_report(keras, build(keras), log_dir, {"devices": len(devices)})


def torch_ddp(log_dir, rank, world, init_file):
    import keras
    import torch.distributed

    torch.distributed.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        fit_and_report(keras, build(keras), log_dir, {})
    except ValueError as error:
        print(json.dumps({"error": str(error)}))
    finally:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    mode, log_dir = sys.argv[1], sys.argv[2]
    if mode == "torch_ddp":
        torch_ddp(log_dir, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif mode == "jax_data_parallel":
        jax_data_parallel(log_dir)
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of the backends' threads
