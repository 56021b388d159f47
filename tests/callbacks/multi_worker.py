"""Run by tests/callbacks/test_distributed.py: one worker of a two-worker
`tf.distribute.MultiWorkerMirroredStrategy` cluster on 127.0.0.1.

    python multi_worker.py INDEX PORT0,PORT1 LOG_DIR

Trains plain Keras (no keras_roc callback) and then, if that worked, with
both keras_roc callbacks. Prints one JSON line: how far it got and, on
failure, the exception's type and message.
"""

import json
import os
import sys

index, ports, log_dir = int(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
os.environ["TF_CONFIG"] = json.dumps(
    {
        "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
        "task": {"type": "worker", "index": index},
    }
)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main():
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.normal(size=256) > 0).astype("float32")
    with strategy.scope():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy")
    out = {"worker": index, "stage": "plain keras fit"}
    try:
        model.fit(x, y, validation_data=(x[:64], y[:64]), epochs=1, batch_size=32, verbose=0)
        import keras_roc

        out["stage"] = "fit with keras_roc"
        history = model.fit(
            x,
            y,
            validation_data=(x[:64], y[:64]),
            epochs=2,
            batch_size=32,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(log_dir=log_dir), keras_roc.ConfusionMatrixCallback(log_dir=log_dir)],
        )
        out["val_roc_auc"] = history.history["val_roc_auc"]
        out["stage"] = "done"
    except Exception as error:  # reported to the test, which decides
        out["error"] = f"{type(error).__name__}: {str(error)[-300:]}"
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
