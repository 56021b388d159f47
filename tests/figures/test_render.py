"""The drawing helper process: same pictures, low priority, no TensorFlow, fallbacks."""

import os
import pickle
import sys
import time

import keras
import numpy as np
import pytest
from helpers import read_events

import keras_roc
from keras_roc import _render

MULTICLASS = (
    [0, 1, 2, 1, 0, 2, 2],
    [
        [0.6, 0.2, 0.2],
        [0.1, 0.8, 0.1],
        [0.2, 0.2, 0.6],
        [0.3, 0.4, 0.3],
        [0.5, 0.3, 0.2],
        [0.1, 0.1, 0.8],
        [0.4, 0.3, 0.3],
    ],
)


@pytest.fixture
def fresh_helper(monkeypatch):
    """A helper started for this test only, and no fallback left behind."""
    _render.shutdown()
    monkeypatch.setattr(_render._HELPER, "failure", None)
    monkeypatch.delenv(_render.DRAW_ENV, raising=False)
    yield _render._HELPER
    _render.shutdown()
    _render._HELPER.failure = None


def helper_pid():
    pid = _render.helper_pid()
    assert pid is not None, "the helper process is not running"
    return pid


def test_result_objects_pickle_and_stay_frozen():
    result = keras_roc.evaluate(*MULTICLASS)
    copy = pickle.loads(pickle.dumps(result))
    assert copy.scalars() == result.scalars()
    assert dict(copy.per_class_auc) == dict(result.per_class_auc)
    np.testing.assert_array_equal(copy.curves["micro"].fpr, result.curves["micro"].fpr)
    np.testing.assert_array_equal(copy.confusion_matrix, result.confusion_matrix)
    assert not copy.confusion_matrix.flags.writeable
    assert not copy.curves["micro"].tpr.flags.writeable
    with pytest.raises(TypeError):
        copy.per_class_auc["0"] = 0.0  # still a read-only mapping


@pytest.mark.parametrize(
    "spec",
    [
        _render.DrawSpec("plot_roc", (keras_roc.evaluate(*MULTICLASS),), {"title": "ROC, epoch 3"}),
        _render.DrawSpec("plot_confusion_matrix", (keras_roc.evaluate(*MULTICLASS),), suptitle="Confusion matrix"),
    ],
    ids=["roc", "confusion_matrix"],
)
def test_helper_draws_the_same_png_as_the_calling_thread(fresh_helper, spec):
    png = _render.draw_png(spec)
    assert helper_pid() != os.getpid()
    assert png == _render._draw_here(spec)  # same matplotlib, same bytes
    assert _render.fallback_reason() is None


def test_helper_refills_confusion_matrices_with_the_same_pixels(fresh_helper):
    # The helper keeps confusion-matrix figures to refill: epoch after epoch
    # the PNGs are those drawn anew on the calling thread.
    rng = np.random.default_rng(0)
    for epoch in range(4):
        y = rng.integers(0, 4, 500)
        prob = rng.dirichlet(np.ones(4), 500) + np.eye(4)[y] * (0.2 * epoch)
        result = keras_roc.evaluate(y, prob / prob.sum(axis=1, keepdims=True))
        spec = _render.DrawSpec("plot_confusion_matrix", (result,), suptitle=f"Confusion matrix, epoch {epoch}")
        assert _render.draw_png(spec) == _render._draw_here(spec), f"epoch {epoch}"


def test_kept_figures_are_bounded_and_used():
    kept = _render._Kept()
    results = [keras_roc.evaluate(*MULTICLASS, class_names=[f"{k}{i}" for i in range(3)]) for k in "abcdef"]
    for result in results:
        _render._draw_here(_render.DrawSpec("plot_confusion_matrix", (result,), suptitle="t"), kept)
    assert len(kept.matrices) == _render.KEPT_FIGURES
    assert [key[0][0] for key in kept.matrices] == ["c0", "d0", "e0", "f0"]  # least recently used dropped
    figure = kept.matrices[next(reversed(kept.matrices))]
    again = _render.DrawSpec("plot_confusion_matrix", (results[-1],), suptitle="t")
    assert _render._draw_here(again, kept) == _render._draw_here(again)
    assert kept.matrices[next(reversed(kept.matrices))] is figure  # refilled, not rebuilt
    # Matrices given as arrays are drawn anew, not kept.
    array = _render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))
    assert _render._draw_here(array, kept) == _render._draw_here(array)
    assert len(kept.matrices) == _render.KEPT_FIGURES


@pytest.mark.parametrize("zoom", [False, True])
@pytest.mark.parametrize("n_classes", [2, 4, 12])
def test_reused_roc_layouts_give_the_same_pixels(n_classes, zoom, monkeypatch):
    # Epoch after epoch the legend's digits change, not its size: the layout
    # found at the first epoch is reused, and every PNG is the one drawn anew.
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    runs = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(1) or original(self, fig))
    kept = _render._Kept()
    rng = np.random.default_rng(n_classes)
    kept_runs = 0
    for epoch in (1, 2, 3, 10):
        y = np.r_[np.arange(n_classes), rng.integers(0, n_classes, 400)]
        prob = rng.dirichlet(np.ones(n_classes), len(y)) + np.eye(n_classes)[y] * (0.05 * epoch)
        prob /= prob.sum(axis=1, keepdims=True)
        if n_classes == 2:
            prob = prob[:, 1]
        result = keras_roc.evaluate(y, prob)
        spec = _render.DrawSpec("plot_roc", (result,), {"title": f"ROC, epoch {epoch}", "zoom": zoom})
        runs.clear()
        png = _render._draw_here(spec, kept)
        kept_runs += len(runs)
        assert png == _render._draw_here(spec), f"epoch {epoch}"
    assert kept_runs == len(kept.layouts._positions)  # laid out once per distinct layout
    if n_classes <= 10:  # (beyond, the best and worst classes drawn change)
        assert len(kept.layouts._positions) == 2  # epochs 1-3 share one; "epoch 10" is wider


def test_layouts_are_not_reused_where_the_layout_moves_more_than_axes():
    # Constrained layout also places a figure title and colorbars: such
    # figures are laid out anew every time.
    kept = _render._Kept()
    result = keras_roc.evaluate(*MULTICLASS)
    titled = _render.DrawSpec("plot_roc", (result,), suptitle="ROC")
    matrix = _render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))
    for _ in range(2):
        assert _render._draw_here(titled, kept) == _render._draw_here(titled)
        assert _render._draw_here(matrix, kept) == _render._draw_here(matrix)
    assert not kept.layouts._positions and not kept.matrices


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and SCHED_IDLE (Linux only)")
def test_helper_runs_at_idle_priority_without_tensorflow(fresh_helper):
    _render.draw_png(_render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],)))
    pid = helper_pid()
    assert os.sched_getscheduler(pid) == os.SCHED_IDLE
    with open(f"/proc/{pid}/maps") as maps:
        mapped = maps.read()
    assert "matplotlib" in mapped  # the check below can see imported libraries
    assert "tensorflow" not in mapped


def test_an_error_in_the_figure_is_reported_and_the_helper_survives(fresh_helper):
    with pytest.raises(RuntimeError, match="plot_confusion_matrix failed in the helper process"):
        _render.draw_png(_render.DrawSpec("plot_confusion_matrix", ([[1, 2, 3]],)))
    pid = helper_pid()
    assert _render.draw_png(_render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))).startswith(b"\x89PNG")
    assert helper_pid() == pid and _render.fallback_reason() is None


def test_a_killed_or_idle_helper_is_started_again(fresh_helper, monkeypatch):
    spec = _render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))
    _render.draw_png(spec)
    first = helper_pid()
    fresh_helper._process.kill()
    fresh_helper._process.wait()
    assert _render.draw_png(spec).startswith(b"\x89PNG")
    second = helper_pid()
    assert second != first and _render.fallback_reason() is None

    _render.shutdown()
    monkeypatch.setattr(_render, "IDLE_SECONDS", 0.2)
    _render.draw_png(spec)
    process = fresh_helper._process
    assert process.wait(timeout=30) == 0  # ended by itself when idle
    assert _render.draw_png(spec).startswith(b"\x89PNG")
    assert fresh_helper._process is not process and _render.fallback_reason() is None


def test_draw_in_thread_setting_starts_no_process(fresh_helper, monkeypatch):
    monkeypatch.setenv(_render.DRAW_ENV, "thread")
    assert _render.draw_png(_render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))).startswith(b"\x89PNG")
    assert fresh_helper._process is None


def test_bad_spec_is_a_clear_error():
    with pytest.raises(ValueError, match=r"`function` must be one of .*Received 'savefig'"):
        _render.DrawSpec("savefig")


def test_fit_falls_back_to_the_thread_with_one_warning_when_no_helper_can_start(
    breast_cancer, tmp_path, fresh_helper, monkeypatch
):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    x, y, x_val, y_val = breast_cancer
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    # Images every epoch: drawn (and the fallback reported) during training.
    callbacks = [
        keras_roc.ROCCallback(log_dir=tmp_path, image_every=1),
        keras_roc.ConfusionMatrixCallback(log_dir=tmp_path, image_every=1),
    ]
    with pytest.warns(UserWarning, match="drawing helper process failed: cannot start") as caught:
        model.fit(x, y, validation_data=(x_val, y_val), epochs=3, verbose=0, callbacks=callbacks)
    assert sum("drawing helper" in str(w.message) for w in caught) == len(callbacks)  # once per callback
    events = read_events(tmp_path / "validation")
    for tag in ("roc_curve", "confusion_matrix"):
        assert [step for step, _, _ in events[tag]] == [0, 1, 2]
        assert all(bytes(tensor[2]).startswith(b"\x89PNG") for _, tensor, _ in events[tag])


def test_ctrl_c_reaches_the_training_process_not_the_helper(fresh_helper):
    import signal

    _render.draw_png(_render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],)))
    pid = helper_pid()
    os.kill(pid, signal.SIGINT)  # what a terminal's Ctrl-C sends the whole group
    time.sleep(0.5)
    assert helper_pid() == pid


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_its_own_helper(fresh_helper):
    import multiprocessing

    spec = _render.DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],))
    _render.draw_png(spec)
    parent_helper = helper_pid()
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        child_helper = pool.apply(_draw_and_report_helper, (spec,))
    assert child_helper not in (None, parent_helper)
    assert _render.draw_png(spec).startswith(b"\x89PNG") and helper_pid() == parent_helper


def _draw_and_report_helper(spec):
    png = _render.draw_png(spec)
    pid = _render.helper_pid() if png.startswith(b"\x89PNG") else None
    _render.shutdown()
    return pid


def test_docstring_examples_run(fresh_helper):
    import doctest

    failures, attempted = doctest.testmod(_render, verbose=False)
    assert failures == 0 and attempted >= 2


def test_a_helper_that_does_not_answer_in_time_is_replaced_by_the_thread(fresh_helper, monkeypatch):
    spec = _render.DrawSpec("plot_confusion_matrix", (np.arange(900).reshape(30, 30),))
    monkeypatch.setattr(_render, "ANSWER_TIMEOUT_SECONDS", 0.01)  # far less than drawing takes
    png = _render.draw_png(spec)
    assert png == _render._draw_here(spec)  # drawn on the calling thread instead
    assert "no answer within" in _render.fallback_reason()
    assert fresh_helper._process is None  # the unanswering helper was stopped
