"""The ROC tab's routes, served by a real `tensorboard` on 127.0.0.1.

Three real `fit` runs write the tab's data through `ROCCallback` (binary with
its own validation data, multiclass reusing fit's validation pass, binary
with validation sample weights); both TensorBoard loaders serve them: the
default Rust data server and the Python multiplexer (`--load_fast=false`),
which keeps only 10 tensors of a third-party plugin unless
`ROCTabLoader.fix_flags` asks for more: the runs have 12 epochs.
"""

import numpy as np
import pytest
from helpers import TENSORBOARD_LOADERS, TensorBoardServer, get_json, http_get
from roc_tab_runs import BINARY_RUN, MULTICLASS_RUN, WEIGHTED_RUN, train_runs

from keras_roc import tensorboard_tab

pytestmark = pytest.mark.slow

EPOCHS = 12  # more than the Python loader's default 10 samples per plugin
PREFIX = "/data/plugin/keras_roc"


@pytest.fixture(scope="module")
def trained(tmp_path_factory, breast_cancer, wine):
    log_dir = tmp_path_factory.mktemp("roc_tab_logs")
    return log_dir, train_runs(log_dir, breast_cancer, wine, EPOCHS)


@pytest.fixture(scope="module", params=list(TENSORBOARD_LOADERS))
def server(request, trained, tmp_path_factory):
    log_dir, runs = trained
    with TensorBoardServer(log_dir, tmp_path_factory.mktemp("tb"), TENSORBOARD_LOADERS[request.param]) as board:
        expected = {run: len(trained_run.results) for run, trained_run in runs.items()}

        def loaded(url):
            served = {run: len(get_json(url, PREFIX + "/steps", run=run)["steps"]) for run in runs}
            return served == expected

        board.wait_for(loaded)
        yield board


def _epoch(url, run, step):
    return get_json(url, PREFIX + "/epoch", run=run, step=step)


def test_plugin_is_listed_and_enabled(server):
    listing = get_json(server.url, "/data/plugins_listing")["keras_roc"]
    assert listing["enabled"] and listing["tab_name"] == "ROC", listing
    assert listing["loading_mechanism"] == {"type": "IFRAME", "module_path": PREFIX + "/index.js"}
    status, body, content_type = http_get(server.url, PREFIX + "/index.js")
    assert (status, content_type) == (200, "text/javascript") and b"export async function render" in body
    for module in ("roc_math.js", "chart.js", "panels.js"):
        assert http_get(server.url, f"{PREFIX}/{module}")[:3:2] == (200, "text/javascript"), module


def test_every_epoch_is_served(server, trained):
    _, runs = trained
    listed = get_json(server.url, PREFIX + "/runs")["runs"]
    assert [entry["run"] for entry in listed] == sorted(runs)
    for entry in listed:
        steps = get_json(server.url, PREFIX + "/steps", run=entry["run"])["steps"]
        n_epochs = len(runs[entry["run"]].results)
        assert [s["step"] for s in steps] == list(range(n_epochs)), entry["run"]
        assert entry["max_step"] == n_epochs - 1


def _assert_curve_equals(served, curve, positives, negatives, exact):
    """Served counts are the exact vertices of `curve` (here never thinned)."""
    threshold, tp, fp = (np.array([float(v) for v in served[key]]) for key in ("threshold", "tp", "fp"))
    assert threshold[0] == np.inf and served["threshold"][0] == "Infinity"
    np.testing.assert_array_equal(threshold, curve.thresholds)
    if exact:  # unweighted: integer counts, rates equal bit for bit
        assert np.array_equal(tp, np.rint(tp)) and np.array_equal(fp, np.rint(fp))
        assert np.array_equal(tp / positives, curve.tpr) and np.array_equal(fp / negatives, curve.fpr)
    else:
        np.testing.assert_allclose(tp / positives, curve.tpr, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(fp / negatives, curve.fpr, rtol=1e-13, atol=1e-15)


def test_served_curves_are_the_exact_vertices_of_evaluate(server, trained):
    _, runs = trained
    for run, trained_run in runs.items():
        y_val, weights = trained_run.y_val, trained_run.weights
        for step, result in enumerate(trained_run.results):
            epoch = _epoch(server.url, run, step)
            summary = epoch["summary"]
            assert summary["task"] == result.task and summary["n_samples"] == len(y_val)
            assert summary["weighted"] == (weights is not None)
            kinds = [curve["kind"] for curve in epoch["curves"]]
            assert kinds == (["class"] if result.task == "binary" else ["class"] * 3 + ["micro", "macro"])
            for served in epoch["curves"]:
                name = served["name"]
                curve = result.curves[name]
                assert len(curve.fpr) < tensorboard_tab.MAX_VERTICES and not curve.thinned
                if served["kind"] == "macro":
                    np.testing.assert_array_equal(served["fpr"], curve.fpr)
                    np.testing.assert_array_equal(served["tpr"], curve.tpr)
                    continue
                if served["kind"] == "micro":
                    positive = np.ones(len(y_val))
                    positives, negatives = len(y_val), 2 * len(y_val)
                else:
                    label = int(name) if result.task == "multiclass" else 1
                    positive = (y_val == label).astype(float)
                    w = np.ones(len(y_val)) if weights is None else weights
                    positives, negatives = float(w @ positive), float(w @ (1 - positive))
                assert served["positives"] == pytest.approx(positives, rel=1e-12), (run, name)
                assert served["negatives"] == pytest.approx(negatives, rel=1e-12), (run, name)
                _assert_curve_equals(served, curve, served["positives"], served["negatives"], weights is None)


def test_served_curves_equal_evaluate_on_the_predictions(server, trained):
    """The last epoch, against `keras_roc.evaluate` on the model's predictions."""
    import keras_roc

    _, runs = trained
    trained_run = runs[BINARY_RUN]
    step = len(trained_run.results) - 1
    result = keras_roc.evaluate(trained_run.y_val, trained_run.predictions[step], max_curve_points=None)
    served = _epoch(server.url, BINARY_RUN, step)["curves"][0]
    _assert_curve_equals(served, result.curves["1"], served["positives"], served["negatives"], True)


def test_summary_aucs_equal_the_logged_values(server, trained):
    _, runs = trained
    for run, trained_run in runs.items():
        steps = get_json(server.url, PREFIX + "/steps", run=run)["steps"]
        history = trained_run.history
        for entry, result in zip(steps, trained_run.results):
            step = entry["step"]
            assert entry["auc"] == history["val_roc_auc"][step] == result.auc, (run, step)
            summary = _epoch(server.url, run, step)["summary"]
            assert summary["auc"] == history["val_roc_auc"][step]
            if result.task == "binary":
                assert summary["auc_ci"] == list(result.auc_ci)
                points = summary["operating_points"]
                assert points["youden"]["threshold"] == result.youden.threshold
                assert points["at_threshold"]["sensitivity"] == result.at_threshold.sensitivity
            else:
                assert entry["auc_micro"] == summary["auc_micro"] == history["val_roc_auc_micro"][step]
                assert summary["auc_macro"] == history["val_roc_auc_macro"][step]
                for curve in summary["curves"][:3]:
                    assert curve["auc"] == result.per_class_auc[curve["name"]]
                    assert curve["ci"] == list(result.per_class_ci[curve["name"]])
            assert summary["confusion_matrix"] == np.asarray(result.confusion_matrix).tolist()
            assert summary["class_names"] == list(result.class_names)


def test_the_logged_scalars_equal_the_summary(server, trained):
    """The summary and TensorBoard's own scalars agree (float32 scalars)."""
    scalars = get_json(server.url, "/data/plugin/scalars/scalars", run=MULTICLASS_RUN, tag="epoch_roc_auc_micro")
    steps = get_json(server.url, PREFIX + "/steps", run=MULTICLASS_RUN)["steps"]
    assert [point[1] for point in scalars] == [entry["step"] for entry in steps]
    for (_, _, value), entry in zip(scalars, steps):
        assert value == float(np.float32(entry["auc_micro"]))


def test_bad_requests_get_a_clear_error(server):
    status, body, content_type = http_get(server.url, PREFIX + "/epoch", run="nope", step=0)
    assert (status, content_type) == (404, "application/json") and b"No keras_roc data in run 'nope'" in body
    status, body, _ = http_get(server.url, PREFIX + "/epoch", run=BINARY_RUN, step="x")
    assert status == 400 and b"`step` must be an integer" in body
    status, body, _ = http_get(server.url, PREFIX + "/epoch", run=BINARY_RUN, step=EPOCHS + 5)
    assert status == 404 and b"no keras_roc data at step" in body
    status, body, _ = http_get(server.url, PREFIX + "/steps")
    assert status == 400 and b"Missing query parameter `run`" in body


def test_weighted_run_is_listed(server):
    assert WEIGHTED_RUN in [entry["run"] for entry in get_json(server.url, PREFIX + "/runs")["runs"]]
