"""Reusing fit's own validation pass: the capture and its lifecycle.

A `Capture` belongs to one `fit` (or one `evaluate` given keras_roc
callbacks): its `Owner`. While the owner runs, the model carries a wrapped
`compute_metrics` / `test_step` and one variable-free metric
(`CaptureMetric`); the owner's evaluation passes run a test function of
their own, traced with a host copy (`_backends.HostCopy`: `tf.py_function`,
JAX's `io_callback`, or a direct copy on PyTorch) that hands each batch's
labels, predictions and weights to Python, while every other evaluation (an `evaluate`
of a test set from another callback, a nested `fit`) runs a test function
traced without it and sees no keras_roc keys.

Nothing outlives the owner: `on_train_end` retires the capture, and a fit
that ended by an exception (which skips `on_train_end`) is noticed at the
next use of the model (Keras resets every metric, so `CaptureMetric`,
before each evaluation pass and epoch): the capture then retires before
that pass runs a single step. Every internal this relies on is in
`keras_roc.callbacks._keras_hooks`.
"""

from __future__ import annotations

import math
import threading
import weakref

import keras
import numpy as np

from keras_roc import metrics
from keras_roc.callbacks import _backends
from keras_roc.callbacks import _keras_hooks as hooks

# The capture of the running fit (or evaluate), one per model.
CAPTURES = weakref.WeakKeyDictionary()


class Predictions:
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
        # Whether every finite score is a probability (None: not checked).
        self.in_unit_range = None
        self.score_columns = 1 if np.ndim(y_score) < 2 else np.shape(y_score)[1]
        # Results by `(settings, options)`: callbacks sharing these predictions
        # and settings evaluate once (see `shared_result`).
        self.results = {}

    def shared_result(self, settings, options):
        """A result computed with `settings` and at least `options`, or None."""
        for (done_settings, done_options), result in self.results.items():
            if done_settings == settings and set(options) <= set(done_options):
                return result
        return None

    def check_range(self):
        """Whether the finite scores lie in [0, 1] (checked once).

        NaN and infinite scores are left to evaluate's non-finite note.
        """
        if self.in_unit_range is None:
            low, high = metrics._finite_range(self.y_score)
            self.in_unit_range = not (low < 0 or high > 1)
        return self.in_unit_range

    def prepare(self):
        """Evaluates the pass once for every callback sharing it.

        Work that needs the scores as predicted (ROCCallback's histograms and
        PR tables) runs first; the last evaluation then sorts the scores in
        place, as nothing needs them afterwards, so the peak memory stays
        near one copy of the predictions (`y_score` is None after it).
        """
        self.prepared = True
        self.check_range()
        users = list(self.users)
        for user in users:
            user._before_evaluation(self)
        todo = {}
        # The user with the most options computes for its settings: the others
        # need a subset of its result (e.g. the confusion matrix).
        for user in sorted(users, key=lambda user: -len(user._evaluation_options)):
            todo.setdefault(user._settings, user)
        for position, user in enumerate(todo.values()):
            last = position == len(todo) - 1
            self.results[user._result_key] = user._compute(self, overwrite=last)
        if todo:
            self.y_score = None  # sorted in place by the last evaluation


def select(structure, output, what, output_names=None):
    """Picks one output of a multi-output model's predictions or labels.

    `output` is a name or an index; names also pick from list outputs, by
    the model's `output_names`.
    """
    if isinstance(structure, dict):
        if output is None:
            if len(structure) == 1:
                return next(iter(structure.values()))
            raise ValueError(
                f"The model has {len(structure)} outputs {sorted(structure)}; "
                f"pass `output=` naming the one to evaluate ({what})."
            )
        if output not in structure:
            raise ValueError(f"`output={output!r}` is not one of the model's outputs {sorted(structure)} ({what}).")
        return structure[output]
    if isinstance(structure, (list, tuple)) and is_output_list(structure):
        names = list(output_names or ())
        if isinstance(output, str) and len(names) == len(structure) and output in names:
            output = names.index(output)
        if output is None:
            if len(structure) == 1:
                return structure[0]
            raise ValueError(
                f"The model has {len(structure)} outputs {names or ''}; pass "
                f"`output=` with the name or index of the one to evaluate ({what})."
            )
        if isinstance(output, bool) or not isinstance(output, int) or not -len(structure) <= output < len(structure):
            raise ValueError(
                f"`output={output!r}` must be one of the output names {names} "
                f"or an index below {len(structure)} for a model with "
                f"{len(structure)} list outputs ({what})."
            )
        return structure[output]
    return structure


def is_output_list(value):
    """A list of per-output arrays (not nested lists of label values)."""
    return bool(value) and all(hasattr(v, "shape") or isinstance(v, dict) for v in value)


def join_weights(weights):
    present = [w is not None for w in weights]
    if not any(present):
        return None
    if not all(present):
        raise ValueError("Some validation batches have sample weights and some do not.")
    return np.concatenate(weights)


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
        joined[offset : offset + block.shape[0]] = block
        offset += block.shape[0]
        parts[position] = part[:index] + (None,) + part[index + 1 :]
    return joined


class PassBuffer:
    """The batches of one pass, copied into buffers of the pass's size.

    The size is known from the validation arrays, then from the previous
    pass, so no second copy is made to join the batches. A pass that does
    not fit spills into parts, joined at the end.
    """

    def __init__(self, expected_rows=None):
        self.expected_rows = expected_rows
        self.parts = []
        self._buffers = None
        self._filled = 0
        self.rows = 0
        self._lock = threading.Lock()  # replicas may push concurrently

    def clear(self):
        with self._lock:
            self.parts, self._buffers, self._filled, self.rows = [], None, 0, 0

    def store(self, arrays):
        with self._lock:
            rows = arrays[0].shape[0]
            self.rows += rows
            if self._buffers is None and not self.parts and self.expected_rows:
                # Scores column by column, as `Predictions.prepare` sorts them.
                self._buffers = [
                    np.empty((self.expected_rows,) + a.shape[1:], a.dtype, order="F" if i == 1 else "C")
                    for i, a in enumerate(arrays)
                ]
                self._filled = 0
            if self._buffers is not None:
                start, stop = self._filled, self._filled + rows
                fits = len(arrays) == len(self._buffers) and stop <= self.expected_rows
                if fits and all(
                    a.shape[1:] == b.shape[1:] and a.dtype == b.dtype for a, b in zip(arrays, self._buffers)
                ):
                    for buffer, array in zip(self._buffers, arrays):
                        buffer[start:stop] = array
                    self._filled = stop
                    return
                self.parts.append(tuple(b[: self._filled] for b in self._buffers))
                self._buffers = None
            self.parts.append(tuple(np.array(a) for a in arrays))  # not TF's buffers

    def join(self):
        """(labels, scores, weights or None), or None before any batch."""
        with self._lock:
            buffers, self._buffers = self._buffers, None
            if buffers is not None and self._filled:
                if self._filled < len(buffers[0]):  # a shorter pass than expected
                    buffers = [b[: self._filled].copy(order="K") for b in buffers]
                columns = buffers
            elif self.parts:
                parts, self.parts = self.parts, []
                weights = join_weights([p[2] if len(p) == 3 else None for p in parts])
                columns = [_drain_join(parts, 0), _drain_join(parts, 1, order="F")]
                if weights is not None:
                    columns.append(weights)
            else:
                return None
            self.expected_rows = len(columns[0])
            return columns[0], columns[1], columns[2] if len(columns) == 3 else None


class Capture:
    """Copies the owner's evaluation batches out of its compiled test step.

    Args:
        model: The model being fit (or evaluated).
        output: The output to capture (name or index), for multi-output models.
        owner: The `hooks.Owner` (`fit` or `evaluate` call) it belongs to.
        expected_rows: Rows of one pass, when known (buffer size).
        fallback: Called with no arguments for one prediction pass over the
            same data when nothing could be copied out (XLA, a `test_step`
            that does not call `compute_metrics`); None when the data
            cannot be iterated again (then a clear error).
        copy_reason: Why batches cannot be copied out (None: they can).
    """

    def __init__(self, model, output, owner, expected_rows=None, *, fallback=None, copy_reason=None):
        self.model = model
        self.output = output
        self.owner = owner
        self.users = set()
        self.keys = ()  # the logs keys of the ROCCallback using this capture
        self.values = None  # callable: exact values of the pass for `keys`
        self.fallback = fallback
        self.copy_reason = copy_reason
        self.fallback_reason = None  # set when a pass was predicted again
        self.buffer = PassBuffer(expected_rows)
        self.host = _backends.HostCopy.for_model(model, self._store, expected_rows)
        self.metric = None
        self.in_pass = False  # between the owner's on_test_begin and on_test_end
        self.accepting = False  # batches now running are the owner's pass
        self.in_step = False  # Python is tracing or running a test step
        self.in_compute_metrics = False  # ... inside its `compute_metrics`
        self.predictions = None
        self.pass_index = -1
        self.retired = False
        self._restore = None
        self._own_function = None
        self._other_function = None

    # -- installing and retiring ---------------------------------------------

    def install(self):
        self._restore = hooks.patch_model(self.model, self._compute_metrics, self._test_step)
        self.metric = CaptureMetric(self)
        hooks.add_metric(self.model, self.metric)
        # Functions traced before this point carry no capture; ours is traced
        # at the owner's first pass.
        hooks.set_test_function(self.model, None)
        CAPTURES[self.model] = self

    def retire(self, rebuild=False):
        """Removes everything of keras_roc from the model.

        `rebuild`: inside someone's evaluation loop, which calls the test
        function at its next step, give it a new one (traced without us).
        """
        if self.retired:
            return
        self.retired = True
        self.in_pass = self.accepting = False
        if self._restore is not None:
            self._restore()
            self._restore = None
        hooks.remove_metric(self.model, self.metric)
        self._own_function = self._other_function = None
        self.host.clear()
        self.buffer.clear()
        self.predictions = None
        self.users.clear()
        if rebuild:
            hooks.new_test_function(self.model)
        else:
            hooks.set_test_function(self.model, None)
        if CAPTURES.get(self.model) is self:
            del CAPTURES[self.model]

    def check(self):
        """Called before every evaluation pass and epoch of the model.

        Retires the capture if its owner ended without `on_train_end`;
        inside the owner's pass, chooses the test function for the
        evaluation that is starting: the owner's own, or (an `evaluate` of
        other data nested in it) one without the capture.
        """
        if self.retired:
            return
        if not self.owner.running():
            self.retire(rebuild=True)
            return
        if self.in_pass:
            if hooks.innermost_evaluate() is self.owner.callback_list:
                self._enter_own()
            else:
                self._enter_other()

    # -- passes ----------------------------------------------------------------

    def begin_pass(self):
        if self.in_pass or self.retired:
            return
        self.in_pass = True
        self.pass_index += 1
        self.host.clear()
        self.buffer.clear()
        self.predictions = None
        self._enter_own()

    def end_pass(self):
        if not self.in_pass:
            return
        self.finish()
        self.in_pass = self.accepting = False
        hooks.set_test_function(self.model, self._other_function)

    def _enter_own(self):
        self.host.barrier()  # batches of an evaluation that ended are in (and refused)
        current = hooks.test_function(self.model)
        if current is not self._own_function:
            self._other_function = current  # what other evaluations run
        self.accepting = True  # also while ours is traced, at its first call
        if self._own_function is None:
            self._own_function = hooks.new_test_function(self.model)
        hooks.set_test_function(self.model, self._own_function)

    def _enter_other(self):
        self.host.barrier()  # our batches so far are in before we refuse more
        self.accepting = False
        if self._other_function is None:
            self._other_function = hooks.new_test_function(self.model)
        hooks.set_test_function(self.model, self._other_function)

    def leave_other(self):
        """An evaluation of other data nested in the owner's pass ended."""
        if self.in_pass and not self.retired:
            self._enter_own()

    def finish(self):
        """The pass's predictions, joined once; predicted again if none came."""
        if self.predictions is not None:
            return self.predictions
        self.host.collect()
        joined = self.buffer.join()
        if joined is None:
            if self.fallback is None:
                raise ValueError(self._no_batches_message())
            self.fallback_reason = (
                self.copy_reason
                or self.host.lost_reason
                or (
                    "the model's `test_step` does not call `compute_metrics`, so the "
                    "validation batches cannot be copied out of it, and Keras keeps "
                    "its last step's logs: the keys are added at ROCCallback's "
                    "`on_epoch_end`, so callbacks that monitor them must come after it"
                )
            )
            predicted = self.fallback()
            joined = (predicted.y_true, predicted.y_score, predicted.sample_weight)
        self.predictions = Predictions(*joined, users=self.users)
        return self.predictions

    def _no_batches_message(self):
        reason = self.copy_reason or "the model's `test_step` does not call `compute_metrics`"
        return (
            f"keras_roc could not reuse fit's validation pass: {reason}, and "
            "fit's `validation_data` (a generator or iterator) cannot be "
            "iterated again for a prediction pass. Pass `validation_data` as "
            "arrays, a tf.data.Dataset or a keras.utils.PyDataset, or give "
            "the callbacks their own `validation_data=(x_val, y_val)`."
        )

    # -- inside the steps --------------------------------------------------------

    def _compute_metrics(self, original, x, y, y_pred, sample_weight):
        outer, self.in_compute_metrics = self.in_compute_metrics, True
        try:
            logs = original(x, y, y_pred, sample_weight=sample_weight)
        finally:
            self.in_compute_metrics = outer
        if self.accepting and self.copy_reason is None and not self.retired:
            self._copy_out(y, y_pred, sample_weight)
        return logs

    def _test_step(self, original, *args):
        outer, self.in_step = self.in_step, True
        try:
            return original(*args)
        finally:
            self.in_step = outer

    def _copy_out(self, y, y_pred, sample_weight):
        names = getattr(self.model, "output_names", None)
        y = select(y, self.output, "labels", names)
        y_pred = select(y_pred, self.output, "predictions", names)
        sample_weight = select(sample_weight, self.output, "sample weights", names)
        tensors = [y, keras.ops.cast(y_pred, "float32")]
        if sample_weight is not None:
            tensors.append(sample_weight)
        self.host.copy(tensors)

    def _store(self, arrays):
        """Receives one batch (or a pass) on the host; refused outside our pass."""
        if self.accepting:
            self.buffer.store(arrays)


class CaptureMetric(keras.metrics.Metric):
    """Puts ROCCallback's exact values into Keras's own evaluation logs.

    Keras builds the `val_*` logs from `model.metrics` at the end of each
    validation pass, before any callback's `on_epoch_end`; this metric's
    `result()` returns the exact values there, and only in the owner's
    passes. In the owner's traced steps it returns NaN placeholders with
    the same keys (Keras then takes the final logs from the metrics). It
    holds no variables; its `reset_state()`, which Keras calls before every
    evaluation pass and epoch, is how the capture notices an owner that
    ended without `on_train_end`.
    """

    def __init__(self, capture):
        super().__init__(name="keras_roc")
        self._capture = capture

    def update_state(self, *args, **kwargs):
        pass

    def reset_state(self):
        self._capture.check()

    def result(self):
        capture = self._capture
        if capture.retired:
            return {}
        if capture.in_compute_metrics:
            if not capture.accepting:
                return {}
            nan = keras.ops.convert_to_tensor(math.nan, dtype="float32")
            return {key: nan for key in capture.keys}
        if capture.in_step:
            # A custom test_step that reads the metrics itself: Keras then
            # keeps its last step's logs, where a placeholder would stay NaN.
            # No keys here; ROCCallback adds them at on_epoch_end.
            return {}
        if not capture.accepting:
            capture.leave_other()  # no-op unless an evaluation nested in our pass ends
            return {}
        if not capture.keys:
            return {}
        if not capture.owner.running():
            capture.retire(rebuild=True)
            return {}
        return capture.values()
