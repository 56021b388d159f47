"""Keras callbacks: exact ROC AUC in the epoch logs, curves in TensorBoard.

This module, `keras_roc._capture` and `keras_roc._keras_hooks` (every
Keras and CPython internal keras_roc relies on) are the only ones that
import Keras (and so TensorFlow).

Logs keys (public API), present in the epoch logs for `History`,
`EarlyStopping`, `ModelCheckpoint`, `ReduceLROnPlateau`, `CSVLogger`,
`keras.callbacks.TensorBoard` and the progress bar:

- `val_roc_auc`: binary AUC, or the macro one-vs-rest average (multiclass,
  multilabel), exact on the whole validation set;
- `val_roc_auc_micro`, `val_roc_auc_macro`: multiclass and multilabel only;
- `val_log_loss`.

With its own `validation_data`, `ROCCallback` uses `prefix` instead of
`"val_"`. Undefined values are NaN (never 0.0), with one warning per fit.
TensorBoard tags are listed in `keras_roc.tensorboard.TAGS`.

Two ways to get the validation predictions:

- No `validation_data` given to the callbacks (recommended): they reuse the
  pass that `model.fit(validation_data=...)` already makes. Each validation
  batch's labels, predictions and weights are copied out of the compiled
  test step (an override of the public `Model.compute_metrics`), so the
  validation set goes through the model once per epoch, and the values
  arrive through Keras's own validation logs: every other callback sees
  them whatever the order of `callbacks=[...]` (see `keras_roc._capture`
  for what is captured, and how nothing outlives the fit).
- With `validation_data=...`: one prediction pass per epoch, shared by every
  keras_roc callback of the fit. Callbacks that monitor the keys must come
  after ours in the list; the other order fails at the start of `fit`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
import sys
import warnings
import weakref

import keras
import numpy as np

from keras_roc import _capture
from keras_roc import _keras_hooks as hooks
from keras_roc import _render
from keras_roc import metrics
from keras_roc import tensorboard

__all__ = ["ROCCallback", "ConfusionMatrixCallback", "LOG_KEYS"]

#: Keys ROCCallback puts into the epoch logs, by task, before the prefix.
LOG_KEYS = {
    "binary": ("roc_auc", "log_loss"),
    "multiclass": ("roc_auc", "roc_auc_micro", "roc_auc_macro", "log_loss"),
    "multilabel": ("roc_auc", "roc_auc_micro", "roc_auc_macro", "log_loss"),
}
_ALL_LOG_KEYS = ("roc_auc", "roc_auc_micro", "roc_auc_macro", "log_loss")

# Predictions of the current epoch from the callbacks' own validation data,
# shared by every keras_roc callback of a model (one pass, not two).
_SHARED_PREDICTIONS = weakref.WeakKeyDictionary()

#: Loss names whose Keras functions take probabilities (their default
#: `from_logits=False`), for `from_logits=None`.
_PROBABILITY_LOSSES = frozenset({
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
})


def _loss_from_logits(loss, output, output_names):
    """What a compiled loss says of the evaluated output: True (logits),
    False (probabilities) or None (it does not say)."""
    if isinstance(loss, dict):
        loss = loss.get(output) if output in loss else (next(iter(loss.values())) if len(loss) == 1 else None)
    elif isinstance(loss, (list, tuple)):
        names = list(output_names or ())
        index = names.index(output) if isinstance(output, str) and output in names else output
        if index is None and len(loss) == 1:
            index = 0
        loss = loss[index] if isinstance(index, int) and -len(loss) <= index < len(loss) else None
    if isinstance(loss, str):
        return False if loss in _PROBABILITY_LOSSES else None
    get_config = getattr(loss, "get_config", None)
    if not callable(get_config):
        return None  # a plain function: it does not say
    try:
        said = get_config().get("from_logits")
    except Exception:  # a custom loss whose config cannot be built
        return None
    return None if said is None else bool(said)


def _validates(epoch, validation_freq):
    """Whether fit runs a validation pass after `epoch` (as Keras decides)."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    try:
        return epoch + 1 in validation_freq
    except TypeError:
        return True


def _to_numpy(value):
    if value is None:
        return None
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _leaves(structure, path=""):
    """(path, array) for every array in nested dicts/lists of arrays."""
    if structure is None:
        return
    if isinstance(structure, dict):
        for key, value in structure.items():
            yield from _leaves(value, f"{path}[{key!r}]")
    elif isinstance(structure, (list, tuple)) and _capture.is_output_list(structure):
        for index, value in enumerate(structure):
            yield from _leaves(value, f"{path}[{index}]")
    elif np.ndim(structure) == 0:
        raise ValueError(
            f"`validation_data` parts must be arrays with one row per sample; "
            f"received a scalar {structure!r}."
        )
    else:
        yield path, structure


def _is_tf_dataset(data):
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(data, tf.data.Dataset)


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class _ValidationSource:
    """`validation_data` normalised: arrays, a tf.data.Dataset or a PyDataset."""

    def __init__(self, data, batch_size):
        self.batch_size = batch_size
        self.data = data
        if isinstance(data, (tuple, list)):
            if len(data) not in (2, 3):
                raise ValueError(
                    "`validation_data` must be (x, y) or (x, y, sample_weight)"
                    f"; received a {type(data).__name__} of length {len(data)}."
                )
            self.kind = "arrays"
            self.x, self.y = data[0], data[1]
            self.sample_weight = data[2] if len(data) == 3 else None
            self.key = ("arrays",) + tuple(id(part) for part in data)
            if self.y is None:
                raise ValueError(
                    "`validation_data` has no labels: pass (x, y) or (x, y, "
                    "sample_weight), not y=None."
                )
            lengths = {
                f"{name}{path}": len(leaf)
                for name, part in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight))
                for path, leaf in _leaves(part)
            }
            if len(set(lengths.values())) > 1:
                raise ValueError(
                    "`validation_data` parts must have the same number of "
                    f"samples. Received lengths {lengths}."
                )
            self.n_samples = next(iter(lengths.values()), None)
        elif isinstance(data, keras.utils.PyDataset):
            self.n_samples = None
            self.kind = "pydataset"
            self.key = ("pydataset", id(data))
        elif _is_tf_dataset(data):
            self.n_samples = None
            self.kind = "dataset"
            self.key = ("dataset", id(data))
        else:
            raise TypeError(
                "`validation_data` must be a tuple (x, y) or (x, y, "
                "sample_weight), a tf.data.Dataset or a keras.utils.PyDataset."
                f" Received {type(data).__name__}."
            )

    def first_batch(self):
        """(x, y) of the first batch (arrays: all of them)."""
        if self.kind == "arrays":
            return self.x, self.y
        for batch in self._batches():
            return keras.utils.unpack_x_y_sample_weight(batch)[:2]
        raise ValueError("`validation_data` yields no batches.")

    def _batches(self):
        if self.kind == "dataset":
            yield from self.data
        else:
            for index in range(len(self.data)):
                yield self.data[index]

    @classmethod
    def of_fit(cls, data, batch_size):
        """fit's `validation_data`, or None if it cannot be iterated again
        (a generator or iterator, which Keras also accepts)."""
        if isinstance(data, (tuple, list)) or isinstance(data, keras.utils.PyDataset) or _is_tf_dataset(data):
            return cls(data, batch_size)
        return None

    def predict(self, model, output):
        """Runs the validation data through the model once."""
        names = getattr(model, "output_names", None)
        if self.kind == "arrays":
            scores = model.predict(self.x, batch_size=self.batch_size, verbose=0)
            return _capture.Predictions(
                _to_numpy(_capture.select(self.y, output, "labels", names)),
                np.asarray(_to_numpy(_capture.select(scores, output, "predictions", names)), np.float32),
                _to_numpy(_capture.select(self.sample_weight, output, "sample weights", names)),
            )
        labels, scores, weights = [], [], []
        for batch in self._batches():
            x, y, w = keras.utils.unpack_x_y_sample_weight(batch)
            labels.append(_to_numpy(_capture.select(y, output, "labels", names)))
            predicted = _capture.select(model.predict_on_batch(x), output, "predictions", names)
            scores.append(np.asarray(_to_numpy(predicted), np.float32))
            weights.append(_to_numpy(_capture.select(w, output, "sample weights", names)))
        if not labels:
            raise ValueError("`validation_data` yielded no batches this epoch.")
        return _capture.Predictions(np.concatenate(labels), np.concatenate(scores), _capture.join_weights(weights))


class _ValidationCallback(keras.callbacks.Callback):
    """Shared machinery: validation data, one prediction pass, writers.

    No batch-level hook is overridden, so Keras keeps dispatching batch
    callbacks asynchronously.
    """

    # The TensorBoard run, as keras.callbacks.TensorBoard names it.
    _run_name = "validation"
    # The run of `model.evaluate(..., callbacks=[...])`.
    _evaluation_run_name = "evaluation"

    def __init__(
        self,
        validation_data=None,
        *,
        log_dir=None,
        class_names=None,
        from_logits=None,
        task="auto",
        threshold=0.5,
        image_every=1,
        batch_size=None,
        output=None,
        verbose=0,
    ):
        super().__init__()
        if task not in ("auto",) + metrics.TASKS:
            raise ValueError(
                f"`task` must be 'auto' or one of {metrics.TASKS}. Received task={task!r}."
            )
        if not _is_integer(image_every) or image_every < 0:
            raise ValueError(
                "`image_every` must be an integer >= 0 (0 writes no images). "
                f"Received image_every={image_every!r}."
            )
        if batch_size is not None and (not _is_integer(batch_size) or batch_size < 1):
            raise ValueError(f"`batch_size` must be a positive integer or None. Received batch_size={batch_size!r}.")
        if not (_is_real(threshold) and 0 <= threshold <= 1):
            raise ValueError(f"`threshold` must be a probability in [0, 1]. Received threshold={threshold!r}.")
        if from_logits is not None and not isinstance(from_logits, (bool, np.bool_)):
            raise TypeError(
                "`from_logits` must be True, False or None (None: as the model's "
                f"compiled loss says). Received from_logits={from_logits!r}."
            )
        if output is not None and (isinstance(output, bool) or not isinstance(output, (str, int))):
            raise TypeError(f"`output` must be an output's name or index, or None. Received output={output!r}.")
        if class_names is not None:
            if isinstance(class_names, str):
                raise TypeError(f"`class_names` must be a sequence of names, not a string. Received {class_names!r}.")
            class_names = tuple(str(name) for name in class_names)
        batch_size = None if batch_size is None else int(batch_size)
        self.validation_data = validation_data
        self._source = None if validation_data is None else _ValidationSource(validation_data, batch_size)
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self.class_names = class_names
        self.from_logits = None if from_logits is None else bool(from_logits)
        self.task = task
        self.threshold = float(threshold)
        self.image_every = int(image_every)
        self.batch_size = batch_size
        self.output = output
        self.verbose = verbose
        # Per run (fit or evaluate), reset by `_reset_run`.
        self._writer = None
        self._worker = None
        self._capture = None
        self._fit_owner = None
        self._warned = set()
        self._skip_reported = False
        self._task = task
        self._from_logits = bool(from_logits)
        self._last_pass_seen = -1
        self._keras_tensorboard_logs_keys = False
        self._csv_loggers_after = ()
        self._evaluating = False
        self._evaluations = 0

    # -- lifecycle -----------------------------------------------------------

    def _reset_run(self):
        self._warned = set()
        self._skip_reported = False
        self._close_writer()
        _SHARED_PREDICTIONS.pop(self.model, None)
        self._last_pass_seen = -1
        self._keras_tensorboard_logs_keys = False
        self._csv_loggers_after = ()
        self._evaluating = False

    def on_train_begin(self, logs=None):
        context = hooks.FitArguments()
        self._reset_run()
        if self._capture is not None:  # left by a fit that raised
            self._capture.users.discard(self)
            self._capture = None
        fit_source = None
        if self._source is None:
            if not context.known or context.callback_list is None:
                raise ValueError(
                    f"{type(self).__name__} could not find the arguments of "
                    "`model.fit` (an unsupported Keras version, or the "
                    "callback was not called by `fit`); pass "
                    "`validation_data=(x_val, y_val)` to the callback."
                )
            if context.get("validation_data") is None:
                raise ValueError(
                    f"{type(self).__name__} has no validation data: pass "
                    "`validation_data=(x_val, y_val)` to `model.fit` (the "
                    "callback then reuses fit's validation pass) or to the "
                    "callback itself."
                )
            fit_source = _ValidationSource.of_fit(context.get("validation_data"), self.batch_size)
        self._fit_owner = None if context.callback_list is None else hooks.Owner(context.callback_list)
        self._task = self._check_model_and_labels(self._source or fit_source)
        self._from_logits = self._resolve_from_logits()
        self._check_order(context)
        if self._source is None:
            self._attach_capture(context.callback_list, fit_source)
            self._find_csv_loggers(context)
        self._open_writer(self._run_name)

    def _open_writer(self, run_name):
        # Under a multi-worker strategy only the chief writes events.
        strategy = getattr(self.model, "distribute_strategy", None)
        chief = getattr(getattr(strategy, "extended", None), "should_save_summary", True)
        if self.log_dir is not None and chief:
            run_dir = os.path.join(self.log_dir, run_name)
            tensorboard.check_writable(run_dir)
            self._writer, self._worker = tensorboard.open_run(run_dir)

    @property
    def _uses_capture(self):
        return self._source is None

    def on_train_end(self, logs=None):
        self.flush()
        self._close_writer()
        self._release_capture()
        self._fit_owner = None

    def _release_capture(self):
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.users.discard(self)
            if not capture.users:
                capture.retire()

    def flush(self):
        """Waits until everything queued for TensorBoard is on disk."""
        if self._worker is not None:
            self._worker.wait()
            self._report_worker()

    def _close_writer(self):
        if self._writer is not None:
            tensorboard.close_run(self._writer)
            self._writer = None

    def on_test_begin(self, logs=None):
        if self._fit_owner is not None and self._fit_owner.running():
            if self._capture is not None:
                self._capture.begin_pass()
            return
        self._begin_evaluation()

    def on_test_end(self, logs=None):
        if self._evaluating:
            self._end_evaluation()
        elif self._capture is not None:
            self._capture.end_pass()

    # -- model.evaluate(..., callbacks=[...]) -------------------------------------

    def _begin_evaluation(self):
        """Scores the data of an `evaluate` given this callback, as fit's pass."""
        callback_list = hooks.calling_callback_list()
        if callback_list is None:
            raise ValueError(
                f"{type(self).__name__} could not find the `evaluate` call it "
                "was given to (an unsupported Keras version); score a test "
                "set with `keras_roc.evaluate(y_test, model.predict(x_test))`."
            )
        if self._source is not None:
            raise ValueError(
                f"{type(self).__name__} was given to `model.evaluate` but was "
                "created with `validation_data`, which is for `fit`. In "
                "`evaluate` the callbacks score the data `evaluate` is given: "
                "create them without `validation_data`."
            )
        self._release_capture()
        self._fit_owner = None
        self._reset_run()
        self._evaluating = True
        self._task = self._check_model_and_labels(None)
        self._from_logits = self._resolve_from_logits()
        self._attach_capture(callback_list, None)
        self._capture.begin_pass()
        self._open_writer(self._evaluation_run_name)

    def _end_evaluation(self):
        self._capture.end_pass()
        try:
            self._on_pass_end(self._evaluations, None)
            self.flush()
        finally:
            self._evaluations += 1
            self._evaluating = False
            self._close_writer()
            self._release_capture()

    def _on_pass_end(self, step, logs):
        """Per pass: results, verbose output, TensorBoard (subclasses)."""

    # -- checks before training -------------------------------------------------

    def _output_width(self, source):
        outputs = getattr(self.model, "outputs", None)
        if outputs and len(outputs) == 1 and self.output is None:
            shape = tuple(outputs[0].shape)
        elif outputs and isinstance(self.output, (int, str)) and len(outputs) > 1:
            names = list(getattr(self.model, "output_names", None) or ())
            index = names.index(self.output) if self.output in names else self.output
            if not isinstance(index, int) or not -len(outputs) <= index < len(outputs):
                raise ValueError(
                    f"`output={self.output!r}` is not one of the model's outputs {names} "
                    f"nor an index below {len(outputs)}."
                )
            shape = tuple(outputs[index].shape)
        elif source is not None:  # subclassed model
            x, _ = source.first_batch()
            sample = keras.tree.map_structure(lambda a: a[:2], x)
            predicted = _capture.select(
                self.model.predict_on_batch(sample), self.output, "predictions", getattr(self.model, "output_names", None)
            )
            shape = np.shape(_to_numpy(predicted))
        else:
            return None
        return shape[-1] if len(shape) > 1 else 1

    def _check_model_and_labels(self, source):
        """Validates labels against the model's output; returns the task."""
        width = self._output_width(source)
        if source is None or width is None:
            return self._task_from_width(width)
        names = getattr(self.model, "output_names", None)
        labels = _to_numpy(_capture.select(source.first_batch()[1], self.output, "labels", names))
        if labels is None or labels.ndim == 0:
            raise ValueError(
                f"{type(self).__name__}: the validation labels must have one "
                f"row per sample; received {labels!r}."
            )
        scores = np.zeros((labels.shape[0], width), np.float32)
        try:
            checked = metrics._validate(labels, scores, self.task, self.class_names, None)
        except (ValueError, TypeError) as error:
            raise type(error)(
                f"{type(self).__name__}: the validation labels do not fit the "
                f"model's output. The model has {width} output(s) per sample; "
                f"the labels have shape {labels.shape}. {error}"
            ) from None
        return checked.task

    def _task_from_width(self, width):
        if self.task != "auto":
            return self.task
        return "binary" if width in (1, 2, None) else "multiclass"

    def _resolve_from_logits(self):
        """`from_logits` for this run: as given, else as the compiled loss says."""
        said = _loss_from_logits(hooks.compiled_loss(self.model), self.output, getattr(self.model, "output_names", None))
        if self.from_logits is None:
            return bool(said)
        if said is not None and said != self.from_logits:
            self._warn_once(
                f"`from_logits={self.from_logits}` was given, but the model's loss is "
                f"compiled with from_logits={said}; the scores are treated as "
                f"{'logits' if self.from_logits else 'probabilities'} as given. Leave "
                "`from_logits` unset to follow the loss."
            )
        return self.from_logits

    def _check_order(self, context):
        """Fails if a monitor-driven callback would run before our keys exist."""
        callbacks = context.callbacks
        if self not in callbacks:
            return
        position = callbacks.index(self)
        provided = {self._prefix + key for key in self._log_keys()}
        for index, other in enumerate(callbacks):
            if isinstance(other, keras.callbacks.TensorBoard) and self.log_dir is not None:
                same_dir = os.path.abspath(other.log_dir) == os.path.abspath(self.log_dir)
                # Keras's TensorBoard writes every logs key it sees: ours too,
                # if they are in the logs when it runs.
                if same_dir and (self._uses_capture or index > position):
                    self._keras_tensorboard_logs_keys = True
        if self._uses_capture:
            return  # the keys come with Keras's own validation logs: any order
        for earlier in callbacks[:position]:
            monitor = getattr(earlier, "monitor", None)
            if isinstance(monitor, str) and monitor in provided:
                raise ValueError(
                    f"{type(earlier).__name__}(monitor={monitor!r}) comes before "
                    f"{type(self).__name__} in `callbacks`, so it would read the "
                    f"epoch logs before {monitor!r} is added and never act on it. "
                    f"Put {type(self).__name__} first, e.g. callbacks=[roc, "
                    f"{type(earlier).__name__.lower()}], or create "
                    f"{type(self).__name__} without `validation_data` to reuse "
                    "fit's validation pass (then any order works)."
                )

    def _find_csv_loggers(self, context):
        """Hook for ROCCallback (CSVLogger columns)."""

    def _attach_capture(self, callback_list, source):
        capture = _capture.CAPTURES.get(self.model)
        if capture is not None and capture.owner.callback_list is not callback_list:
            if capture.owner.running():
                raise ValueError(
                    "keras_roc callbacks are already reusing the validation pass "
                    "of a running `fit` of this model (was `fit` or `evaluate` "
                    "called from inside it?). Give the callbacks of the inner "
                    "call their own `validation_data`, or use a separate model."
                )
            capture.retire()  # left over from a fit that raised
            capture = None
        if capture is not None and capture.output != self.output:
            raise ValueError(
                "keras_roc callbacks reusing fit's validation pass in one fit "
                f"must evaluate the same output; got {capture.output!r} and "
                f"{self.output!r}. Pass `validation_data=` to one of them."
            )
        if capture is None:
            capture = self._new_capture(callback_list, source)
            capture.install()
        capture.users.add(self)
        self._capture = capture
        if capture.copy_reason is not None:
            self._warn_fallback(capture.copy_reason)

    def _warn_fallback(self, reason):
        self._warn_once(
            f"fit's validation pass cannot be reused: {reason}; using one extra "
            "prediction pass over fit's validation data per epoch instead."
        )

    def _new_capture(self, callback_list, source):
        model, output = self.model, self.output
        copy_reason = None
        if getattr(model, "jit_compile", False):
            copy_reason = (
                "the model is compiled with jit_compile=True, and XLA cannot "
                "hand predictions back to Python from inside the compiled test step"
            )
            if source is None:
                raise ValueError(
                    f"{type(self).__name__}: {copy_reason}, and the data being "
                    "evaluated cannot be predicted again (a generator, or "
                    "`model.evaluate`). Compile with jit_compile=False, pass "
                    "`validation_data` as arrays or a tf.data.Dataset, or use "
                    "`keras_roc.evaluate(y, model.predict(x))`."
                )
        fallback = None if source is None else (lambda: source.predict(model, output))
        expected = None if source is None else source.n_samples
        return _capture.Capture(
            model, output, hooks.Owner(callback_list), expected, fallback=fallback, copy_reason=copy_reason
        )

    _prefix = "val_"

    def _log_keys(self):
        return ()

    # -- per epoch -------------------------------------------------------------

    def _captured(self):
        """The captured pass's predictions (predicted again if none came)."""
        data = self._capture.finish()
        if self._capture.fallback_reason is not None:
            self._warn_fallback(self._capture.fallback_reason)
        return data

    def _predictions(self, epoch):
        """This epoch's predictions: captured, or computed once and shared.

        None when fit ran no validation pass this epoch (`validation_freq`).
        """
        if self._capture is not None:
            if self._capture.pass_index == self._last_pass_seen or self._capture.retired:
                return None
            self._last_pass_seen = self._capture.pass_index
            return self._captured()
        cache = _SHARED_PREDICTIONS.setdefault(self.model, {})
        key = (self._source.key, repr(self.output), self.batch_size)
        entry = cache.get(key)
        if entry is None or entry[0] != epoch:
            cache.clear()  # keep only the current epoch: memory stays bounded
            entry = (epoch, self._source.predict(self.model, self.output))
            cache[key] = entry
        return entry[1]

    @property
    def _settings(self):
        """What `evaluate` depends on: callbacks with equal settings share results."""
        return (self._task if self.task == "auto" else self.task, self.class_names, self._from_logits, self.threshold)

    def _compute(self, data, overwrite=False):
        in_range = self._from_logits or data.check_range()
        result = metrics._evaluate(
            data.y_true,
            data.y_score,
            task=self.task,
            class_names=self.class_names,
            from_logits=self._from_logits,
            sample_weight=data.sample_weight,
            threshold=self.threshold,
            overwrite_scores=overwrite,
        )
        return result if in_range else _not_probabilities(result, data.score_columns)

    def _before_evaluation(self, data):
        """Work on `data` that needs the scores as predicted (see `Predictions.prepare`)."""

    def _evaluate(self, data):
        if data.users and not data.prepared:
            data.prepare()
        result = data.results.get(self._settings)
        if result is None:
            result = data.results[self._settings] = self._compute(data)
        for note in result.notes:
            if self._concerns_us(note):
                self._warn_once(note)
        return result

    def _concerns_us(self, note):
        return True

    def _warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            warnings.warn(f"{type(self).__name__}: {message}", UserWarning, stacklevel=3)

    def _images_due(self, epoch):
        return self.image_every > 0 and epoch % self.image_every == 0

    def _submit(self, job, heavy):
        """Queues writing work; heavy work is skipped when drawing lags."""
        queued = self._worker.submit(job, heavy=heavy)
        if not queued and not self._skip_reported:
            self._skip_reported = True
            self._warn_once(
                "TensorBoard images are being skipped because drawing falls "
                "behind training; raise `image_every` to draw less often."
            )
        self._report_worker()

    def _report_worker(self):
        for error in self._worker.pop_errors() if self._worker else ():
            self._warn_once(f"writing TensorBoard events failed: {error!r}")
        reason = _render.fallback_reason()
        if reason is not None:
            self._warn_once(
                f"figures are drawn on a thread of the training process, which slows "
                f"training, because the drawing helper process failed: {reason}"
            )


#: Notes of `metrics.evaluate` about AUCs and log loss, which
#: ConfusionMatrixCallback leaves to ROCCallback.
_AUC_NOTE_WORDS = ("ROC AUC", "micro average", "DeLong", "log loss")

_NOT_PROBABILITIES = (
    "the model's outputs fall outside [0, 1], so they are not probabilities "
    "(a model that outputs logits?), but the callbacks treat them as "
    "probabilities: pass `from_logits=True` to the callbacks, or compile with "
    "a loss that says so (e.g. `from_logits=True`), which they follow. Until "
    "then the log loss{and_auc} NaN."
)


def _not_probabilities(result, score_columns):
    """`result` of scores outside [0, 1] taken as probabilities.

    The log loss of such scores is undefined. The binary AUC of one score
    column and the multilabel AUCs are the same for logits and probabilities
    (sigmoid keeps the order); the multiclass ones are not (softmax mixes
    the columns), so they are NaN too.
    """
    nan = math.nan
    keeps_auc = result.task == "multilabel" or (result.task == "binary" and score_columns == 1)
    changes = {"log_loss": nan}
    if not keeps_auc:
        changes.update(
            auc=nan,
            auc_ci=(nan, nan) if result.auc_ci is not None else None,
            auc_se=nan if result.auc_se is not None else None,
            auc_micro=nan if result.auc_micro is not None else None,
            auc_macro=nan if result.auc_macro is not None else None,
            auc_weighted=nan if result.auc_weighted is not None else None,
            per_class_auc={name: nan for name in result.per_class_auc},
            per_class_ci={name: (nan, nan) for name in result.per_class_ci},
        )
    note = _NOT_PROBABILITIES.format(and_auc=" is" if keeps_auc else " and the AUCs are")
    changes["notes"] = result.notes + (note,)
    return dataclasses.replace(result, **changes)


class ROCCallback(_ValidationCallback):
    """Exact ROC AUC and log loss in the epoch logs; ROC curves in TensorBoard.

    Without `validation_data`, the callback reuses the validation pass that
    `model.fit(validation_data=...)` already makes (no extra forward pass),
    and its values arrive with Keras's own validation logs, so any order of
    `callbacks=[...]` works. With `validation_data`, the model predicts on it
    once per epoch (shared with a `ConfusionMatrixCallback` given the same
    data), and callbacks monitoring the keys must come after this one.

    Logs keys: `val_roc_auc` (binary AUC, or the macro one-vs-rest average),
    `val_roc_auc_micro` and `val_roc_auc_macro` (multiclass, multilabel) and
    `val_log_loss`, exact on the whole validation set, for `EarlyStopping`,
    `ModelCheckpoint`, `ReduceLROnPlateau`, `CSVLogger` and `History`. Use
    `mode="max"` for AUC monitors: Keras cannot infer the direction of a key
    it does not know.

    With `log_dir`, a background thread writes to `<log_dir>/validation` (the
    run `keras.callbacks.TensorBoard` uses): scalars `epoch_roc_auc`, ...
    beside `epoch_loss`, per-class AUCs, for binary tasks sensitivity and
    specificity at `threshold` and at Youden's optimum and the DeLong
    interval, the ROC figure as an image, score histograms of positives and
    negatives per class, and interactive PR curves. Step = epoch index.
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
        image_every: Write the ROC image every this many epochs (0: never).
            Defaults to `1`.
        batch_size: Prediction batch size for array data. Defaults to `None`
            (Keras's default).
        output: Name or index of the output to evaluate, for multi-output
            models. Defaults to `None`.
        histograms: Write score histograms and PR curves. Defaults to `True`.
        max_classes_in_tensorboard: Per-class scalars, histograms and PR
            curves are written for at most this many classes. Defaults to
            `20`.
        verbose: 1 prints the per-class AUCs each epoch. Defaults to `0`
            (the progress bar already shows the logs keys).

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
        image_every=1,
        batch_size=None,
        output=None,
        histograms=True,
        max_classes_in_tensorboard=20,
        verbose=0,
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
        if not _is_integer(max_classes_in_tensorboard) or max_classes_in_tensorboard < 1:
            raise ValueError(
                "`max_classes_in_tensorboard` must be a positive integer. "
                f"Received {max_classes_in_tensorboard!r}."
            )
        self.prefix = prefix
        self.histograms = bool(histograms)
        self.max_classes_in_tensorboard = max_classes_in_tensorboard
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

    def _reset_run(self):
        super()._reset_run()
        self.result = None
        self._pass_index = None
        self._pass_data = None
        self._pass_value = None
        self._pending_distributions = None

    def _attach_capture(self, callback_list, source):
        super()._attach_capture(callback_list, source)
        capture = self._capture
        if capture.values is not None:
            raise ValueError(
                "Only one ROCCallback per fit can reuse fit's validation "
                "pass (they would write the same 'val_roc_auc'); give "
                "the others their own `validation_data` and `prefix`."
            )
        capture.keys = LOG_KEYS[self._task]
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
            result = self._evaluate(data)
            values = result.scalars()
            if logs is not None:
                logs.update({self.prefix + key: values[key] for key in LOG_KEYS[result.task]})
        self._report(epoch, data, result, f"Epoch {epoch + 1}: {self._prefix}")

    def _on_pass_end(self, step, logs):
        result = self._result_for_pass()
        data, self._pass_data = self._pass_data, None
        self._report(step, data, result, f"Evaluation {step}: ")

    def _report(self, step, data, result, label):
        self.result = result
        if self.verbose:
            parts = [f"{name} {auc:.4f}" for name, auc in result.per_class_auc.items()]
            print(f"{label}roc_auc {result.auc:.4f} | " + ", ".join(parts))
        if self._writer is not None:
            self._queue_events(step, data, result)

    def _find_csv_loggers(self, context):
        """CSVLoggers that need our columns: see `_complete_csv_columns`."""
        callbacks = context.callbacks
        if self not in callbacks or _validates(context.get("initial_epoch", 0), context.get("validation_freq", 1)):
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
                columns += [self.prefix + key for key in LOG_KEYS[self._task] if self.prefix + key not in columns]
                hooks.set_csv_columns(logger, columns)

    def _before_evaluation(self, data):
        # The scores are sorted in place once evaluated: take what the
        # histograms and PR curves need first.
        if self._writer is not None and self.histograms:
            self._pending_distributions = (data, self._distributions(data))

    def _distributions(self, data):
        """Per class: (name, histogram of positives, of negatives, PR table).

        Small, computed in O(n) on the training thread, so queued jobs never
        hold the predictions.
        """
        checked = metrics._validate(data.y_true, data.y_score, self.task, self.class_names, None)
        scores = metrics._probabilities(checked.task, checked.scores, self._from_logits)
        names = checked.names[1:] if checked.task == "binary" else checked.names
        distributions = []
        for name, positive, column in _one_vs_rest(checked, scores, names[: self.max_classes_in_tensorboard]):
            distributions.append((
                name,
                tensorboard.histogram_data(column[positive]),
                tensorboard.histogram_data(column[~positive]),
                tensorboard.pr_curve_data(positive, column, data.sample_weight)
                if np.isfinite(column).all() else None,
            ))
        return distributions

    def _queue_events(self, epoch, data, result):
        writer = self._writer
        scalars = {
            f"epoch_{key}": value
            for key, value in result.scalars().items()
            # keras.callbacks.TensorBoard writes the logs keys itself when it
            # sees them: writing them too would duplicate every point.
            if not (self._keras_tensorboard_logs_keys and key in LOG_KEYS[result.task])
        }
        names = list(result.per_class_auc)[: self.max_classes_in_tensorboard]
        if result.task != "binary":
            scalars.update({f"roc_auc_per_class/{n}": result.per_class_auc[n] for n in names})
        draw = self._images_due(epoch)
        distributions = []
        if self.histograms:
            pending, self._pending_distributions = self._pending_distributions, None
            distributions = pending[1] if pending is not None and pending[0] is data else self._distributions(data)

        def write_light():
            writer.scalars(scalars, step=epoch)
            for name, positives, negatives, pr_table in distributions:
                writer.histogram(f"scores/{name}/positives", positives, step=epoch)
                writer.histogram(f"scores/{name}/negatives", negatives, step=epoch)
                if pr_table is not None:
                    writer.pr_curve(f"pr_curve/{name}", pr_table, step=epoch)
            writer.flush()

        def write_figure():
            spec = _render.DrawSpec("plot_roc", (result,), {"title": f"ROC, epoch {epoch}"})
            writer.image("roc_curve", _render.draw_png(spec), step=epoch)
            writer.flush()

        self._submit(write_light, heavy=False)
        if draw:
            self._submit(write_figure, heavy=True)


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


class ConfusionMatrixCallback(_ValidationCallback):
    """Confusion matrices (counts and row-normalized) in TensorBoard.

    At each epoch end the matrix of the validation set is drawn as the image
    `confusion_matrix` in `<log_dir>/validation`, every `image_every`
    epochs, in keras_roc's low-priority drawing process (see
    `keras_roc._render`), off the training thread. Without
    `validation_data` it reuses fit's validation pass; with it, the model
    predicts once per epoch, shared with a `ROCCallback` given the same
    data. Binary tasks use `threshold` (scores `>=` it are positive);
    multiclass tasks the argmax; multilabel tasks one 2x2 per label. The
    latest matrix is in `self.confusion_matrix` (None before the first
    pass). In `model.evaluate(x, y, callbacks=[cm])` it scores `evaluate`'s
    data and draws to `<log_dir>/evaluation`.

    Args:
        validation_data: As for `ROCCallback`; None reuses fit's validation
            pass. Defaults to `None`.
        log_dir: TensorBoard log directory; None keeps the matrix in memory
            only. Defaults to `None`.
        class_names: Names of the classes. Defaults to `None`.
        from_logits: Whether the model outputs logits (sigmoid or softmax
            is applied first). Defaults to `None`: as the model's compiled
            loss says (e.g. `BinaryCrossentropy(from_logits=True)`), else
            probabilities, with one warning and NaN log loss if the outputs
            fall outside [0, 1].
        task: As for `ROCCallback`. Defaults to `"auto"`.
        threshold: Binary/multilabel decision threshold. Defaults to `0.5`.
        image_every: Write the image every this many epochs (0: never).
            Defaults to `1`.
        batch_size: Prediction batch size for arrays. Defaults to `None`.
        output: Output to evaluate in multi-output models. Defaults to `None`.
        verbose: 1 prints the matrix each epoch. Defaults to `0`.

    Example:

    ```python
    cm = keras_roc.ConfusionMatrixCallback(log_dir="runs/exp1", class_names=names)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=10, callbacks=[cm])
    ```
    """

    def __init__(self, validation_data=None, **kwargs):
        super().__init__(validation_data, **kwargs)
        self.confusion_matrix = None

    def _reset_run(self):
        super()._reset_run()
        self.confusion_matrix = None

    def _concerns_us(self, note):
        # AUC and log-loss notes are ROCCallback's to give.
        return not any(word in note for word in _AUC_NOTE_WORDS)

    def on_epoch_end(self, epoch, logs=None):
        self._on_pass(epoch, f"Epoch {epoch + 1}")

    def _on_pass_end(self, step, logs):
        self._on_pass(step, f"Evaluation {step}")

    def _on_pass(self, step, label):
        data = self._predictions(step)
        if data is None:
            return  # no validation pass this epoch (validation_freq)
        matrix = self._evaluate(data)  # cheap next to the pass it shares
        self.confusion_matrix = matrix.confusion_matrix
        if self.verbose:
            print(f"{label}: confusion matrix\n{self.confusion_matrix}")
        if self._writer is not None and self._images_due(step):
            writer = self._writer
            title = f"Confusion matrix, {label.split()[0].lower()} {step}"

            def write_image():
                spec = _render.DrawSpec("plot_confusion_matrix", (matrix,), suptitle=title)
                writer.image("confusion_matrix", _render.draw_png(spec), step=step)
                writer.flush()

            self._submit(write_image, heavy=True)
