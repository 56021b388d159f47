"""ROCCallback's values beyond the AUC: average precision, Brier score,
partial AUC and operating points at target rates, against scikit-learn."""

import keras
import numpy as np
import pytest
from helpers import read_events, small_model
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve

import keras_roc

EXACT = 1e-9


def make_model(n_features, n_outputs, seed=0):
    return small_model(n_features, n_outputs, seed=seed)


def point_at_specificity(y, s, target):
    """Brute force: highest sensitivity among vertices with specificity >= target."""
    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
    ok = (1 - fpr) >= target
    return tpr[ok].max()


def point_at_sensitivity(y, s, target):
    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
    ok = tpr >= target
    return (1 - fpr[ok]).max()


def test_binary_options_in_logs_and_tensorboard(breast_cancer, tmp_path):
    x, y, x_val, y_val = breast_cancer
    model = make_model(x.shape[1], 1)
    roc = keras_roc.ROCCallback(log_dir=tmp_path, max_fpr=0.2, target_specificity=0.9, target_sensitivity=0.95)
    stop = keras.callbacks.EarlyStopping(monitor="val_average_precision", mode="max", patience=5)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[stop, roc])
    s = model.predict(x_val, verbose=0)[:, 0].astype(np.float64)
    logged = {key: values[-1] for key, values in history.history.items()}
    assert logged["val_average_precision"] == pytest.approx(average_precision_score(y_val, s), abs=EXACT)
    assert logged["val_brier_score"] == pytest.approx(brier_score_loss(y_val, s), abs=1e-6)
    assert logged["val_roc_auc_partial"] == pytest.approx(roc_auc_score(y_val, s, max_fpr=0.2), abs=EXACT)
    assert logged["val_sensitivity_at_specificity"] == pytest.approx(point_at_specificity(y_val, s, 0.9), abs=EXACT)
    assert logged["val_specificity_at_sensitivity"] == pytest.approx(point_at_sensitivity(y_val, s, 0.95), abs=EXACT)
    events = read_events(tmp_path / "validation")
    for key in ("average_precision", "brier_score", "roc_auc_partial", "sensitivity_at_specificity"):
        assert [step for step, _, _ in events[f"epoch_{key}"]] == [0, 1], key
        assert float(events[f"epoch_{key}"][-1][1]) == pytest.approx(logged[f"val_{key}"], abs=1e-6)


def test_multiclass_average_precision_and_brier(wine):
    x, y, x_val, y_val = wine
    model = make_model(x.shape[1], 3)
    history = model.fit(
        x,
        y,
        validation_data=(x_val, y_val),
        epochs=2,
        verbose=0,
        callbacks=[keras_roc.ROCCallback(max_fpr=0.5), keras_roc.ConfusionMatrixCallback()],
    )
    probs = model.predict(x_val, verbose=0).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    one_hot = np.eye(3)[y_val]
    logged = {key: values[-1] for key, values in history.history.items()}
    assert logged["val_average_precision"] == pytest.approx(average_precision_score(one_hot, probs), abs=EXACT)
    assert logged["val_average_precision_micro"] == pytest.approx(
        average_precision_score(one_hot, probs, average="micro"), abs=EXACT
    )
    assert logged["val_brier_score"] == pytest.approx(brier_score_loss(y_val, probs), abs=1e-6)
    partial = np.mean([roc_auc_score(one_hot[:, c], probs[:, c], max_fpr=0.5) for c in range(3)])
    assert logged["val_roc_auc_partial"] == pytest.approx(partial, abs=EXACT)
    assert "val_sensitivity_at_specificity" not in logged


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_fpr": 0}, "max_fpr"),
        ({"max_fpr": 1.5}, "max_fpr"),
        ({"target_specificity": -0.1}, "target_specificity"),
        ({"target_sensitivity": True}, "target_sensitivity"),
    ],
)
def test_bad_options_fail_at_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras_roc.ROCCallback(**kwargs)
