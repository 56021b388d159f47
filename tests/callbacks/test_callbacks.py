"""ROCCallback and ConfusionMatrixCallback in real `model.fit` runs.

Every logged value is compared with scikit-learn on `model.predict` of the
same validation data; event files are read back from disk.
"""

import io
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import assert_no_point_twice, diagnosis_and_size_model, read_events
from scipy.special import expit
from sklearn.metrics import log_loss, roc_auc_score

import keras_roc

EXACT = 1e-9  # the callbacks must equal scikit-learn on the same predictions


def mlp(n_features, n_outputs, activation, hidden=8, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    return model


def binary_model(n_features, from_logits=False, learning_rate=0.01):
    model = mlp(n_features, 1, None if from_logits else "sigmoid")
    model.compile(
        keras.optimizers.Adam(learning_rate),
        keras.losses.BinaryCrossentropy(from_logits=from_logits),
    )
    return model


def multiclass_model(n_features, n_classes, loss="sparse_categorical_crossentropy"):
    model = mlp(n_features, n_classes, "softmax")
    model.compile(keras.optimizers.Adam(0.01), loss)
    return model


# ---------------------------------------------------------------------------
# Logged values equal scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_logs_equal_sklearn(breast_cancer, from_logits):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1], from_logits)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val), from_logits=from_logits)
    history = model.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[roc])
    assert len(history.history["val_roc_auc"]) == 2
    scores = model.predict(x_val, verbose=0)[:, 0]
    probs = expit(scores.astype(np.float64)) if from_logits else scores
    assert history.history["val_roc_auc"][-1] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)
    expected_loss = log_loss(y_val, probs.astype(np.float64))
    assert history.history["val_log_loss"][-1] == pytest.approx(expected_loss, abs=1e-6)
    assert "val_roc_auc_micro" not in history.history  # binary has no averages
    assert roc.result.task == "binary"


@pytest.mark.parametrize("one_hot", [False, True])
def test_multiclass_logs_equal_sklearn(wine, one_hot):
    x, y, x_val, y_val = wine
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    to_labels = (lambda v: keras.utils.to_categorical(v, 3)) if one_hot else (lambda v: v)
    model = multiclass_model(x.shape[1], 3, loss)
    roc = keras_roc.ROCCallback(validation_data=(x_val, to_labels(y_val)), class_names=["a", "b", "c"])
    history = model.fit(x, to_labels(y), epochs=2, verbose=0, callbacks=[roc])
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    logged = {k: v[-1] for k, v in history.history.items()}
    assert logged["val_roc_auc"] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)
    assert logged["val_roc_auc_macro"] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr", average="macro"), abs=EXACT
    )
    assert logged["val_roc_auc_micro"] == pytest.approx(
        roc_auc_score(y_val, probs, multi_class="ovr", average="micro"), abs=EXACT
    )
    assert logged["val_log_loss"] == pytest.approx(log_loss(y_val, probs), abs=1e-6)
    assert list(roc.result.per_class_auc) == ["a", "b", "c"]


def test_multilabel_logs_equal_sklearn():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 6)).astype("float32")
    y = (x[:, :3] + rng.normal(size=(300, 3)) > 0).astype("float32")
    model = mlp(6, 3, "sigmoid")
    model.compile("adam", "binary_crossentropy")
    roc = keras_roc.ROCCallback(validation_data=(x[200:], y[200:]), task="multilabel")
    history = model.fit(x[:200], y[:200], epochs=2, verbose=0, callbacks=[roc])
    probs = model.predict(x[200:], verbose=0)
    assert history.history["val_roc_auc"][-1] == pytest.approx(
        roc_auc_score(y[200:], probs, average="macro"), abs=EXACT
    )
    assert history.history["val_roc_auc_micro"][-1] == pytest.approx(
        roc_auc_score(y[200:], probs, average="micro"), abs=EXACT
    )
    assert roc.result.task == "multilabel"


def test_sample_weights_and_tf_data(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y_val))
    dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val, weights)).batch(50)
    model = binary_model(x.shape[1])
    from_arrays = keras_roc.ROCCallback(validation_data=(x_val, y_val, weights), prefix="arr_")
    from_dataset = keras_roc.ROCCallback(validation_data=dataset, prefix="ds_")
    history = model.fit(x, y, epochs=1, verbose=0, callbacks=[from_arrays, from_dataset])
    probs = model.predict(x_val, verbose=0)[:, 0]
    expected = roc_auc_score(y_val, probs, sample_weight=weights)
    assert expected != pytest.approx(roc_auc_score(y_val, probs), abs=1e-6)  # weights matter here
    assert history.history["arr_roc_auc"][0] == pytest.approx(expected, abs=EXACT)
    assert history.history["ds_roc_auc"][0] == pytest.approx(expected, abs=EXACT)
    assert history.history["ds_log_loss"][0] == pytest.approx(
        log_loss(y_val, probs.astype(np.float64), sample_weight=weights), abs=1e-6
    )


class _ValidationBatches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.y) / self.batch_size))

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return {key: value[part] for key, value in self.x.items()}, self.y[part]


def test_pydataset_and_dict_inputs(wine):
    x, y, x_val, y_val = wine
    keras.utils.set_random_seed(0)
    first, second = keras.Input((6,), name="first"), keras.Input((x.shape[1] - 6,), name="second")
    joined = keras.layers.Concatenate()([first, second])
    model = keras.Model({"first": first, "second": second}, keras.layers.Dense(3, activation="softmax")(joined))
    model.compile("adam", "sparse_categorical_crossentropy")
    split = lambda a: {"first": a[:, :6], "second": a[:, 6:]}  # noqa: E731
    by_dict = keras_roc.ROCCallback(validation_data=(split(x_val), y_val), prefix="dict_")
    by_pydataset = keras_roc.ROCCallback(validation_data=_ValidationBatches(split(x_val), y_val, 16), prefix="py_")
    history = model.fit(split(x), y, epochs=1, verbose=0, callbacks=[by_dict, by_pydataset])
    probs = model.predict(split(x_val), verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    expected = roc_auc_score(y_val, probs, multi_class="ovr")
    assert history.history["dict_roc_auc"][0] == pytest.approx(expected, abs=EXACT)
    assert history.history["py_roc_auc"][0] == pytest.approx(expected, abs=EXACT)


def test_multi_output_model_needs_and_uses_output(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = diagnosis_and_size_model(x.shape[1])
    targets = {"diagnosis": y, "size": x[:, 0]}
    val_targets = {"diagnosis": y_val, "size": x_val[:, 0]}
    unnamed = keras_roc.ROCCallback(validation_data=(x_val, val_targets))
    with pytest.raises(ValueError, match="pass `output=`"):
        model.fit(x, targets, epochs=1, verbose=0, callbacks=[unnamed])
    named = keras_roc.ROCCallback(validation_data=(x_val, val_targets), output="diagnosis")
    history = model.fit(x, targets, epochs=1, verbose=0, callbacks=[named])
    probs = model.predict(x_val, verbose=0)["diagnosis"][:, 0]
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs), abs=EXACT)


# ---------------------------------------------------------------------------
# Other callbacks act on the keys; order
# ---------------------------------------------------------------------------


def test_early_stopping_and_checkpoint_act_on_val_roc_auc(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    # learning rate 0: the AUC never improves, so patience=1 stops at epoch 1.
    model = binary_model(x.shape[1], learning_rate=0.0)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=1)
    checkpoint_path = str(tmp_path / "best.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(
        checkpoint_path, monitor="val_roc_auc", mode="max", save_best_only=True, save_weights_only=True
    )
    csv_path = tmp_path / "log.csv"
    csv = keras.callbacks.CSVLogger(str(csv_path))
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[roc, stop, checkpoint, csv])
    assert len(history.history["val_roc_auc"]) == 2
    assert stop.stopped_epoch == 1
    assert os.path.exists(checkpoint_path)
    header = csv_path.read_text().splitlines()[0].split(",")
    assert "val_roc_auc" in header and "val_log_loss" in header


def test_early_stopping_restores_best_and_stops(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1], learning_rate=0.05)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=60, batch_size=32, verbose=0, callbacks=[roc, stop])
    aucs = history.history["val_roc_auc"]
    assert len(aucs) < 60  # AUC saturates on this data: it must stop early
    probs = model.predict(x_val, verbose=0)[:, 0]
    assert roc_auc_score(y_val, probs) == pytest.approx(max(aucs), abs=EXACT)


@pytest.mark.parametrize(
    "make_monitor",
    [
        lambda path: keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max"),
        lambda path: keras.callbacks.ModelCheckpoint(
            str(path / "m.weights.h5"), monitor="val_roc_auc", mode="max", save_weights_only=True
        ),
        lambda path: keras.callbacks.ReduceLROnPlateau(monitor="val_log_loss", mode="min"),
    ],
)
def test_monitor_before_roc_callback_fails_at_start_naming_the_fix(breast_cancer, tmp_path, make_monitor):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1])
    epochs_started = []
    counter = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_started.append(epoch))
    monitor = make_monitor(tmp_path)
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    with pytest.raises(ValueError, match="Put ROCCallback first"):
        model.fit(x, y, epochs=3, verbose=0, callbacks=[counter, monitor, roc])
    assert epochs_started == []  # failed before the first epoch trained


# ---------------------------------------------------------------------------
# TensorBoard
# ---------------------------------------------------------------------------


def _decode_png(png_bytes):
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png_bytes), format="png")


def test_event_files_hold_scalars_images_histograms_pr_curves(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1])
    log_dir = tmp_path / "logs"
    names = ["benign", "malignant"]
    # sklearn's breast-cancer target is 0 = malignant; keep the 0/1 meaning.
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val), log_dir=log_dir, class_names=names, image_every=2)
    cm = keras_roc.ConfusionMatrixCallback(
        validation_data=(x_val, y_val), log_dir=log_dir, class_names=names, image_every=1
    )
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[roc, cm])
    events = read_events(log_dir / "validation")

    steps = lambda tag: [step for step, _, _ in events[tag]]  # noqa: E731
    assert steps("epoch_roc_auc") == [0, 1, 2]
    logged = [float(value) for _, value, _ in events["epoch_roc_auc"]]
    np.testing.assert_allclose(logged, history.history["val_roc_auc"], atol=1e-6)
    for tag in [
        "epoch_log_loss",
        "epoch_sensitivity",
        "epoch_specificity",
        "epoch_youden_threshold",
        "epoch_roc_auc_ci_low",
        "epoch_roc_auc_ci_high",
    ]:
        assert steps(tag) == [0, 1, 2], tag
    low = float(events["epoch_roc_auc_ci_low"][-1][1])
    high = float(events["epoch_roc_auc_ci_high"][-1][1])
    assert low <= history.history["val_roc_auc"][-1] <= high

    assert steps("roc_curve") == [0, 2]  # image_every=2
    assert steps("confusion_matrix") == [0, 1, 2]
    for tag in ("roc_curve", "confusion_matrix"):
        _, tensor, plugin = events[tag][0]
        assert plugin == "images"
        width, height, png = int(tensor[0]), int(tensor[1]), tensor[2]
        pixels = _decode_png(png)
        assert pixels.shape[:2] == (height, width)

    positives = events["scores/malignant/positives"]
    assert [s for s, _, _ in positives] == [0, 1, 2]
    assert positives[0][2] == "histograms"
    counts = positives[-1][1][:, 2].sum()
    assert counts == pytest.approx((y_val == 1).sum())

    step, pr, plugin = events["pr_curve/malignant"][-1]
    assert events["pr_curve/malignant"][0][2] == "pr_curves"
    assert pr.shape == (6, keras_roc.tensorboard.PR_CURVE_THRESHOLDS)
    tp, fp, tn, fn = pr[:4, 0]
    assert tp + fn == (y_val == 1).sum() and fp + tn == (y_val == 0).sum()
    probs = model.predict(x_val, verbose=0)[:, 0]
    half = (pr.shape[1] - 1) // 2  # threshold 0.5
    assert pr[0, half] == np.sum((probs >= 0.5) & (y_val == 1))


def test_no_duplicate_points_beside_keras_tensorboard(wine, tmp_path):
    x, y, x_val, y_val = wine
    model = multiclass_model(x.shape[1], 3)
    log_dir = tmp_path / "logs"
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val), log_dir=log_dir)
    board = keras.callbacks.TensorBoard(log_dir=str(log_dir))
    model.fit(x, y, epochs=2, verbose=0, validation_data=(x_val, y_val), callbacks=[roc, board])
    events = read_events(log_dir / "validation")
    assert_no_point_twice(events)
    for tag in ("epoch_loss", "epoch_roc_auc", "epoch_roc_auc_micro", "epoch_log_loss", "roc_auc_per_class/0"):
        assert [s for s, _, _ in events[tag]] == [0, 1], tag


def test_interrupted_run_keeps_finished_epochs_and_resume_continues(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1])
    log_dir = tmp_path / "logs"
    # Images every epoch: a fit that raises has no last epoch to draw.
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val), log_dir=log_dir, image_every=1)
    cm = keras_roc.ConfusionMatrixCallback(validation_data=(x_val, y_val), log_dir=log_dir, image_every=1)

    def explode(epoch, logs):
        if epoch == 3:
            raise KeyboardInterrupt

    crash = keras.callbacks.LambdaCallback(on_epoch_begin=explode)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=10, verbose=0, callbacks=[roc, cm, crash])
    roc.flush()  # the writer thread finishes queued work by itself; wait for it
    cm.flush()
    events = read_events(log_dir / "validation")  # on disk without on_train_end
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1, 2]
    assert [s for s, _, _ in events["roc_curve"]] == [0, 1, 2]
    assert [s for s, _, _ in events["confusion_matrix"]] == [0, 1, 2]

    # The same instances continue the run at step 3.
    model.fit(x, y, epochs=5, initial_epoch=3, verbose=0, callbacks=[roc, cm])
    events = read_events(log_dir / "validation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1, 2, 3, 4]
    assert [s for s, _, _ in events["confusion_matrix"]] == [0, 1, 2, 3, 4]


def test_unwritable_log_dir_fails_before_training(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    model = binary_model(x.shape[1])
    epochs_started = []
    counter = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_started.append(epoch))
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val), log_dir=blocker / "logs")
    with pytest.raises(ValueError, match="not writable.*a_file"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[roc, counter])
    assert epochs_started == []


def test_constructor_does_not_touch_disk(tmp_path):
    keras_roc.ROCCallback(validation_data=(np.zeros((2, 1)), np.array([0, 1])), log_dir=tmp_path / "never")
    keras_roc.ConfusionMatrixCallback(validation_data=(np.zeros((2, 1)), np.array([0, 1])), log_dir=tmp_path / "never")
    assert not (tmp_path / "never").exists()


# ---------------------------------------------------------------------------
# Bad input; odd data (one shared pass: tests/callbacks/test_capture.py)
# ---------------------------------------------------------------------------


def test_label_width_mismatch_fails_at_train_begin():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    model = mlp(4, 10, "softmax")
    model.compile("adam", "categorical_crossentropy")
    y10 = keras.utils.to_categorical(rng.integers(0, 10, 40), 10)
    y3 = keras.utils.to_categorical(rng.integers(0, 3, 40), 3)
    roc = keras_roc.ROCCallback(validation_data=(x, y3))
    with pytest.raises(ValueError, match=r"model has 10 output\(s\).*\(40, 3\)"):
        model.fit(x, y10, epochs=1, verbose=0, callbacks=[roc])


def test_class_names_length_fails_at_train_begin(wine):
    x, y, x_val, y_val = wine
    model = multiclass_model(x.shape[1], 3)
    cm = keras_roc.ConfusionMatrixCallback(validation_data=(x_val, y_val), class_names=["a", "b"])
    with pytest.raises(ValueError, match="`class_names` has 2 names but the scores have 3 columns"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[cm])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"task": "regression"}, "`task` must be"),
        ({"image_every": -1}, "`image_every`"),
        ({"batch_size": 0}, "`batch_size`"),
        ({"threshold": 1.5}, "`threshold`"),
        ({"validation_data": (np.zeros(3),)}, r"\(x, y\)"),
    ],
)
def test_constructor_rejects_bad_arguments(kwargs, match):
    kwargs.setdefault("validation_data", (np.zeros((2, 1)), np.array([0, 1])))
    with pytest.raises(ValueError, match=match):
        keras_roc.ROCCallback(**kwargs)


def test_constructor_type_errors():
    with pytest.raises(TypeError, match="validation_data"):
        keras_roc.ROCCallback(validation_data="data.csv")
    with pytest.raises(TypeError, match="class_names"):
        keras_roc.ConfusionMatrixCallback(validation_data=(np.zeros((2, 1)), np.zeros(2)), class_names="abc")


def test_missing_validation_data_fails_at_train_begin(breast_cancer):
    x, y, _, _ = breast_cancer
    model = binary_model(x.shape[1])
    with pytest.raises(ValueError, match="has no validation data: pass `validation_data"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[keras_roc.ROCCallback()])


def test_one_class_validation_set_gives_nan_and_one_warning(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    only_positive = y_val == 1
    model = binary_model(x.shape[1])
    roc = keras_roc.ROCCallback(validation_data=(x_val[only_positive], y_val[only_positive]))
    with pytest.warns(UserWarning, match="no negative samples") as record:
        history = model.fit(x, y, epochs=3, verbose=0, callbacks=[roc])
    assert len([w for w in record if "ROCCallback" in str(w.message)]) == 1
    assert all(np.isnan(history.history["val_roc_auc"]))
    assert all(np.isfinite(history.history["val_log_loss"]))
    assert len(history.history["loss"]) == 3  # training went on


def test_absent_class_is_left_out_of_macro(wine):
    x, y, x_val, y_val = wine
    keep = y_val != 2
    model = multiclass_model(x.shape[1], 3)
    roc = keras_roc.ROCCallback(validation_data=(x_val[keep], y_val[keep]), class_names=["a", "b", "c"])
    with pytest.warns(UserWarning, match="'c' has no positive"):
        history = model.fit(x, y, epochs=1, verbose=0, callbacks=[roc])
    probs = model.predict(x_val[keep], verbose=0)
    expected = np.mean([roc_auc_score(y_val[keep] == c, probs[:, c]) for c in (0, 1)])
    assert history.history["val_roc_auc"][0] == pytest.approx(expected, abs=EXACT)
    assert np.isnan(roc.result.per_class_auc["c"])


def test_nan_predictions_do_not_stop_training(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    model = binary_model(x.shape[1])
    model.fit(x[:10], y[:10], epochs=1, verbose=0)
    model.layers[-1].kernel.assign(np.full(model.layers[-1].kernel.shape, np.nan, "float32"))
    roc = keras_roc.ROCCallback(validation_data=(x_val, y_val))
    with pytest.warns(UserWarning, match="NaN or infinite scores") as record:
        history = model.fit(x, y, epochs=2, verbose=0, callbacks=[roc])
    assert len([w for w in record if "ROCCallback" in str(w.message)]) == 1
    assert np.isnan(history.history["val_roc_auc"]).all()
    assert np.isnan(history.history["val_log_loss"]).all()


@pytest.mark.parametrize(
    "make_data, match",
    [
        (lambda x, y: (x[:-1], y), "same number of samples"),
        (lambda x, y: (x, y, np.ones(len(y) + 2)), "same number of samples"),
        (lambda x, y: (x, None), "has no labels"),
        (lambda x, y: (x, 1), "scalar"),
    ],
)
def test_validation_data_lengths_and_labels_checked_at_construction(breast_cancer, make_data, match):
    _, _, x_val, y_val = breast_cancer
    with pytest.raises(ValueError, match=match):
        keras_roc.ROCCallback(validation_data=make_data(x_val, y_val))


def test_nested_list_labels_are_labels_not_outputs(wine):
    x, y, x_val, y_val = wine
    model = multiclass_model(x.shape[1], 3, "categorical_crossentropy")
    one_hot = keras.utils.to_categorical(y_val, 3).astype(int).tolist()  # a nested Python list
    roc = keras_roc.ROCCallback(validation_data=(x_val, one_hot), threshold=np.float32(0.5), image_every=np.int64(1))
    history = model.fit(x, keras.utils.to_categorical(y, 3), epochs=1, verbose=0, callbacks=[roc])
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    assert history.history["val_roc_auc"][0] == pytest.approx(roc_auc_score(y_val, probs, multi_class="ovr"), abs=EXACT)


def test_boolean_numbers_are_rejected():
    data = (np.zeros((2, 1)), np.array([0, 1]))
    for kwargs in ({"threshold": True}, {"batch_size": True}, {"image_every": False}):
        with pytest.raises(ValueError):
            keras_roc.ROCCallback(validation_data=data, **kwargs)
