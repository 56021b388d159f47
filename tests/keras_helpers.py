"""Keras pieces the callback tests share (`from keras_helpers import ...`).

Apart from helpers.py so that the metrics tests do not import Keras.
"""

import keras


class CountingLayer(keras.layers.Layer):
    """Counts the samples that pass through it in inference mode."""

    def build(self, input_shape):
        self.seen = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="float32")

    def call(self, inputs, training=None):
        if not training:
            self.seen.assign_add(keras.ops.cast(keras.ops.shape(inputs)[0], "float32"))
        return inputs


class EvaluateIn(keras.callbacks.Callback):
    """Evaluates a test set from one hook, as users do for held-out sets.

    At most `limit` times: batch hooks fire often.
    """

    def __init__(self, hook, x, y, limit=3):
        super().__init__()
        self.x, self.y, self.limit, self.returned = x, y, limit, []
        setattr(self, hook, self._evaluate)

    def _evaluate(self, *args, **kwargs):
        if len(self.returned) < self.limit:
            self.returned.append(self.model.evaluate(self.x, self.y, verbose=0, return_dict=True))
