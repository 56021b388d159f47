"""End to end: the real `tensorboard` program serves what keras_roc wrote.

Two TensorBoard servers (the installed package, run as subprocesses on
127.0.0.1) watch one log directory while two small models train into it:

- `multiclass/`: wine (3 classes), `ROCCallback` and `ConfusionMatrixCallback`
  reusing fit's validation pass, beside `keras.callbacks.TensorBoard`;
- `binary/`: breast cancer, keras_roc's callbacks alone (so keras_roc writes
  `epoch_roc_auc` itself).

The servers are started before training, as users do, so event files are
read while they grow. The two loaders TensorBoard has are both tested:

- `fast`: `--load_fast=true`, the Rust data server from
  `tensorboard_data_server`; plain `tensorboard --logdir ...` uses it
  (`--load_fast=auto`) whenever the binary exists, as it does here.
- `python`: `--load_fast=false --reload_multifile=true`, the pure-Python
  multiplexer. `--reload_multifile=true` is needed: by default that loader
  only follows the newest event file of a run directory
  (`backend/event_processing/directory_watcher.py`), and `validation` gets
  one file per writer (Keras's TensorBoard, ROCCallback and
  ConfusionMatrixCallback each open one), so the older files stop updating
  after the first epoch while training runs.

The data API routes and response formats used here are those of the
installed tensorboard (2.21): `backend/application.py`,
`plugins/core/core_plugin.py` and `plugins/{scalar,image,histogram,pr_curve}`.
"""

import http.client
import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import keras
import numpy as np
import pytest
from helpers import TensorBoardServer, read_events, small_model

import keras_roc

pytestmark = pytest.mark.slow

EPOCHS = 3
LOADERS = {
    "fast": ["--load_fast=true"],
    "python": ["--load_fast=false", "--reload_multifile=true"],
}
# The plugins whose data keras_roc writes (plugin name in the event files =
# route prefix /data/plugin/<name>/).
PLUGINS = ("scalars", "images", "histograms", "pr_curves")
STARTUP_TIMEOUT = 45.0  # seconds until a server answers (imports TensorFlow)
LOAD_TIMEOUT = 30.0  # seconds until everything on disk is served
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Never send 127.0.0.1 requests through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------


class _HTTPStatusError(Exception):
    pass


def _get(url, path, timeout=10.0, **params):
    """GET `url + path?params`; returns (body bytes, content type)."""
    address = url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        response = _OPENER.open(address, timeout=timeout)
    except urllib.error.HTTPError as error:
        with error:
            body = error.read()
        raise _HTTPStatusError(f"GET {address} -> HTTP {error.code}: {body[:300]!r}") from None
    with response:
        return response.read(), response.headers.get_content_type()


def _get_json(url, path, **params):
    body, content_type = _get(url, path, **params)
    assert content_type == "application/json", (path, content_type, body[:200])
    return json.loads(body)


def _get_json_or_fail(url, path, **params):
    try:
        return _get_json(url, path, **params)
    except _HTTPStatusError as error:
        pytest.fail(str(error))


# Not ready yet: refused or reset connections, timeouts, 4xx/5xx, half bodies.
_NOT_READY = (OSError, http.client.HTTPException, _HTTPStatusError, ValueError)
# While waiting for the data, anything unexpected means "not there yet"; the
# tests then report the actual problem.
_NOT_LOADED = _NOT_READY + (KeyError, IndexError, TypeError, AssertionError)


def _series_steps(url, plugin, run, tag):
    """The steps a plugin serves for one run and tag, in served order."""
    if plugin == "scalars":  # [[wall_time, step, value], ...]
        return [point[1] for point in _get_json(url, "/data/plugin/scalars/scalars", run=run, tag=tag)]
    if plugin == "images":  # [{"wall_time", "step", "query"}, ...]
        return [entry["step"] for entry in _get_json(url, "/data/plugin/images/images", run=run, tag=tag)]
    if plugin == "histograms":  # [[wall_time, step, [[left, right, count], ...]], ...]
        return [entry[1] for entry in _get_json(url, "/data/plugin/histograms/histograms", run=run, tag=tag)]
    if plugin == "pr_curves":  # {run: [{"step", "precision", ...}, ...]}
        body = _get_json(url, "/data/plugin/pr_curves/pr_curves", run=run, tag=tag)
        return [entry["step"] for entry in body[run]]
    raise AssertionError(plugin)


def _served_steps(url):
    """{plugin: {run: {tag: [steps]}}} of everything a server serves."""
    served = {}
    for plugin in PLUGINS:
        tags = _get_json(url, f"/data/plugin/{plugin}/tags")
        served[plugin] = {
            run: {tag: _series_steps(url, plugin, run, tag) for tag in run_tags}
            for run, run_tags in tags.items()
            if run_tags
        }
    return served


# ---------------------------------------------------------------------------
# The TensorBoard subprocess
# ---------------------------------------------------------------------------


def _data_server_missing():
    """Why `--load_fast=true` cannot run here, or None if it can."""
    from tensorboard.data import server_ingester

    try:
        server_ingester.get_server_binary()
    except server_ingester.NoDataServerError as error:
        return str(error)
    return None


def _stop_all(servers):
    for server in servers:  # SIGTERM to all first: they shut down in parallel
        server.terminate()
    for server in servers:
        server.stop()


# ---------------------------------------------------------------------------
# Training and the module fixture
# ---------------------------------------------------------------------------


def _train(log_dir, wine, breast_cancer):
    """Trains both experiments; returns {experiment: what the tests check}."""
    trained = {}

    x, y, x_val, y_val = wine
    model = small_model(x.shape[1], 3)
    experiment = log_dir / "multiclass"
    roc = keras_roc.ROCCallback(log_dir=experiment, image_every=1)  # every epoch's images, to be served
    matrix = keras_roc.ConfusionMatrixCallback(log_dir=experiment, image_every=1)
    board = keras.callbacks.TensorBoard(log_dir=str(experiment))
    history = model.fit(
        x, y, epochs=EPOCHS, batch_size=32, verbose=0,
        validation_data=(x_val, y_val), callbacks=[board, roc, matrix],
    )  # fmt: skip
    positives = {str(c): int((y_val == c).sum()) for c in range(3)}
    trained["multiclass"] = dict(history=history.history, result=roc.result, positives=positives, n=len(y_val))

    x, y, x_val, y_val = breast_cancer
    model = small_model(x.shape[1], 1)
    experiment = log_dir / "binary"
    names = ["malignant", "benign"]  # sklearn's target: 0 = malignant
    roc = keras_roc.ROCCallback(log_dir=experiment, class_names=names, image_every=1)
    matrix = keras_roc.ConfusionMatrixCallback(log_dir=experiment, class_names=names, image_every=1)
    history = model.fit(
        x, y, epochs=EPOCHS, batch_size=32, verbose=0,
        validation_data=(x_val, y_val), callbacks=[roc, matrix],
    )  # fmt: skip
    positives = {"benign": int((y_val == 1).sum())}
    trained["binary"] = dict(history=history.history, result=roc.result, positives=positives, n=len(y_val))
    return trained


def _events_on_disk(log_dir):
    """{run: read_events(run dir)} for every directory holding event files."""
    events = {}
    for directory, _, files in os.walk(log_dir):
        if any(name.startswith("events.out.tfevents.") for name in files):
            run = os.path.relpath(directory, log_dir).replace(os.sep, "/")
            events[run] = read_events(directory)
    return events


def _steps_on_disk(events):
    """{plugin: {run: {tag: [steps]}}}, as `_served_steps` returns it."""
    steps = {plugin: {} for plugin in PLUGINS}
    for run, tags in events.items():
        for tag, points in tags.items():
            plugin = points[0][2]
            if plugin in steps:
                steps[plugin].setdefault(run, {})[tag] = [step for step, _, _ in points]
    return steps


class _Board:
    def __init__(self, log_dir, servers, missing, trained, events, expected, served):
        self.log_dir = log_dir
        self.servers = servers
        self.missing = missing
        self.trained = trained
        self.events = events
        self.expected = expected
        self.served = served  # the last snapshot taken while waiting

    def url(self, loader):
        if loader in self.missing:
            pytest.skip(f"--load_fast=true is not available here: {self.missing[loader]}")
        return self.servers[loader].url


@pytest.fixture(scope="module")
def board(tmp_path_factory, wine, breast_cancer):
    """Servers started, both models trained while they watch, data loaded."""
    work_dir = tmp_path_factory.mktemp("tensorboard_server")
    log_dir = work_dir / "logs"
    log_dir.mkdir()
    missing = {}
    reason = _data_server_missing()
    if reason is not None:
        missing["fast"] = reason
    started = []
    try:
        servers = {}
        loaders = [loader for loader in LOADERS if loader not in missing]
        for loader in loaders:
            server = TensorBoardServer(log_dir, work_dir, LOADERS[loader])
            started.append(server)  # stopped in `finally` whatever happens next
            server.start()
            servers[loader] = server
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for loader, server in list(servers.items()):
            try:
                server.wait_until_up(deadline)
            except RuntimeError as error:
                if loader != "fast":
                    raise
                # The Rust data server could not start on this machine: an
                # environment problem, not keras_roc's; test the Python loader.
                missing[loader] = str(error)
                del servers[loader]
                server.stop()

        trained = _train(log_dir, wine, breast_cancer)
        events = _events_on_disk(log_dir)
        expected = _steps_on_disk(events)

        # Wait (bounded) until every server serves everything on disk.
        served = dict.fromkeys(servers)
        deadline = time.monotonic() + LOAD_TIMEOUT
        while time.monotonic() < deadline:
            for loader, server in servers.items():
                if served[loader] != expected:
                    try:
                        served[loader] = _served_steps(server.url)
                    except _NOT_LOADED:
                        pass
            if all(snapshot == expected for snapshot in served.values()):
                break
            time.sleep(0.5)
        yield _Board(log_dir, servers, missing, trained, events, expected, served)
    finally:
        _stop_all(started)


@pytest.fixture(params=list(LOADERS))
def loader(request):
    return request.param


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_runs_and_dashboards_are_listed(board, loader):
    url = board.url(loader)
    runs = _get_json(url, "/data/runs")
    assert sorted(runs) == ["binary/validation", "multiclass/train", "multiclass/validation"]
    listing = _get_json(url, "/data/plugins_listing")
    for plugin in PLUGINS:
        assert listing[plugin]["enabled"], f"the {plugin} dashboard is disabled: {listing[plugin]}"


def test_every_summary_on_disk_is_served_once_per_step(board, loader):
    url = board.url(loader)
    expected = board.expected
    assert set(expected["scalars"]) == {"binary/validation", "multiclass/train", "multiclass/validation"}
    for plugin in ("images", "histograms", "pr_curves"):
        assert set(expected[plugin]) == {"binary/validation", "multiclass/validation"}, plugin
    for plugin, runs in expected.items():
        for run, tags in runs.items():
            for tag, steps in tags.items():
                assert steps == sorted(set(steps)), f"{plugin} {run} {tag} written as steps {steps}"
    served = _served_steps(url)
    for plugin in PLUGINS:
        assert served[plugin] == expected[plugin], (
            f"{plugin}: served (left) differs from the event files (right);\n"
            f"server log:\n{board.servers[loader].log_text()}"
        )


def _scalar_series(url, run, tag):
    points = _get_json_or_fail(url, "/data/plugin/scalars/scalars", run=run, tag=tag)
    return [point[1] for point in points], np.array([point[2] for point in points])


def test_scalars_equal_the_history(board, loader):
    url = board.url(loader)
    tags = _get_json(url, "/data/plugin/scalars/tags")
    steps = list(range(EPOCHS))

    # Multiclass, beside keras.callbacks.TensorBoard: Keras writes the logs
    # keys (val_roc_auc -> epoch_roc_auc in the validation run), keras_roc
    # the rest.
    trained = board.trained["multiclass"]
    history, result = trained["history"], trained["result"]
    run = "multiclass/validation"
    per_class = [f"roc_auc_per_class/{c}" for c in range(3)]
    wanted = {"epoch_loss", "epoch_roc_auc", "epoch_roc_auc_micro", "epoch_roc_auc_macro",
              "epoch_roc_auc_weighted", "epoch_log_loss", *per_class}  # fmt: skip
    assert wanted <= set(tags[run]), sorted(wanted - set(tags[run]))
    train_tags = set(tags["multiclass/train"])
    assert "epoch_loss" in train_tags
    assert not {tag for tag in train_tags if "roc_auc" in tag or "log_loss" in tag}, train_tags
    for tag, key in [("epoch_roc_auc", "val_roc_auc"), ("epoch_roc_auc_micro", "val_roc_auc_micro"),
                     ("epoch_roc_auc_macro", "val_roc_auc_macro"), ("epoch_log_loss", "val_log_loss"),
                     ("epoch_loss", "val_loss")]:  # fmt: skip
        served_steps, values = _scalar_series(url, run, tag)
        assert served_steps == steps, tag
        np.testing.assert_allclose(values, history[key], atol=1e-6, err_msg=tag)
    served_steps, values = _scalar_series(url, "multiclass/train", "epoch_loss")
    assert served_steps == steps
    np.testing.assert_allclose(values, history["loss"], atol=1e-6)
    aucs = []
    for c, tag in enumerate(per_class):
        served_steps, values = _scalar_series(url, run, tag)
        assert served_steps == steps, tag
        assert values[-1] == pytest.approx(result.per_class_auc[str(c)], abs=1e-6), tag
        aucs.append(values)
    # The macro AUC is the mean of the one-vs-rest AUCs, at every epoch.
    np.testing.assert_allclose(np.mean(aucs, axis=0), history["val_roc_auc"], atol=1e-6)
    served_steps, values = _scalar_series(url, run, "epoch_roc_auc_weighted")
    assert served_steps == steps
    assert values[-1] == pytest.approx(result.scalars()["roc_auc_weighted"], abs=1e-6)

    # Binary, keras_roc alone: it writes epoch_roc_auc itself.
    trained = board.trained["binary"]
    history, scalars = trained["history"], trained["result"].scalars()
    run = "binary/validation"
    assert {f"epoch_{key}" for key in scalars} == set(tags[run])  # no per-class tags, no Keras keys
    for key, value in scalars.items():
        served_steps, values = _scalar_series(url, run, f"epoch_{key}")
        assert served_steps == steps, key
        assert values[-1] == pytest.approx(value, abs=1e-6), key
        if f"val_{key}" in history:
            np.testing.assert_allclose(values, history[f"val_{key}"], atol=1e-6, err_msg=key)
    _, auc = _scalar_series(url, run, "epoch_roc_auc")
    _, low = _scalar_series(url, run, "epoch_roc_auc_ci_low")
    _, high = _scalar_series(url, run, "epoch_roc_auc_ci_high")
    assert np.all(low <= auc) and np.all(auc <= high)


def test_images_are_the_pngs_written(board, loader):
    import matplotlib.image

    url = board.url(loader)
    tags = _get_json(url, "/data/plugin/images/tags")
    for run in ("multiclass/validation", "binary/validation"):
        assert set(tags[run]) == {"roc_curve", "confusion_matrix"}, tags[run]
        for tag in ("roc_curve", "confusion_matrix"):
            assert tags[run][tag]["samples"] == 1  # one image per step
            entries = _get_json_or_fail(url, "/data/plugin/images/images", run=run, tag=tag)
            assert [entry["step"] for entry in entries] == list(range(EPOCHS)), (run, tag)
            written = {step: tensor for step, tensor, _ in board.events[run][tag]}
            for entry in entries:
                query = dict(urllib.parse.parse_qsl(entry["query"]))
                try:
                    png, content_type = _get(url, "/data/plugin/images/individualImage", **query)
                except _HTTPStatusError as error:
                    pytest.fail(str(error))
                assert content_type == "image/png", (run, tag, content_type)
                assert png.startswith(PNG_SIGNATURE)
                width, height, written_png = written[entry["step"]]
                assert png == written_png, (run, tag, entry["step"])
                pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
                assert pixels.shape[:2] == (int(height), int(width)), (run, tag)


def test_histograms_count_every_validation_sample(board, loader):
    url = board.url(loader)
    tags = _get_json(url, "/data/plugin/histograms/tags")
    for experiment in ("multiclass", "binary"):
        run = f"{experiment}/validation"
        trained = board.trained[experiment]
        names = trained["positives"]
        wanted = {f"scores/{name}/{side}" for name in names for side in ("positives", "negatives")}
        assert set(tags[run]) == wanted, tags[run]
        for name, n_positive in names.items():
            for side, count in (("positives", n_positive), ("negatives", trained["n"] - n_positive)):
                tag = f"scores/{name}/{side}"
                entries = _get_json_or_fail(url, "/data/plugin/histograms/histograms", run=run, tag=tag)
                assert [entry[1] for entry in entries] == list(range(EPOCHS)), (run, tag)
                written = {step: tensor for step, tensor, _ in board.events[run][tag]}
                for _, step, buckets in entries:
                    buckets = np.array(buckets)  # rows: left edge, right edge, count
                    assert buckets.shape[1] == 3, (run, tag)
                    np.testing.assert_allclose(buckets, written[step], rtol=1e-12, err_msg=tag)
                    assert buckets[:, 2].sum() == count, (run, tag, step)


def test_pr_curves_match_the_written_counts(board, loader):
    url = board.url(loader)
    tags = _get_json(url, "/data/plugin/pr_curves/tags")
    n_thresholds = keras_roc.tensorboard.PR_CURVE_THRESHOLDS
    all_thresholds = np.linspace(0.0, 1.0, n_thresholds)
    for experiment in ("multiclass", "binary"):
        run = f"{experiment}/validation"
        trained = board.trained[experiment]
        assert set(tags[run]) == {f"pr_curve/{name}" for name in trained["positives"]}, tags[run]
        for name, n_positive in trained["positives"].items():
            tag = f"pr_curve/{name}"
            body = _get_json_or_fail(url, "/data/plugin/pr_curves/pr_curves", run=run, tag=tag)
            entries = body[run]
            assert [entry["step"] for entry in entries] == list(range(EPOCHS)), (run, tag)
            written = {step: tensor for step, tensor, _ in board.events[run][tag]}
            for entry in entries:
                data = written[entry["step"]]  # rows: tp, fp, tn, fn, precision, recall
                assert data.shape == (6, n_thresholds)
                # The plugin drops the tail where nothing scores >= the
                # threshold (TP + FP = 0): all 201 thresholds only when a score
                # reaches 1.0 (pr_curves_plugin._make_pr_entry).
                predicted = np.nonzero(data[0].astype(int) + data[1].astype(int))[0]
                length = predicted[-1] + 1
                assert length <= n_thresholds
                np.testing.assert_allclose(entry["thresholds"], all_thresholds[:length], atol=1e-12)
                for index, key in enumerate(["true_positives", "false_positives", "true_negatives", "false_negatives"]):
                    assert entry[key] == data[index, :length].astype(int).tolist(), (run, tag, key)
                np.testing.assert_allclose(entry["precision"], data[4, :length], rtol=1e-6)
                np.testing.assert_allclose(entry["recall"], data[5, :length], rtol=1e-6)
                # Threshold 0: every sample is called positive.
                assert entry["recall"][0] == 1.0
                assert entry["true_positives"][0] == n_positive
                assert entry["false_positives"][0] == trained["n"] - n_positive
                assert entry["true_negatives"][0] == 0 and entry["false_negatives"][0] == 0
                assert entry["precision"][0] == pytest.approx(n_positive / trained["n"], abs=1e-6)
                assert np.all(np.diff(entry["recall"]) <= 0)  # recall falls as the threshold rises
