"""Writing keras_roc results to TensorBoard event files.

Events are written with the `tensorboard` package's own event-file writer
and protocol buffers, without TensorFlow, and writers are created lazily:
constructing an `EventWriter` touches no disk.

The layout follows `keras.callbacks.TensorBoard`: one run directory per
split (`<log_dir>/validation`), scalar tags named like Keras names them
(`epoch_roc_auc`), step = epoch index. See `TAGS` for every tag written.
"""

from __future__ import annotations

import atexit
import dataclasses
import itertools
import logging
import os
import socket
import threading
import time
import uuid

import numpy as np

_LOG = logging.getLogger(__name__)

__all__ = [
    "BackgroundWriter",
    "EventWriter",
    "TAGS",
    "check_writable",
    "close_run",
    "histogram_data",
    "open_run",
    "pr_curve_data",
    "wait_for_writes",
]

#: Every tag keras_roc writes, in one place (public API: dashboards and
#: scripts that read event files rely on these names). `{name}` is a class
#: name; `{key}` a key of `ROCResult.scalars()`.
TAGS = {
    "epoch_{key}": "scalar: each ROCResult.scalars() value, e.g. "
    "epoch_roc_auc, epoch_roc_auc_micro, epoch_log_loss, epoch_sensitivity",
    "roc_auc_per_class/{name}": "scalar: one-vs-rest AUC of each class",
    "roc_curve": "image: the ROC figure (at the epochs image_every chooses)",
    "confusion_matrix": "image: counts and row-normalized confusion matrix (as roc_curve)",
    "scores/{name}/positives": "histogram: scores of the class's samples",
    "scores/{name}/negatives": "histogram: scores of the other samples",
    "pr_curve/{name}": "PR-curve plugin: interactive precision-recall curve",
    "keras_roc/curve/{name}": "ROC tab (plugin keras_roc): threshold, TP, FP at the curve's vertices",
    "keras_roc/micro": "ROC tab: the micro-average curve, as the classes'",
    "keras_roc/macro": "ROC tab: FPR, TPR of the macro-average curve",
    "keras_roc/summary": "ROC tab: the epoch's JSON summary (docs/tensorboard_tab.md has every format)",
}

#: Share of training's wall time that the images drawn before the last
#: epoch may take with `image_every="auto"` (the last epoch's are always
#: drawn). Drawing runs beside training, at idle priority, yet on a machine
#: without a spare core it slows training by about its own CPU time
#: (docs/performance.md); the callbacks' target at their defaults is 1.05x
#: plain `fit`, and the exact evaluation on the training thread takes most
#: of that: 2% is what is left for images.
IMAGE_TIME_SHARE = 0.02
#: Expected seconds of one epoch's images before any has been drawn (two
#: 10-class figures take 0.35-0.5 s, docs/performance.md): the first image
#: waits until training has run long enough to afford it.
FIRST_IMAGES_SECONDS = 0.5
#: Seconds the interpreter waits at exit for the writes already queued
#: (mostly the last epoch's images, under a second each), then exits
#: without them.
EXIT_WAIT_SECONDS = 60.0
#: Buckets of the score histograms (TensorBoard's own default).
HISTOGRAM_BUCKETS = 30
#: Thresholds of the PR-curve summaries (TensorBoard's own default).
PR_CURVE_THRESHOLDS = 201
# Floor of the precision/recall denominators, as TensorBoard's pr_curve.
_PR_MINIMUM_COUNT = 1e-7


def check_writable(path):
    """Creates `path` if needed and checks that files can be written there.

    Raises:
        ValueError: naming the path, if it cannot be created or written.
    """
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".keras_roc_probe_{uuid.uuid4().hex}")
        with open(probe, "wb"):
            pass
        os.remove(probe)
    except OSError as error:
        raise ValueError(
            f"`log_dir` is not writable: cannot write to {path!r} "
            f"({error.strerror or error}). Pass a directory you can write to."
        ) from None


def histogram_data(values, buckets=HISTOGRAM_BUCKETS):
    """Histogram in TensorBoard's format: rows `[left_edge, right_edge, count]`.

    Buckets span [min, max] of the finite values evenly, as
    `tf.summary.histogram` makes them. Empty input gives `buckets` zero rows.

    Args:
        values: Array of any shape; NaN and infinite values are dropped.
        buckets: Number of buckets. Defaults to `30`.

    Returns:
        float64 array of shape `(buckets, 3)`.
    """
    values = np.asarray(values, np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.zeros((buckets, 3))
    low, high = float(values.min()), float(values.max())
    if low == high:
        counts = np.zeros(buckets)
        counts[-1] = values.size
        return np.stack([np.full(buckets, low), np.full(buckets, low), counts], axis=1)
    width = (high - low) / buckets
    index = np.minimum(((values - low) / width).astype(np.int64), buckets - 1)
    counts = np.bincount(index, minlength=buckets).astype(np.float64)
    edges = np.linspace(low, high, buckets + 1)
    edges[-1] = high
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def pr_curve_data(positive, scores, weights=None, num_thresholds=PR_CURVE_THRESHOLDS):
    """Counts, precision and recall at evenly spaced thresholds.

    The tensor format of TensorBoard's PR-curve plugin: rows are true
    positives, false positives, true negatives, false negatives, precision
    and recall; column `i` is the threshold `i / (num_thresholds - 1)`
    (a score at or above it counts as positive).

    Args:
        positive: Boolean array `(n,)`, True for the positive class.
        scores: Probabilities `(n,)`; values outside [0, 1] are clipped.
        weights: Optional sample weights `(n,)`. Defaults to `None`.
        num_thresholds: Number of thresholds. Defaults to `201`.

    Returns:
        float32 array of shape `(6, num_thresholds)`.
    """
    # Bucket index of each score, built in one float32 buffer (O(n) memory).
    buckets = np.multiply(scores, num_thresholds - 1, dtype=np.float32)
    np.nan_to_num(buckets, copy=False)
    np.clip(buckets, 0, num_thresholds - 1, out=buckets)
    buckets = buckets.astype(np.int32)
    positive = np.asarray(positive, bool)
    if weights is None:
        tp_bucket = np.bincount(buckets[positive], minlength=num_thresholds)
        fp_bucket = np.bincount(buckets[~positive], minlength=num_thresholds)
    else:
        weights = np.asarray(weights, np.float64)
        tp_bucket = np.bincount(buckets[positive], weights[positive], num_thresholds)
        fp_bucket = np.bincount(buckets[~positive], weights[~positive], num_thresholds)
    tp_bucket = tp_bucket.astype(np.float64)
    fp_bucket = fp_bucket.astype(np.float64)
    tp = np.cumsum(tp_bucket[::-1])[::-1]
    fp = np.cumsum(fp_bucket[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(_PR_MINIMUM_COUNT, tp + fp)
    recall = tp / np.maximum(_PR_MINIMUM_COUNT, tp + fn)
    return np.stack([tp, fp, tn, fn, precision, recall]).astype(np.float32)


class EventWriter:
    """A lazily created TensorBoard event writer for one run directory.

    Args:
        run_dir: The run directory, e.g. `"runs/exp1/validation"`.

    Example:

    >>> writer = EventWriter("/tmp/keras_roc_doc/validation")
    >>> writer.scalars({"epoch_roc_auc": 0.9}, step=0)
    >>> writer.close()
    """

    def __init__(self, run_dir):
        self.run_dir = os.fspath(run_dir)
        self._writer = None

    def _file_writer(self):
        if self._writer is None:
            self._writer = _EventFile(self.run_dir)
        return self._writer

    def _write(self, values, step):
        """Writes `[(tag, array, metadata), ...]` as one event at `step`."""
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.util import tensor_util

        summary = summary_pb2.Summary(
            value=[
                summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor_util.make_tensor_proto(array))
                for tag, array, metadata in values
            ]
        )
        self._file_writer().add_event(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def scalars(self, values, step):
        """Writes `{tag: float}` scalars at `step`."""
        from tensorboard.plugins.scalar import metadata as scalar_metadata

        self._write(
            [
                (tag, np.float32(value), scalar_metadata.create_summary_metadata(display_name=tag, description=""))
                for tag, value in values.items()
            ],
            step,
        )

    def image(self, tag, png, step, description=""):
        """Writes one already encoded PNG image (no decode/re-encode)."""
        from tensorboard.plugins.image import metadata as image_metadata

        width, height = _png_size(png)
        metadata = image_metadata.create_summary_metadata(display_name=tag, description=description)
        self._write([(tag, np.array([str(width).encode(), str(height).encode(), png], dtype=object), metadata)], step)

    def histogram(self, tag, buckets, step):
        """Writes a histogram given as `histogram_data(values)` returns it.

        `tf.summary.histogram` is not used: it builds an n x buckets one-hot
        matrix (240 MB for a million scores).
        """
        from tensorboard.plugins.histogram import metadata as histogram_metadata

        metadata = histogram_metadata.create_summary_metadata(display_name=tag, description="")
        self._write([(tag, np.asarray(buckets, np.float64), metadata)], step)

    def pr_curve(self, tag, data, step):
        """Writes `pr_curve_data(...)` for TensorBoard's PR-curve plugin."""
        from tensorboard.plugins.pr_curve import metadata as pr_metadata

        data = np.asarray(data, np.float32)
        metadata = pr_metadata.create_summary_metadata(display_name=tag, description="", num_thresholds=data.shape[1])
        self._write([(tag, data, metadata)], step)

    def tensors(self, values, step):
        """Writes `[(tag, array, SummaryMetadata), ...]` as one event at `step`
        (a plugin's own tensors, e.g. the ROC tab's: `keras_roc.tensorboard_tab`)."""
        self._write(values, step)

    def flush(self):
        """Makes everything written so far durable on disk."""
        if self._writer is not None:
            self._writer.flush()

    def close(self):
        """Flushes and closes the file; a later write opens a new one."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class _EventFile:
    """One event file, written without TensorFlow.

    The `tensorboard` package's record format (length, masked CRC-32C,
    data, CRC; written by `keras_roc._crc32c.RecordWriter`, whose NumPy
    CRC is ~20x faster than `tensorboard`'s pure-Python one and holds the
    GIL that much less) and `Event` protocol buffers, to a local file
    opened directly: `tensorboard`'s own `EventFileWriter` opens files
    through `tensorboard.compat.tf`, which imports TensorFlow whenever it is
    installed. Named as TensorFlow names its files (time, host, process, a
    number unique in the process, ".v2"), which readers use to order the
    files of a run.
    """

    _counter = itertools.count()

    def __init__(self, run_dir):
        from tensorboard.compat.proto import event_pb2

        from keras_roc._crc32c import RecordWriter

        os.makedirs(run_dir, exist_ok=True)
        # TensorFlow's writers in the same process number their files 0, 1,
        # ...: a nanosecond clock keeps ours from taking one of their names.
        unique = time.time_ns() + next(self._counter)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{unique}.v2"
        self.path = os.path.join(run_dir, name)
        self._records = RecordWriter(open(self.path, "wb"))  # closed by close()
        self.add_event(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))

    def add_event(self, event):
        self._records.write(event.SerializeToString())

    def flush(self):
        self._records.flush()

    def close(self):
        self._records.close()


def _png_size(png):
    # PNG: 8-byte signature, then the IHDR chunk whose data starts with
    # big-endian width and height.
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("Expected PNG bytes (they start with the PNG signature).")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class BackgroundWriter:
    """Runs writing jobs on one background thread, in submission order.

    Event writing happens here, off the training thread, and figure jobs
    wait here for the drawing helper process (`keras_roc._render`). Jobs
    hold only small, already computed data (results, histogram counts),
    never the predictions. Light jobs (a few scalars) are always queued;
    heavy jobs (figures) are bounded: when drawing falls behind and
    `max_heavy` heavy jobs already wait, a new one is skipped, never queued
    without bound, and counted in `skipped`. The time heavy jobs take is
    measured (`heavy_seconds`) for `heavy_due`'s budget.

    The thread ends by itself after `IDLE_SECONDS` without work (the next
    job starts a new one), or right after the job given to `finish`. It is
    a daemon thread: at interpreter exit, an `atexit` hook waits at most
    `EXIT_WAIT_SECONDS` for the jobs already queued (see `wait_for_writes`).

    Args:
        max_heavy: Heavy jobs that may wait. Defaults to `2`.

    Example:

    >>> worker = BackgroundWriter()
    >>> done = []
    >>> worker.submit(lambda: done.append(1))
    True
    >>> worker.wait()
    True
    >>> done
    [1]
    """

    #: Seconds without work after which the thread ends.
    IDLE_SECONDS = 2.0
    # The clock of the time budget (monotonic wall time; tests control it).
    _clock = staticmethod(time.monotonic)

    def __init__(self, max_heavy=2):
        import collections

        self.max_heavy = max_heavy
        self._jobs = collections.deque()
        self._condition = threading.Condition()
        self._heavy_waiting = 0
        self._heavy_running = 0
        self._unfinished = 0
        self._thread = None
        self._finishing = False
        self.skipped = 0
        self.errors = []
        self.started = self._clock()
        self.heavy_seconds = 0.0
        self._steps_due = 0
        self._due = None  # (step, answer) of the latest `heavy_due`

    def submit(self, job, heavy=False):
        """Queues `job`. Returns False if a heavy job was skipped instead."""
        with self._condition:
            if heavy and self._heavy_waiting >= self.max_heavy:
                self.skipped += 1
                return False
            self._jobs.append((job, heavy))
            self._heavy_waiting += heavy
            self._unfinished += 1
            self._condition.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="keras_roc-writer", daemon=True)
                self._thread.start()
        return True

    def finish(self, job):
        """Queues `job` as the last one: the thread ends right after it."""
        self.submit(job)
        with self._condition:
            self._finishing = True
            self._condition.notify_all()

    def heavy_due(self, step):
        """Whether the heavy jobs of `step` fit in the time budget.

        True while the heavy jobs so far plus one more step's (their mean, or
        `FIRST_IMAGES_SECONDS` before any) take at most `IMAGE_TIME_SHARE`
        of the wall time since this writer was created, and none is still
        waiting or running (never queue behind a slow drawing). Every caller
        gets the same answer for one step, so the callbacks sharing a run
        draw the same epochs.
        """
        with self._condition:
            if self._due is None or self._due[0] != step:
                busy = self._heavy_waiting or self._heavy_running
                per_step = self.heavy_seconds / self._steps_due if self._steps_due else FIRST_IMAGES_SECONDS
                budget = IMAGE_TIME_SHARE * (self._clock() - self.started)
                self._due = (step, not busy and self.heavy_seconds + per_step <= budget)
                self._steps_due += self._due[1]
            return self._due[1]

    def _run(self):
        while True:
            with self._condition:
                if not self._jobs and not self._finishing:
                    self._condition.wait(self.IDLE_SECONDS)
                if not self._jobs:  # idle or finished: end; submit() starts a new thread
                    self._thread = None
                    return
                job, heavy = self._jobs.popleft()
                self._heavy_waiting -= heavy
                self._heavy_running += heavy
            start = self._clock()
            try:
                job()
            except Exception as error:  # reported on the training thread
                self.errors.append(error)
            finally:
                with self._condition:
                    if heavy:
                        self._heavy_running -= 1
                        self.heavy_seconds += self._clock() - start
                    self._unfinished -= 1
                    self._condition.notify_all()

    def wait(self, timeout=None):
        """Blocks until every queued job has run; False if `timeout` seconds passed first."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._unfinished, timeout)

    @property
    def busy(self):
        """Whether a job is queued or running."""
        return self._unfinished > 0

    @property
    def running(self):
        """Whether the background thread is alive."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def pop_errors(self):
        """Errors raised by jobs since the last call."""
        errors, self.errors = self.errors, []
        return errors


# One writer and one writer thread per run directory, shared by every
# keras_roc callback writing there: TensorBoard's Python loader follows only
# the newest event file of a run, so a second file would hide the first.
_OPEN_RUNS = {}
# Runs whose last user has left, while their thread finishes the jobs queued.
_CLOSING_RUNS = {}
_OPEN_RUNS_LOCK = threading.Lock()
# Heavy jobs that may wait, per callback sharing a run directory.
_HEAVY_JOBS_PER_USER = 4
_exit_wait_registered = False


@dataclasses.dataclass
class _OpenRun:
    """A run directory's shared writer, its writing thread and their users."""

    writer: EventWriter
    worker: BackgroundWriter
    users: int = 0

    def set_users(self, users):
        self.users = users
        self.worker.max_heavy = _HEAVY_JOBS_PER_USER * users


def open_run(run_dir):
    """The shared `(EventWriter, BackgroundWriter)` of `run_dir`.

    Every call must be matched by one `close_run(writer)`. If the run's
    previous writer is still finishing its jobs, this waits for it, so
    that the run's files follow one another.
    """
    key = os.path.abspath(run_dir)
    _register_exit_wait()
    while True:
        with _OPEN_RUNS_LOCK:
            closing = _CLOSING_RUNS.get(key)
            if closing is None:
                run = _OPEN_RUNS.get(key)
                if run is None:
                    run = _OPEN_RUNS[key] = _OpenRun(EventWriter(run_dir), BackgroundWriter())
                run.set_users(run.users + 1)
                return run.writer, run.worker
        closing.worker.wait()


def close_run(writer, when_idle=None):
    """Releases `open_run`'s writer, without waiting.

    When the last user leaves, the run's thread finishes the jobs already
    queued, closes the file and ends; then, if no other run has work
    queued, it calls `when_idle()` (the callbacks stop the drawing helper
    there).
    `wait_for_writes()` waits for this.
    """
    key = os.path.abspath(writer.run_dir)
    with _OPEN_RUNS_LOCK:
        run = _OPEN_RUNS.get(key)
        if run is None or run.writer is not writer:
            return
        if run.users > 1:
            run.set_users(run.users - 1)
            return
        del _OPEN_RUNS[key]
        _CLOSING_RUNS[key] = run
    run.worker.finish(lambda: _finish_run(key, run, when_idle))


def _finish_run(key, run, when_idle):
    """The last job of a closed run, on its thread."""
    try:
        run.writer.close()
    except Exception as error:  # the run must leave _CLOSING_RUNS whatever happens
        run.worker.errors.append(error)
    with _OPEN_RUNS_LOCK:
        if _CLOSING_RUNS.get(key) is run:
            del _CLOSING_RUNS[key]
        # Runs left open by a `fit` that raised hold no work: they do not count.
        idle = not _CLOSING_RUNS and not any(other.worker.busy for other in _OPEN_RUNS.values())
    for error in run.worker.pop_errors():  # after `fit`: nobody else will report them
        _LOG.warning("keras_roc: writing TensorBoard events to %s failed: %r", run.writer.run_dir, error)
    if idle and when_idle is not None:
        when_idle()


def wait_for_writes(timeout=None):
    """Waits until every job queued so far, in every run directory, has run.

    After `fit` returns, the last epoch's images may still be drawing and
    the event file still open (see `close_run`); call this (or the
    callback's `flush()`) to read the files in the same program at once.

    Args:
        timeout: Seconds to wait at most; None waits until done. Defaults
            to `None`.

    Returns:
        True when everything was written, False if `timeout` passed first.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    with _OPEN_RUNS_LOCK:
        workers = [run.worker for run in (*_OPEN_RUNS.values(), *_CLOSING_RUNS.values())]
    for worker in workers:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not worker.wait(left):
            return False
    return True


def _register_exit_wait():
    # Registered at the first open_run, after `keras_roc._render` stops its
    # helper at exit (atexit runs last-registered first): queued figures are
    # still drawn. Daemon threads keep running while atexit hooks run.
    global _exit_wait_registered
    with _OPEN_RUNS_LOCK:
        if _exit_wait_registered:
            return
        _exit_wait_registered = True
    atexit.register(wait_for_writes, EXIT_WAIT_SECONDS)
