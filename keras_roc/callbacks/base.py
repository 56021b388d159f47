"""The base of keras_roc's callbacks: one run's lifecycle, shared passes.

`ValidationCallback` does what `ROCCallback` and `ConfusionMatrixCallback`
share, as Keras's own callbacks do (`__init__` validates and stores every
attribute; per-run state is reset in `on_train_begin`; writers are closed in
`on_train_end`):

- finding the validation predictions: fit's own pass (`_capture`), or one
  pass over the callback's own `validation_data` shared by every keras_roc
  callback of the model (`_sources`);
- evaluating them once per pass for every callback with the same settings;
- the TensorBoard writer and its background worker;
- `model.evaluate(..., callbacks=[...])`.

Subclasses implement `on_epoch_end`, `_on_pass_end` and `_log_keys`.
"""

from __future__ import annotations

import numbers
import os
import warnings

import keras
import numpy as np

from keras_roc import _render, metrics, tensorboard
from keras_roc.callbacks import _backends, _capture, _checks
from keras_roc.callbacks import _keras_hooks as hooks
from keras_roc.callbacks._sources import SHARED_PREDICTIONS, ValidationSource, shared_pass
from keras_roc.metrics import UndefinedMetricWarning, validation


def _check_from_logits_and_output(from_logits, output):
    if from_logits is not None and not isinstance(from_logits, (bool, np.bool_)):
        raise TypeError(
            "`from_logits` must be True, False or None (None: as the model's "
            f"compiled loss says). Received from_logits={from_logits!r}."
        )
    if output is not None and (isinstance(output, bool) or not isinstance(output, (str, int))):
        raise TypeError(f"`output` must be an output's name or index, or None. Received output={output!r}.")


#: `image_every`'s default: the last epoch's images always, others while
#: drawing takes at most `keras_roc.tensorboard.IMAGE_TIME_SHARE` of the
#: training time.
IMAGE_EVERY_AUTO = "auto"
_roc_tab_pointed = False


def _check_image_every(value):
    """`"auto"`, or an integer >= 0 (None: 0, no images)."""
    if value is None:
        return 0
    if isinstance(value, str):
        if value == IMAGE_EVERY_AUTO:
            return value
        raise ValueError(
            f'`image_every` must be "auto", an integer k >= 1 (every k epochs) or 0/None (no images). '
            f"Received image_every={value!r}."
        )
    if isinstance(value, (bool, np.bool_)):  # as every integer argument (`check_int`)
        raise ValueError(f'`image_every` must be "auto" or an integer, not a boolean. Received image_every={value!r}.')
    if not isinstance(value, numbers.Integral) or value < 0:
        error = ValueError if isinstance(value, numbers.Integral) else TypeError
        raise error(
            f'`image_every` must be "auto" (the default), an integer k >= 1 (every k epochs) or 0/None '
            f"(no images). Received image_every={value!r} of type {type(value).__name__}."
        )
    return int(value)


class ValidationCallback(keras.callbacks.Callback):
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
        image_every="auto",
        batch_size=None,
        output=None,
        verbose=0,
    ):
        super().__init__()
        task = validation.check_task(task)
        image_every = _check_image_every(image_every)
        batch_size = None if batch_size is None else validation.check_int(batch_size, "batch_size", 1)
        threshold = validation.check_probability_threshold(threshold)
        class_names = validation.check_class_names(class_names)
        _check_from_logits_and_output(from_logits, output)
        self.validation_data = validation_data
        self._source = None if validation_data is None else ValidationSource(validation_data, batch_size)
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self.class_names = class_names
        self.from_logits = None if from_logits is None else bool(from_logits)
        self.task = task
        self.threshold = float(threshold)
        self.image_every = image_every
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
        self._last_images = None  # "auto": the latest epoch's undrawn images
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
        self._last_images = None
        self._close_writer()
        SHARED_PREDICTIONS.pop(self.model, None)
        self._last_pass_seen = -1
        self._keras_tensorboard_logs_keys = False
        self._csv_loggers_after = ()
        self._evaluating = False

    def on_train_begin(self, logs=None):
        context = hooks.FitArguments()
        _backends.check_distribution(type(self).__name__)
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
            fit_source = ValidationSource.of_fit(context.get("validation_data"), self.batch_size)
        self._fit_owner = None if context.callback_list is None else hooks.Owner(context.callback_list)
        self._task = self._check_model_and_labels(self._source or fit_source)
        self._from_logits = self._resolve_from_logits()
        self._check_order(context)
        if self._source is None:
            self._attach_capture(context.callback_list, fit_source)
            self._find_csv_loggers(context)
        self._open_writer(self._run_name)

    def _open_writer(self, run_name):
        # Under multi-worker training only the chief writes events.
        if self.log_dir is not None and _backends.is_chief(self.model):
            run_dir = os.path.join(self.log_dir, run_name)
            tensorboard.check_writable(run_dir)
            self._writer, self._worker = tensorboard.open_run(run_dir)

    @property
    def _uses_capture(self):
        return self._source is None

    def on_train_end(self, logs=None):
        # `fit` does not wait for the images: the writer thread draws the
        # last epoch's (never skipped), closes the file and ends; an atexit
        # hook waits for it (`tensorboard.wait_for_writes`).
        if self._last_images is not None:
            self._worker.submit(self._last_images)
            self._last_images = None
        self._report_worker()
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
        """Waits until everything queued for TensorBoard is on disk.

        After `fit` this includes the last epoch's images, which `fit` does
        not wait for.
        """
        if self._worker is not None:
            self._worker.wait()
            self._report_worker()

    def _close_writer(self):
        if self._writer is not None:
            # Without waiting; the helper process stops once no run has work.
            tensorboard.close_run(self._writer, when_idle=_render.shutdown)
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

    def _check_model_and_labels(self, source):
        return _checks.check_model_and_labels(
            type(self).__name__, self.model, source, task=self.task, class_names=self.class_names, output=self.output
        )

    def _resolve_from_logits(self):
        """`from_logits` for this run: as given, else as the compiled loss says."""
        said = _checks.loss_from_logits(
            hooks.compiled_loss(self.model), self.output, getattr(self.model, "output_names", None)
        )
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
            # AUCEarlyStopping reads the scores through ROCCallback, in any order.
            reads_scores = getattr(earlier, "_reads_roc_scores", False)
            if isinstance(monitor, str) and monitor in provided and not reads_scores:
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
        expected = None if source is None else source.n_samples
        copy_reason = _backends.copy_reason(model, expected)
        if copy_reason is not None:
            if source is None:
                raise ValueError(
                    f"{type(self).__name__}: {copy_reason}, and the data being "
                    "evaluated cannot be predicted again (a generator, or "
                    "`model.evaluate`). Compile with jit_compile=False, pass "
                    "`validation_data` as arrays or a tf.data.Dataset, or use "
                    "`keras_roc.evaluate(y, model.predict(x))`."
                )
        fallback = None if source is None else (lambda: source.predict(model, output))
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
        return shared_pass(self.model, self._source, self.output, self.batch_size, epoch)

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
            **self._evaluation_options,
        )
        return result if in_range else _checks.not_probabilities(result, data.score_columns)

    @property
    def _result_key(self):
        """`(settings, options)`: what this callback's result depends on."""
        return (self._settings, tuple(sorted(self._evaluation_options.items())))

    #: `evaluate`'s options beyond `_settings` (ROCCallback's targets); callbacks
    #: with equal `_settings` share the result of the one with the most options.
    _evaluation_options = {}

    def _before_evaluation(self, data):
        """Work on `data` that needs the scores as predicted (see `Predictions.prepare`)."""

    def _evaluate(self, data):
        if data.users and not data.prepared:
            data.prepare()
        result = data.shared_result(self._settings, self._result_key[1])
        if result is None:
            result = data.results[self._result_key] = self._compute(data)
        for note in result.notes:
            if self._concerns_us(note):
                self._warn_once(note, UndefinedMetricWarning)
        return result

    def _concerns_us(self, note):
        return True

    def _warn_once(self, message, category=UserWarning):
        """Warns once per run; undefined values as `UndefinedMetricWarning`.

        Callbacks are called by Keras, not by the user: the warning points at
        the callback method that issued it (there is no user line to show).
        """
        if message not in self._warned:
            self._warned.add(message)
            warnings.warn(f"{type(self).__name__}: {message}", category, stacklevel=3)

    def _point_to_roc_tab(self):
        """Prints, once per process, where every epoch's ROC curves are.

        One line on stdout, as Keras prints its progress (not a warning:
        nothing is wrong), when the callback writes events.
        """
        global _roc_tab_pointed
        if self._writer is not None and not _roc_tab_pointed:
            _roc_tab_pointed = True
            print(
                "keras_roc: every epoch's ROC curves are in TensorBoard: run "
                f"`tensorboard --logdir {self.log_dir}` and open TensorBoard's ROC tab."
            )

    def _images_due(self, step):
        """Whether `step`'s images are drawn now (see `image_every`)."""
        if self.image_every == IMAGE_EVERY_AUTO:
            return self._evaluating or self._worker.heavy_due(step)
        return self.image_every > 0 and step % self.image_every == 0

    def _submit_images(self, step, job):
        """Queues `job`, which draws `step`'s images, when they are due.

        With `image_every="auto"` an undrawn job is kept instead, replacing
        the previous epoch's: `on_train_end` queues it, so the last epoch
        always gets its images.
        """
        if self._images_due(step):
            self._last_images = None
            self._submit(job, heavy=True)
        elif self.image_every == IMAGE_EVERY_AUTO:
            self._last_images = job

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
