"""Exact ROC analysis on NumPy arrays: no TensorFlow, no Keras, no matplotlib.

Everything here is vectorised NumPy (and the standard library): one sort per
class gives the exact ROC curve, the exact AUC (equal to scikit-learn's
`roc_auc_score`, ties and sample weights included) and the DeLong variance
(the fast algorithm of Sun & Xu, 2014: structural components from the same
sorted order).

The public entry point is `evaluate`, which returns a frozen `ROCResult`
(arrays read-only, mappings read-only, picklable); `roc_curve` returns one
binary `ROCCurve`; `cv_roc_summary` averages binary results over
cross-validation folds.

How `evaluate` computes: `validation` checks every input and option once;
then each binary problem (the binary task, each class against the rest,
the micro average) is summarised by an engine behind one interface,
`_engine.ROCEngine` (AUC and variance, average precision, curve, operating
point, Youden's optimum, points at target rates and the partial AUC, all
fixed when the engine is built):

* the streaming engine (`_streaming`, fed by `_chunks`) for unweighted
  problems: one pass over chunks of a sorted copy of the scores, memory of
  one chunk, exact integer AUC;
* the sorted engine (`_sorted`) for weighted problems: one argsort and
  cumulative weights per group of tied scores.

`averaging` makes the macro, weighted and micro averages, `_log_loss` and
`_confusion` the other summaries, `_notes` the texts of undefined values.

Undefined values are NaN and explained in `ROCResult.notes`; the public
functions issue those notes as one `UndefinedMetricWarning` (a
`UserWarning`). Stacklevel convention: only public functions warn, from
their own body (`_warnings.warn_undefined`), so the warning points at the
line that called the public function; helpers only return notes.

Modules:
    results: `ROCCurve`, `OperatingPoint`, `CalibrationCurve`, `ROCResult`.
    _calibration: the Brier score and the expected calibration error.
    validation: input and option checks (`validate`, `check_options`, and
        the `check_*` functions the figures and callbacks share).
    evaluation: `evaluate`, `roc_curve` and the steps between.
    averaging: macro, weighted and micro averages.
    cross_validation: `cv_roc_summary`, `CVROCSummary`.
    comparison: `compare_auc`, `AUCComparison` (DeLong's paired test).
    _engine: the `ROCEngine` protocol and what the engines share.
    _sorted, _streaming, _chunks: the two engines.
    _classes: what multiclass and multilabel evaluation needs beside the
        engines (per-class records, confusion matrices, log loss).
    _scores, _log_loss, _confusion, _numeric: smaller steps.
    _notes, _warnings: notes and `UndefinedMetricWarning`.
"""

# Besides the public names, the private names the figures, the callbacks,
# the tests and old pickles reach as `keras_roc.metrics.<name>` are
# imported here: hence the noqa F401.
from keras_roc.metrics._scores import OUTSIDE_UNIT_INTERVAL, _finite_range, _probabilities  # noqa: F401
from keras_roc.metrics._warnings import UndefinedMetricWarning
from keras_roc.metrics._warnings import renamed_attribute as _renamed_attribute
from keras_roc.metrics.comparison import AUCComparison, compare_auc
from keras_roc.metrics.cross_validation import CVROCSummary, cv_roc_summary
from keras_roc.metrics.evaluation import (  # noqa: F401
    DEFAULT_MAX_CURVE_POINTS,
    _evaluate,
    evaluate,
    roc_curve,
)
from keras_roc.metrics.results import (  # noqa: F401
    CalibrationCurve,
    OperatingPoint,
    ROCCurve,
    ROCResult,
    _rebuild,  # pickles made before the package split name it here
)
from keras_roc.metrics.validation import TASKS
from keras_roc.metrics.validation import check_options as _check_options  # noqa: F401
from keras_roc.metrics.validation import validate as _validate  # noqa: F401

__all__ = [
    "TASKS",
    "DEFAULT_MAX_CURVE_POINTS",
    "ROCCurve",
    "OperatingPoint",
    "CalibrationCurve",
    "ROCResult",
    "UndefinedMetricWarning",
    "evaluate",
    "roc_curve",
    "cv_roc_summary",
    "CVROCSummary",
    "compare_auc",
    "AUCComparison",
]

#: Old names, still reachable with a `DeprecationWarning`.
_RENAMED = {"RocCurve": "ROCCurve"}

# The public functions keep the module they always had, `keras_roc.metrics`:
# so `help`, `doctest.testmod(keras_roc.metrics)` and pickles by reference
# see them here. (Not the classes: before Python 3.13, `inspect.getsource`
# looks a class up in the file of its `__module__`.)
for _function in (evaluate, roc_curve, cv_roc_summary, compare_auc):
    _function.__module__ = __name__
del _function


def __getattr__(name):
    return _renamed_attribute(__name__, globals(), _RENAMED, name)
