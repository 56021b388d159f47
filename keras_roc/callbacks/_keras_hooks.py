"""Every use of Keras and CPython internals in keras_roc, in one place.

Keras hands a callback neither the other callbacks of `fit`, nor fit's
arguments, nor a way to see fit's validation batches. keras_roc gets them
through the few internals below; each says what it relies on. A Keras
release that changes one of them makes the matching test in
`tests/callbacks/test_capture.py` or `tests/callbacks/test_lifecycle.py` fail; at run time the
functions here then return None / False, and the callbacks fall back to
what needs no internals (an error naming `validation_data=`, or one extra
prediction pass with a warning) rather than logging a wrong value.

Relied on (Keras 3, TensorFlow trainer):

- `fit` calls `CallbackList.on_train_begin` with its `CallbackList` in a
  local named `callbacks`, and `evaluate` (also fit's validation pass, which
  passes fit's own `CallbackList`) does the same; both frames are on the
  calling thread's stack while they run (`fit_arguments`, `running`,
  `innermost_evaluate`).
- `Model.compute_metrics` and `Model.test_step` are public and overridable;
  wrapping them on the instance reaches every test step traced afterwards
  (`patch_model`).
- `Model.metrics` lists `model._metrics`; Keras calls `reset_state()` of
  every metric before each evaluation pass and epoch, and builds the final
  validation logs from `result()` of every metric once the pass ends.
- `evaluate` calls `make_test_function()` before `on_test_begin`, then reads
  `model.test_function` at each step, so the function can be swapped in
  `on_test_begin` and in a metric's `reset_state()` (`set_test_function`).
"""

from __future__ import annotations

import sys
import threading

# Frames searched upwards from a callback hook for Keras's CallbackList and
# `fit`: CallbackList.on_train_begin, fit, Keras's traceback filter, and a
# margin for wrappers that Keras may add.
_MAX_FIT_FRAMES = 12


class FitArguments:
    """What `fit` did not hand to a callback: its `CallbackList` and locals.

    Found by walking up from the callback's hook (`sys._getframe`): Keras's
    `CallbackList` calls each callback from its own frame, and `fit` sits a
    few frames above. Fields are None when a Keras release changes that.
    """

    def __init__(self, depth=2):
        self.callback_list = None
        self.fit_locals = None
        frame = sys._getframe(depth)
        for _ in range(_MAX_FIT_FRAMES):
            if frame is None:
                break
            owner = frame.f_locals.get("self")
            if self.callback_list is None and type(owner).__name__ == "CallbackList":
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

    def get(self, name, default=None):
        return default if self.fit_locals is None else self.fit_locals.get(name, default)


def calling_callback_list(depth=2):
    """The `CallbackList` whose hook is calling the caller (None if none)."""
    return FitArguments(depth + 1).callback_list


class Owner:
    """The `fit` or `evaluate` call a capture belongs to.

    Identified by the `CallbackList` that call created (held weakly: nothing
    of keras_roc keeps it alive) and the thread it runs on.
    """

    def __init__(self, callback_list):
        import weakref

        self._callback_list = weakref.ref(callback_list)
        self.thread = threading.get_ident()

    @property
    def callback_list(self):
        return self._callback_list()

    def running(self):
        """Whether that call is still on its thread's stack.

        After `fit` raises (an error, Ctrl-C), its `CallbackList` may live on
        in the traceback, but no running frame holds it any more.
        """
        callback_list = self.callback_list
        if callback_list is None:
            return False
        if self.thread == threading.get_ident():
            frame = sys._getframe(1)
        else:
            frame = sys._current_frames().get(self.thread)
        while frame is not None:
            if _frame_callbacks(frame) is callback_list:
                return True
            frame = frame.f_back
        return False


def _frame_callbacks(frame):
    """The `CallbackList` a `fit` / `evaluate` frame holds in `callbacks`."""
    if frame.f_code.co_name not in ("fit", "evaluate"):
        return None
    return frame.f_locals.get("callbacks")


def innermost_evaluate():
    """The `callbacks` local of the innermost running `evaluate` (or None).

    fit's validation pass is an `evaluate` given fit's own `CallbackList`;
    an `evaluate` of other data called from a callback has its own.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "evaluate" and "callbacks" in frame.f_locals:
            callbacks = frame.f_locals["callbacks"]
            if type(callbacks).__name__ == "CallbackList":
                return callbacks
        frame = frame.f_back
    return None


def patch_model(model, compute_metrics, test_step):
    """Wraps the model's `compute_metrics` and `test_step` on the instance.

    `compute_metrics(original, x, y, y_pred, sample_weight)` and
    `test_step(original, *args)` receive the method they replace. Returns a
    function that restores the originals.
    """
    had = {name: name in vars(model) for name in ("compute_metrics", "test_step")}
    originals = {"compute_metrics": model.compute_metrics, "test_step": model.test_step}

    def wrapped_compute_metrics(x, y, y_pred, sample_weight=None):
        return compute_metrics(originals["compute_metrics"], x, y, y_pred, sample_weight)

    def wrapped_test_step(*args):
        # TensorFlow and PyTorch call test_step(data); JAX test_step(state, data).
        return test_step(originals["test_step"], *args)

    # object.__setattr__: Keras layers track attributes set the usual way.
    object.__setattr__(model, "compute_metrics", wrapped_compute_metrics)
    object.__setattr__(model, "test_step", wrapped_test_step)

    def restore():
        for name, original in originals.items():
            if had[name]:
                object.__setattr__(model, name, original)
            elif name in vars(model):
                object.__delattr__(model, name)

    return restore


def add_metric(model, metric):
    """Attaches a metric to `model.metrics` (so Keras resets and reads it)."""
    model._metrics.append(metric)


def remove_metric(model, metric):
    if metric in model._metrics:
        model._metrics.remove(metric)


def test_function(model):
    return model.test_function


def set_test_function(model, function):
    """Sets the function `evaluate` runs at its next step (None: rebuilt)."""
    model.test_function = function


def new_test_function(model):
    """A new, not yet traced test function (traced at its first call).

    Relies on: `make_test_function` compiles the instance's `test_step`.
    JAX caches a trace per function object (two `jax.jit` of one function
    share it), so while keras_roc's wrapper is installed each new test
    function gets a wrapper object of its own, traced afresh.
    """
    if "test_step" in vars(model):
        step = model.test_step

        def fresh_test_step(*args):
            return step(*args)

        object.__setattr__(model, "test_step", fresh_test_step)
    model.make_test_function(force=True)
    return model.test_function


def compiled_loss(model):
    """The loss `compile` was given (`model.loss`), or None."""
    return getattr(model, "loss", None)


def csv_columns(logger):
    """The columns a `keras.callbacks.CSVLogger` has fixed (`keys`), or None."""
    return getattr(logger, "keys", None)


def set_csv_columns(logger, columns):
    """Fixes a CSVLogger's columns before its first `on_epoch_end` does."""
    logger.keys = list(columns)
