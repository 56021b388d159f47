"""Checks made at the start of a run, and what the model's loss says.

Free functions of the model and the callback's options, so that the base
callback stays a lifecycle.
"""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np

from keras_roc import metrics
from keras_roc.callbacks import _capture
from keras_roc.callbacks._sources import to_numpy

#: Loss names whose Keras functions take probabilities (their default
#: `from_logits=False`), for `from_logits=None`.
_PROBABILITY_LOSSES = frozenset(
    {
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "binary_focal_crossentropy",
        "categorical_focal_crossentropy",
    }
)


def loss_from_logits(loss, output, output_names):
    """What a compiled loss says of the evaluated output: True (logits),
    False (probabilities) or None (it does not say)."""
    if isinstance(loss, dict):
        loss = loss.get(output) if output in loss else (next(iter(loss.values())) if len(loss) == 1 else None)
    elif isinstance(loss, (list, tuple)):
        names = list(output_names or ())
        index = names.index(output) if isinstance(output, str) and output in names else output
        if index is None and len(loss) == 1:
            index = 0
        loss = loss[index] if isinstance(index, int) and -len(loss) <= index < len(loss) else None
    if isinstance(loss, str):
        return False if loss in _PROBABILITY_LOSSES else None
    get_config = getattr(loss, "get_config", None)
    if not callable(get_config):
        return None  # a plain function: it does not say
    try:
        said = get_config().get("from_logits")
    except Exception:  # a custom loss whose config cannot be built
        return None
    return None if said is None else bool(said)


def validates(epoch, validation_freq):
    """Whether fit runs a validation pass after `epoch` (as Keras decides)."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    try:
        return epoch + 1 in validation_freq
    except TypeError:
        return True


def output_width(model, output, source):
    """Scores per sample of the evaluated output (None if unknown)."""
    outputs = getattr(model, "outputs", None)
    if outputs and len(outputs) == 1 and output is None:
        shape = tuple(outputs[0].shape)
    elif outputs and isinstance(output, (int, str)) and len(outputs) > 1:
        names = list(getattr(model, "output_names", None) or ())
        index = names.index(output) if output in names else output
        if not isinstance(index, int) or not -len(outputs) <= index < len(outputs):
            raise ValueError(
                f"`output={output!r}` is not one of the model's outputs {names} nor an index below {len(outputs)}."
            )
        shape = tuple(outputs[index].shape)
    elif source is not None:  # subclassed model
        x, _ = source.first_batch()
        sample = keras.tree.map_structure(lambda a: a[:2], x)
        names = getattr(model, "output_names", None)
        predicted = _capture.select(model.predict_on_batch(sample), output, "predictions", names)
        shape = np.shape(to_numpy(predicted))
    else:
        return None
    return shape[-1] if len(shape) > 1 else 1


def task_from_width(task, width):
    if task != "auto":
        return task
    return "binary" if width in (1, 2, None) else "multiclass"


def check_model_and_labels(who, model, source, *, task, class_names, output):
    """Validates labels against the model's output; returns the task."""
    width = output_width(model, output, source)
    if source is None or width is None:
        return task_from_width(task, width)
    names = getattr(model, "output_names", None)
    labels = to_numpy(_capture.select(source.first_batch()[1], output, "labels", names))
    if labels is None or labels.ndim == 0:
        raise ValueError(f"{who}: the validation labels must have one row per sample; received {labels!r}.")
    scores = np.zeros((labels.shape[0], width), np.float32)
    try:
        checked = metrics._validate(labels, scores, task, class_names, None)
    except (ValueError, TypeError) as error:
        raise type(error)(
            f"{who}: the validation labels do not fit the "
            f"model's output. The model has {width} output(s) per sample; "
            f"the labels have shape {labels.shape}. {error}"
        ) from None
    return checked.task


#: Notes of `metrics.evaluate` about AUCs and log loss, which
#: ConfusionMatrixCallback leaves to ROCCallback.
AUC_NOTE_WORDS = ("ROC AUC", "micro average", "DeLong", "log loss")

_NOT_PROBABILITIES = (
    "the model's outputs fall outside [0, 1], so they are not probabilities "
    "(a model that outputs logits?), but the callbacks treat them as "
    "probabilities: pass `from_logits=True` to the callbacks, or compile with "
    "a loss that says so (e.g. `from_logits=True`), which they follow. Until "
    "then the log loss, Brier score and calibration error{and_auc} NaN."
)


def _nan_point(point):
    return None if point is None else metrics.OperatingPoint(math.nan, math.nan, math.nan)


def _nan_values(mapping):
    return None if mapping is None else {name: math.nan for name in mapping}


def _rank_metrics_undefined(result):
    """The changes that make every ranking metric of `result` NaN."""
    nan = math.nan
    return dict(
        auc=nan,
        auc_ci=(nan, nan) if result.auc_ci is not None else None,
        auc_se=nan if result.auc_se is not None else None,
        auc_micro=nan if result.auc_micro is not None else None,
        auc_macro=nan if result.auc_macro is not None else None,
        auc_weighted=nan if result.auc_weighted is not None else None,
        per_class_auc=_nan_values(result.per_class_auc),
        per_class_ci={name: (nan, nan) for name in result.per_class_ci},
        average_precision=nan,
        average_precision_micro=nan if result.average_precision_micro is not None else None,
        average_precision_macro=nan if result.average_precision_macro is not None else None,
        per_class_average_precision=_nan_values(result.per_class_average_precision),
        partial_auc=nan if result.partial_auc is not None else None,
        per_class_partial_auc=_nan_values(result.per_class_partial_auc),
        at_threshold=_nan_point(result.at_threshold),
        youden=_nan_point(result.youden),
        at_specificity=_nan_point(result.at_specificity),
        at_sensitivity=_nan_point(result.at_sensitivity),
        per_class_at_specificity=_nan_values(result.per_class_at_specificity),
        per_class_at_sensitivity=_nan_values(result.per_class_at_sensitivity),
    )


def not_probabilities(result, score_columns):
    """`result` of scores outside [0, 1] taken as probabilities.

    The core already made the log loss, Brier score and calibration error
    NaN, with a note this replaces by one naming the callbacks' fix. The
    binary AUC of one score column and the multilabel AUCs are the same for
    logits and probabilities (sigmoid keeps the order); the multiclass ones
    are not (softmax mixes the columns), so every ranking metric is NaN too.
    """
    keeps_auc = result.task == "multilabel" or (result.task == "binary" and score_columns == 1)
    changes = {} if keeps_auc else _rank_metrics_undefined(result)
    note = _NOT_PROBABILITIES.format(and_auc=" are" if keeps_auc else ", and the AUCs and average precisions are")
    kept = tuple(n for n in result.notes if not n.startswith(metrics.OUTSIDE_UNIT_INTERVAL))
    changes["notes"] = kept + (note,)
    return dataclasses.replace(result, **changes)
