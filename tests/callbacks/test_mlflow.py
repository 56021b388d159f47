"""`ROCCallback(on_result=...)` and the MLflow integration of
`examples/mlflow_tracking.py`, read back from a real local tracking store
through MLflow's own client."""

import importlib.util
import io
import math
import os
import subprocess
import sys
import warnings

import mlflow  # the test extra installs mlflow-skinny
import numpy as np
import pytest
from helpers import small_model

import keras_roc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_example():
    """`examples/mlflow_tracking.py` as a module (its imports: examples/ on the path)."""
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    try:
        spec = importlib.util.spec_from_file_location(
            "mlflow_tracking", os.path.join(ROOT, "examples", "mlflow_tracking.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(os.path.join(ROOT, "examples"))


def make_model(n_features, n_outputs=1):
    return small_model(n_features, n_outputs)


@pytest.fixture
def tracking(tmp_path, monkeypatch):
    """A local file store; MLflow 3 allows it behind MLFLOW_ALLOW_FILE_STORE."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = "file://" + str(tmp_path / "mlruns")
    mlflow.set_tracking_uri(uri)
    yield mlflow.tracking.MlflowClient(uri)
    mlflow.set_tracking_uri(None)


def test_on_result_receives_each_epoch_result(breast_cancer):
    x, y, x_val, y_val = breast_cancer
    calls = []
    roc = keras_roc.ROCCallback(on_result=lambda epoch, result: calls.append((epoch, result)))
    model = make_model(x.shape[1])
    history = model.fit(x, y, validation_data=(x_val, y_val), validation_freq=2, epochs=4, verbose=0, callbacks=[roc])
    assert [epoch for epoch, _ in calls] == [1, 3]  # validated epochs only
    assert [result.auc for _, result in calls] == history.history["val_roc_auc"]
    assert calls[-1][1] is roc.result
    model.evaluate(x_val, y_val, verbose=0, callbacks=[roc])  # not a fit epoch: no call
    assert len(calls) == 2


def test_on_result_errors_do_not_lose_training(breast_cancer):
    x, y, x_val, y_val = breast_cancer

    def broken(epoch, result):
        raise ConnectionError(f"tracking server down at epoch {epoch}")

    model = make_model(x.shape[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=3,
            verbose=0,
            callbacks=[keras_roc.ROCCallback(on_result=broken)],
        )
    assert len(history.history["val_roc_auc"]) == 3
    ours = [str(w.message) for w in caught if "on_result" in str(w.message)]
    assert len(ours) == 1 and "tracking server down at epoch 0" in ours[0] and "training goes on" in ours[0]
    with pytest.raises(TypeError, match="on_result.*callable"):
        keras_roc.ROCCallback(on_result="mlflow")


def test_mlflow_store_read_back(breast_cancer, tracking, tmp_path):
    x, y, x_val, y_val = breast_cancer
    logger = load_example().MLflowLogger(figure_every=2)
    model = make_model(x.shape[1])
    roc = keras_roc.ROCCallback(on_result=logger, target_specificity=0.9)
    with mlflow.start_run() as run:
        history = model.fit(x, y, validation_data=(x_val, y_val), epochs=3, verbose=0, callbacks=[roc]).history
    run_id = run.info.run_id
    for key in ("roc_auc", "log_loss", "average_precision", "sensitivity_at_specificity"):
        stored = tracking.get_metric_history(run_id, "val_" + key)
        assert [m.step for m in stored] == [0, 1, 2], key
        assert [m.value for m in stored] == pytest.approx(history["val_" + key], abs=1e-12), key
    youden = tracking.get_metric_history(run_id, "val_youden_threshold")
    assert youden[-1].value == pytest.approx(roc.result.youden.threshold, abs=1e-12)
    figures = {f.path for f in tracking.list_artifacts(run_id, "roc")}
    assert figures == {"roc/epoch_0000.png", "roc/epoch_0002.png"}
    assert {f.path for f in tracking.list_artifacts(run_id, "confusion_matrix")} == {
        "confusion_matrix/epoch_0000.png",
        "confusion_matrix/epoch_0002.png",
    }
    local = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="roc/epoch_0002.png", dst_path=str(tmp_path)
    )
    from PIL import Image

    with open(local, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        assert image.format == "PNG" and image.width > 300 and np.asarray(image).std() > 0


def test_multiclass_per_class_metrics(wine, tracking):
    x, y, x_val, y_val = wine
    logger = load_example().MLflowLogger(figure_every=0)
    model = make_model(x.shape[1], 3)
    roc = keras_roc.ROCCallback(on_result=logger, class_names=["a", "b", "c"])
    with mlflow.start_run() as run:
        model.fit(x, y, validation_data=(x_val, y_val), epochs=2, verbose=0, callbacks=[roc])
    for name in "abc":
        stored = tracking.get_metric_history(run.info.run_id, f"val_roc_auc_per_class/{name}")
        assert stored[-1].value == pytest.approx(roc.result.per_class_auc[name], abs=1e-12)
    assert not tracking.list_artifacts(run.info.run_id)
    assert math.isfinite(tracking.get_metric_history(run.info.run_id, "val_roc_auc_micro")[-1].value)


def test_example_runs(tmp_path, tracking):
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("MLFLOW_ALLOW_FILE_STORE", None)  # the example sets it for its default store
    uri = "file://" + str(tmp_path / "mlruns")
    completed = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "examples", "mlflow_tracking.py"),
            "--epochs",
            "6",
            "--patience",
            "2",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    run_id = completed.stdout.split("MLflow run ")[1].split()[0]
    client = mlflow.tracking.MlflowClient(uri)  # the default store: ./mlruns of its working directory
    artifacts = {f.path for f in client.list_artifacts(run_id, "model")}
    assert artifacts == {"model/model.keras", "model/model.keras.threshold.json"}
    saved = keras_roc.load_threshold(tmp_path / "out" / "model.keras")
    assert client.get_metric_history(run_id, "threshold")[-1].value == pytest.approx(saved.threshold)
    assert f"Threshold {saved.threshold:.4f}" in completed.stdout
