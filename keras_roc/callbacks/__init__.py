"""Keras callbacks: exact ROC AUC in the epoch logs, curves in TensorBoard.

This package is the only part of keras_roc that imports Keras (and so
TensorFlow): `base` (what both callbacks share), `roc`, `confusion_matrix`,
`_sources` (the callbacks' own `validation_data`), `_capture` (reusing
fit's pass), `_checks` (checks at the start of a run) and `_keras_hooks`
(every Keras and CPython internal keras_roc relies on).

Logs keys (public API), present in the epoch logs for `History`,
`EarlyStopping`, `ModelCheckpoint`, `ReduceLROnPlateau`, `CSVLogger`,
`keras.callbacks.TensorBoard` and the progress bar:

- `val_roc_auc`: binary AUC, or the macro one-vs-rest average (multiclass,
  multilabel), exact on the whole validation set;
- `val_roc_auc_micro`, `val_roc_auc_macro`: multiclass and multilabel only;
- `val_log_loss`, `val_average_precision` (multiclass, multilabel: also
  `val_average_precision_micro`), `val_brier_score`;
- with `ROCCallback`'s options: `val_roc_auc_partial`,
  `val_sensitivity_at_specificity`, `val_specificity_at_sensitivity`;
- with `AUCEarlyStopping` (`early_stopping`): `val_roc_auc_p_value`, the
  one-sided DeLong p-value of the epoch's AUC against the best epoch's.

`ThresholdCheckpoint` (`threshold`) saves the validated threshold with the
weights that are kept; `ROCCallback(on_result=...)` hands each epoch's
result to any tracker (`_listeners`).

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
  them whatever the order of `callbacks=[...]` (see `keras_roc.callbacks._capture`
  for what is captured, and how nothing outlives the fit).
- With `validation_data=...`: one prediction pass per epoch, shared by every
  keras_roc callback of the fit. Callbacks that monitor the keys must come
  after ours in the list; the other order fails at the start of `fit`.
"""

from keras_roc.callbacks.confusion_matrix import ConfusionMatrixCallback
from keras_roc.callbacks.early_stopping import AUCEarlyStopping
from keras_roc.callbacks.roc import LOG_KEYS, ROCCallback
from keras_roc.callbacks.threshold import ThresholdCheckpoint

__all__ = ["ROCCallback", "ConfusionMatrixCallback", "AUCEarlyStopping", "ThresholdCheckpoint", "LOG_KEYS"]
