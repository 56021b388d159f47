"""`ROCCallback`: exact ROC AUC and log loss in the logs, curves in TensorBoard."""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import keras
import numpy as np

from keras_roc import _render, metrics, tensorboard, tensorboard_tab
from keras_roc.callbacks import _checks, _listeners
from keras_roc.callbacks import _keras_hooks as hooks
from keras_roc.callbacks.base import ValidationCallback
from keras_roc.metrics import validation

#: Keys ROCCallback puts into the epoch logs, by task, before the prefix.
_MULTI_LOG_KEYS = (
    "roc_auc",
    "roc_auc_micro",
    "roc_auc_macro",
    "average_precision",
    "average_precision_micro",
    "log_loss",
    "brier_score",
)
LOG_KEYS = {
    "binary": ("roc_auc", "average_precision", "log_loss", "brier_score"),
    "multiclass": _MULTI_LOG_KEYS,
    "multilabel": _MULTI_LOG_KEYS,
}
#: Keys added when the option is given: option -> (key, tasks).
OPTIONAL_LOG_KEYS = {
    "max_fpr": ("roc_auc_partial", ("binary", "multiclass", "multilabel")),
    "target_specificity": ("sensitivity_at_specificity", ("binary",)),
    "target_sensitivity": ("specificity_at_sensitivity", ("binary",)),
}
_ALL_LOG_KEYS = tuple(dict.fromkeys(LOG_KEYS["multiclass"] + tuple(key for key, _ in OPTIONAL_LOG_KEYS.values())))


def _fraction(value, name, open_low=False):
    """`value` in [0, 1] ((0, 1] with `open_low`) as a float, or None."""
    if value is None:
        return None
    low_ok = (lambda v: v > 0) if open_low else (lambda v: v >= 0)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not (low_ok(value) and value <= 1):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValueError(f"`{name}` must be a number in {interval} or None. Received {name}={value!r}.")
    return float(value)


class ClassDistribution(NamedTuple):
    """One class's score histograms and PR table, for TensorBoard."""

    name: str
    positives: np.ndarray  # histogram of the positives' scores
    negatives: np.ndarray  # histogram of the negatives' scores
    pr_table: np.ndarray | None  # None when some score is not finite


class _PendingDistributions(NamedTuple):
    """Distributions taken before the pass's scores were sorted in place."""

    data: object
    distributions: list


class ROCCallback(ValidationCallback):
    """Exact ROC AUC and log loss in the epoch logs; ROC curves in TensorBoard.

    Without `validation_data`, the callback reuses the validation pass that
    `model.fit(validation_data=...)` already makes (no extra forward pass),
    and its values arrive with Keras's own validation logs, so any order of
    `callbacks=[...]` works. With `validation_data`, the model predicts on it
    once per epoch (shared with a `ConfusionMatrixCallback` given the same
    data), and callbacks monitoring the keys must come after this one.

    Logs keys: `val_roc_auc` (binary AUC, or the macro one-vs-rest average),
    `val_roc_auc_micro` and `val_roc_auc_macro` (multiclass, multilabel),
    `val_average_precision` (and `_micro`), `val_log_loss`, `val_brier_score`,
    and with the options `val_roc_auc_partial`, `val_sensitivity_at_specificity`
    and `val_specificity_at_sensitivity` (`LOG_KEYS`, `OPTIONAL_LOG_KEYS`),
    exact on the whole validation set, for `EarlyStopping`,
    `ModelCheckpoint`, `ReduceLROnPlateau`, `CSVLogger` and `History`. Use
    `mode="max"` for AUC monitors: Keras cannot infer the direction of a key
    it does not know.

    With `log_dir`, a background thread writes to `<log_dir>/validation` (the
    run `keras.callbacks.TensorBoard` uses): scalars `epoch_roc_auc`, ...
    beside `epoch_loss`, per-class AUCs, for binary tasks sensitivity and
    specificity at `threshold` and at Youden's optimum and the DeLong
    interval, the ROC figure as an image, score histograms of positives and
    negatives per class, interactive PR curves, and the data of TensorBoard's
    ROC tab (every epoch's exact curves as small tensors, plugin `keras_roc`:
    docs/tensorboard_tab.md). Step = epoch index.
    Figures are drawn in a low-priority helper process (`keras_roc._render`;
    `KERAS_ROC_DRAW=thread` draws on the writer thread instead).

    Args:
        validation_data: `(x, y)` or `(x, y, sample_weight)` arrays (NumPy,
            tensors, dicts of inputs), a `tf.data.Dataset` yielding `(x, y)`
            or `(x, y, w)`, or a `keras.utils.PyDataset`; None reuses fit's
            validation pass. Defaults to `None`.
        log_dir: TensorBoard log directory; None writes no events. Defaults
            to `None`.
        class_names: Names of the classes (binary: negative, positive).
            Defaults to `None` (`"0"`, `"1"`, ...).
        from_logits: Whether the model outputs logits (sigmoid or softmax
            is applied first). Defaults to `None`: as the model's compiled
            loss says (e.g. `BinaryCrossentropy(from_logits=True)`), else
            probabilities, with one warning and NaN log loss if the outputs
            fall outside [0, 1].
        task: `"binary"`, `"multiclass"`, `"multilabel"` or `"auto"`.
            Defaults to `"auto"`.
        prefix: Prefix of the logs keys when `validation_data` is given
            (fit's pass always uses Keras's `"val_"`). Defaults to `"val_"`.
        threshold: Decision threshold for sensitivity and specificity.
            Defaults to `0.5`.
        image_every: When to draw the ROC image. `"auto"`: the last epoch
            always (drawn after `fit` returns, without making it wait), and
            epochs in between only while drawing takes at most 2% of the
            training time (`keras_roc.tensorboard.IMAGE_TIME_SHARE`); the
            ROC tab has every epoch's curves. An integer k: every k epochs;
            0 or None: never. Defaults to `"auto"`.
        batch_size: Prediction batch size for array data. Defaults to `None`
            (Keras's default).
        output: Name or index of the output to evaluate, for multi-output
            models. Defaults to `None`.
        histograms: Write score histograms and PR curves. Defaults to `True`.
        max_classes_in_tensorboard: Per-class scalars, histograms and PR
            curves are written for at most this many classes. Defaults to
            `20`.
        max_fpr: Log McClish's standardized partial AUC over false-positive
            rates up to this value, in (0, 1], as `val_roc_auc_partial`.
            Defaults to `None` (not logged).
        target_specificity: Binary: log the highest sensitivity whose
            specificity reaches this value, in [0, 1], as
            `val_sensitivity_at_specificity`, and mark the point on the ROC
            image. Defaults to `None`.
        target_sensitivity: Binary: the reverse, as
            `val_specificity_at_sensitivity`. Defaults to `None`.
        verbose: 1 prints the per-class AUCs each epoch. Defaults to `0`
            (the progress bar already shows the logs keys).
        on_result: Called as `on_result(epoch, result)` after each validated
            epoch of `fit` (not in `model.evaluate`), on the training
            thread, with the epoch index and that epoch's full
            `keras_roc.ROCResult`: for any tracker (MLflow, W&B, a
            database). An exception in it is reported once per fit as a
            warning and training goes on. Defaults to `None`.

    Attributes:
        result: The latest `keras_roc.ROCResult` (None before the first
            validation pass).

    Also works in `model.evaluate(x, y, callbacks=[roc])`: the keys (without
    `val_`) come back in what `evaluate` returns, events go to
    `<log_dir>/evaluation` at step 0, 1, ... for each such call.

    Example:

    ```python
    roc = keras_roc.ROCCallback(log_dir="runs/exp1")
    stop = keras.callbacks.EarlyStopping(
        monitor="val_roc_auc", mode="max", patience=5, restore_best_weights=True)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=100,
              callbacks=[roc, stop])
    ```
    """

    def __init__(
        self,
        validation_data=None,
        *,
        log_dir=None,
        class_names=None,
        from_logits=None,
        task="auto",
        prefix="val_",
        threshold=0.5,
        image_every="auto",
        batch_size=None,
        output=None,
        histograms=True,
        max_classes_in_tensorboard=20,
        max_fpr=None,
        target_specificity=None,
        target_sensitivity=None,
        verbose=0,
        on_result=None,
    ):
        super().__init__(
            validation_data,
            log_dir=log_dir,
            class_names=class_names,
            from_logits=from_logits,
            task=task,
            threshold=threshold,
            image_every=image_every,
            batch_size=batch_size,
            output=output,
            verbose=verbose,
        )
        if not isinstance(prefix, str):
            raise TypeError(f"`prefix` must be a string. Received prefix={prefix!r}.")
        if validation_data is None and prefix != "val_":
            raise ValueError(
                "`prefix` applies to the callback's own `validation_data`; "
                "fit's validation pass is always logged as 'val_...'. "
                f"Received prefix={prefix!r} without validation_data."
            )
        max_classes_in_tensorboard = validation.check_int(max_classes_in_tensorboard, "max_classes_in_tensorboard", 1)
        self.max_fpr = _fraction(max_fpr, "max_fpr", open_low=True)
        self.target_specificity = _fraction(target_specificity, "target_specificity")
        self.target_sensitivity = _fraction(target_sensitivity, "target_sensitivity")
        self.prefix = prefix
        self.histograms = bool(histograms)
        self.max_classes_in_tensorboard = max_classes_in_tensorboard
        self.on_result = _listeners.check_on_result(on_result)
        # AUCEarlyStopping, ThresholdCheckpoint of the running fit (`_listeners`).
        self._listeners = _listeners.Listeners()
        self._clear_results()

    def _clear_results(self):
        """The latest result and the current pass's (also per run)."""
        self.result = None
        self._pass_index = None
        self._pass_data = None
        self._pass_value = None
        self._pending_distributions = None

    @property
    def _prefix(self):
        return self.prefix

    def _log_keys(self):
        return _ALL_LOG_KEYS

    def _keys_for(self, task):
        """The logs keys of a run of `task`, with those of the options given."""
        optional = tuple(
            key
            for option, (key, tasks) in OPTIONAL_LOG_KEYS.items()
            if getattr(self, option) is not None and task in tasks
        )
        return LOG_KEYS[task] + optional

    @property
    def _evaluation_options(self):
        """`evaluate`'s options of this callback (only those given)."""
        options = {
            "max_fpr": self.max_fpr,
            "target_specificity": self.target_specificity,
            "target_sensitivity": self.target_sensitivity,
        }
        return {name: value for name, value in options.items() if value is not None}

    def _reset_run(self):
        super()._reset_run()
        self._clear_results()

    def _attach_capture(self, callback_list, source):
        super()._attach_capture(callback_list, source)
        capture = self._capture
        if capture.values is not None:
            raise ValueError(
                "Only one ROCCallback per fit can reuse fit's validation "
                "pass (they would write the same 'val_roc_auc'); give "
                "the others their own `validation_data` and `prefix`."
            )
        capture.keys = self._keys_for(self._task)
        capture.values = self._values_for_pass

    def _values_for_pass(self):
        """The logs values of the captured pass (Keras adds the `val_`)."""
        scalars = self._result_for_pass().scalars()
        return {key: scalars.get(key, math.nan) for key in self._capture.keys}

    def _result_for_pass(self):
        """The exact result of the current captured pass (computed once)."""
        index = self._capture.pass_index
        if self._pass_index != index:
            data = self._captured()
            self._pass_index, self._pass_data, self._pass_value = index, data, self._evaluate(data)
        return self._pass_value

    def on_epoch_end(self, epoch, logs=None):
        if self._capture is not None:
            self._complete_csv_columns(logs)
            index = self._capture.pass_index
            if index == self._last_pass_seen or index < 0 or self._capture.retired:
                return  # no validation pass this epoch (validation_freq)
            self._last_pass_seen = index
            result = self._result_for_pass()
            data, self._pass_data = self._pass_data, None  # free the arrays
            if logs is not None and self.prefix + "roc_auc" not in logs:
                # A custom test_step whose logs Keras used instead of the
                # metrics': add the keys here (callbacks after this one see them).
                values = result.scalars()
                logs.update({self.prefix + key: values.get(key, math.nan) for key in self._capture.keys})
        else:
            data = self._predictions(epoch)
            self._listeners.scores(self, data)
            result = self._evaluate(data)
            values = result.scalars()
            if logs is not None:
                logs.update({self.prefix + key: values.get(key, math.nan) for key in self._keys_for(result.task)})
        self._report(epoch, data, result, f"Epoch {epoch + 1}: {self._prefix}")

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._point_to_roc_tab()

    def _on_pass_end(self, step, logs):
        result = self._result_for_pass()
        data, self._pass_data = self._pass_data, None
        self._report(step, data, result, f"Evaluation {step}: ")

    def _report(self, step, data, result, label):
        self.result = result
        if not self._evaluating:
            self._listeners.result(self, step, result)
            _listeners.call_on_result(self, step, result)
        if self.verbose:
            parts = [f"{name} {auc:.4f}" for name, auc in result.per_class_auc.items()]
            print(f"{label}roc_auc {result.auc:.4f} | " + ", ".join(parts))
        if self._writer is not None:
            self._queue_events(step, data, result)

    def _find_csv_loggers(self, context):
        """CSVLoggers that need our columns: see `_complete_csv_columns`."""
        callbacks = context.callbacks
        if self not in callbacks or _checks.validates(
            context.get("initial_epoch", 0), context.get("validation_freq", 1)
        ):
            return
        position = callbacks.index(self)
        loggers = [(index, c) for index, c in enumerate(callbacks) if isinstance(c, keras.callbacks.CSVLogger)]
        self._csv_loggers_after = tuple(c for index, c in loggers if index > position)
        if any(index < position for index, _ in loggers):
            self._warn_once(
                "a CSVLogger comes before ROCCallback in `callbacks` and fit's "
                "first epoch has no validation pass (`validation_freq`): CSVLogger "
                "fixes its columns at the first epoch, so it would write no "
                "'val_roc_auc' column. Put ROCCallback before CSVLogger."
            )

    def _complete_csv_columns(self, logs):
        """Adds our keys to the columns a later CSVLogger is about to fix.

        CSVLogger takes its columns from the first epoch's logs and, when
        these have no validation keys (`validation_freq > 1`), adds
        `val_<key>` for each training key only: ours would be missing.
        """
        if logs is None or any(key.startswith("val_") for key in logs):
            return
        for logger in self._csv_loggers_after:
            if hooks.csv_columns(logger) is None:
                columns = sorted(logs)
                columns += [f"val_{key}" for key in columns]  # as CSVLogger does
                columns += [self.prefix + key for key in self._keys_for(self._task) if self.prefix + key not in columns]
                hooks.set_csv_columns(logger, columns)

    def _before_evaluation(self, data):
        if not self._evaluating:
            self._listeners.scores(self, data)  # before the scores are sorted in place
        # The scores are sorted in place once evaluated: take what the
        # histograms and PR curves need first.
        if self._writer is not None and self.histograms:
            self._pending_distributions = _PendingDistributions(data, self._distributions(data))

    def _distributions(self, data):
        """A `ClassDistribution` per class (at most `max_classes_in_tensorboard`).

        Small, computed in O(n) on the training thread, so queued jobs never
        hold the predictions.
        """
        checked = metrics._validate(data.y_true, data.y_score, self.task, self.class_names, None)
        scores = metrics._probabilities(checked.task, checked.scores, self._from_logits)
        names = checked.names[1:] if checked.task == "binary" else checked.names
        distributions = []
        for name, positive, column in _one_vs_rest(checked, scores, names[: self.max_classes_in_tensorboard]):
            finite = np.isfinite(column).all()
            distributions.append(
                ClassDistribution(
                    name,
                    tensorboard.histogram_data(column[positive]),
                    tensorboard.histogram_data(column[~positive]),
                    tensorboard.pr_curve_data(positive, column, data.sample_weight) if finite else None,
                )
            )
        return distributions

    def _queue_events(self, epoch, data, result):
        writer = self._writer
        scalars = {
            f"epoch_{key}": value
            for key, value in result.scalars().items()
            # keras.callbacks.TensorBoard writes the logs keys itself when it
            # sees them: writing them too would duplicate every point.
            if not (self._keras_tensorboard_logs_keys and key in self._keys_for(result.task))
        }
        names = list(result.per_class_auc)[: self.max_classes_in_tensorboard]
        if result.task != "binary":
            scalars.update({f"roc_auc_per_class/{n}": result.per_class_auc[n] for n in names})
        distributions = []
        if self.histograms:
            pending, self._pending_distributions = self._pending_distributions, None
            ready = pending is not None and pending.data is data
            distributions = pending.distributions if ready else self._distributions(data)

        max_classes = self.max_classes_in_tensorboard

        def write_light():
            writer.scalars(scalars, step=epoch)
            # The ROC tab's data (keras_roc_tensorboard serves it): small tensors, no drawing.
            tensorboard_tab.write_tab(writer, result, epoch, max_classes)
            for item in distributions:
                writer.histogram(f"scores/{item.name}/positives", item.positives, step=epoch)
                writer.histogram(f"scores/{item.name}/negatives", item.negatives, step=epoch)
                if item.pr_table is not None:
                    writer.pr_curve(f"pr_curve/{item.name}", item.pr_table, step=epoch)
            writer.flush()

        def write_figure():
            spec = _render.DrawSpec("plot_roc", (result,), {"title": f"ROC, epoch {epoch}"})
            writer.image("roc_curve", _render.draw_png(spec), step=epoch)
            writer.flush()

        self._submit(write_light, heavy=False)
        self._submit_images(epoch, write_figure)


def _one_vs_rest(checked, scores, names):
    """Yields (class name, positive mask, probabilities) per class in `names`."""
    if checked.task == "binary":
        yield names[0], checked.labels == 1, scores
        return
    for index, name in enumerate(checked.names):
        if name not in names:
            continue
        if checked.task == "multiclass":
            positive = checked.labels == index
        else:
            positive = checked.labels[:, index] == 1
        yield name, positive, scores[:, index]
