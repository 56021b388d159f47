"""`ThresholdCheckpoint`: the validated threshold travels with the weights."""

from __future__ import annotations

import os
import warnings

import keras

from keras_roc import thresholds
from keras_roc.callbacks import _keras_hooks as hooks
from keras_roc.callbacks.early_stopping import AUCEarlyStopping
from keras_roc.callbacks.roc import ROCCallback

#: `point="auto"` takes the first of these the ROCCallback was given a target for.
_AUTO_ORDER = ("target_specificity", "target_sensitivity")


def _check_point(point):
    allowed = ("auto",) + thresholds.POINTS
    if point not in allowed:
        raise ValueError(f"`point` must be one of {', '.join(map(repr, allowed))}. Received point={point!r}.")
    return point


def _file_state(path):
    """What changes when a file is written again, or None if it is absent."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)


def _directory_state(directory):
    """`_file_state` of every file in `directory` (empty if unreadable)."""
    try:
        with os.scandir(directory) as entries:
            return {os.path.abspath(entry.path): _file_state(entry.path) for entry in entries if entry.is_file()}
    except OSError:
        return {}


class ThresholdCheckpoint(keras.callbacks.Callback):
    """Saves the operating threshold validated with the weights that are kept.

    Binary tasks. Each validated epoch, the fit's `keras_roc.ROCCallback`
    gives the threshold at Youden's optimum, or at its `target_specificity`
    / `target_sensitivity` point (`point`). This callback then:

    - writes `<file>.threshold.json` beside every file a
      `keras.callbacks.ModelCheckpoint` of the same fit writes, with the
      threshold of the epoch whose weights that file holds (a save is
      detected as the file changing on disk during that epoch, so
      `save_best_only`, `save_weights_only` and `{epoch}` / `{val_roc_auc}`
      fields in the name all work; checkpoints with an integer
      `save_freq`, which save mid-epoch, are skipped with a warning);
    - at the end of `fit`, sets `threshold` to the record of the weights
      the model then holds: the best epoch's when a
      `keras.callbacks.EarlyStopping` or `keras_roc.AUCEarlyStopping` with
      `restore_best_weights=True` restores them (the last one in
      `callbacks` wins, as Keras calls them in order), else the last
      validated epoch's; with `filepath`, also writes it there.

    `keras_roc.load_threshold(path)` reads a threshold back, given the
    model file or the threshold file. Any order of `callbacks=[...]` works:
    the files are written once every callback has ended the epoch (at the
    next `on_epoch_begin`, or `on_train_end`).

    Args:
        filepath: Where to save the threshold of the weights kept at the
            end of `fit` (e.g. the path you will `model.save` to: the
            record goes to `<filepath>.threshold.json`, or to `filepath`
            itself if it ends in `.json`). None: only the `threshold`
            attribute. Defaults to `None`.
        point: `"youden"`, `"target_specificity"`, `"target_sensitivity"`
            (the ROCCallback must have that target), or `"auto"`: the target
            specificity point if given, else the target sensitivity point,
            else Youden's. Defaults to `"auto"`.
        roc: The `ROCCallback` to take the thresholds from. Defaults to
            `None`: the only one in `callbacks`.

    Attributes:
        threshold: The `keras_roc.SavedThreshold` of the weights the model
            holds after `fit` (None before, or when no epoch was validated).
        saved: Paths of the threshold files written in the latest `fit`.
    """

    def __init__(self, filepath=None, *, point="auto", roc=None):
        super().__init__()
        if roc is not None and not isinstance(roc, ROCCallback):
            raise TypeError(f"`roc` must be a keras_roc.ROCCallback or None. Received {type(roc).__name__}.")
        self.filepath = None if filepath is None else os.fspath(filepath)
        self.point = _check_point(point)
        self.roc = roc
        self.threshold = None
        self.saved = []
        # Per run, reset in on_train_begin.
        self._roc = None
        self._owner = None
        self._point = None
        self._callbacks = ()
        self._checkpoints = ()
        self._by_epoch = {}
        self._epoch = None  # the epoch running, until its files are checked
        self._last_epoch = None
        self._logs = None
        self._before = {}
        self._checked_task = False
        self._warned = set()

    # -- set-up ------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        context = hooks.FitArguments()
        if self._roc is not None:  # left by a fit that raised
            self._roc._listeners.discard(self)
        self.threshold, self.saved = None, []
        self._by_epoch, self._epoch, self._last_epoch, self._logs, self._before = {}, None, None, None, {}
        self._checked_task, self._warned = False, set()
        self._callbacks = tuple(context.callbacks)
        self._roc = self._find_roc()
        self._point = self._resolve_point(self._roc)
        self._checkpoints = self._find_checkpoints()
        self._owner = hooks.Owner(context.callback_list) if context.callback_list is not None else None
        self._roc._listeners.add(self)

    def _find_roc(self):
        rocs = [c for c in self._callbacks if isinstance(c, ROCCallback)]
        if self.roc is not None:
            if self.roc not in rocs:
                raise ValueError("ThresholdCheckpoint: the `roc` given is not in this fit's `callbacks`; add it.")
            return self.roc
        if len(rocs) != 1:
            raise ValueError(
                f"ThresholdCheckpoint takes the thresholds from the fit's keras_roc.ROCCallback; found "
                f"{len(rocs)} in `callbacks`. Add one, or pass `roc=` to choose among several."
            )
        return rocs[0]

    def _resolve_point(self, roc):
        if self.point == "auto":
            given = [name for name in _AUTO_ORDER if getattr(roc, name) is not None]
            return given[0] if given else "youden"
        if self.point != "youden" and getattr(roc, self.point) is None:
            raise ValueError(
                f"ThresholdCheckpoint(point={self.point!r}) needs the ROCCallback to be created with "
                f"`{self.point}=`, e.g. ROCCallback({self.point}=0.95)."
            )
        return self.point

    def _find_checkpoints(self):
        kept = []
        for callback in self._callbacks:
            if not isinstance(callback, keras.callbacks.ModelCheckpoint):
                continue
            if callback.save_freq != "epoch":
                self._warn(
                    f"ModelCheckpoint(save_freq={callback.save_freq!r}) saves in the middle of "
                    "epochs, where no validated threshold exists: no threshold is written beside its "
                    "files. Use save_freq='epoch'."
                )
                continue
            kept.append(callback)
        return tuple(kept)

    def _warn(self, message, key=None):
        """Warns once per fit for each `key` (default: the message)."""
        key = message if key is None else key
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(f"ThresholdCheckpoint: {message}", UserWarning, stacklevel=3)

    # -- from ROCCallback (see `_listeners`) ---------------------------------------

    def listening(self):
        return self._owner is not None and self._owner.running()

    def receive_scores(self, roc, data):
        pass

    def receive_result(self, roc, epoch, result):
        if roc is not self._roc or result.task != "binary":
            return
        if self._point == "youden":
            point, target = result.youden, None
        elif self._point == "target_specificity":
            point, target = result.at_specificity, roc.target_specificity
        else:
            point, target = result.at_sensitivity, roc.target_sensitivity
        self._by_epoch[epoch] = thresholds.SavedThreshold(
            threshold=float(point.threshold),
            point=self._point,
            target=target,
            sensitivity=float(point.sensitivity),
            specificity=float(point.specificity),
            auc=float(result.auc),
            epoch=int(epoch),
            positive_class=str(result.class_names[1]),
            from_logits=bool(roc._from_logits),
        )

    # -- per epoch -------------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        if not self._checked_task:  # every on_train_begin has run: the task is known
            self._checked_task = True
            if self._roc._task != "binary":
                raise ValueError(
                    f"ThresholdCheckpoint needs a binary task (one decision threshold); the "
                    f"ROCCallback evaluates a {self._roc._task} task. Remove ThresholdCheckpoint."
                )
        self._write_saved_checkpoints()
        self._before = {}
        for directory in {os.path.dirname(os.path.abspath(c.filepath)) for c in self._checkpoints}:
            self._before.update(_directory_state(directory))
        self._epoch = self._last_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._logs = logs  # the same dict later callbacks add to

    def _write_saved_checkpoints(self):
        """Writes the threshold beside each checkpoint file written during
        the epoch that just ended (`self._epoch`)."""
        epoch, self._epoch = self._epoch, None
        if epoch is None:
            return
        logs = dict(self._logs or {})
        for checkpoint in self._checkpoints:
            try:
                path = os.path.abspath(os.fspath(checkpoint.filepath).format(epoch=epoch + 1, **logs))
            except (KeyError, IndexError, ValueError):
                continue  # ModelCheckpoint itself could not name the file: it saved nothing
            state = _file_state(path)
            if state is None or state == self._before.get(path):
                continue
            record = self._by_epoch.get(epoch)
            if record is None:
                self._warn(
                    f"{os.path.basename(path)} holds weights of an epoch without a validation pass "
                    "(validation_freq): no threshold is written beside it, nor beside later such files.",
                    key="unvalidated",
                )
                continue
            self.saved.append(thresholds.save_threshold(path, record))

    def on_train_end(self, logs=None):
        try:
            self._write_saved_checkpoints()
            self.threshold = self._kept_record()
            if self.filepath is not None and self.threshold is not None:
                self.saved.append(thresholds.save_threshold(self.filepath, self.threshold))
        finally:
            if self._roc is not None:
                self._roc._listeners.discard(self)
            self._roc = self._owner = None
            self._callbacks = self._checkpoints = ()
            self._logs, self._before = None, {}

    def _kept_record(self):
        """The record of the weights the model holds once `fit` ends."""
        restored = None
        for callback in self._callbacks:
            if isinstance(callback, AUCEarlyStopping) and callback.restore_best_weights:
                if callback.best_epoch is not None:
                    restored = callback.best_epoch
            elif isinstance(callback, keras.callbacks.EarlyStopping) and callback.restore_best_weights:
                if callback.best_weights is not None:
                    restored = callback.best_epoch
        if restored is not None:
            return self._by_epoch.get(restored)
        # The final weights: validated only if the last epoch was.
        return self._by_epoch.get(self._last_epoch)
