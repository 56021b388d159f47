"""The ROC tab's TensorBoard plugin: routes over `context.data_provider`.

Routes (under `/data/plugin/keras_roc/`; JSON through TensorBoard's
`Respond`, which writes non-finite numbers as the strings `"Infinity"`,
`"-Infinity"` and `"NaN"`):

- `runs`: `{"runs": [{"run", "max_step"}]}`, runs holding the tab's summary,
  sorted by name.
- `steps?run=R`: `{"run", "steps": [{"step", "wall_time", "auc", "auc_micro",
  "auc_macro"}]}`, every epoch written (the AUC strip and the slider).
- `epoch?run=R&step=S`: `{"run", "step", "wall_time", "summary", "curves"}`,
  one epoch: the JSON summary and each curve's arrays (`threshold`, `tp`,
  `fp`; the macro curve `fpr`, `tpr`).
- `index.js` and the other files of `static/`: the page (ES modules).

The data format is documented in docs/tensorboard_tab.md. Only the data
provider is used (the multiplexer is None under the default Rust loader).
"""

from __future__ import annotations

import collections
import json
import os
import threading

from tensorboard import plugin_util
from tensorboard.backend import http_util
from tensorboard.data import provider
from tensorboard.plugins import base_plugin
from werkzeug import wrappers

from keras_roc_tensorboard import PLUGIN_NAME, SAMPLES_PER_TAG

SUMMARY_TAG = "keras_roc/summary"
_STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# Runs whose epochs are kept in memory between requests (one run is read whole
# by the data provider; an epoch request then costs a dictionary look-up).
_CACHED_RUNS = 8


class _RequestError(Exception):
    """A request the page made wrongly (HTTP 400) or for missing data (404)."""

    def __init__(self, message, code=400):
        super().__init__(message)
        self.code = code


class ROCTabPlugin(base_plugin.TBPlugin):
    """Serves the ROC tab (`keras_roc_tensorboard.ROCTabLoader` loads it)."""

    plugin_name = PLUGIN_NAME

    def __init__(self, context):
        self._provider = context.data_provider
        self._cache = collections.OrderedDict()  # (experiment, run) -> (signature, {tag: {step: datum}})
        self._lock = threading.Lock()

    def is_active(self):
        return False  # the tab shows when the data provider lists the plugin's data

    def frontend_metadata(self):
        return base_plugin.FrontendMetadata(es_module_path="/index.js", tab_name="ROC")

    def get_plugin_apps(self):
        apps = {"/runs": self._runs_route, "/steps": self._steps_route, "/epoch": self._epoch_route}
        for name in sorted(os.listdir(_STATIC_DIR)):
            if os.path.splitext(name)[1] in _CONTENT_TYPES:
                apps["/" + name] = self._static_route(name)
        return apps

    # -- routes ---------------------------------------------------------------

    def _static_route(self, name):
        path = os.path.join(_STATIC_DIR, name)
        content_type = _CONTENT_TYPES[os.path.splitext(name)[1]]

        @wrappers.Request.application
        def route(request):
            with open(path, "rb") as file:
                return http_util.Respond(request, file.read(), content_type)

        return route

    @wrappers.Request.application
    def _runs_route(self, request):
        return self._answer(request, lambda context: {"runs": self._runs(context)})

    @wrappers.Request.application
    def _steps_route(self, request):
        def steps(context):
            run = _argument(request, "run")
            data = self._run_data(context, run)
            return {"run": run, "steps": [_step_entry(datum, run) for datum in data[SUMMARY_TAG].values()]}

        return self._answer(request, steps)

    @wrappers.Request.application
    def _epoch_route(self, request):
        def epoch(context):
            run, step = _argument(request, "run"), _argument(request, "step")
            try:
                step = int(step)
            except ValueError:
                raise _RequestError(f"`step` must be an integer; received step={step!r}.") from None
            data = self._run_data(context, run)
            summary = data[SUMMARY_TAG].get(step)
            if summary is None:
                raise _RequestError(f"Run {run!r} has no keras_roc data at step {step}.", 404)
            parsed = _parse_summary(summary, run)
            curves = [_curve_arrays(entry, data.get(entry["tag"], {}).get(step)) for entry in parsed["curves"]]
            return {"run": run, "step": step, "wall_time": summary.wall_time, "summary": parsed, "curves": curves}

        return self._answer(request, epoch)

    # -- data ------------------------------------------------------------------

    def _answer(self, request, compute):
        context = (plugin_util.context(request.environ), plugin_util.experiment_id(request.environ))
        try:
            body, code = compute(context), 200
        except _RequestError as error:
            body, code = {"error": str(error)}, error.code
        return http_util.Respond(request, body, "application/json", code=code)

    def _listing(self, context, run=None):
        ctx, experiment = context
        run_filter = provider.RunTagFilter(runs=[run]) if run is not None else None
        return self._provider.list_tensors(
            ctx, experiment_id=experiment, plugin_name=PLUGIN_NAME, run_tag_filter=run_filter
        )

    def _runs(self, context):
        listing = self._listing(context)
        runs = [(run, tags[SUMMARY_TAG].max_step) for run, tags in listing.items() if SUMMARY_TAG in tags]
        return [{"run": run, "max_step": step} for run, step in sorted(runs)]

    def _run_data(self, context, run):
        """`{tag: {step: TensorDatum}}` of every epoch of `run`, cached while
        the run's listing (last step and wall time of each tag) is unchanged."""
        tags = self._listing(context, run).get(run, {})
        if SUMMARY_TAG not in tags:
            raise _RequestError(f"No keras_roc data in run {run!r}.", 404)
        signature = tuple(sorted((tag, series.max_step, series.max_wall_time) for tag, series in tags.items()))
        key = (context[1], run)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == signature:
                self._cache.move_to_end(key)
                return cached[1]
        ctx, experiment = context
        read = self._provider.read_tensors(
            ctx,
            experiment_id=experiment,
            plugin_name=PLUGIN_NAME,
            downsample=SAMPLES_PER_TAG,
            run_tag_filter=provider.RunTagFilter(runs=[run], tags=list(tags)),
        ).get(run, {})
        data = {tag: {datum.step: datum for datum in series} for tag, series in read.items()}
        data.setdefault(SUMMARY_TAG, {})
        with self._lock:
            self._cache[key] = (signature, data)
            while len(self._cache) > _CACHED_RUNS:
                self._cache.popitem(last=False)
        return data


def _argument(request, name):
    value = request.args.get(name)
    if value is None:
        raise _RequestError(f"Missing query parameter `{name}` (e.g. ?{name}=...).")
    return value


def _parse_summary(datum, run):
    value = datum.numpy.item() if datum.numpy.size == 1 else None
    try:
        return json.loads(value.decode("utf-8") if isinstance(value, bytes) else value)
    except (TypeError, ValueError) as error:
        raise _RequestError(
            f"The keras_roc summary of run {run!r} at step {datum.step} is not a JSON string ({error}); "
            "keras_roc.tensorboard_tab.write_tab writes it.",
            500,
        ) from None


def _step_entry(datum, run):
    summary = _parse_summary(datum, run)
    entry = {"step": datum.step, "wall_time": datum.wall_time}
    entry.update({key: summary.get(key) for key in ("auc", "auc_micro", "auc_macro")})
    return entry


def _curve_arrays(entry, datum):
    """The summary's entry of one curve with its arrays at this epoch."""
    out = dict(entry)
    if datum is None:  # e.g. a tag the data provider has not read yet
        out["missing"] = True
        return out
    rows = datum.numpy.tolist()
    names = ("fpr", "tpr") if entry["kind"] == "macro" else ("threshold", "tp", "fp")
    out.update(zip(names, rows))
    return out
