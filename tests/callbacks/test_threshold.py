"""`ThresholdCheckpoint` and `load_threshold`: the threshold saved with a
checkpoint or a restore is the one validated with the weights kept (checked
by predicting with those weights again)."""

import json
import math
import os
import re
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

import keras_roc


def make_model(n_features, n_outputs=1, learning_rate=0.01, logits=False, seed=0):
    keras.utils.set_random_seed(seed)
    activation = None if logits else ("sigmoid" if n_outputs == 1 else "softmax")
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    if n_outputs == 1:
        loss = keras.losses.BinaryCrossentropy(from_logits=logits)
    else:
        loss = "sparse_categorical_crossentropy"
    model.compile(keras.optimizers.SGD(learning_rate), loss)
    return model


def assert_warned(caught, pattern):
    """One ThresholdCheckpoint warning matching `pattern` among `caught`
    (h5py's DeprecationWarning noise is left aside: pytest.warns would
    re-raise it)."""
    ours = [w for w in caught if "ThresholdCheckpoint" in str(w.message)]
    assert len(ours) == 1 and re.search(pattern, str(ours[0].message)), [str(w.message) for w in ours]


def youden_of(model, x_val, y_val, **options):
    """The validation result of the weights `model` holds now."""
    scores = model.predict(x_val, verbose=0)
    return keras_roc.evaluate(y_val, scores, **options)


def assert_record_of(record, result, epoch, point="youden"):
    operating = {"youden": result.youden, "target_specificity": result.at_specificity}[point]
    assert record.epoch == epoch and record.point == point
    assert record.threshold == pytest.approx(operating.threshold, abs=1e-7)
    assert record.sensitivity == pytest.approx(operating.sensitivity, abs=1e-12)
    assert record.specificity == pytest.approx(operating.specificity, abs=1e-12)
    assert record.auc == pytest.approx(result.auc, abs=1e-9)


@pytest.mark.parametrize("checkpoint_first", [True, False])
@pytest.mark.parametrize("mode", ["max", "min"])
def test_beside_best_only_checkpoint(breast_cancer, tmp_path, checkpoint_first, mode):
    """mode="min" keeps the epoch of the lowest AUC: on this rising curve an
    early one, so the file's threshold is not the last epoch's."""
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1])
    path = tmp_path / "best.keras"
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_roc_auc", mode=mode, save_best_only=True)
    saver = keras_roc.ThresholdCheckpoint()
    ordered = [checkpoint, saver] if checkpoint_first else [saver, checkpoint]
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=8, verbose=0, callbacks=[*ordered, keras_roc.ROCCallback()]
    ).history
    sign = 1 if mode == "max" else -1
    aucs = [sign * auc for auc in history["val_roc_auc"]]
    saved_epochs = [e for e in range(len(aucs)) if aucs[e] > max(aucs[:e], default=-math.inf)]
    best_epoch = saved_epochs[-1]
    if mode == "min":
        assert best_epoch < len(aucs) - 1
    record = keras_roc.load_threshold(path)
    assert record == keras_roc.load_threshold(str(path) + ".threshold.json")
    # The threshold is that of the weights in the file.
    assert_record_of(record, youden_of(keras.saving.load_model(path), x_val, y_val), best_epoch)
    assert saver.saved.count(str(path) + ".threshold.json") == len(saved_epochs)  # each save, rewritten


def test_beside_every_epoch_file(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1])
    pattern = str(tmp_path / "w{epoch:02d}-{val_roc_auc:.4f}.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True)
    model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=3,
        verbose=0,
        callbacks=[keras_roc.ThresholdCheckpoint(), checkpoint, keras_roc.ROCCallback()],
    )
    files = sorted(p for p in os.listdir(tmp_path) if p.endswith(".weights.h5"))
    assert len(files) == 3
    for epoch, name in enumerate(files):
        assert name.startswith(f"w{epoch + 1:02d}-")
        weights = make_model(x.shape[1])
        weights.load_weights(tmp_path / name)
        assert_record_of(keras_roc.load_threshold(tmp_path / name), youden_of(weights, x_val, y_val), epoch)


@pytest.mark.parametrize("stopper", ["keras", "keras_roc"])
def test_after_restore(breast_cancer, tmp_path, stopper):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1])
    if stopper == "keras":
        stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=2, restore_best_weights=True)
    else:
        stop = keras_roc.AUCEarlyStopping(patience=2, restore_best_weights=True)
    saver = keras_roc.ThresholdCheckpoint(tmp_path / "final.keras")
    history = model.fit(
        x, y, validation_data=(x_val, y_val), epochs=40, verbose=0, callbacks=[saver, stop, keras_roc.ROCCallback()]
    ).history
    assert stop.best_epoch < len(history["loss"]) - 1  # weights of an earlier epoch were restored
    assert_record_of(saver.threshold, youden_of(model, x_val, y_val), stop.best_epoch)
    model.save(tmp_path / "final.keras")
    assert keras_roc.load_threshold(tmp_path / "final.keras") == saver.threshold
    assert saver.saved == [str(tmp_path / "final.keras.threshold.json")]


def test_last_epoch_without_restore_and_logits(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], logits=True)
    saver = keras_roc.ThresholdCheckpoint(tmp_path / "threshold.json")
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[keras_roc.ROCCallback(), saver])
    record = keras_roc.load_threshold(tmp_path / "threshold.json")
    assert record.from_logits and record.epoch == 1
    # On the probability: sigmoid of the model's output.
    assert_record_of(record, youden_of(model, x_val, y_val, from_logits=True), 1)
    probability = 1 / (1 + np.exp(-model.predict(x_val, verbose=0)[:, 0].astype(np.float64)))
    called = record.is_positive(probability)
    sensitivity = called[y_val == 1].mean()
    assert sensitivity == pytest.approx(record.sensitivity, abs=1e-12)


def test_target_specificity_point(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1])
    roc = keras_roc.ROCCallback(target_specificity=0.95)
    saver = keras_roc.ThresholdCheckpoint(tmp_path / "t.json")  # point="auto": the target's
    model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc, saver])
    record = keras_roc.load_threshold(tmp_path / "t.json")
    assert record.target == 0.95 and record.specificity >= 0.95
    assert_record_of(record, youden_of(model, x_val, y_val, target_specificity=0.95), 1, "target_specificity")


def test_validation_freq_epochs_without_threshold(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1])
    pattern = str(tmp_path / "e{epoch}.weights.h5")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            validation_freq=2,
            epochs=4,
            verbose=0,
            callbacks=[
                keras_roc.ROCCallback(),
                keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True),
                keras_roc.ThresholdCheckpoint(),
            ],
        )
    assert_warned(caught, r"e1.weights.h5 holds weights of an epoch without a validation pass")
    written = sorted(p for p in os.listdir(tmp_path) if p.endswith(".threshold.json"))
    assert written == ["e2.weights.h5.threshold.json", "e4.weights.h5.threshold.json"]


def test_refusals(breast_cancer, wine, tmp_path):
    x, y, x_val, y_val = breast_cancer
    with pytest.raises(ValueError, match="point"):
        keras_roc.ThresholdCheckpoint(point="best")
    with pytest.raises(TypeError, match="ROCCallback"):
        keras_roc.ThresholdCheckpoint(roc="roc")
    model = make_model(x.shape[1])
    with pytest.raises(ValueError, match="found 0"):
        model.fit(
            x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=[keras_roc.ThresholdCheckpoint()]
        )
    with pytest.raises(ValueError, match=r"target_sensitivity="):
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(), keras_roc.ThresholdCheckpoint(point="target_sensitivity")],
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=1,
            verbose=0,
            callbacks=[
                keras_roc.ROCCallback(),
                keras_roc.ThresholdCheckpoint(),
                keras.callbacks.ModelCheckpoint(str(tmp_path / "b.keras"), save_freq=5),
            ],
        )
    assert_warned(caught, r"ModelCheckpoint\(save_freq=5\) saves in the middle of epochs")
    assert not (tmp_path / "b.keras.threshold.json").exists()
    xw, yw, xw_val, yw_val = wine
    multiclass = make_model(xw.shape[1], n_outputs=3)
    with pytest.raises(ValueError, match="needs a binary task.*multiclass"):
        multiclass.fit(
            xw,
            yw,
            validation_data=(xw_val, yw_val),
            epochs=1,
            verbose=0,
            callbacks=[keras_roc.ThresholdCheckpoint(), keras_roc.ROCCallback()],
        )


# ----------------------------------------------------------------------------
# The file, without Keras
# ----------------------------------------------------------------------------


def test_file_round_trip_and_errors(tmp_path):
    record = keras_roc.SavedThreshold(
        threshold=math.inf,
        point="target_specificity",
        target=1.0,
        sensitivity=0.0,
        specificity=1.0,
        auc=math.nan,
        epoch=3,
        positive_class="malignant",
        from_logits=False,
    )
    written = keras_roc.save_threshold(tmp_path / "m.keras", record)
    assert written == str(tmp_path / "m.keras.threshold.json")
    data = json.loads((tmp_path / "m.keras.threshold.json").read_text())  # strict JSON
    assert data["format"] == "keras_roc.threshold" and data["threshold"] == "inf" and data["auc"] is None
    loaded = keras_roc.load_threshold(tmp_path / "m.keras")
    assert loaded.threshold == math.inf and math.isnan(loaded.auc) and loaded.epoch == 3
    with pytest.raises(FileNotFoundError, match=r"other.keras.threshold.json"):
        keras_roc.load_threshold(tmp_path / "other.keras")
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a keras_roc threshold file"):
        keras_roc.load_threshold(tmp_path / "bad.json")
    data["version"] = 99
    (tmp_path / "new.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="version 99"):
        keras_roc.load_threshold(tmp_path / "new.json")
    with pytest.raises(TypeError, match="SavedThreshold"):
        keras_roc.save_threshold(tmp_path / "x.json", {"threshold": 0.5})


def test_load_threshold_imports_no_keras(tmp_path):
    record = keras_roc.SavedThreshold(0.25, "youden", None, 0.9, 0.8, 0.95, 0, "1", False)
    keras_roc.save_threshold(tmp_path / "model.keras", record)
    code = (
        "import sys, keras_roc; r = keras_roc.load_threshold(sys.argv[1]); "
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules; print(r.threshold)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "model.keras")], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "0.25"
