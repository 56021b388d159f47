"""What differs between Keras's backends, in one place.

Reusing fit's validation pass means handing each validation batch's labels,
predictions and weights from inside the test step (compiled or not) to
Python. Every backend does it its own way (`HostCopy`); each use of a
backend's API below says what it relies on. The rest of keras_roc is
backend-neutral (`keras.ops`, NumPy) and imports no backend library.

- TensorFlow: `tf.py_function` inside the traced step. It has no XLA
  kernel, so under `jit_compile=True` (the default on a GPU) the step writes
  each batch into preallocated variables of the pass's size instead
  (`_TensorFlowXlaCopy`: a scatter at a row counter), read once at the end
  of the pass. Under a `tf.distribute` strategy, replica variables would be
  summed on read: there `copy_reason` names the fallback (one extra pass).
- JAX: `jax.experimental.io_callback(..., ordered=True)`, which runs once
  per batch under `jax.jit` (Keras's default), with `steps_per_execution >
  1` and under `keras.distribution.DataParallel` (each call receives the
  whole, gathered batch); `jax.effects_barrier()` before the batches are read.
  `jax.pure_callback` is dropped when its result is unused and
  `jax.debug.callback` is documented as droppable: neither is used.
- PyTorch: the test step runs eagerly (or under `torch.compile` with
  `jit_compile=True`, where the copy is excluded from compilation with
  `torch.compiler.disable`); detached tensors are kept on their device and
  moved to the host once per pass (a `.cpu()` per batch would synchronise
  a GPU at every batch).
"""

from __future__ import annotations

import keras
import numpy as np

# Backends whose test step can hand batches to Python (see `HostCopy`).
SUPPORTED = ("tensorflow", "jax", "torch")


def name():
    """The Keras backend of this process (`KERAS_BACKEND`, fixed at import)."""
    return keras.backend.backend()


def _tensorflow_xla(model):
    return name() == "tensorflow" and bool(getattr(model, "jit_compile", False))


def _under_tf_strategy(model):
    # Relies on: the TensorFlow trainer's `distribute_strategy` is TF's default
    # strategy (class `_DefaultDistributionStrategy`) unless the model was
    # built under a `tf.distribute` strategy scope.
    strategy = getattr(model, "distribute_strategy", None)
    return strategy is not None and type(strategy).__name__ != "_DefaultDistributionStrategy"


def copy_reason(model, rows=None):
    """Why batches cannot be copied out of this model's test step, or None.

    `rows`: the rows of one pass when known (XLA's buffer needs its size).
    """
    backend = name()
    if backend not in SUPPORTED:
        return f"the {backend} backend has no way to hand a compiled step's batches to Python"
    if _tensorflow_xla(model):
        if _under_tf_strategy(model):
            return (
                "the model is compiled with jit_compile=True on the TensorFlow backend under a "
                "tf.distribute strategy, where XLA cannot hand predictions to Python and "
                "replica variables are summed when read"
            )
        if not rows:
            return (
                "the model is compiled with jit_compile=True on the TensorFlow backend, where the "
                "batches are copied into a buffer of the validation set's size, and the size of "
                "this validation data is unknown (a dataset, not arrays)"
            )
    return None


def check_distribution(callback_name):
    """Fails (at `on_train_begin`) under a distribution keras_roc cannot see whole.

    TensorFlow's strategies are handled by the capture (`tf.py_function`
    receives every replica's batch); JAX's single-process
    `keras.distribution` gathers each batch for `io_callback`.
    """
    backend = name()
    if backend == "torch":
        import torch.distributed

        # Relies on: Keras's torch backend trains one shard per process under
        # torch DDP; each process would see only its own shard.
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            world = torch.distributed.get_world_size()
            if world > 1:
                raise ValueError(
                    f"{callback_name} does not support PyTorch distributed training "
                    f"(torch.distributed is initialised with {world} processes): each "
                    "process sees only its shard of the validation data, so the AUC "
                    "would not be the whole set's. Train in one process, or compute "
                    "the metrics after training with keras_roc.evaluate(y, model.predict(x))."
                )
    elif backend == "jax":
        import jax

        # Relies on: jax.process_count() is the number of JAX processes (hosts).
        if jax.process_count() > 1:
            raise ValueError(
                f"{callback_name} does not support multi-process JAX training "
                f"({jax.process_count()} processes): each process would see only its "
                "part of the validation data. Use keras.distribution.DataParallel on "
                "the devices of one process, or keras_roc.evaluate after training."
            )


def is_chief(model):
    """Whether this process writes TensorBoard events (one process writes)."""
    if name() == "tensorflow":
        # Relies on: under a multi-worker tf.distribute strategy only the chief
        # has `extended.should_save_summary` set.
        strategy = getattr(model, "distribute_strategy", None)
        return bool(getattr(getattr(strategy, "extended", None), "should_save_summary", True))
    if name() == "jax":
        import jax

        return jax.process_index() == 0
    return True


class HostCopy:
    """Hands each batch's tensors to `store(list_of_numpy_arrays)`.

    `copy(tensors)` is called inside the test step (traced or eager);
    `barrier()` where the capture starts or stops accepting batches;
    `collect()` once the pass ended, before its batches are read; `clear()`
    at a new pass. `lost_reason` says why a pass's batches were dropped.
    """

    def __init__(self, store):
        self.store = store
        self.lost_reason = None

    @staticmethod
    def for_model(model, store, rows=None):
        """The host copy for this process's backend (and `model`'s compilation)."""
        if _tensorflow_xla(model):
            return _TensorFlowXlaCopy(store, rows)
        return {"tensorflow": _TensorFlowCopy, "jax": _JaxCopy, "torch": _TorchCopy}[name()](store)

    def copy(self, tensors):
        raise NotImplementedError

    def barrier(self):
        """Waits until every batch copied so far has reached `store`."""

    def collect(self):
        """Hands what the pass copied to `store` (after `barrier`)."""
        self.barrier()

    def clear(self):
        """Drops batches not yet handed to `store`."""
        self.lost_reason = None


class _TensorFlowCopy(HostCopy):
    def copy(self, tensors):
        import tensorflow as tf

        def push(*values):
            self.store([value.numpy() for value in values])
            return 0

        # Relies on: tf.py_function runs `push` once per step execution, with
        # every replica's values under a tf.distribute strategy.
        tf.py_function(push, tensors, Tout=tf.int32)


class _TensorFlowXlaCopy(HostCopy):
    """Under XLA: each batch scattered into variables of the pass's size.

    A row counter gives each batch its place; a pass longer than the
    buffer (the counter passes `rows`) is dropped whole and predicted again
    (scatter skips rows out of range, so nothing else is overwritten).
    """

    def __init__(self, store, rows):
        super().__init__(store)
        self.rows = int(rows or 0)  # 0: not used (`copy_reason` says why)
        self._columns = None  # variables, created at the first trace
        self._count = None

    def copy(self, tensors):
        import tensorflow as tf

        if self._columns is None:
            # Relies on: variables made under tf.init_scope while tf.function
            # traces are created once, eagerly, and captured by the function.
            with tf.init_scope():
                self._columns = [
                    tf.Variable(tf.zeros((self.rows,) + tuple(tensor.shape[1:]), tensor.dtype), trainable=False)
                    for tensor in tensors
                ]
                self._count = tf.Variable(0, dtype=tf.int32, trainable=False)
        start = self._count.read_value()
        rows = start + tf.range(tf.shape(tensors[0])[0], dtype=tf.int32)
        for column, tensor in zip(self._columns, tensors):
            # Relies on: ResourceScatterUpdate has an XLA kernel and skips
            # indices out of range.
            column.scatter_update(tf.IndexedSlices(tensor, rows))
        self._count.assign_add(tf.shape(tensors[0])[0])

    def collect(self):
        if self._columns is None:
            return
        count = int(self._count.numpy())
        if count > self.rows:
            self.lost_reason = (
                f"the validation pass had {count} rows, more than the {self.rows} of the buffer "
                "that jit_compile=True (XLA) copies them into"
            )
        elif count:
            self.store([column[:count].numpy() for column in self._columns])

    def clear(self):
        super().clear()
        if self._count is not None:
            self._count.assign(0)


class _JaxCopy(HostCopy):
    def copy(self, tensors):
        from jax.experimental import io_callback

        def push(*values):
            self.store([np.asarray(value) for value in values])

        # Relies on: an ordered io_callback is never removed by jit, runs once
        # per executed step, in order, with the whole (gathered) arrays.
        io_callback(push, None, *tensors, ordered=True)

    def barrier(self):
        import jax

        # Relies on: effects_barrier() returns once every ordered callback
        # dispatched so far has run.
        jax.effects_barrier()


class _TorchCopy(HostCopy):
    def __init__(self, store):
        super().__init__(store)
        self._pending = []  # per batch: detached tensors, on their device
        self.copy = _torch_disable(self.copy)

    def copy(self, tensors):
        import torch

        # Labels and weights may arrive as NumPy arrays (older Keras releases).
        self._pending.append([torch.as_tensor(tensor).detach() for tensor in tensors])

    def collect(self):
        import torch

        pending, self._pending = self._pending, []
        if pending:
            # One concatenation and one transfer to the host per pass.
            columns = [torch.cat([batch[i] for batch in pending]) for i in range(len(pending[0]))]
            self.store([column.cpu().numpy() for column in columns])

    def clear(self):
        super().clear()
        self._pending = []


def _torch_disable(function):
    # Relies on: torch.compiler.disable runs `function` eagerly, outside
    # torch.compile's graph (Keras's jit_compile=True on the torch backend).
    import torch

    return torch.compiler.disable(function)
