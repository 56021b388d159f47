"""Images on a budget: `image_every="auto"` draws the last epoch without
making `fit` wait, and epochs in between only while drawing stays within
`IMAGE_TIME_SHARE` of the training time (driven here by a controlled clock
and a controlled slow draw, never by the machine's speed)."""

import os
import subprocess
import sys
import textwrap
import threading
import time

import keras
import numpy as np
import pytest
from helpers import read_events

import keras_roc
from keras_roc import _render, tensorboard
from keras_roc.callbacks import base

IMAGE_TAGS = ("roc_curve", "confusion_matrix")
WRITER_THREAD = "keras_roc-writer"


def small_model(n_features, n_classes=3, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((n_features,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(n_classes, "softmax")]
    )
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    return model


def image_steps(log_dir):
    """The steps of each image tag in `<log_dir>/validation` (waits for queued writes)."""
    events = read_events(log_dir / "validation")
    steps = {tag: [step for step, _, _ in events.get(tag, [])] for tag in IMAGE_TAGS}
    for tag in IMAGE_TAGS:
        for _, tensor, _ in events.get(tag, []):
            assert bytes(tensor[2]).startswith(b"\x89PNG"), tag
    return steps, events


class FakeClock:
    """The writers' budget clock: advanced only by the test."""

    def __init__(self):
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            return self.now

    def advance(self, seconds):
        with self._lock:
            self.now += seconds


class EpochTakes(keras.callbacks.Callback):
    """Makes each epoch last `seconds` on the fake clock.

    The writers are flushed first, so the previous epoch's drawing has
    finished (and advanced the clock) before the next epoch's decision.
    """

    def __init__(self, clock, seconds, writers):
        super().__init__()
        self.clock, self.seconds, self.writers = clock, seconds, writers

    def on_epoch_begin(self, epoch, logs=None):
        for callback in self.writers:
            callback.flush()
        self.clock.advance(self.seconds)


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(tensorboard.BackgroundWriter, "_clock", fake)
    return fake


def drawing_that_takes(monkeypatch, clock, seconds):
    """Makes every figure take `seconds` of the fake clock (real PNGs still drawn)."""
    original = _render.draw_png
    drawn = []

    def draw_png(spec):
        drawn.append(spec.function)
        clock.advance(seconds)
        return original(spec)

    monkeypatch.setattr(_render, "draw_png", draw_png)
    return drawn


def fit_both(data, log_dir, epochs, extra=(), **kwargs):
    x, y, x_val, y_val = data
    model = small_model(x.shape[1])
    roc = keras_roc.ROCCallback(log_dir=log_dir, **kwargs)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=log_dir, **kwargs)
    extra = [make(roc, cm) for make in extra]
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=epochs, verbose=0, callbacks=[roc, cm, *extra])
    return history, roc, cm


def test_auto_draws_the_last_epoch_after_fit_returns(wine, tmp_path, monkeypatch):
    """`fit` returns while the last epoch's figures are still being drawn;
    they reach the event file afterwards. Cheap in-between images are all
    drawn when epochs are long next to the drawing (the controlled clock)."""
    clock = FakeClock()
    monkeypatch.setattr(tensorboard.BackgroundWriter, "_clock", clock)
    release, done = threading.Event(), []
    original = _render.draw_png

    def gated_draw_png(spec):
        if "epoch 4" in str(spec.kwargs.get("title", spec.suptitle)):
            assert release.wait(60), "the test never released the last drawing"
        png = original(spec)
        done.append(spec.function)
        return png

    monkeypatch.setattr(_render, "draw_png", gated_draw_png)
    # Epochs long enough that the images fit in the share from the start.
    epoch_seconds = 2 * tensorboard.FIRST_IMAGES_SECONDS / tensorboard.IMAGE_TIME_SHARE
    slow_epochs = lambda roc, cm: EpochTakes(clock, epoch_seconds, [roc, cm])  # noqa: E731
    fit_both(wine, tmp_path, epochs=5, extra=[slow_epochs])
    drawn_when_fit_returned = list(done)
    release.set()
    steps, _ = image_steps(tmp_path)
    assert len(drawn_when_fit_returned) == 2 * 4  # epochs 0-3 were drawn, epoch 4's were not yet
    assert steps == {tag: [0, 1, 2, 3, 4] for tag in IMAGE_TAGS}


def test_auto_gives_the_epoch_early_stopping_ended_on(wine, tmp_path, clock):
    """Without long epochs nothing fits the budget before the first
    measurement: only the last epoch, the one EarlyStopping stopped at."""
    stop = lambda roc, cm: keras.callbacks.EarlyStopping(  # noqa: E731
        monitor="val_roc_auc", mode="max", baseline=1.01, patience=2
    )
    history, _, _ = fit_both(wine, tmp_path, epochs=20, extra=[stop])
    last = len(history.history["loss"]) - 1
    assert 0 < last < 19  # stopped early
    steps, events = image_steps(tmp_path)
    assert steps == {tag: [last] for tag in IMAGE_TAGS}
    assert [s for s, _, _ in events["epoch_roc_auc"]] == list(range(last + 1))  # scalars every epoch


def test_expensive_drawing_skips_images_in_between_but_never_the_last(wine, tmp_path, clock, monkeypatch):
    epoch_seconds = 2 * tensorboard.FIRST_IMAGES_SECONDS / tensorboard.IMAGE_TIME_SHARE
    # One epoch's two figures cost ten times their share of an epoch.
    figure_seconds = 10 * tensorboard.IMAGE_TIME_SHARE * epoch_seconds / 2
    drawing_that_takes(monkeypatch, clock, figure_seconds)
    slow_epochs = lambda roc, cm: EpochTakes(clock, epoch_seconds, [roc, cm])  # noqa: E731
    start = clock()
    epochs = 8
    _, roc, _ = fit_both(wine, tmp_path, epochs=epochs, extra=[slow_epochs])
    steps, _ = image_steps(tmp_path)
    training_seconds = clock() - start
    assert steps["roc_curve"] == steps["confusion_matrix"]  # both callbacks draw the same epochs
    drawn = steps["roc_curve"]
    assert drawn[-1] == epochs - 1  # the last epoch, always
    in_between = drawn[:-1]
    assert len(in_between) < epochs - 1  # some were skipped
    # Within the share, except the first drawing (made before any was measured).
    step_seconds = 2 * figure_seconds
    assert (len(in_between) - 1) * step_seconds <= tensorboard.IMAGE_TIME_SHARE * training_seconds
    assert roc._worker.skipped == 0  # skipped by the budget, not by a full queue: no warning


def test_real_slow_drawing_draws_only_the_last_epoch(wine, tmp_path, monkeypatch):
    """A drawing slower than whole epochs (a real sleep, the real clock)."""
    original = _render.draw_png

    def slow_draw_png(spec):
        time.sleep(0.3)
        return original(spec)

    monkeypatch.setattr(_render, "draw_png", slow_draw_png)
    fit_both(wine, tmp_path, epochs=6)
    steps, _ = image_steps(tmp_path)
    assert steps == {tag: [5] for tag in IMAGE_TAGS}


@pytest.mark.parametrize(
    ("image_every", "expected"),
    [(2, [0, 2, 4]), (1, [0, 1, 2, 3, 4, 5]), (0, []), (None, []), (np.int64(5), [0, 5])],
)
def test_integer_image_every_draws_every_k_epochs_as_before(wine, tmp_path, image_every, expected):
    # Each epoch waits for the previous one's images, so none lags (and is skipped).
    drawn_before_each_epoch = lambda roc, cm: EpochTakes(FakeClock(), 0, [roc, cm])  # noqa: E731
    fit_both(wine, tmp_path, epochs=6, extra=[drawn_before_each_epoch], image_every=image_every)
    steps, events = image_steps(tmp_path)
    assert steps == {tag: expected for tag in IMAGE_TAGS}
    assert [s for s, _, _ in events["epoch_roc_auc"]] == list(range(6))


@pytest.mark.parametrize("callback", [keras_roc.ROCCallback, keras_roc.ConfusionMatrixCallback])
def test_image_every_is_checked_at_construction(callback):
    for good, stored in [("auto", "auto"), (0, 0), (None, 0), (3, 3), (np.int64(2), 2)]:
        assert callback(image_every=good).image_every == stored
    assert callback().image_every == "auto"
    for bad, error in [("Auto", ValueError), ("1", ValueError), (-1, ValueError), (1.5, TypeError)]:
        with pytest.raises(error, match=r'image_every` must be "auto".*0/None.*Received image_every='):
            callback(image_every=bad)
    for boolean in (True, False, np.bool_(True)):
        with pytest.raises(ValueError, match=r'image_every` must be "auto" or an integer, not a boolean'):
            callback(image_every=boolean)


def test_one_line_points_at_the_roc_tab_once(wine, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(base, "_roc_tab_pointed", False)
    x, y, x_val, y_val = wine
    model = small_model(x.shape[1])
    fit = lambda *callbacks: model.fit(  # noqa: E731
        x, y, validation_data=(x_val, y_val), epochs=1, verbose=0, callbacks=list(callbacks)
    )
    fit(keras_roc.ROCCallback())  # no log_dir: nothing in TensorBoard to point at
    fit(keras_roc.ConfusionMatrixCallback(log_dir=tmp_path / "cm"))  # no ROC data
    assert capsys.readouterr().out == ""
    fit(keras_roc.ROCCallback(log_dir=tmp_path / "a"))
    fit(keras_roc.ROCCallback(log_dir=tmp_path / "b"))
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"keras_roc: every epoch's ROC curves are in TensorBoard: run `tensorboard --logdir {tmp_path / 'a'}` "
        "and open TensorBoard's ROC tab."
    ]


def test_nothing_outlives_the_fit_but_its_last_writes(wine, tmp_path):
    fit_both(wine, tmp_path, epochs=2)
    assert tensorboard.wait_for_writes(timeout=120)
    # Both end with the last write, well before the helper's own idle timeout.
    deadline = time.monotonic() + min(5.0, _render.IDLE_SECONDS / 2)
    while any(t.name == WRITER_THREAD for t in threading.enumerate()) or _render.helper_pid() is not None:
        assert time.monotonic() < deadline, "a writer thread or the drawing helper is still running"
        time.sleep(0.05)
    steps, _ = image_steps(tmp_path)
    assert steps == {tag: [1] for tag in IMAGE_TAGS}


EXIT_RIGHT_AFTER_FIT = """
import sys, time
import keras, numpy as np
import keras_roc
from keras_roc import _render

original = _render.draw_png
def slow_draw_png(spec):  # the last epoch's figures are still drawing when the script ends
    time.sleep(1.0)
    return original(spec)
_render.draw_png = slow_draw_png

rng = np.random.default_rng(0)
x = rng.normal(size=(300, 4)).astype("float32")
y = (x[:, 0] + rng.normal(size=300) > 0).astype("int64") + (x[:, 1] > 1)
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy")
log_dir = sys.argv[1]
callbacks = [keras_roc.ROCCallback(log_dir=log_dir), keras_roc.ConfusionMatrixCallback(log_dir=log_dir)]
model.fit(x[:200], y[:200], validation_data=(x[200:], y[200:]), epochs=3, verbose=0, callbacks=callbacks)
print("fit returned", flush=True)
"""


def test_images_reach_the_file_when_the_program_exits_right_after_fit(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(EXIT_RIGHT_AFTER_FIT))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "logs")], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "fit returned" in done.stdout
    steps, events = image_steps(tmp_path / "logs")
    assert steps == {tag: [2] for tag in IMAGE_TAGS}
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1, 2]


def test_close_run_does_not_wait_and_the_next_open_waits_for_the_file(tmp_path):
    run_dir = tmp_path / "validation"
    writer, worker = tensorboard.open_run(str(run_dir))
    gate = threading.Event()
    worker.submit(lambda: (gate.wait(60), writer.scalars({"epoch_a": 1.0}, step=0)))
    tensorboard.close_run(writer)  # returns at once, though a job is still queued
    assert worker.busy
    opened = []
    opener = threading.Thread(target=lambda: opened.append(tensorboard.open_run(str(run_dir))))
    opener.start()
    opener.join(0.5)
    assert opener.is_alive()  # a second writer waits until the first file is closed
    gate.set()
    opener.join(60)
    second, _ = opened[0]
    assert second is not writer and writer._writer is None  # the first one closed its file
    tensorboard.close_run(second)
    assert tensorboard.wait_for_writes(timeout=60)
    assert [float(value) for _, value, _ in read_events(run_dir)["epoch_a"]] == [1.0]
