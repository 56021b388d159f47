"""Real `model.fit` runs whose `ROCCallback` writes the ROC tab's data.

Shared by the ROC tab's route and browser tests (`from roc_tab_runs import
train_runs`). Each run records, per epoch, the callback's `ROCResult` and the
model's predictions on the validation set, so tests can compare what is
served and shown with `keras_roc.evaluate` on the same scores.
"""

import dataclasses

import keras
import numpy as np
from helpers import small_model

import keras_roc

BINARY_RUN = "a_binary/validation"  # first in name order: the tab's first run
MULTICLASS_RUN = "b_multiclass/validation"
WEIGHTED_RUN = "c_weighted/validation"


@dataclasses.dataclass
class TrainedRun:
    """What a run wrote: per-epoch results and predictions, and the labels."""

    y_val: np.ndarray
    weights: np.ndarray | None
    results: list = dataclasses.field(default_factory=list)
    predictions: list = dataclasses.field(default_factory=list)
    history: dict = dataclasses.field(default_factory=dict)


def _recorder(roc, model, x_val, trained):
    """After `roc` in `callbacks`: keeps each epoch's result and predictions."""

    def on_epoch_end(epoch, logs):
        trained.results.append(roc.result)
        trained.predictions.append(model.predict(x_val, batch_size=32, verbose=0))

    return keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)


def train_runs(log_dir, breast_cancer, wine, epochs, weighted=True):
    """Trains the runs into `log_dir`; returns {run name: TrainedRun}."""
    runs = {}
    x, y, x_val, y_val = breast_cancer
    model = small_model(x.shape[1], 1)
    trained = runs[BINARY_RUN] = TrainedRun(y_val, None)
    roc = keras_roc.ROCCallback(
        (x_val, y_val), log_dir=log_dir / "a_binary", class_names=["malignant", "benign"], batch_size=32
    )
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0,
                        callbacks=[roc, _recorder(roc, model, x_val, trained)])  # fmt: skip
    trained.history = history.history

    x, y, x_val, y_val = wine  # reusing fit's validation pass
    model = small_model(x.shape[1], 3)
    trained = runs[MULTICLASS_RUN] = TrainedRun(y_val, None)
    roc = keras_roc.ROCCallback(log_dir=log_dir / "b_multiclass")
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, validation_data=(x_val, y_val),
                        callbacks=[roc, _recorder(roc, model, x_val, trained)])  # fmt: skip
    trained.history = history.history

    if weighted:
        x, y, x_val, y_val = breast_cancer
        weights = np.random.default_rng(0).uniform(0.5, 2.0, len(y_val))
        model = small_model(x.shape[1], 1)
        trained = runs[WEIGHTED_RUN] = TrainedRun(y_val, weights)
        roc = keras_roc.ROCCallback((x_val, y_val, weights), log_dir=log_dir / "c_weighted", batch_size=32)
        history = model.fit(x, y, epochs=3, batch_size=32, verbose=0,
                            callbacks=[roc, _recorder(roc, model, x_val, trained)])  # fmt: skip
        trained.history = history.history
    return runs
