"""The callbacks' contract, on whichever Keras backend this process runs.

`python3 dev.py test` runs this module in the TensorFlow venv and again in
venvs where TensorFlow is not installed, with `KERAS_BACKEND=jax` and
`KERAS_BACKEND=torch` (Keras picks its backend once per process). Every
test here must pass on every backend: real `model.fit` runs, values
compared with scikit-learn on `model.predict`, event files read back.
"""

import os
import sys

import keras
import numpy as np
import pytest
from helpers import read_events
from keras_helpers import CountingLayer, EvaluateIn
from sklearn.metrics import average_precision_score, confusion_matrix, log_loss, roc_auc_score

import keras_roc
from keras_roc.callbacks import _capture

EXACT = 1e-9  # equal to scikit-learn on the same predictions
BACKEND = keras.backend.backend()
# Keras's torch trainer refuses steps_per_execution > 1.
STEPS_PER_EXECUTION = [1] if BACKEND == "torch" else [1, 3]


def to_numpy(value):
    return np.asarray(keras.ops.convert_to_numpy(value))


def model_for(n_features, n_outputs, activation=None, counter=None, learning_rate=0.01, **compile_kwargs):
    keras.utils.set_random_seed(0)
    layers = [keras.Input((n_features,))] + ([counter] if counter is not None else [])
    layers += [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(n_outputs, activation=activation)]
    model = keras.Sequential(layers)
    if n_outputs == 1:
        loss = keras.losses.BinaryCrossentropy(from_logits=activation is None)
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=activation is None)
    model.compile(keras.optimizers.Adam(learning_rate), loss, metrics=["accuracy"], **compile_kwargs)
    return model


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def assert_nothing_left(model):
    assert "compute_metrics" not in vars(model) and "test_step" not in vars(model)
    assert all(metric.name != "keras_roc" for metric in model.metrics)
    assert model not in _capture.CAPTURES


def test_runs_on_the_backend_asked_for_and_tensorflow_only_if_it_is(breast_cancer):
    assert BACKEND == os.environ.get("KERAS_BACKEND", "tensorflow")
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid")
    model.fit(x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()])
    assert ("tensorflow" in sys.modules) == (BACKEND == "tensorflow")


@pytest.mark.parametrize("steps_per_execution", STEPS_PER_EXECUTION)
@pytest.mark.parametrize("jit_compile", [False, True])
def test_multiclass_logs_equal_sklearn_with_one_validation_pass(wine, jit_compile, steps_per_execution):
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, None, counter, jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    roc, cm = keras_roc.ROCCallback(), keras_roc.ConfusionMatrixCallback()
    epochs = 2
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=16, verbose=0, callbacks=[roc, cm]
    )
    seen = float(to_numpy(counter.seen))
    assert seen == epochs * len(x_val)  # fit's own pass only: no extra forward pass
    probs = softmax(to_numpy(model.predict(x_val, verbose=0)).astype(np.float64))
    logged = {key: values[-1] for key, values in history.history.items()}
    assert logged["val_roc_auc"] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert logged["val_roc_auc_micro"] == pytest.approx(
        roc_auc_score(np.eye(3)[y_val], probs, average="micro"), abs=EXACT
    )
    assert logged["val_log_loss"] == pytest.approx(log_loss(y_val, probs), abs=1e-6)
    assert logged["val_average_precision"] == pytest.approx(
        average_precision_score(np.eye(3)[y_val], probs, average="macro"), abs=EXACT
    )
    np.testing.assert_array_equal(cm.confusion_matrix, confusion_matrix(y_val, probs.argmax(1)))
    assert_nothing_left(model)


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_logs_equal_sklearn_with_weights(breast_cancer, from_logits):
    x, y, x_val, y_val = breast_cancer
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y_val)).astype("float32")
    model = model_for(x.shape[1], 1, None if from_logits else "sigmoid")
    history = model.fit(
        x, y, validation_data=(x_val, y_val, weights), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback()]
    )
    scores = to_numpy(model.predict(x_val, verbose=0))[:, 0].astype(np.float64)
    probs = 1 / (1 + np.exp(-scores)) if from_logits else scores
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, sample_weight=weights), abs=EXACT
    )
    assert history.history["val_log_loss"][-1] == pytest.approx(log_loss(y_val, probs, sample_weight=weights), abs=1e-6)


def test_own_validation_data_is_predicted_once_for_both_callbacks(wine):
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, "softmax", counter)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    cm = keras_roc.ConfusionMatrixCallback(validation_data=(x_val, y_val))
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[roc, cm])
    assert float(to_numpy(counter.seen)) == 2 * len(x_val)
    probs = to_numpy(model.predict(x_val, verbose=0)).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT
    )
    np.testing.assert_array_equal(cm.confusion_matrix, roc.result.confusion_matrix)


def test_fit_loss_and_val_loss_unchanged_by_the_callbacks(wine, tmp_path):
    x, y, x_val, y_val = wine

    def run(callbacks):
        model = model_for(x.shape[1], 3, "softmax")
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=3, batch_size=32, shuffle=False, verbose=0, callbacks=callbacks
        )
        return history.history, [to_numpy(w) for w in model.get_weights()]

    plain, plain_weights = run([])
    ours, our_weights = run([keras_roc.ROCCallback(log_dir=tmp_path), keras_roc.ConfusionMatrixCallback()])
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert ours[key] == plain[key], key  # identical, not just close
    for a, b in zip(plain_weights, our_weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("ours_first", [True, False])
def test_early_stopping_and_checkpoint_act_on_the_keys_in_either_order(breast_cancer, tmp_path, ours_first):
    x, y, x_val, y_val = breast_cancer
    model = model_for(x.shape[1], 1, "sigmoid", learning_rate=0.0)  # AUC never improves
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=1)
    path = tmp_path / "best.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(str(path), monitor="val_roc_auc", mode="max", save_best_only=True)
    roc = keras_roc.ROCCallback()
    callbacks = [roc, stop, checkpoint] if ours_first else [checkpoint, stop, roc]
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=10, verbose=0, callbacks=callbacks)
    assert len(history.history["val_roc_auc"]) == 2
    assert stop.stopped_epoch == 1
    restored = keras.models.load_model(path)
    probs = to_numpy(restored.predict(x_val, verbose=0))[:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)
    assert_nothing_left(model)


def test_event_files_are_read_back(wine, tmp_path):
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax")
    roc = keras_roc.ROCCallback(log_dir=tmp_path, class_names=["a", "b", "c"])
    cm = keras_roc.ConfusionMatrixCallback(log_dir=tmp_path, class_names=["a", "b", "c"])
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc, cm])
    events = read_events(os.path.join(tmp_path, "validation"))
    assert [step for step, _, _ in events["epoch_roc_auc"]] == [0, 1]
    np.testing.assert_allclose([float(v) for _, v, _ in events["epoch_roc_auc"]], history.history["val_roc_auc"])
    probs = to_numpy(model.predict(x_val, verbose=0)).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    for index, name in enumerate("abc"):
        per_class = float(events[f"roc_auc_per_class/{name}"][-1][1])
        assert per_class == pytest.approx(roc_auc_score(y_val == index, probs[:, index]), abs=1e-6)
        counts = events[f"scores/{name}/positives"][-1][1][:, 2].sum()
        assert counts == np.sum(y_val == index)
        assert events[f"pr_curve/{name}"][-1][2] == "pr_curves"
    for tag in ("roc_curve", "confusion_matrix"):
        png = events[tag][-1][1][2]
        assert png.startswith(b"\x89PNG"), tag


def test_evaluate_with_the_callbacks_returns_the_keys(wine):
    x, y, x_val, y_val = wine
    model = model_for(x.shape[1], 3, "softmax")
    model.fit(x, y, epochs=1, verbose=0)
    logs = model.evaluate(x_val, y_val, verbose=0, return_dict=True, callbacks=[keras_roc.ROCCallback()])
    probs = to_numpy(model.predict(x_val, verbose=0)).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert logs["roc_auc"] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert "roc_auc" not in model.evaluate(x_val, y_val, verbose=0, return_dict=True)


@pytest.mark.parametrize("hook", ["on_train_begin", "on_test_begin"])
def test_evaluate_of_a_test_set_inside_fit_neither_adds_nor_gets_keys(wine, hook):
    x, y, x_val, y_val = wine
    counter = CountingLayer()
    model = model_for(x.shape[1], 3, "softmax", counter)
    other = EvaluateIn(hook, x[:40], y[:40], limit=2)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[other, keras_roc.ROCCallback()]
    )
    assert float(to_numpy(counter.seen)) == 2 * len(x_val) + 40 * len(other.returned)  # no extra pass
    probs = to_numpy(model.predict(x_val, verbose=0)).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT
    )
    assert other.returned and all(set(logs) == {"loss", "accuracy"} for logs in other.returned)
    assert_nothing_left(model)


def test_bad_input_fails_before_the_first_epoch(wine, breast_cancer):
    x, y, x_val, y_val = wine
    started = []
    counter = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: started.append(epoch))
    model = model_for(x.shape[1], 3, "softmax")
    with pytest.raises(ValueError, match="class_names"):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(class_names=["a", "b"]), counter],
        )
    bx, by, _, _ = breast_cancer
    model = model_for(bx.shape[1], 1, "sigmoid")
    with pytest.raises(ValueError, match="pass `validation_data=\\(x_val, y_val\\)` to `model.fit`"):
        model.fit(bx, by, epochs=1, verbose=0, callbacks=[keras_roc.ConfusionMatrixCallback(), counter])
    assert started == []
    with pytest.raises(ValueError, match="image_every"):
        keras_roc.ROCCallback(image_every=-1)
    assert_nothing_left(model)
