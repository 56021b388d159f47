"""`AUCEarlyStopping`: stop when the validation AUC stops improving
significantly (DeLong's paired test against the best epoch)."""

from __future__ import annotations

import math
import numbers
import warnings
import weakref

import keras
import numpy as np

from keras_roc.callbacks import _keras_hooks as hooks
from keras_roc.callbacks import _listeners
from keras_roc.callbacks.roc import ROCCallback
from keras_roc.metrics import UndefinedMetricWarning, comparison, validation

#: Suffix of the logs key with the p-value (`val_roc_auc_p_value`).
P_VALUE_SUFFIX = "_p_value"


def _check_alpha(alpha):
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be a significance level in (0, 1), e.g. 0.05. Received alpha={alpha!r}.")
    return float(alpha)


def _check_monitor(monitor):
    if not isinstance(monitor, str) or not monitor.endswith("roc_auc"):
        raise ValueError(
            "`monitor` must be the logs key of a ROCCallback's AUC, e.g. 'val_roc_auc' (or "
            f"'<prefix>roc_auc' for a ROCCallback with its own validation_data). Received monitor={monitor!r}."
        )
    return monitor


class AUCEarlyStopping(keras.callbacks.Callback):
    """Early stopping on significant gains of the validation AUC.

    An epoch counts as an improvement only when its AUC is significantly
    higher than the best epoch's on the same validation samples: DeLong's
    paired test (`keras_roc.compare_auc`), one-sided, of "this epoch's AUC
    is not above the best's", rejected when its p-value is below `alpha`.
    The best epoch then becomes this one and the patience restarts; gains
    a test cannot tell from noise do not, so a model whose AUC only wobbles
    stops after `patience` epochs. Multiclass and multilabel tasks compare
    the macro one-vs-rest AUC (`val_roc_auc`), the classes' covariances
    included.

    Needs the fit's `keras_roc.ROCCallback` whose AUC is `monitor` (it
    hands over each validated epoch's scores; no extra forward pass), in
    any order of `callbacks=[...]`, reusing fit's pass or with its own
    `validation_data`. The validation samples must come in the same order
    each epoch (arrays always do; a `tf.data` validation set reshuffled
    each epoch fails with an error at the second validated epoch).

    Logs key: `<monitor>_p_value` (e.g. `val_roc_auc_p_value`), the
    one-sided p-value against the best epoch; NaN at the first epoch
    judged and before `start_from_epoch`. Callbacks after this one in the
    list see it. Memory: the best epoch's DeLong components (one float64
    per validation sample and class) until `on_train_end`, and with
    `restore_best_weights` a copy of the best weights.

    Args:
        monitor: The AUC's logs key. Defaults to `"val_roc_auc"`.
        alpha: Significance level of the one-sided test. Defaults to `0.05`.
        patience: Epochs without a significant improvement after which
            training stops (as in `keras.callbacks.EarlyStopping`: 0 and 1
            both stop at the first such epoch). Defaults to `0`.
        restore_best_weights: Restore the best epoch's weights at the end of
            training. Defaults to `False`.
        start_from_epoch: Epochs to train before judging any (warm-up).
            Defaults to `0`.
        verbose: 1 prints each epoch's p-value and the stop. Defaults to `0`.

    Attributes:
        best_epoch: The best epoch (index), or None.
        best: Its AUC (NaN before the first validated epoch).
        p_value: The latest epoch's p-value against the best.
        stopped_epoch: The epoch training stopped at (0: not stopped).

    Example:

    ```python
    roc = keras_roc.ROCCallback()
    stop = keras_roc.AUCEarlyStopping(patience=5, restore_best_weights=True)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=200, callbacks=[stop, roc])
    ```
    """

    # ROCCallback's order check: this callback needs no logs key from it.
    _reads_roc_scores = True

    def __init__(
        self,
        monitor="val_roc_auc",
        alpha=0.05,
        patience=0,
        restore_best_weights=False,
        start_from_epoch=0,
        verbose=0,
    ):
        super().__init__()
        self.monitor = _check_monitor(monitor)
        self.alpha = _check_alpha(alpha)
        self.patience = validation.check_int(patience, "patience", 0)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = validation.check_int(start_from_epoch, "start_from_epoch", 0)
        self.verbose = verbose
        self.p_value_key = monitor + P_VALUE_SUFFIX
        # Per run, reset in on_train_begin.
        self.best_epoch = None
        self.best = math.nan
        self.p_value = math.nan
        self.stopped_epoch = 0
        self.wait = 0
        self.best_weights = None
        self._roc = None
        self._owner = None
        self._best_placements = None
        self._pending = None
        self._last_data = None
        self._warned = set()

    def on_train_begin(self, logs=None):
        context = hooks.FitArguments()
        self._reset()
        self._roc = self._find_roc(context)
        self._owner = hooks.Owner(context.callback_list)
        self._roc._listeners.add(self)

    def _reset(self):
        if self._roc is not None:  # left by a fit that raised
            self._roc._listeners.discard(self)
        self.best_epoch, self.best, self.p_value = None, math.nan, math.nan
        self.stopped_epoch = self.wait = 0
        self.best_weights = self._roc = self._owner = None
        self._best_placements = self._pending = self._last_data = None
        self._warned = set()

    def _find_roc(self, context):
        if context.callback_list is None:
            raise ValueError(
                "AUCEarlyStopping could not find the other callbacks of `fit` (an unsupported "
                "Keras version, or it was not called by `fit`)."
            )
        rocs = [c for c in context.callbacks if isinstance(c, ROCCallback) and c.prefix + "roc_auc" == self.monitor]
        if len(rocs) != 1:
            found = [c.prefix + "roc_auc" for c in context.callbacks if isinstance(c, ROCCallback)]
            raise ValueError(
                f"AUCEarlyStopping(monitor={self.monitor!r}) needs exactly one keras_roc.ROCCallback "
                f"logging {self.monitor!r} in the same `callbacks` list; found {len(rocs)} (ROCCallbacks "
                f"logging {found}). Add keras_roc.ROCCallback() to `callbacks`, or set `monitor`."
            )
        return rocs[0]

    # -- from ROCCallback (see `_listeners`) -----------------------------------

    def listening(self):
        return self._owner is not None and self._owner.running()

    def receive_scores(self, roc, data):
        """Keeps the DeLong components of a pass's scores (not the scores)."""
        if roc is not self._roc or (self._last_data is not None and self._last_data() is data):
            return
        self._last_data = weakref.ref(data)
        checked = validation.validate(data.y_true, data.y_score, roc.task, roc.class_names, data.sample_weight)
        self._pending = comparison.placements(checked, roc._from_logits)

    def receive_result(self, roc, epoch, result):
        pass

    # -- per epoch ---------------------------------------------------------------

    def on_epoch_end(self, epoch, logs=None):
        _listeners.send_scores(self._roc, epoch)  # if ROCCallback comes later in the list
        current, self._pending = self._pending, None
        if current is None:
            return  # no validation pass this epoch (validation_freq)
        p_value = math.nan
        if epoch >= self.start_from_epoch:
            p_value = self._judge(epoch, current)
        self.p_value = p_value
        if logs is not None:
            logs[self.p_value_key] = p_value

    def _judge(self, epoch, current):
        """Compares `current` with the best epoch; returns the p-value."""
        if self._best_placements is None:
            self._new_best(epoch, current)
            return math.nan
        test = self._test(epoch, current)
        p_value = test.one_sided_p_value()
        if self.verbose:
            print(
                f"Epoch {epoch + 1}: {self.monitor} {test.auc_a:.4f} against the best {test.auc_b:.4f} "
                f"(epoch {self.best_epoch + 1}): one-sided p = {p_value:.3g}"
            )
        self.wait += 1
        if p_value < self.alpha:
            self._new_best(epoch, current)
            self.wait = 0
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
        return p_value

    def _test(self, epoch, current):
        try:
            test = comparison.paired_test(current, self._best_placements)
        except ValueError:
            raise ValueError(
                f"AUCEarlyStopping: the validation labels of epoch {epoch} differ from those of the "
                f"best epoch {self.best_epoch}, so their AUCs cannot be compared on the same samples "
                "(a validation set reshuffled each epoch, e.g. tf.data's shuffle with "
                "reshuffle_each_iteration=True?). Pass validation data in a fixed order."
            ) from None
        for note in test.notes:
            if "zero variance" not in note and note not in self._warned:  # frozen weights: expected
                self._warned.add(note)
                warnings.warn(
                    f"AUCEarlyStopping: {note} Counted as no improvement.", UndefinedMetricWarning, stacklevel=3
                )
        return test

    def _new_best(self, epoch, placements):
        self._best_placements = placements
        self.best_epoch = epoch
        defined = np.isfinite(placements.aucs)
        self.best = float(placements.aucs[defined].mean()) if defined.any() else math.nan
        if self.restore_best_weights:
            self.best_weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self._roc is not None:
            self._roc._listeners.discard(self)
        self._roc = self._owner = None
        self._best_placements = self._pending = self._last_data = None
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping (no significant AUC gain).")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
        self.best_weights = None
