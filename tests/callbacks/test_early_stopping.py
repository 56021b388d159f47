"""`AUCEarlyStopping` in real fits: a frozen model, a model that keeps
improving, noise-only gains that keep `EarlyStopping` going, restores, and
the p-value it logs checked against `compare_auc` on the epochs' predictions."""

import math
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import small_model

import keras_roc

ALPHA = 0.05


def make_model(n_features, learning_rate, n_outputs=1, seed=0):
    return small_model(n_features, n_outputs, optimizer=keras.optimizers.SGD(learning_rate), seed=seed)


class KeepPredictions(keras.callbacks.Callback):
    """Predicts the validation set at each epoch end (for checking only)."""

    def __init__(self, x_val):
        super().__init__()
        self.x_val = x_val
        self.scores = []

    def on_epoch_end(self, epoch, logs=None):
        self.scores.append(self.model.predict(self.x_val, verbose=0).astype(np.float64))


def _orders(roc, stop, others=()):
    return {"stop first": [stop, *others, roc], "roc first": [roc, *others, stop]}


@pytest.mark.parametrize("own_data", [False, True], ids=["fit's pass", "own validation_data"])
@pytest.mark.parametrize("stop_first", [True, False], ids=["stop first", "roc first"])
@pytest.mark.parametrize("patience", [0, 3])
def test_frozen_model_stops_after_patience_epochs(breast_cancer, own_data, stop_first, patience):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.0)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val) if own_data else None)
    stop = keras_roc.AUCEarlyStopping(patience=patience)
    callbacks = [stop, roc] if stop_first else [roc, stop]
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=20, verbose=0, callbacks=callbacks)
    further = max(patience, 1)  # as keras.callbacks.EarlyStopping: 0 and 1 both wait one epoch
    assert len(history.history["loss"]) == 1 + further
    assert stop.stopped_epoch == further and stop.best_epoch == 0
    p_values = history.history["val_roc_auc_p_value"]
    # Identical predictions: a difference of 0 with zero variance, z = 0.
    assert math.isnan(p_values[0]) and p_values[1:] == [0.5] * further
    assert stop.best == pytest.approx(history.history["val_roc_auc"][0], abs=1e-12)


def test_validation_freq_counts_validated_epochs_only(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.0)
    stop = keras_roc.AUCEarlyStopping(patience=3)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        validation_freq=2,
        epochs=20,
        verbose=0,
        callbacks=[stop, keras_roc.ROCCallback()],
    )
    # Keras validates epochs 1 (best), 3, 5, 7: the third without a gain stops.
    assert len(history.history["loss"]) == 8 and stop.best_epoch == 1 and stop.stopped_epoch == 7
    assert len(history.history["val_roc_auc_p_value"]) == 4


def test_model_that_keeps_improving_is_not_stopped(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.001)  # slow, steady learning
    keep = KeepPredictions(x_val)
    stop = keras_roc.AUCEarlyStopping(patience=0)
    roc = keras_roc.ROCCallback()
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=10, verbose=0, callbacks=[stop, roc, keep])
    assert len(history.history["loss"]) == 10 and stop.stopped_epoch == 0 and stop.best_epoch == 9
    p_values = history.history["val_roc_auc_p_value"]
    assert all(p < ALPHA for p in p_values[1:])
    # Each logged p-value is DeLong's one-sided test of that epoch against the previous (best) one.
    for epoch in range(1, 10):
        expected = keras_roc.compare_auc(y_val, keep.scores[epoch], keep.scores[epoch - 1]).one_sided_p_value()
        assert p_values[epoch] == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_noise_only_gains_keep_early_stopping_going_but_not_this(breast_cancer):
    """171 validation samples: after a few epochs the AUC creeps up by a few
    ten-thousandths, far below its DeLong standard error. EarlyStopping
    counts every new maximum and trains on; AUCEarlyStopping stops."""
    x, y, x_val, y_val = breast_cancer
    epochs, patience = 30, 5

    plain_model = make_model(x.shape[1], learning_rate=0.01)
    plain = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=patience)
    roc = keras_roc.ROCCallback()
    plain_history = plain_model.fit(
        x, y, validation_data=(x_val, y_val), epochs=epochs, verbose=0, callbacks=[roc, plain]
    ).history

    model = make_model(x.shape[1], learning_rate=0.01)  # the same seed: the same trajectory
    keep = KeepPredictions(x_val)
    stop = keras_roc.AUCEarlyStopping(patience=patience)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=epochs, verbose=0, callbacks=[stop, keras_roc.ROCCallback(), keep]
    ).history
    trained = len(history["loss"])
    assert history["val_roc_auc"] == plain_history["val_roc_auc"][:trained]

    assert len(plain_history["loss"]) > trained + patience  # EarlyStopping went on much longer
    best = stop.best_epoch
    assert stop.stopped_epoch == best + patience == trained - 1
    # The AUC did rise after the best epoch (EarlyStopping saw new maxima) ...
    aucs = plain_history["val_roc_auc"]
    assert max(aucs[best + 1 :]) > aucs[best]
    # ... by less than the best epoch's DeLong standard error: noise-sized gains.
    se = keras_roc.evaluate(y_val, keep.scores[best]).auc_se
    assert 0 < max(aucs[best + 1 :]) - aucs[best] < se
    # Each epoch after the best was tested against the best epoch's predictions.
    for epoch in range(best + 1, trained):
        test = keras_roc.compare_auc(y_val, keep.scores[epoch], keep.scores[best])
        assert history["val_roc_auc_p_value"][epoch] == pytest.approx(test.one_sided_p_value(), rel=1e-6)
        assert test.one_sided_p_value() >= ALPHA


def test_restore_best_weights(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.01)
    stop = keras_roc.AUCEarlyStopping(patience=3, restore_best_weights=True)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=30, verbose=0, callbacks=[keras_roc.ROCCallback(), stop]
    )
    assert stop.stopped_epoch > 0 and stop.best_epoch < stop.stopped_epoch
    restored_auc = keras_roc.evaluate(y_val, model.predict(x_val, verbose=0)).auc
    assert restored_auc == pytest.approx(history.history["val_roc_auc"][stop.best_epoch], abs=1e-9)
    assert restored_auc != history.history["val_roc_auc"][-1]
    assert stop.best_weights is None  # nothing kept after fit


def test_multiclass_macro_p_value(wine):
    x, y, x_val, y_val = wine
    model = make_model(x.shape[1], learning_rate=0.01, n_outputs=3)
    keep = KeepPredictions(x_val)
    stop = keras_roc.AUCEarlyStopping(patience=50)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=4, verbose=0, callbacks=[keras_roc.ROCCallback(), stop, keep]
    ).history
    best = 0
    for epoch in range(1, 4):
        test = keras_roc.compare_auc(y_val, keep.scores[epoch], keep.scores[best])
        assert history["val_roc_auc_p_value"][epoch] == pytest.approx(test.one_sided_p_value(), rel=1e-6, abs=1e-12)
        best = epoch if test.one_sided_p_value() < ALPHA else best
    assert stop.best_epoch == best


def test_start_from_epoch(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.0)
    stop = keras_roc.AUCEarlyStopping(patience=1, start_from_epoch=3)
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=20, verbose=0, callbacks=[keras_roc.ROCCallback(), stop]
    )
    assert len(history.history["loss"]) == 5 and stop.best_epoch == 3 and stop.stopped_epoch == 4
    assert all(math.isnan(p) for p in history.history["val_roc_auc_p_value"][:4])


def test_reshuffled_validation_set_is_refused(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.01)
    shuffled = tf.data.Dataset.from_tensor_slices((x_val, y_val)).shuffle(len(y_val), seed=1).batch(32)
    with pytest.raises(ValueError, match="reshuffle_each_iteration"):
        model.fit(
            x,
            y,
            validation_data=shuffled,
            epochs=3,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), keras_roc.AUCEarlyStopping(patience=5)],
        )


def test_needs_a_roc_callback(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.01)
    epochs_run = []
    record = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_run.append(epoch))
    with pytest.raises(ValueError, match=r"needs exactly one keras_roc.ROCCallback logging 'val_roc_auc'.*found 0"):
        model.fit(
            x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.AUCEarlyStopping(), record]
        )
    assert epochs_run == []  # refused before any epoch trained
    own = keras_roc.ROCCallback(validation_data=(x_val, y_val), prefix="holdout_")
    with pytest.raises(ValueError, match=r"logging \['holdout_roc_auc'\]"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[own, keras_roc.AUCEarlyStopping()])
    stop = keras_roc.AUCEarlyStopping(monitor="holdout_roc_auc", patience=0)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[stop, own])
    assert stop.best_epoch is not None


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"alpha": 0}, ValueError, r"alpha.*\(0, 1\).*alpha=0"),
        ({"alpha": 1.5}, ValueError, "alpha=1.5"),
        ({"alpha": True}, ValueError, "alpha=True"),
        ({"monitor": "val_loss"}, ValueError, "monitor='val_loss'"),
        ({"patience": -1}, ValueError, "patience"),
        ({"patience": 1.5}, TypeError, "patience"),
        ({"start_from_epoch": -2}, ValueError, "start_from_epoch"),
    ],
)
def test_arguments_checked_at_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        keras_roc.AUCEarlyStopping(**kwargs)


def test_undefined_auc_warns_once_and_never_improves(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.01)
    one_class = np.zeros_like(y_val)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(
            x,
            y,
            validation_data=(x_val, one_class),
            epochs=10,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), keras_roc.AUCEarlyStopping(patience=2)],
        )
    assert len(history.history["loss"]) == 3  # no epoch can be significantly better
    assert all(math.isnan(p) for p in history.history["val_roc_auc_p_value"])
    ours = [w for w in caught if str(w.message).startswith("AUCEarlyStopping")]
    assert len(ours) == 1 and issubclass(ours[0].category, keras_roc.UndefinedMetricWarning)
    assert "single class" in str(ours[0].message)


def test_nothing_carries_over_from_a_fit_that_raised(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], learning_rate=0.01)
    roc = keras_roc.ROCCallback()
    stop = keras_roc.AUCEarlyStopping(patience=5)

    def fail(epoch, logs):
        if epoch == 1:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=5,
            verbose=0,
            callbacks=[roc, stop, keras.callbacks.LambdaCallback(on_epoch_end=fail)],
        )
    p_value = stop.p_value  # epoch 1's, logged before the failure
    assert not math.isnan(p_value)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc])
    assert "val_roc_auc_p_value" not in history.history
    assert roc._listeners._items == []  # dropped: its fit no longer runs
    assert stop._pending is None and stop.p_value == p_value  # it was handed nothing
