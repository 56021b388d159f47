"""Distribution on each backend, each case in a fresh process, bounded in time.

What a backend offers is tested where it runs: JAX's DataParallel in the
JAX venv, torch.distributed in the torch venv, MirroredStrategy with XLA
in the TensorFlow venv (the tests of the other backends are skipped there:
each needs its backend's own library).
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from helpers import read_events
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
BACKEND = keras.backend.backend()


def run_worker(*args, env=None, timeout=300):
    completed = subprocess.run(
        [sys.executable, os.path.join(HERE, "distribution_worker.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, **(env or {})),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def assert_exact_and_written_once(result, log_dir):
    np.testing.assert_allclose(result["val_roc_auc"][-1], result["exact"], atol=1e-9)
    assert result["cm_total"] == result["n_val"]  # the whole validation set, each row once
    events = read_events(os.path.join(log_dir, "validation"))
    assert [step for step, _, _ in events["epoch_roc_auc"]] == [0, 1]  # one writer: no step twice


@pytest.mark.skipif(BACKEND != "jax", reason="keras.distribution.DataParallel on JAX devices")
def test_jax_data_parallel_on_two_devices_is_exact(tmp_path):
    result = run_worker(
        "jax_data_parallel",
        tmp_path,
        env={"KERAS_BACKEND": "jax", "XLA_FLAGS": "--xla_force_host_platform_device_count=2"},
    )
    assert result["devices"] == 2
    assert_exact_and_written_once(result, tmp_path)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute.MirroredStrategy")
def test_tensorflow_strategy_with_xla_falls_back_with_one_warning_and_is_exact(breast_cancer):
    # Replica variables are summed on read, so XLA's buffer is not used under a strategy.
    # (Keras's own XLA training fails on two logical CPUs: one device shows the route.)
    import tensorflow as tf

    import keras_roc

    x, y, x_val, y_val = breast_cancer
    with tf.distribute.MirroredStrategy(["/cpu:0"]).scope():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy", jit_compile=True)
    with pytest.warns(UserWarning, match="under a tf.distribute strategy") as record:
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback()]
        )
    assert len(record) == 1
    scores = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][-1] == pytest.approx(roc_auc_score(y_val, scores), abs=1e-9)


@pytest.mark.skipif(BACKEND != "torch", reason="torch.distributed")
def test_torch_distributed_fails_at_train_begin_naming_it(tmp_path):
    init_file = tmp_path / "rendezvous"
    command = [sys.executable, os.path.join(HERE, "distribution_worker.py"), "torch_ddp", str(tmp_path)]
    env = dict(os.environ, KERAS_BACKEND="torch")
    ranks = [
        subprocess.Popen(
            command + [str(rank), "2", str(init_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for rank in range(2)
    ]
    for rank in ranks:
        out, err = rank.communicate(timeout=300)
        assert rank.returncode == 0, err[-3000:]
        result = json.loads(out.strip().splitlines()[-1])
        assert "does not support PyTorch distributed training" in result["error"]
        assert "2 processes" in result["error"]
    assert not os.path.exists(tmp_path / "validation")  # failed before anything was written


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow's XLA buffer")
def test_xla_buffer_drops_a_pass_longer_than_itself_and_says_why():
    import tensorflow as tf

    from keras_roc.callbacks import _backends

    stored = []
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(jit_compile=True)
    host = _backends.HostCopy.for_model(model, stored.append, rows=5)

    @tf.function(jit_compile=True)
    def step(y, scores):
        host.copy([y, scores])
        return 0

    step(tf.constant([1.0, 0.0, 1.0]), tf.constant([[0.9], [0.2], [0.7]]))
    host.collect()
    np.testing.assert_array_equal(stored[0][0], [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(stored[0][1], np.float32([[0.9], [0.2], [0.7]]))
    host.clear()
    stored.clear()
    step(tf.constant([1.0, 0.0, 1.0]), tf.constant([[0.9], [0.2], [0.7]]))
    step(tf.constant([1.0, 0.0, 1.0]), tf.constant([[0.9], [0.2], [0.7]]))
    host.collect()
    assert stored == []
    assert "6 rows, more than the 5" in host.lost_reason
