"""Keras callbacks: exact ROC AUC in the epoch logs, curves in TensorBoard.

This is the only keras_roc module that imports Keras (and so TensorFlow).

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
  them whatever the order of `callbacks=[...]`.
- With `validation_data=...`: one prediction pass per epoch, shared by every
  keras_roc callback of the fit. Callbacks that monitor the keys must come
  after ours in the list; the other order fails at the start of `fit`.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import threading
import warnings
import weakref

import keras
import numpy as np

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

# Frames searched upwards from `on_train_begin` for Keras's CallbackList and
# `fit` (see `_FitContext`).
_MAX_FRAMES = 12

# Predictions of the current epoch from the callbacks' own validation data,
# shared by every keras_roc callback of a model (one pass, not two).
_SHARED_PREDICTIONS = weakref.WeakKeyDictionary()
# The capture of fit's own validation pass, one per model.
_CAPTURES = weakref.WeakKeyDictionary()


class _Predictions:
    """Labels, scores (float32) and weights of one validation pass.

    Args:
        y_true, y_score, sample_weight: The pass's arrays.
        users: The callbacks sharing these predictions, when all of them are
            known (a captured pass): `prepare` then serves them all at once
            and may sort the scores in place. None: each callback evaluates
            on its own and the scores stay intact.
    """

    def __init__(self, y_true, y_score, sample_weight, users=None):
        self.y_true = y_true
        self.y_score = y_score
        self.sample_weight = sample_weight
        self.users = users
        self.prepared = False
        # Results by evaluation settings: callbacks sharing these predictions
        # and settings evaluate once.
        self.results = {}

    def prepare(self):
        """Evaluates the pass once for every callback sharing it.

        Work that needs the scores as predicted (ROCCallback's histograms and
        PR tables) runs first; the last evaluation then sorts the scores in
        place, as nothing needs them afterwards, so the peak memory stays
        near one copy of the predictions (`y_score` is None after it).
        """
        self.prepared = True
        users = list(self.users)
        for user in users:
            user._before_evaluation(self)
        todo = {}
        for user in users:
            todo.setdefault(user._settings, user)
        for position, (settings, user) in enumerate(todo.items()):
            last = position == len(todo) - 1
            self.results[settings] = user._compute(self, overwrite=last)
        if todo:
            self.y_score = None  # sorted in place by the last evaluation


def _to_numpy(value):
    if value is None:
        return None
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _select(structure, output, what):
    """Picks one output of a multi-output model's predictions or labels."""
    if isinstance(structure, dict):
        if output is None:
            if len(structure) == 1:
                return next(iter(structure.values()))
            raise ValueError(
                f"The model has {len(structure)} outputs {sorted(structure)}; "
                f"pass `output=` naming the one to evaluate ({what})."
            )
        if output not in structure:
            raise ValueError(
                f"`output={output!r}` is not one of the model's outputs "
                f"{sorted(structure)} ({what})."
            )
        return structure[output]
    if isinstance(structure, (list, tuple)) and _is_output_list(structure):
        if output is None:
            if len(structure) == 1:
                return structure[0]
            raise ValueError(
                f"The model has {len(structure)} outputs; pass `output=` with "
                f"the index of the one to evaluate ({what})."
            )
        if not isinstance(output, int) or not -len(structure) <= output < len(structure):
            raise ValueError(
                f"`output={output!r}` must be an index below {len(structure)} "
                f"for a model with {len(structure)} list outputs ({what})."
            )
        return structure[output]
    return structure


def _is_output_list(value):
    """A list of per-output arrays (not nested lists of label values)."""
    return bool(value) and all(hasattr(v, "shape") or isinstance(v, dict) for v in value)


def _leaves(structure, path=""):
    """(path, array) for every array in nested dicts/lists of arrays."""
    if structure is None:
        return
    if isinstance(structure, dict):
        for key, value in structure.items():
            yield from _leaves(value, f"{path}[{key!r}]")
    elif isinstance(structure, (list, tuple)) and _is_output_list(structure):
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

    def predict(self, model, output):
        """Runs the validation data through the model once."""
        if self.kind == "arrays":
            scores = model.predict(self.x, batch_size=self.batch_size, verbose=0)
            return _Predictions(
                _to_numpy(_select(self.y, output, "labels")),
                np.asarray(_to_numpy(_select(scores, output, "predictions")), np.float32),
                _to_numpy(_select(self.sample_weight, output, "sample weights")),
            )
        labels, scores, weights = [], [], []
        for batch in self._batches():
            x, y, w = keras.utils.unpack_x_y_sample_weight(batch)
            labels.append(_to_numpy(_select(y, output, "labels")))
            predicted = _select(model.predict_on_batch(x), output, "predictions")
            scores.append(np.asarray(_to_numpy(predicted), np.float32))
            weights.append(_to_numpy(_select(w, output, "sample weights")))
        if not labels:
            raise ValueError("`validation_data` yielded no batches this epoch.")
        return _Predictions(np.concatenate(labels), np.concatenate(scores), _join_weights(weights))


def _drain_join(parts, index, order="C"):
    """Concatenates `part[index]` of every part, dropping each as it is copied.

    Peak memory stays near one copy of the result (np.concatenate would hold
    the parts and the result at once). `order="F"` lays a 2-D result out
    column by column, as `metrics._evaluate(overwrite_scores=True)` sorts it.
    """
    first = parts[0][index]
    total = sum(part[index].shape[0] for part in parts)
    joined = np.empty((total,) + first.shape[1:], first.dtype, order=order)
    offset = 0
    for position, part in enumerate(parts):
        block = part[index]
        joined[offset: offset + block.shape[0]] = block
        offset += block.shape[0]
        parts[position] = part[:index] + (None,) + part[index + 1:]
    return joined


def _join_weights(weights):
    present = [w is not None for w in weights]
    if not any(present):
        return None
    if not all(present):
        raise ValueError("Some validation batches have sample weights and some do not.")
    return np.concatenate(weights)


class _FitContext:
    """What `fit` did not hand to the callbacks: the list and its arguments.

    Keras gives a callback neither the other callbacks (their order decides
    whether `EarlyStopping` sees our keys) nor fit's `validation_data`.
    `CallbackList.on_train_begin` calls each callback from its own frame,
    and `fit` sits a few frames above it, so both are found by walking up
    the stack. Tests pin this against the installed Keras; if a Keras
    version changes it, the fields are None and the checks that need them
    are skipped.
    """

    def __init__(self):
        self.callback_list = None
        self.fit_locals = None
        frame = sys._getframe(2)
        for _ in range(_MAX_FRAMES):
            if frame is None:
                break
            owner = frame.f_locals.get("self")
            if self.callback_list is None and isinstance(owner, keras.callbacks.CallbackList):
                self.callback_list = owner
            if frame.f_code.co_name == "fit" and "validation_data" in frame.f_locals:
                self.fit_locals = frame.f_locals
                break
            frame = frame.f_back

    @property
    def callbacks(self):
        return [] if self.callback_list is None else list(self.callback_list.callbacks)

    @property
    def known(self):
        return self.fit_locals is not None

    @property
    def validation_data(self):
        return None if self.fit_locals is None else self.fit_locals.get("validation_data")


class _FitCapture:
    """Copies fit's own validation batches out of the compiled test step.

    Installed on the model for one `fit`: `Model.compute_metrics` (public
    and overridable) is wrapped so that, in test steps traced during a
    validation pass, a `tf.py_function` hands the batch's labels,
    predictions (as float32) and weights to this object. Training steps are
    traced without it and cost nothing. XLA (`jit_compile=True`) cannot call
    back into Python, so there the callbacks fall back to one shared
    prediction pass (see `ROCCallback`).
    """

    def __init__(self, model, output, callback_list, expected_rows=None):
        self.model = model
        self.callback_list = None if callback_list is None else weakref.ref(callback_list)
        self.output = output
        self.users = set()
        self.metric = None
        self.in_pass = False
        self.in_step = False
        self.parts = []
        self.predictions = None
        self.pass_index = -1
        self._original = None
        # Batches are copied into buffers of the pass's size (known from the
        # validation arrays, then from the previous pass): no second copy
        # is made to join them. A pass that does not fit spills into parts.
        self.expected_rows = expected_rows
        self._buffers = None
        self._filled = 0
        self._lock = threading.Lock()  # replicas may push concurrently

    def install(self):
        model = self.model
        self._had_instance_attribute = "compute_metrics" in vars(model)
        self._original = model.compute_metrics
        capture = self

        def compute_metrics(x, y, y_pred, sample_weight=None):
            # Inside a step, `_ResultMetric.result()` returns placeholders.
            capture.in_step = True
            try:
                logs = capture._original(x, y, y_pred, sample_weight=sample_weight)
            finally:
                capture.in_step = False
            if capture.in_pass:  # Python runs this while the step is traced
                capture._copy_out(y, y_pred, sample_weight)
            return logs

        object.__setattr__(model, "compute_metrics", compute_metrics)
        # Retrace the test step with the capture in it (and without it after).
        model.test_function = None

    def uninstall(self):
        model = self.model
        if self._original is not None:
            if self._had_instance_attribute:
                object.__setattr__(model, "compute_metrics", self._original)
            else:
                object.__delattr__(model, "compute_metrics")
            self._original = None
        if self.metric is not None and self.metric in model._metrics:
            model._metrics.remove(self.metric)
        self.metric = None
        model.test_function = None
        self.parts, self.predictions = [], None

    def _copy_out(self, y, y_pred, sample_weight):
        import tensorflow as tf

        y = _select(y, self.output, "labels")
        y_pred = _select(y_pred, self.output, "predictions")
        sample_weight = _select(sample_weight, self.output, "sample weights")
        tensors = [y, tf.cast(y_pred, tf.float32)]
        if sample_weight is not None:
            tensors.append(sample_weight)

        def push(*values):
            if self.in_pass:
                self._store([v.numpy() for v in values])
            return 0

        tf.py_function(push, tensors, Tout=tf.int32)

    def _store(self, arrays):
        with self._lock:
            rows = arrays[0].shape[0]
            if self._buffers is None and not self.parts and self.expected_rows:
                # Scores column by column, as `_Predictions.prepare` sorts them.
                self._buffers = [
                    np.empty((self.expected_rows,) + a.shape[1:], a.dtype, order="F" if i == 1 else "C")
                    for i, a in enumerate(arrays)
                ]
                self._filled = 0
            if self._buffers is not None:
                start, stop = self._filled, self._filled + rows
                if len(arrays) == len(self._buffers) and stop <= self.expected_rows and all(
                    a.shape[1:] == b.shape[1:] and a.dtype == b.dtype for a, b in zip(arrays, self._buffers)
                ):
                    for buffer, array in zip(self._buffers, arrays):
                        buffer[start:stop] = array
                    self._filled = stop
                    return
                self.parts.append(tuple(b[: self._filled] for b in self._buffers))
                self._buffers = None
            self.parts.append(tuple(np.array(a) for a in arrays))  # not TF's buffers

    def begin_pass(self):
        if not self.in_pass:
            self.in_pass = True
            self.parts = []
            self._buffers = None
            self.predictions = None
            self.pass_index += 1

    def end_pass(self):
        self.finish()
        self.in_pass = False

    def finish(self):
        """The pass's predictions, joined once (None before any batch)."""
        with self._lock:
            if self.predictions is not None:
                return self.predictions
            buffers, self._buffers = self._buffers, None
            if buffers is not None and self._filled:
                if self._filled < len(buffers[0]):  # a shorter pass than expected
                    buffers = [b[: self._filled].copy(order="K") for b in buffers]
                columns = buffers
            elif self.parts:
                parts, self.parts = self.parts, []
                weights = _join_weights([p[2] if len(p) == 3 else None for p in parts])
                columns = [_drain_join(parts, 0), _drain_join(parts, 1, order="F")]
                if weights is not None:
                    columns.append(weights)
            else:
                return None
            self.expected_rows = len(columns[0])
            weights = columns[2] if len(columns) == 3 else None
            self.predictions = _Predictions(columns[0], columns[1], weights, users=self.users)
        return self.predictions


class _ResultMetric(keras.metrics.Metric):
    """Puts ROCCallback's exact values into Keras's own validation logs.

    Keras builds `val_*` logs from `model.metrics` at the end of each
    validation pass, before any callback's `on_epoch_end`; this metric's
    `result()` returns the exact values there. It holds no variables and is
    attached to the model only for the duration of one `fit`. In traced steps
    it returns NaN placeholders with the same keys, so Keras keeps using the
    metrics' final results.
    """

    def __init__(self, callback, capture, keys):
        super().__init__(name="keras_roc")
        self._callback = callback
        self._capture = capture
        self._keys = keys

    def update_state(self, *args, **kwargs):
        pass

    def reset_state(self):
        pass

    def result(self):
        import tensorflow as tf

        if not self._capture.in_pass:
            return {}  # training steps and logs: no keys at all
        if self._capture.in_step or not tf.executing_eagerly():
            # Per-step logs: placeholders with the final keys, so that Keras
            # takes the final validation logs from `model.metrics`.
            return {key: tf.constant(math.nan, tf.float32) for key in self._keys}
        result = self._callback._result_for_pass()
        if result is None:
            return {key: math.nan for key in self._keys}
        scalars = result.scalars()
        return {key: scalars.get(key, math.nan) for key in self._keys}


class _ValidationCallback(keras.callbacks.Callback):
    """Shared machinery: validation data, one prediction pass, writers.

    No batch-level hook is overridden, so Keras keeps dispatching batch
    callbacks asynchronously.
    """

    # The TensorBoard run, as keras.callbacks.TensorBoard names it.
    _run_name = "validation"

    def __init__(
        self,
        validation_data=None,
        *,
        log_dir=None,
        class_names=None,
        from_logits=False,
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
        if class_names is not None:
            if isinstance(class_names, str):
                raise TypeError(f"`class_names` must be a sequence of names, not a string. Received {class_names!r}.")
            class_names = tuple(str(name) for name in class_names)
        batch_size = None if batch_size is None else int(batch_size)
        self.validation_data = validation_data
        self._source = None if validation_data is None else _ValidationSource(validation_data, batch_size)
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self.class_names = class_names
        self.from_logits = bool(from_logits)
        self.task = task
        self.threshold = float(threshold)
        self.image_every = int(image_every)
        self.batch_size = batch_size
        self.output = output
        self.verbose = verbose
        self._writer = None
        self._worker = None
        self._capture = None
        self._warned = set()
        self._skip_reported = False

    # -- lifecycle -----------------------------------------------------------

    def on_train_begin(self, logs=None):
        context = _FitContext()
        self._warned = set()
        self._skip_reported = False
        self._close_writer()
        _SHARED_PREDICTIONS.pop(self.model, None)
        self._fallback_source = None
        self._last_pass_seen = -1
        self._keras_tensorboard_logs_keys = False
        source = self._source
        if source is None:
            if not context.known:
                raise ValueError(
                    f"{type(self).__name__} could not find the arguments of "
                    "`model.fit` (an unsupported Keras version, or the "
                    "callback was not called by `fit`); pass "
                    "`validation_data=(x_val, y_val)` to the callback."
                )
            if context.validation_data is None:
                raise ValueError(
                    f"{type(self).__name__} has no validation data: pass "
                    "`validation_data=(x_val, y_val)` to `model.fit` (the "
                    "callback then reuses fit's validation pass) or to the "
                    "callback itself."
                )
            source = _ValidationSource(context.validation_data, self.batch_size)
            if self.model.jit_compile:
                self._fallback_source = source
                self._warn_once(
                    "The model is compiled with jit_compile=True, and XLA "
                    "cannot hand predictions back to Python from inside the "
                    "compiled test step; using one extra prediction pass over "
                    "fit's validation data per epoch instead."
                )
        self._task = self._check_model_and_labels(source)
        self._check_order(context)
        if self._uses_capture:
            self._attach_capture(context, source)
        # Under a multi-worker strategy only the chief writes events.
        chief = getattr(self.model.distribute_strategy.extended, "should_save_summary", True)
        if self.log_dir is not None and chief:
            run_dir = os.path.join(self.log_dir, self._run_name)
            tensorboard.check_writable(run_dir)
            self._writer, self._worker = tensorboard.open_run(run_dir)

    @property
    def _uses_capture(self):
        return self._source is None and self._fallback_source is None

    def on_train_end(self, logs=None):
        self.flush()
        self._close_writer()
        if self._capture is not None:
            self._capture.users.discard(self)
            if not self._capture.users:
                self._capture.uninstall()
                _CAPTURES.pop(self.model, None)
            self._capture = None

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
        if self._capture is not None:
            self._capture.begin_pass()

    def on_test_end(self, logs=None):
        if self._capture is not None:
            self._capture.end_pass()

    # -- checks before training -------------------------------------------------

    def _output_width(self, source):
        outputs = getattr(self.model, "outputs", None)
        if outputs and len(outputs) == 1 and self.output is None:
            shape = tuple(outputs[0].shape)
        elif source is not None:  # subclassed or multi-output model
            x, _ = source.first_batch()
            sample = keras.tree.map_structure(lambda a: a[:2], x)
            predicted = _select(self.model.predict_on_batch(sample), self.output, "predictions")
            shape = np.shape(_to_numpy(predicted))
        else:
            return None
        return shape[-1] if len(shape) > 1 else 1

    def _check_model_and_labels(self, source):
        """Validates labels against the model's output; returns the task."""
        width = self._output_width(source)
        if source is None or width is None:
            return self._task_from_width(width)
        labels = _to_numpy(_select(source.first_batch()[1], self.output, "labels"))
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

    def _attach_capture(self, context, source):
        capture = _CAPTURES.get(self.model)
        if capture is not None and (
            capture.callback_list is None or capture.callback_list() is not context.callback_list
        ):
            capture.uninstall()  # left over from a fit that raised
            capture = None
        if capture is not None and capture.output != self.output:
            raise ValueError(
                "keras_roc callbacks reusing fit's validation pass in one fit "
                f"must evaluate the same output; got {capture.output!r} and "
                f"{self.output!r}. Pass `validation_data=` to one of them."
            )
        if capture is None:
            capture = _FitCapture(self.model, self.output, context.callback_list, source.n_samples)
            capture.install()
            _CAPTURES[self.model] = capture
        capture.users.add(self)
        self._capture = capture

    _prefix = "val_"

    def _log_keys(self):
        return ()

    # -- per epoch -------------------------------------------------------------

    def _predictions(self, epoch):
        """This epoch's predictions: captured, or computed once and shared.

        None when fit ran no validation pass this epoch (`validation_freq`).
        """
        if self._capture is not None:
            if self._capture.pass_index == self._last_pass_seen:
                return None
            self._last_pass_seen = self._capture.pass_index
            return self._capture.finish()
        source = self._source or self._fallback_source
        cache = _SHARED_PREDICTIONS.setdefault(self.model, {})
        key = (source.key, repr(self.output), self.batch_size)
        entry = cache.get(key)
        if entry is None or entry[0] != epoch:
            cache.clear()  # keep only the current epoch: memory stays bounded
            entry = (epoch, source.predict(self.model, self.output))
            cache[key] = entry
        return entry[1]

    @property
    def _settings(self):
        """What `evaluate` depends on: callbacks with equal settings share results."""
        return (self.task, self.class_names, self.from_logits, self.threshold)

    def _compute(self, data, overwrite=False):
        return metrics._evaluate(
            data.y_true,
            data.y_score,
            task=self.task,
            class_names=self.class_names,
            from_logits=self.from_logits,
            sample_weight=data.sample_weight,
            threshold=self.threshold,
            overwrite_scores=overwrite,
        )

    def _before_evaluation(self, data):
        """Work on `data` that needs the scores as predicted (see `_Predictions.prepare`)."""

    def _evaluate(self, data):
        if data.users and not data.prepared:
            data.prepare()
        result = data.results.get(self._settings)
        if result is None:
            result = data.results[self._settings] = self._compute(data)
        for note in result.notes:
            self._warn_once(note)
        return result

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
        from_logits: Whether the model outputs logits. Defaults to `False`.
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
        result: The latest `keras_roc.ROCResult`.

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
        from_logits=False,
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

    @property
    def _prefix(self):
        return self.prefix

    def _log_keys(self):
        return _ALL_LOG_KEYS

    def on_train_begin(self, logs=None):
        self.result = None
        self._pass_result = (None, None)
        self._pending_distributions = None
        super().on_train_begin(logs)
        if self._capture is not None:
            if self._capture.metric is not None:
                raise ValueError(
                    "Only one ROCCallback per fit can reuse fit's validation "
                    "pass (they would write the same 'val_roc_auc'); give "
                    "the others their own `validation_data` and `prefix`."
                )
            self._capture.metric = _ResultMetric(self, self._capture, LOG_KEYS[self._task])
            self.model._metrics.append(self._capture.metric)

    def _result_for_pass(self):
        """The exact result of the current captured pass (computed once)."""
        index = self._capture.pass_index
        if self._pass_result[0] != index:
            data = self._capture.finish()
            self._pass_result = (index, None if data is None else (data, self._evaluate(data)))
        return None if self._pass_result[1] is None else self._pass_result[1][1]

    def on_epoch_end(self, epoch, logs=None):
        if self._capture is not None:
            if self._pass_result[0] != self._capture.pass_index or self._pass_result[1] is None:
                return  # no validation pass this epoch (validation_freq)
            data, result = self._pass_result[1]
            self._pass_result = (self._pass_result[0], None)  # free the arrays
        else:
            data = self._predictions(epoch)
            result = self._evaluate(data)
            values = result.scalars()
            if logs is not None:
                logs.update({self.prefix + key: values[key] for key in LOG_KEYS[result.task]})
        self.result = result
        if self.verbose:
            parts = [f"{name} {auc:.4f}" for name, auc in result.per_class_auc.items()]
            print(f"Epoch {epoch + 1}: {self._prefix}roc_auc {result.auc:.4f} | " + ", ".join(parts))
        if self._writer is not None:
            self._queue_events(epoch, data, result)

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
        scores = metrics._probabilities(checked.task, checked.scores, self.from_logits)
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
    latest matrix is in `self.confusion_matrix`.

    Args:
        validation_data: As for `ROCCallback`; None reuses fit's validation
            pass. Defaults to `None`.
        log_dir: TensorBoard log directory; None keeps the matrix in memory
            only. Defaults to `None`.
        class_names: Names of the classes. Defaults to `None`.
        from_logits: Whether the model outputs logits. Defaults to `False`.
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

    def on_train_begin(self, logs=None):
        self.confusion_matrix = None
        super().on_train_begin(logs)

    def on_epoch_end(self, epoch, logs=None):
        data = self._predictions(epoch)
        if data is None:
            return  # no validation pass this epoch (validation_freq)
        matrix = self._evaluate(data)  # cheap next to the pass it shares
        self.confusion_matrix = matrix.confusion_matrix
        if self.verbose:
            print(f"Epoch {epoch + 1}: confusion matrix\n{self.confusion_matrix}")
        if self._writer is not None and self._images_due(epoch):
            writer = self._writer

            def write_image():
                spec = _render.DrawSpec(
                    "plot_confusion_matrix", (matrix,), suptitle=f"Confusion matrix, epoch {epoch}"
                )
                writer.image("confusion_matrix", _render.draw_png(spec), step=epoch)
                writer.flush()

            self._submit(write_image, heavy=True)

