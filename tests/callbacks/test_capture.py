"""Reusing fit's own validation pass: exact, zero extra forward passes.

The callbacks created without `validation_data` copy labels, predictions and
weights out of fit's compiled test step. These tests pin that behaviour
against the installed Keras (a Keras upgrade that breaks it fails here).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import assert_no_point_twice, diagnosis_and_size_model, read_events
from keras_helpers import CountingLayer
from sklearn.metrics import log_loss, roc_auc_score

import keras_roc

EXACT = 1e-9


def model_for(n_features, n_outputs, activation, counter=None, seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((n_features,))]
    if counter is not None:
        layers.append(counter)
    layers += [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(n_outputs, activation=activation)]
    model = keras.Sequential(layers)
    loss = "binary_crossentropy" if n_outputs == 1 else "sparse_categorical_crossentropy"
    model.compile(keras.optimizers.Adam(0.01), loss, metrics=["accuracy"], **compile_kwargs)
    return model


@pytest.mark.parametrize("steps_per_execution", [1, 3])
@pytest.mark.parametrize("as_dataset", [False, True])
def test_captured_values_equal_sklearn(wine, steps_per_execution, as_dataset):
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax", steps_per_execution=steps_per_execution)
    validation = (x_val, y_val)
    if as_dataset:
        validation = tf.data.Dataset.from_tensor_slices(validation).batch(16)
    roc = keras_roc.ROCCallback()
    cm = keras_roc.ConfusionMatrixCallback()
    history = model.fit(x, y, validation_data=validation, batch_size=16, epochs=2, verbose=0, callbacks=[roc, cm])
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    logged = {key: values[-1] for key, values in history.history.items()}
    assert logged["val_roc_auc"] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert logged["val_roc_auc_micro"] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr", average="micro"), abs=EXACT
    )
    assert logged["val_log_loss"] == pytest.approx(log_loss(y_val, probs), abs=1e-6)
    # every validation sample captured exactly once
    assert roc.result.n_samples == len(x_val)
    assert cm.confusion_matrix.sum() == len(x_val)


def test_validation_freq_logs_only_validated_epochs(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    roc = keras_roc.ROCCallback()
    history = model.fit(x, y, validation_data=(x_val, y_val), validation_freq=2, epochs=4, verbose=0, callbacks=[roc])
    assert len(history.history["loss"]) == 4
    assert len(history.history["val_roc_auc"]) == 2  # epochs 2 and 4, like val_loss
    assert len(history.history["val_loss"]) == 2
    probs = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][-1] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)


def test_sample_weights_of_fit_validation_are_used(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y_val)).astype("float32")
    model = model_for(x.shape[1], 1, "sigmoid")
    history = model.fit(
        x, y, validation_data=(x_val, y_val, weights), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()]
    )
    probs = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(
        roc_auc_score(y_val, probs, sample_weight=weights), abs=EXACT
    )


def test_fit_results_unchanged_by_the_callbacks(wine, tmp_path):
    x, y, x_val, y_val = wine

    def run(callbacks):
        model = model_for(x.shape[1], 3, "softmax")
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=3, batch_size=32, shuffle=False, verbose=0, callbacks=callbacks
        )
        return history.history, model.get_weights()

    plain, plain_weights = run([])
    with_ours, our_weights = run(
        [keras_roc.ROCCallback(log_dir=tmp_path), keras_roc.ConfusionMatrixCallback(log_dir=tmp_path)]
    )
    for key, values in plain.items():
        assert with_ours[key] == values, key  # identical, not just close
    for a, b in zip(plain_weights, our_weights):
        np.testing.assert_array_equal(a, b)
    assert set(with_ours) - set(plain) == {f"val_{key}" for key in keras_roc.callbacks.LOG_KEYS["multiclass"]}


def test_zero_extra_forward_passes(wine):
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, "softmax", counter=counter)
    epochs = 3
    model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=epochs,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), keras_roc.ConfusionMatrixCallback()],
    )
    assert float(counter.seen.numpy()) == epochs * len(x_val)  # fit's own pass only


def test_own_validation_data_is_predicted_once_for_both_callbacks(wine):
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, "softmax", counter=counter)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    cm = keras_roc.ConfusionMatrixCallback(validation_data=(x_val, y_val))
    model.fit(x, y, epochs=3, verbose=0, callbacks=[roc, cm])
    assert float(counter.seen.numpy()) == 3 * len(x_val)
    np.testing.assert_array_equal(cm.confusion_matrix, roc.result.confusion_matrix)


@pytest.mark.parametrize("early_stopping_first", [True, False])
def test_any_order_works_when_reusing_fits_pass(breast_cancer, early_stopping_first):
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    model.optimizer.learning_rate = 0.0  # AUC never improves: stops at epoch 1
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=1)
    roc = keras_roc.ROCCallback()
    callbacks = [stop, roc] if early_stopping_first else [roc, stop]
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=10, verbose=0, callbacks=callbacks)
    assert len(history.history["val_roc_auc"]) == 2
    assert stop.stopped_epoch == 1


def test_checkpoint_of_full_model_while_capturing(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    path = tmp_path / "best.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(str(path), monitor="val_roc_auc", mode="max", save_best_only=True)
    model.fit(
        x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[checkpoint, keras_roc.ROCCallback()]
    )
    restored = keras.models.load_model(path)
    assert [m.name for m in restored.metrics] == [m.name for m in model.metrics]
    # after fit the model is as before: no capture left, evaluate unchanged
    assert "roc_auc" not in model.evaluate(x_val, y_val, verbose=0, return_dict=True)
    assert "compute_metrics" not in vars(model)


def test_jit_compile_of_a_dataset_falls_back_to_one_shared_pass_with_one_warning(wine):
    # Under XLA the batches go to a buffer of the validation set's size, unknown for a dataset.
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, "softmax", counter=counter, jit_compile=True)
    roc = keras_roc.ROCCallback()
    cm = keras_roc.ConfusionMatrixCallback()
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=5)
    validation = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(16)
    with pytest.warns(UserWarning, match="jit_compile=True") as record:
        history = model.fit(x, y, validation_data=validation, epochs=2, verbose=0, callbacks=[roc, cm, stop])
    assert len([w for w in record if "ROCCallback" in str(w.message)]) == 1
    assert float(counter.seen.numpy()) == 2 * 2 * len(x_val)  # fit's pass and one shared pass per epoch
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT
    )


def test_no_validation_data_anywhere_fails_at_train_begin(breast_cancer):
    x, y, _, _ = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    epochs_started = []
    counter = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_started.append(epoch))
    with pytest.raises(ValueError, match="pass `validation_data=\\(x_val, y_val\\)` to `model.fit`"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[keras_roc.ConfusionMatrixCallback(), counter])
    assert epochs_started == []


def test_validation_split_is_reused(breast_cancer):
    x, y, _, _ = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    history = model.fit(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()])
    split = int(len(x) * 0.75)
    probs = model.predict(x[split:], verbose=0)[:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y[split:], probs), abs=EXACT)


def test_keras_tensorboard_in_same_dir_gets_no_duplicates(wine, tmp_path):
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax")
    board = keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=2,
        verbose=0,
        callbacks=[
            board,
            keras_roc.ROCCallback(log_dir=tmp_path, image_every=1),
            keras_roc.ConfusionMatrixCallback(log_dir=tmp_path, image_every=1),
        ],
    )
    events = read_events(tmp_path / "validation")
    assert_no_point_twice(events)
    for tag in ("epoch_loss", "epoch_roc_auc", "epoch_log_loss", "roc_curve", "confusion_matrix"):
        assert [s for s, _, _ in events[tag]] == [0, 1], tag


def test_instance_reused_across_fits(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    roc = keras_roc.ROCCallback(log_dir=tmp_path)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc])
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=4, initial_epoch=2, verbose=0, callbacks=[roc])
    assert len(history.history["val_roc_auc"]) == 2
    events = read_events(tmp_path / "validation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1, 2, 3]


def test_drawing_happens_off_the_training_thread_and_lagging_images_are_skipped(breast_cancer, tmp_path, monkeypatch):
    import threading
    import time

    from keras_roc import _render

    x, y, x_val, y_val = breast_cancer
    drawn_on = []
    original = _render.draw_png

    def slow_draw_png(spec):
        drawn_on.append(threading.current_thread().name)
        time.sleep(0.5)  # much slower than an epoch on 40 samples
        return original(spec)  # in the helper process (tests/figures/test_render.py)

    monkeypatch.setattr(_render, "draw_png", slow_draw_png)
    model = model_for(x.shape[1], 1, "sigmoid")
    roc = keras_roc.ROCCallback(log_dir=tmp_path, image_every=1)
    with pytest.warns(UserWarning, match="images are being skipped") as record:
        model.fit(x[:40], y[:40], validation_data=(x_val, y_val), epochs=12, verbose=0, callbacks=[roc])
    assert len([w for w in record if "skipped" in str(w.message)]) == 1
    assert set(drawn_on) == {"keras_roc-writer"}
    assert roc._worker.skipped > 0
    events = read_events(tmp_path / "validation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == list(range(12))  # scalars never skipped
    image_steps = [s for s, _, _ in events["roc_curve"]]
    assert image_steps[0] == 0 and len(image_steps) == 12 - roc._worker.skipped


def test_writer_thread_ends_after_training(breast_cancer, tmp_path):
    import threading
    import time

    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    roc = keras_roc.ROCCallback(log_dir=tmp_path)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc])
    deadline = time.monotonic() + 10 * keras_roc.tensorboard.BackgroundWriter.IDLE_SECONDS
    while any(t.name == "keras_roc-writer" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(t.name == "keras_roc-writer" for t in threading.enumerate())


def test_multi_output_model_reuses_fits_pass_for_the_named_output(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = diagnosis_and_size_model(x.shape[1])
    targets = {"diagnosis": y, "size": x[:, 0]}
    validation = (x_val, {"diagnosis": y_val, "size": x_val[:, 0]})
    with pytest.raises(ValueError, match="pass `output=`"):
        model.fit(x, targets, validation_data=validation, epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()])
    roc = keras_roc.ROCCallback(output="diagnosis")
    history = model.fit(x, targets, validation_data=validation, epochs=1, verbose=0, callbacks=[roc])
    probs = model.predict(x_val, verbose=0)["diagnosis"][:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)
    assert history.history["val_size_loss"]  # fit's own logs are intact


def test_validation_steps_shorter_than_the_arrays_is_exact_every_epoch(wine):
    """The capture buffer is sized from the validation arrays; a pass that
    stops early (`validation_steps`) must still give exactly its samples."""
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax")
    expected = []
    reference = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: expected.append(model.predict(x_val[:32], verbose=0))
    )
    roc = keras_roc.ROCCallback()
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        validation_batch_size=16,
        validation_steps=2,
        epochs=3,
        verbose=0,
        callbacks=[roc, reference],
    )
    assert roc.result.n_samples == 32
    for logged, probs in zip(history.history["val_roc_auc"], expected):
        probs = probs.astype(np.float64) / probs.sum(axis=1, keepdims=True)
        assert logged == pytest.approx(roc_auc_score(y_val[:32], probs, multi_class="ovr"), abs=EXACT)


class TestCaptureBuffers:
    """`PassBuffer` stores batches in buffers of the expected pass size."""

    @staticmethod
    def batches(rows, n_classes=3, weights=False, seed=0):
        rng = np.random.default_rng(seed)
        out = []
        for size in rows:
            batch = [rng.integers(0, n_classes, size), rng.random((size, n_classes)).astype(np.float32)]
            if weights:
                batch.append(rng.random(size))
            out.append(batch)
        return out

    @pytest.mark.parametrize("expected_rows", [None, 10, 9, 12, 30])
    @pytest.mark.parametrize("weights", [False, True])
    def test_any_pass_size_joins_every_batch_in_order(self, expected_rows, weights):
        from keras_roc.callbacks._capture import PassBuffer, Predictions

        capture = PassBuffer(expected_rows)
        for sizes in ([4, 4, 2], [4, 4, 4], [3]):  # as expected, longer, shorter
            batches = self.batches(sizes, weights=weights, seed=len(sizes))
            capture.clear()
            for batch in batches:
                capture.store([np.array(a) for a in batch])
            data = Predictions(*capture.join())
            np.testing.assert_array_equal(data.y_true, np.concatenate([b[0] for b in batches]))
            np.testing.assert_array_equal(data.y_score, np.concatenate([b[1] for b in batches]))
            assert data.y_score.flags.f_contiguous  # as prepare() sorts it in place
            if weights:
                np.testing.assert_array_equal(data.sample_weight, np.concatenate([b[2] for b in batches]))
            else:
                assert data.sample_weight is None
            assert capture.expected_rows == sum(sizes)  # the next pass's buffer size

    def test_batches_with_and_without_weights_are_a_clear_error(self):
        from keras_roc.callbacks._capture import PassBuffer

        capture = PassBuffer(8)
        capture.store([np.array(a) for a in self.batches([4], weights=True)[0]])
        capture.store([np.array(a) for a in self.batches([4])[0]])
        with pytest.raises(ValueError, match="Some validation batches have sample weights and some do not"):
            capture.join()


def test_histograms_and_pr_curves_of_a_captured_pass_use_the_scores_as_predicted(wine, tmp_path):
    """The captured scores are sorted in place by the evaluation: the
    histograms and PR tables must be taken from them before that."""
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax")
    roc = keras_roc.ROCCallback(log_dir=tmp_path)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=tmp_path)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc, cm])
    probs = model.predict(x_val, verbose=0)
    events = read_events(tmp_path / "validation")
    half = (keras_roc.tensorboard.PR_CURVE_THRESHOLDS - 1) // 2  # threshold 0.5
    for c in range(3):
        positive = y_val == c
        _, histogram, _ = events[f"scores/{c}/positives"][-1]
        np.testing.assert_allclose(histogram, keras_roc.tensorboard.histogram_data(probs[positive, c]), rtol=1e-6)
        _, histogram, _ = events[f"scores/{c}/negatives"][-1]
        np.testing.assert_allclose(histogram, keras_roc.tensorboard.histogram_data(probs[~positive, c]), rtol=1e-6)
        _, table, _ = events[f"pr_curve/{c}"][-1]
        assert table[0, half] == np.sum((probs[:, c] >= 0.5) & positive)  # true positives
        assert table[1, half] == np.sum((probs[:, c] >= 0.5) & ~positive)  # false positives
