"""Run by tests/callbacks/test_distributed.py in a fresh process (TF devices are set
before TensorFlow initialises): trains under MirroredStrategy over two
logical CPU devices and prints the results as JSON on the last line."""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_wine  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import keras_roc  # noqa: E402


def main(log_dir, mode, order):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    x, y = load_wine(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype("float32")
    order_index = np.random.default_rng(0).permutation(len(x))
    x, y = x[order_index], y[order_index]
    x_train, y_train, x_val, y_val = x[:100], y[:100], x[100:], y[100:]
    with strategy.scope():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    own = (x_val, y_val) if mode == "own" else None
    roc = keras_roc.ROCCallback(validation_data=own, log_dir=log_dir)
    cm = keras_roc.ConfusionMatrixCallback(validation_data=own, log_dir=log_dir)
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=1)
    callbacks = [roc, cm, stop] if order == "ours_first" else [stop, roc, cm]
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        batch_size=16,
        epochs=10,
        verbose=0,
        callbacks=callbacks,
    )
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    print(
        json.dumps(
            {
                "replicas": strategy.num_replicas_in_sync,
                "val_roc_auc": history.history["val_roc_auc"],
                "exact": roc_auc_score(y_val, probs, multi_class="ovr"),
                "stopped_epoch": stop.stopped_epoch,
                "cm_total": int(cm.confusion_matrix.sum()),
                "n_val": int(len(y_val)),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
