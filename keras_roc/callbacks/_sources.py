"""Validation data given to the callbacks: arrays, datasets, PyDatasets.

`ValidationSource` checks `validation_data` at construction and runs it
through the model once per epoch (`predict`), shared by every keras_roc
callback of a model.
"""

from __future__ import annotations

import dataclasses
import sys
import weakref

import keras
import numpy as np

from keras_roc.callbacks import _capture

# Predictions of the current epoch from the callbacks' own validation data,
# shared by every keras_roc callback of a model (one pass, not two):
# model -> {(source, output, batch size): SharedPass}.
SHARED_PREDICTIONS = weakref.WeakKeyDictionary()


@dataclasses.dataclass(frozen=True)
class SharedPass:
    """One epoch's predictions of one source, shared by the model's callbacks."""

    epoch: int
    predictions: _capture.Predictions


def shared_pass(model, source, output, batch_size, epoch):
    """This epoch's predictions of `source`, predicted once for every callback."""
    cache = SHARED_PREDICTIONS.setdefault(model, {})
    key = (source.key, repr(output), batch_size)
    entry = cache.get(key)
    if entry is None or entry.epoch != epoch:
        cache.clear()  # keep only the current epoch: memory stays bounded
        entry = cache[key] = SharedPass(epoch, source.predict(model, output))
    return entry.predictions


def to_numpy(value):
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
            f"`validation_data` parts must be arrays with one row per sample; received a scalar {structure!r}."
        )
    else:
        yield path, structure


def _is_tf_dataset(data):
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(data, tf.data.Dataset)


class ValidationSource:
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
                raise ValueError("`validation_data` has no labels: pass (x, y) or (x, y, sample_weight), not y=None.")
            lengths = {
                f"{name}{path}": len(leaf)
                for name, part in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight))
                for path, leaf in _leaves(part)
            }
            if len(set(lengths.values())) > 1:
                raise ValueError(
                    f"`validation_data` parts must have the same number of samples. Received lengths {lengths}."
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
                to_numpy(_capture.select(self.y, output, "labels", names)),
                np.asarray(to_numpy(_capture.select(scores, output, "predictions", names)), np.float32),
                to_numpy(_capture.select(self.sample_weight, output, "sample weights", names)),
            )
        labels, scores, weights = [], [], []
        for batch in self._batches():
            x, y, w = keras.utils.unpack_x_y_sample_weight(batch)
            labels.append(to_numpy(_capture.select(y, output, "labels", names)))
            predicted = _capture.select(model.predict_on_batch(x), output, "predictions", names)
            scores.append(np.asarray(to_numpy(predicted), np.float32))
            weights.append(to_numpy(_capture.select(w, output, "sample weights", names)))
        if not labels:
            raise ValueError("`validation_data` yielded no batches this epoch.")
        return _capture.Predictions(np.concatenate(labels), np.concatenate(scores), _capture.join_weights(weights))
