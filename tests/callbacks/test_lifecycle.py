"""What users really pass to fit, and how fit really ends.

Each value is checked against scikit-learn on `model.predict` of the
weights of that epoch; nothing of keras_roc may outlive the fit (or
evaluate) it was given to, however that call ends.
"""

import csv
import warnings

import keras
import numpy as np
import pytest
from helpers import read_events
from keras_helpers import EvaluateIn
from sklearn.metrics import average_precision_score, confusion_matrix, log_loss, roc_auc_score

import keras_roc
from keras_roc.callbacks import _capture

EXACT = 1e-9


def softmax(logits):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def make_model(n_features, n_outputs, activation, loss=None, seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    if loss is None:
        loss = "binary_crossentropy" if n_outputs == 1 else "sparse_categorical_crossentropy"
    model.compile(keras.optimizers.Adam(0.01), loss, metrics=["accuracy"], **compile_kwargs)
    return model


class PredictEachEpoch(keras.callbacks.Callback):
    """Keeps `model.predict(x)` at every epoch end (the weights validated)."""

    def __init__(self, x):
        super().__init__()
        self.x, self.predictions = x, []

    def on_epoch_end(self, epoch, logs=None):
        self.predictions.append(self.model.predict(self.x, verbose=0))


def assert_nothing_left(model):
    """No wrapper, metric or capture of keras_roc on the model."""
    assert "compute_metrics" not in vars(model)
    assert "test_step" not in vars(model)
    assert all(m.name != "keras_roc" for m in model.metrics)
    assert model not in _capture.CAPTURES


# -- 1. logits -------------------------------------------------------------------


def test_multiclass_logits_follow_the_compiled_loss(wine):
    x, y, x_val, y_val = wine
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = make_model(x.shape[1], 3, None, loss=loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: the loss says logits
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback()]
        )
    probs = softmax(model.predict(x_val, verbose=0).astype(np.float64))
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT
    )
    assert history.history["val_log_loss"][-1] == pytest.approx(log_loss(y_val, probs), abs=1e-6)
    assert history.history["val_log_loss"][-1] == pytest.approx(history.history["val_loss"][-1], rel=1e-4)


def test_binary_logits_are_thresholded_as_probabilities(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, None, loss=keras.losses.BinaryCrossentropy(from_logits=True))
    cm = keras_roc.ConfusionMatrixCallback()
    roc = keras_roc.ROCCallback()
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[cm, roc])
    logits = model.predict(x_val, verbose=0)[:, 0].astype(np.float64)
    np.testing.assert_array_equal(cm.confusion_matrix, confusion_matrix(y_val, logits >= 0))  # sigmoid >= 0.5
    probs = 1 / (1 + np.exp(-logits))
    assert roc.result.log_loss == pytest.approx(log_loss(y_val, probs), abs=1e-6)


def custom_loss(y_true, y_pred):
    """A loss that does not say whether it takes logits."""
    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)


def test_scores_outside_unit_interval_are_nan_with_one_warning_when_the_loss_does_not_say(wine):
    x, y, x_val, y_val = wine
    model = make_model(x.shape[1], 3, None, loss=custom_loss)
    with pytest.warns(UserWarning, match="from_logits=True") as record:
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback()]
        )
    assert len([w for w in record if "outside [0, 1]" in str(w.message)]) == 1
    for key in ("val_log_loss", "val_brier_score"):  # not probabilities
        assert np.isnan(history.history[key]).all(), key
    # softmax reorders: neither the AUC nor the average precision of the logits
    for key in ("val_roc_auc", "val_roc_auc_micro", "val_average_precision", "val_average_precision_micro"):
        assert np.isnan(history.history[key]).all(), key

    # Saying it fixes it: exact values.
    model = make_model(x.shape[1], 3, None, loss=custom_loss)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback(from_logits=True)]
    )
    probs = softmax(model.predict(x_val, verbose=0).astype(np.float64))
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)


def test_binary_auc_of_unlabelled_logits_stays_exact_and_log_loss_is_nan(breast_cancer):
    x, y, x_val, y_val = breast_cancer

    def bce_logits(y_true, y_pred):
        return keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)

    model = make_model(x.shape[1], 1, None, loss=bce_logits)
    with pytest.warns(UserWarning, match="outside \\[0, 1\\]"):
        history = model.fit(
            x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback()]
        )
    logits = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][-1] == pytest.approx(roc_auc_score(y_val, logits), abs=EXACT)
    assert history.history["val_average_precision"][-1] == pytest.approx(
        average_precision_score(y_val, logits), abs=EXACT
    )
    assert np.isnan(history.history["val_log_loss"][-1]) and np.isnan(history.history["val_brier_score"][-1])


def test_from_logits_that_contradicts_the_loss_is_followed_with_a_warning(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    with pytest.warns(UserWarning, match="compiled with from_logits=False"):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(from_logits=True)],
        )
    with pytest.raises(TypeError, match="from_logits"):
        keras_roc.ROCCallback(from_logits="yes")


# -- 2. how fit ends ---------------------------------------------------------------


class RaiseIn(keras.callbacks.Callback):
    def __init__(self, hook, error):
        super().__init__()
        self.error = error
        setattr(self, hook, self._raise)

    def _raise(self, *args, **kwargs):
        raise self.error


@pytest.mark.parametrize("hook", ["on_test_batch_end", "on_test_end", "on_epoch_begin", "on_train_batch_end"])
@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_nothing_outlives_a_fit_that_raised(breast_cancer, hook, error):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    with pytest.raises(type(error)):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=2,
            batch_size=32,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), keras_roc.ConfusionMatrixCallback(), RaiseIn(hook, error)],
        )

    # The next use of the model (an evaluate, a plain fit) sees nothing of ours.
    logs = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    probs = model.predict(x_val, verbose=0)[:, 0].astype(np.float64)
    assert logs["loss"] == pytest.approx(log_loss(y_val, probs), rel=1e-4)
    assert_nothing_left(model)
    for _ in range(2):
        history = model.fit(x, y, validation_data=(x_val, y_val), epochs=1, verbose=0)
        assert "val_roc_auc" not in history.history and "val_log_loss" not in history.history
    assert_nothing_left(model)


def test_a_plain_fit_after_a_failed_validation_keeps_nothing(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    with pytest.raises(RuntimeError):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), RaiseIn("on_test_batch_end", RuntimeError())],
        )
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=3, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert_nothing_left(model)

    # And a keras_roc fit after that is exact again.
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()])
    probs = model.predict(x_val, verbose=0)[:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)
    assert_nothing_left(model)


def test_nothing_left_after_a_fit_that_ends_normally(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=1,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), keras_roc.ConfusionMatrixCallback()],
    )
    assert_nothing_left(model)


# -- 3. evaluate of other data during fit ---------------------------------------------


@pytest.mark.parametrize("ours_first", [True, False])
@pytest.mark.parametrize(
    "hook",
    [
        "on_train_begin",
        "on_epoch_begin",
        "on_train_batch_end",
        "on_epoch_end",
        "on_test_begin",
        "on_test_batch_end",
        "on_test_end",
    ],
)
def test_evaluate_of_a_test_set_inside_fit(wine, hook, ours_first):
    x, y, x_val, y_val = wine
    x_test, y_test = x[:40], y[:40]
    model = make_model(x.shape[1], 3, "softmax")
    other = EvaluateIn(hook, x_test, y_test)
    reference = PredictEachEpoch(x_val)
    roc, cm = keras_roc.ROCCallback(), keras_roc.ConfusionMatrixCallback()
    callbacks = [roc, cm, other, reference] if ours_first else [other, roc, cm, reference]
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=2, batch_size=32, verbose=0, callbacks=callbacks)
    assert len(history.history["val_roc_auc"]) == 2
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions):
        probs = probs.astype(np.float64) / probs.sum(axis=1, keepdims=True)
        assert logged == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    np.testing.assert_array_equal(cm.confusion_matrix, confusion_matrix(y_val, reference.predictions[-1].argmax(1)))
    assert other.returned
    for returned in other.returned:
        assert set(returned) == {"loss", "accuracy"}, returned
        assert np.isfinite(list(returned.values())).all()
    assert_nothing_left(model)


def test_early_stopping_acts_on_the_keys_with_an_evaluate_in_on_epoch_begin(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    model.optimizer.learning_rate = 0.0  # nothing improves: stops after patience
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=1)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=10,
        verbose=0,
        callbacks=[EvaluateIn("on_epoch_begin", x[:30], y[:30]), stop, keras_roc.ROCCallback()],
    )
    assert len(history.history["val_roc_auc"]) == 2
    assert stop.stopped_epoch == 1


# -- 4. a custom test_step ---------------------------------------------------------


class GuideModel(keras.Sequential):
    """test_step as in Keras's "customizing what happens in fit()" guide."""

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def guide_model(n_features):
    keras.utils.set_random_seed(0)
    model = GuideModel(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
    return model


def test_custom_test_step_falls_back_to_one_prediction_pass_with_one_warning(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = guide_model(x.shape[1])
    reference = PredictEachEpoch(x_val)
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=5)
    with pytest.warns(UserWarning, match="does not call `compute_metrics`") as record:
        history = model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=3,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), stop, reference],
        )
    assert len([w for w in record if "compute_metrics" in str(w.message)]) == 1
    assert "must come after it" in str(record[0].message)
    assert len(history.history["val_roc_auc"]) == 3
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions):
        assert logged == pytest.approx(roc_auc_score(y_val, probs[:, 0]), abs=EXACT)
    assert_nothing_left(model)


def cycle(x, y, batch_size):
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start : start + batch_size], y[start : start + batch_size]


def test_custom_test_step_with_a_generator_fails_clearly_at_the_first_validation(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = guide_model(x.shape[1])
    with pytest.raises(ValueError, match="cannot be iterated again"):
        model.fit(
            x,
            y,
            validation_data=cycle(x_val, y_val, 57),
            validation_steps=3,
            epochs=2,
            verbose=0,
            callbacks=[keras_roc.ROCCallback()],
        )


# -- 5, 6. XLA, generators, validation_freq -------------------------------------------------


@pytest.mark.filterwarnings("ignore:Early stopping conditioned on metric:UserWarning")  # epochs without validation
def test_jit_compile_any_order_and_validation_freq(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid", jit_compile=True)
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=10)
    reference = PredictEachEpoch(x_val)
    # Arrays: fit's pass is reused under XLA too (no warning; any warning fails the test).
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        validation_freq=2,
        epochs=4,
        verbose=0,
        callbacks=[stop, keras_roc.ROCCallback(), reference],
    )
    assert len(history.history["val_roc_auc"]) == len(history.history["val_loss"]) == 2
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions[1::2]):
        assert logged == pytest.approx(roc_auc_score(y_val, probs[:, 0]), abs=EXACT)


def test_python_generator_as_fits_validation_data(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    reference = PredictEachEpoch(x_val)
    roc = keras_roc.ROCCallback()
    # Each step the whole set: what Keras's generator adapter reads ahead does not matter.
    history = model.fit(
        x,
        y,
        validation_data=cycle(x_val, y_val, len(x_val)),
        validation_steps=1,
        epochs=2,
        verbose=0,
        callbacks=[roc, keras_roc.ConfusionMatrixCallback(), reference],
    )
    assert roc.result.n_samples == len(x_val)
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions):
        assert logged == pytest.approx(roc_auc_score(y_val, probs[:, 0]), abs=EXACT)


def test_jit_compile_with_a_generator_fails_at_train_begin(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid", jit_compile=True)
    epochs = []
    with pytest.raises(ValueError, match="jit_compile=False"):
        model.fit(
            x,
            y,
            validation_data=cycle(x_val, y_val, 57),
            validation_steps=3,
            epochs=2,
            verbose=0,
            callbacks=[
                keras_roc.ROCCallback(),
                keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: epochs.append(e)),
            ],
        )
    assert epochs == []


# -- 7. CSVLogger ---------------------------------------------------------------------


def test_csv_logger_gets_the_columns_with_validation_freq(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    path = tmp_path / "log.csv"
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        validation_freq=2,
        epochs=4,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), keras.callbacks.CSVLogger(str(path))],
    )
    with open(path) as file:
        rows = list(csv.DictReader(file))
    assert [row["val_roc_auc"] for row in rows[::2]] == ["NA", "NA"]
    assert [float(row["val_roc_auc"]) for row in rows[1::2]] == pytest.approx(history.history["val_roc_auc"])
    assert [float(row["val_log_loss"]) for row in rows[1::2]] == pytest.approx(history.history["val_log_loss"])


def test_csv_logger_before_the_callback_with_validation_freq_is_warned_about(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    with pytest.warns(UserWarning, match="Put ROCCallback before CSVLogger"):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            validation_freq=2,
            epochs=2,
            verbose=0,
            callbacks=[keras.callbacks.CSVLogger(str(tmp_path / "log.csv")), keras_roc.ROCCallback()],
        )


# -- 8. model.evaluate(callbacks=[...]) ---------------------------------------------------


def test_evaluate_with_the_callbacks_returns_exact_values_and_writes_events(wine, tmp_path):
    x, y, x_val, y_val = wine
    model = make_model(x.shape[1], 3, "softmax")
    model.fit(x, y, epochs=2, verbose=0)
    plain = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
    roc = keras_roc.ROCCallback(log_dir=tmp_path)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=tmp_path)
    returned = model.evaluate(x_val, y_val, verbose=0, return_dict=True, callbacks=[roc, cm])
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert returned["roc_auc"] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert returned["roc_auc_micro"] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr", average="micro"), abs=EXACT
    )
    assert returned["log_loss"] == pytest.approx(log_loss(y_val, probs), abs=1e-6)
    assert {k: returned[k] for k in plain} == plain  # Keras's own values unchanged
    np.testing.assert_array_equal(cm.confusion_matrix, confusion_matrix(y_val, probs.argmax(1)))
    assert roc.result.n_samples == len(y_val)
    events = read_events(tmp_path / "evaluation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0]
    assert float(events["epoch_roc_auc"][0][1]) == pytest.approx(returned["roc_auc"], abs=1e-6)
    assert [s for s, _, _ in events["confusion_matrix"]] == [0]
    assert_nothing_left(model)
    # A second evaluate is the next step; a plain one has no keys of ours.
    model.evaluate(x_val, y_val, verbose=0, callbacks=[roc, cm])
    assert [s for s, _, _ in read_events(tmp_path / "evaluation")["epoch_roc_auc"]] == [0, 1]
    assert set(model.evaluate(x_val, y_val, verbose=0, return_dict=True)) == {"loss", "accuracy"}


def test_evaluate_with_a_callback_made_for_fit_is_a_clear_error(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    with pytest.raises(ValueError, match="which is for `fit`"):
        model.evaluate(x_val, y_val, verbose=0, callbacks=[keras_roc.ROCCallback(validation_data=(x_val, y_val))])


# -- 9. smaller ones --------------------------------------------------------------------


def test_output_name_of_a_model_with_list_outputs(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    keras.utils.set_random_seed(0)
    inputs = keras.Input((x.shape[1],))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(
        inputs,
        [
            keras.layers.Dense(1, name="size")(hidden),
            keras.layers.Dense(1, activation="sigmoid", name="diagnosis")(hidden),
        ],
    )
    model.compile("adam", ["mse", "binary_crossentropy"])
    roc = keras_roc.ROCCallback(output="diagnosis")
    history = model.fit(
        x, [x[:, 0], y], validation_data=(x_val, [x_val[:, 0], y_val]), epochs=1, verbose=0, callbacks=[roc]
    )
    probs = model.predict(x_val, verbose=0)[1][:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)
    with pytest.raises(ValueError, match="not one of the model's outputs"):
        model.fit(
            x,
            [x[:, 0], y],
            validation_data=(x_val, [x_val[:, 0], y_val]),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(output="nope")],
        )


def test_confusion_matrix_callback_leaves_auc_warnings_to_roc(wine):
    x, y, x_val, y_val = wine
    keep = y_val != 2  # class 2 absent from the validation set
    model = make_model(x.shape[1], 3, "softmax")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model.fit(
            x,
            y,
            validation_data=(x_val[keep], y_val[keep]),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ConfusionMatrixCallback(), keras_roc.ROCCallback()],
        )
    ours = [str(w.message) for w in record if "keras_roc" in str(w.filename) or "Callback" in str(w.message)]
    assert any(m.startswith("ROCCallback") and "no positive" in m for m in ours)
    assert not any(m.startswith("ConfusionMatrixCallback") for m in ours)


# -- around fit ------------------------------------------------------------------------


def test_nested_fit_of_another_model_and_predict_inside_the_pass(breast_cancer, wine):
    x, y, x_val, y_val = breast_cancer
    wx, wy, wx_val, wy_val = wine
    inner = make_model(wx.shape[1], 3, "softmax", seed=1)
    inner_histories = []

    class Nested(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            inner_histories.append(
                inner.fit(
                    wx, wy, validation_data=(wx_val, wy_val), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()]
                ).history
            )

        def on_test_batch_end(self, batch, logs=None):
            self.model.predict(x_val[:5], verbose=0)

    model = make_model(x.shape[1], 1, "sigmoid")
    reference = PredictEachEpoch(x_val)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=2,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), Nested(), reference],
    )
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions):
        assert logged == pytest.approx(roc_auc_score(y_val, probs[:, 0]), abs=EXACT)
    probs = inner.predict(wx_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert inner_histories[-1]["val_roc_auc"][0] == pytest.approx(
        roc_auc_score(wy_val, probs, multi_class="ovr"), abs=EXACT
    )
    assert_nothing_left(model)
    assert_nothing_left(inner)


def test_recompiled_between_fits_and_a_model_sharing_layers(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1, "sigmoid")
    twin = keras.Sequential(model.layers)  # shares every layer
    twin.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    twin_logs = []
    evaluate_twin = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: twin_logs.append(twin.evaluate(x_val, y_val, verbose=0, return_dict=True))
    )
    model.fit(
        x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback(), evaluate_twin]
    )
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["auc"])
    reference = PredictEachEpoch(x_val)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=2,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), evaluate_twin, reference],
    )
    for logged, loss, probs in zip(history.history["val_roc_auc"], history.history["val_loss"], reference.predictions):
        assert logged == pytest.approx(roc_auc_score(y_val, probs[:, 0]), abs=EXACT)
        assert loss == pytest.approx(log_loss(y_val, probs[:, 0].astype(np.float64)), rel=1e-4)
    ours = {f"val_{key}" for key in keras_roc.callbacks.LOG_KEYS["binary"]}
    assert set(history.history) == {"loss", "auc", "val_loss", "val_auc"} | ours
    assert all(set(logs) == {"loss", "accuracy"} for logs in twin_logs)
    assert_nothing_left(model)
    assert_nothing_left(twin)


def test_run_eagerly_model_with_an_evaluate_inside_the_pass(wine):
    x, y, x_val, y_val = wine
    model = make_model(x.shape[1], 3, "softmax", run_eagerly=True)
    other = EvaluateIn("on_test_batch_end", x[:40], y[:40])
    reference = PredictEachEpoch(x_val)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=2,
        batch_size=32,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(), other, reference],
    )
    for logged, probs in zip(history.history["val_roc_auc"], reference.predictions):
        probs = probs.astype(np.float64) / probs.sum(axis=1, keepdims=True)
        assert logged == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert all(set(returned) == {"loss", "accuracy"} for returned in other.returned)
    assert_nothing_left(model)
