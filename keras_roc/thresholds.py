"""The operating threshold that ships with a model: save and load it.

`keras_roc.ThresholdCheckpoint` writes one beside each `ModelCheckpoint`
file (`<file>.threshold.json`) and for the weights a model holds after
`fit`; `load_threshold` reads it back. The standard library only: no Keras,
no TensorFlow, no NumPy needed to deploy a threshold.

File format (strict JSON: `null` for NaN, `"inf"` for an infinite threshold,
which calls no sample positive):

```json
{"format": "keras_roc.threshold", "version": 1, "threshold": 0.73,
 "point": "youden", "target": null, "sensitivity": 0.95, "specificity": 0.97,
 "auc": 0.99, "epoch": 41, "positive_class": "1", "from_logits": false}
```
"""

from __future__ import annotations

import dataclasses
import json
import math
import os

#: The `format` field of a threshold file.
FORMAT = "keras_roc.threshold"
#: The format version this module writes and reads.
VERSION = 1
#: Appended to a model or weights file's name to name its threshold file.
SUFFIX = ".threshold.json"
#: The points a threshold can be taken at.
POINTS = ("youden", "target_specificity", "target_sensitivity")


@dataclasses.dataclass(frozen=True)
class SavedThreshold:
    """A binary classifier's operating threshold, validated with its weights.

    Attributes:
        threshold: Call a sample positive when its probability is `>=` this
            (with `from_logits`, the probability is `sigmoid(output)`).
        point: How it was chosen: `"youden"` (maximum sensitivity +
            specificity - 1), `"target_specificity"` or
            `"target_sensitivity"` (the exact ROC curve's best vertex at the
            target).
        target: The target rate for those points; None for Youden's.
        sensitivity: Sensitivity at `threshold` on the validation set.
        specificity: Specificity at `threshold` on the validation set.
        auc: The validation AUC of that epoch.
        epoch: The epoch (index) whose weights it was validated with.
        positive_class: The name of the positive class.
        from_logits: Whether the model outputs logits (apply a sigmoid
            before comparing with `threshold`).
    """

    threshold: float
    point: str
    target: float | None
    sensitivity: float
    specificity: float
    auc: float
    epoch: int | None
    positive_class: str
    from_logits: bool

    def is_positive(self, probability):
        """`probability >= threshold` (works on floats and NumPy arrays)."""
        return probability >= self.threshold


def threshold_path(path):
    """The threshold file of `path`: `path` itself if it ends in `.json`,
    else `<path>.threshold.json` (beside a model or weights file)."""
    path = os.fspath(path)
    return path if path.endswith(".json") else path + SUFFIX


def _json_number(value):
    """NaN as null, infinities as "inf" / "-inf" (strict JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    return value


def save_threshold(path, record):
    """Writes `record` (a `SavedThreshold`) to `threshold_path(path)`,
    atomically (a reader never sees half a file). Returns that path."""
    if not isinstance(record, SavedThreshold):
        raise TypeError(f"`record` must be a keras_roc.SavedThreshold. Received {type(record).__name__}.")
    target = threshold_path(path)
    fields = {name: _json_number(value) for name, value in dataclasses.asdict(record).items()}
    text = json.dumps({"format": FORMAT, "version": VERSION, **fields}, indent=2, allow_nan=False)
    temporary = f"{target}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    os.replace(temporary, target)
    return target


def load_threshold(path):
    """Reads the threshold saved with a model.

    Args:
        path: The model or weights file (`best.keras`, reads
            `best.keras.threshold.json`), or the threshold file itself.

    Returns:
        A frozen `SavedThreshold`.

    Raises:
        FileNotFoundError: No threshold file at `threshold_path(path)`.
        ValueError: The file is not a keras_roc threshold file.

    Example:

    ```python
    saved = keras_roc.load_threshold("checkpoints/best.keras")
    model = keras.saving.load_model("checkpoints/best.keras")
    positive = model.predict(x)[:, 0] >= saved.threshold
    ```
    """
    target = threshold_path(path)
    if not os.path.exists(target):
        raise FileNotFoundError(
            f"No threshold file at {target!r} (for {os.fspath(path)!r}). It is written by "
            "keras_roc.ThresholdCheckpoint beside each ModelCheckpoint file, or by keras_roc.save_threshold."
        )
    with open(target, encoding="utf-8") as file:
        try:
            data = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f"{target!r} is not a keras_roc threshold file: {error}.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{target!r} is not a keras_roc threshold file (no format {FORMAT!r}).")
    if data.get("version") != VERSION:
        raise ValueError(
            f"{target!r} has threshold format version {data.get('version')!r}; this keras_roc reads "
            f"version {VERSION}. Upgrade keras_roc."
        )
    names = [field.name for field in dataclasses.fields(SavedThreshold)]
    missing = [name for name in names if name not in data]
    if missing:
        raise ValueError(f"{target!r} lacks the fields {missing}.")
    values = {name: data[name] for name in names}
    for name in ("threshold", "sensitivity", "specificity", "auc"):
        values[name] = math.nan if values[name] is None else float(values[name])
    return SavedThreshold(**values)
