"""The TensorBoard layer: tensor formats equal TensorBoard's own reference
implementations, the background writer keeps order and bounds, writers are
shared per run directory."""

import threading

import numpy as np
import pytest
from helpers import read_events
from tensorboard.plugins.histogram import summary_v2 as histogram_summary
from tensorboard.plugins.pr_curve import summary as pr_summary
from tensorboard.util import tensor_util

from keras_roc import tensorboard


@pytest.mark.parametrize("weighted", [False, True])
def test_pr_curve_data_equals_tensorboard_reference(weighted):
    rng = np.random.default_rng(0)
    scores = rng.random(5000).astype(np.float32)
    scores[:10] = [0.0, 1.0, 0.5, 0.005, 0.995, 0.0, 1.0, 0.25, 0.75, 0.999]  # bucket edges
    positive = rng.random(5000) < 0.3
    weights = rng.random(5000) if weighted else None
    reference = tensor_util.make_ndarray(
        pr_summary.pb("t", positive, scores, num_thresholds=201, weights=weights).value[0].tensor
    )
    np.testing.assert_array_equal(tensorboard.pr_curve_data(positive, scores, weights), reference)


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).normal(size=3000),
        np.array([0.3] * 7),  # a single value
        np.array([]),
        np.array([np.nan, 1.0, np.inf, 2.0, -np.inf, 3.0]),  # non-finite values are dropped
    ],
)
def test_histogram_data_equals_tensorboard_reference(values):
    finite = values[np.isfinite(values)]
    reference = tensor_util.make_ndarray(histogram_summary.histogram_pb("t", finite, buckets=30).value[0].tensor)
    np.testing.assert_allclose(tensorboard.histogram_data(values), reference, rtol=1e-12, atol=0)


def test_background_writer_runs_in_order_and_skips_heavy_jobs_beyond_the_bound():
    worker = tensorboard.BackgroundWriter(max_heavy=2)
    gate = threading.Event()
    done = []
    worker.submit(gate.wait)  # hold the thread so jobs queue up
    accepted = [worker.submit(lambda i=i: done.append(i), heavy=True) for i in range(5)]
    worker.submit(lambda: done.append("light"))  # light jobs are never skipped
    gate.set()
    worker.wait()
    assert accepted == [True, True, False, False, False]
    assert worker.skipped == 3
    assert done == [0, 1, "light"]


def test_background_writer_reports_job_errors():
    worker = tensorboard.BackgroundWriter()
    worker.submit(lambda: 1 / 0)
    worker.wait()
    errors = worker.pop_errors()
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)
    assert worker.pop_errors() == []


def test_check_writable_names_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"not writable: cannot write to '.*file/run'"):
        tensorboard.check_writable(str(blocker / "run"))
    tensorboard.check_writable(str(tmp_path / "new" / "run"))
    assert (tmp_path / "new" / "run").is_dir()


def test_one_writer_per_run_directory(tmp_path):
    first, worker = tensorboard.open_run(str(tmp_path / "validation"))
    second, same_worker = tensorboard.open_run(str(tmp_path / "." / "validation"))
    assert first is second and worker is same_worker
    first.scalars({"epoch_a": 1.0}, step=0)
    tensorboard.close_run(first)
    second.scalars({"epoch_a": 2.0}, step=1)  # still open for the other user
    tensorboard.close_run(second)
    events = read_events(tmp_path / "validation")
    assert [(s, float(v)) for s, v, _ in events["epoch_a"]] == [(0, 1.0), (1, 2.0)]
    assert len(list((tmp_path / "validation").glob("events.out.tfevents.*"))) == 1


def test_every_kind_of_event_is_written_without_tensorflow(tmp_path):
    """In a fresh interpreter: scalars, images, histograms and PR curves are
    written and read back by TensorBoard's loader, and TensorFlow is never
    imported (it is installed here, so nothing may pull it in)."""
    import json
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import json, sys
        import numpy as np
        import matplotlib.figure
        from keras_roc import tensorboard as tb
        from keras_roc.figures import figure_to_png
        writer = tb.EventWriter({str(tmp_path / "validation")!r})
        rng = np.random.default_rng(0)
        writer.scalars({{"epoch_roc_auc": 0.75, "epoch_log_loss": 0.5}}, step=3)
        writer.histogram("scores/1/positives", tb.histogram_data(rng.random(100)), step=3)
        writer.pr_curve("pr_curve/1", tb.pr_curve_data(rng.random(50) > 0.5, rng.random(50)), step=3)
        writer.image("roc_curve", figure_to_png(matplotlib.figure.Figure((2, 1))), step=3)
        writer.close()
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "tensorflow")))
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []
    events = read_events(tmp_path / "validation")
    assert {tag: [(step, plugin) for step, _, plugin in points] for tag, points in events.items()} == {
        "epoch_roc_auc": [(3, "scalars")],
        "epoch_log_loss": [(3, "scalars")],
        "scores/1/positives": [(3, "histograms")],
        "pr_curve/1": [(3, "pr_curves")],
        "roc_curve": [(3, "images")],
    }
    assert float(events["epoch_roc_auc"][0][1]) == 0.75
    _, image, _ = events["roc_curve"][0]
    assert [bytes(image[0]), bytes(image[1])] == [b"200", b"100"] and bytes(image[2]).startswith(b"\x89PNG")
