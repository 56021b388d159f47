"""keras_roc: exact ROC AUC, curves and confusion matrices for Keras training.

The core (`evaluate`, the figure functions) needs only NumPy and matplotlib;
Keras (and its backend) is imported only when a callback is first used.

Example:

>>> import keras_roc
>>> keras_roc.evaluate([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3]).auc
1.0
"""

from keras_roc.figures import (
    figure_to_png,
    plot_calibration,
    plot_confusion_matrix,
    plot_cv_roc,
    plot_roc,
    plot_roc_comparison,
    plot_score_distribution,
)
from keras_roc.metrics import (
    AUCComparison,
    CalibrationCurve,
    CVROCSummary,
    OperatingPoint,
    ROCCurve,
    ROCResult,
    UndefinedMetricWarning,
    compare_auc,
    cv_roc_summary,
    evaluate,
    roc_curve,
)
from keras_roc.metrics._warnings import renamed_attribute as _renamed_attribute
from keras_roc.thresholds import SavedThreshold, load_threshold, save_threshold

__version__ = "0.1.0"

_LAZY = {
    "ROCCallback": "keras_roc.callbacks",
    "ConfusionMatrixCallback": "keras_roc.callbacks",
    "AUCEarlyStopping": "keras_roc.callbacks",
    "ThresholdCheckpoint": "keras_roc.callbacks",
}

#: Old names, still reachable with a `DeprecationWarning`.
_RENAMED = {"RocCurve": "ROCCurve", "CvRocSummary": "CVROCSummary"}

__all__ = [
    "evaluate",
    "roc_curve",
    "ROCResult",
    "ROCCurve",
    "OperatingPoint",
    "CalibrationCurve",
    "UndefinedMetricWarning",
    "plot_roc",
    "plot_confusion_matrix",
    "plot_score_distribution",
    "plot_roc_comparison",
    "plot_cv_roc",
    "plot_calibration",
    "cv_roc_summary",
    "CVROCSummary",
    "figure_to_png",
    "compare_auc",
    "AUCComparison",
    "load_threshold",
    "save_threshold",
    "SavedThreshold",
    *_LAZY,
]


def __getattr__(name):
    # Callbacks import Keras (and so TensorFlow): load them on first use only.
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    return _renamed_attribute(__name__, globals(), _RENAMED, name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
