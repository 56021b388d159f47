"""Faults during training: nothing finished is lost, nothing is left running."""

import threading
import time

import keras
import numpy as np
import pytest
from helpers import read_events
from sklearn.metrics import roc_auc_score

import keras_roc
from keras_roc.tensorboard import BackgroundWriter

WRITER_THREAD = "keras_roc-writer"


def small_model(n_features, n_outputs=1, seed=0):
    keras.utils.set_random_seed(seed)
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_outputs, activation=activation)])
    loss = "binary_crossentropy" if n_outputs == 1 else "sparse_categorical_crossentropy"
    model.compile(keras.optimizers.Adam(0.01), loss)
    return model


def wait_for_writer_threads_to_end():
    """Bounded wait: writer threads end by themselves once idle."""
    deadline = time.monotonic() + 10 * BackgroundWriter.IDLE_SECONDS
    while any(t.name == WRITER_THREAD for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a keras_roc writer thread is still running"
        time.sleep(0.05)


def assert_epochs_on_disk(log_dir, epochs, image_tags=("roc_curve", "confusion_matrix")):
    events = read_events(log_dir / "validation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == list(epochs)
    for tag in image_tags:
        assert [s for s, _, _ in events[tag]] == list(epochs), tag
        for _, tensor, _ in events[tag]:
            assert bytes(tensor[2]).startswith(b"\x89PNG")


class RaiseAt(keras.callbacks.Callback):
    """Raises `error` at a chosen point of training."""

    def __init__(self, error, epoch, batch=None):
        super().__init__()
        self.error, self.epoch, self.batch = error, epoch, batch

    def on_epoch_end(self, epoch, logs=None):
        if self.batch is None and epoch == self.epoch:
            raise self.error

    def on_train_batch_begin(self, batch, logs=None):
        if self.batch is not None and self._epoch == self.epoch and batch == self.batch:
            raise self.error

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


@pytest.mark.parametrize(
    "error, epoch, batch, finished",
    [
        (RuntimeError("another callback failed"), 2, None, [0, 1, 2]),  # after ours at epoch 2
        (KeyboardInterrupt(), 2, 3, [0, 1]),  # Ctrl-C in the middle of epoch 2
    ],
)
def test_exception_keeps_finished_epochs_and_next_fit_works(breast_cancer, tmp_path, error, epoch, batch, finished):
    x, y, x_val, y_val = breast_cancer
    model = small_model(x.shape[1])
    roc = keras_roc.ROCCallback(log_dir=tmp_path, image_every=1)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=tmp_path, image_every=1)
    with pytest.raises(type(error)):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            batch_size=32,
            epochs=6,
            verbose=0,
            callbacks=[roc, cm, RaiseAt(error, epoch, batch)],
        )
    wait_for_writer_threads_to_end()  # the queued work finished by itself
    assert_epochs_on_disk(tmp_path, finished)

    # A new fit in the same process, same model and callbacks, works and is exact.
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[roc, cm])
    probs = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=1e-9)
    assert "roc_auc" not in model.evaluate(x_val, y_val, verbose=0, return_dict=True)


def test_stop_training_mid_epoch(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer

    class StopMidEpoch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self._epoch == 1 and batch == 2:
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch = epoch

    model = small_model(x.shape[1])
    roc = keras_roc.ROCCallback(log_dir=tmp_path, image_every=1)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=tmp_path, image_every=1)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), batch_size=32, epochs=5, verbose=0, callbacks=[roc, cm, StopMidEpoch()]
    )
    assert len(history.history["val_roc_auc"]) == 2  # Keras validates the stopped epoch
    assert_epochs_on_disk(tmp_path, [0, 1])  # read_events waits for the writes fit left queued
    wait_for_writer_threads_to_end()


def test_two_fits_at_once_do_not_mix_their_data(breast_cancer, wine, tmp_path):
    runs = {
        "binary": (breast_cancer, 1, tmp_path / "binary"),
        "multiclass": (wine, 3, tmp_path / "multiclass"),
    }
    histories, errors, models = {}, [], {}

    def train(name):
        (x, y, x_val, y_val), outputs, log_dir = runs[name]
        try:
            model = small_model(x.shape[1], outputs)
            models[name] = model
            histories[name] = model.fit(
                x,
                y,
                validation_data=(x_val, y_val),
                epochs=3,
                verbose=0,
                callbacks=[keras_roc.ROCCallback(log_dir=log_dir), keras_roc.ConfusionMatrixCallback(log_dir=log_dir)],
            ).history
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=train, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    binary = read_events(runs["binary"][2] / "validation")
    multiclass = read_events(runs["multiclass"][2] / "validation")
    assert "epoch_sensitivity" in binary and "epoch_sensitivity" not in multiclass
    assert "roc_auc_per_class/2" in multiclass and not any(t.startswith("roc_auc_per_class") for t in binary)
    for name, events in (("binary", binary), ("multiclass", multiclass)):
        assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1, 2]
        logged = [float(v) for _, v, _ in events["epoch_roc_auc"]]
        np.testing.assert_allclose(logged, histories[name]["val_roc_auc"], atol=1e-6)
    (_, _, x_val, y_val), _, _ = runs["multiclass"]
    probs = models["multiclass"].predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert histories["multiclass"]["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr"), abs=1e-9
    )
