"""Writing keras_roc results to TensorBoard event files.

Events are written with the `tensorboard` package's own event-file writer
and protocol buffers, without TensorFlow, and writers are created lazily:
constructing an `EventWriter` touches no disk.

The layout follows `keras.callbacks.TensorBoard`: one run directory per
split (`<log_dir>/validation`), scalar tags named like Keras names them
(`epoch_roc_auc`), step = epoch index. See `TAGS` for every tag written.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import socket
import threading
import time
import uuid

import numpy as np

__all__ = [
    "BackgroundWriter",
    "EventWriter",
    "TAGS",
    "check_writable",
    "close_run",
    "histogram_data",
    "open_run",
    "pr_curve_data",
]

#: Every tag keras_roc writes, in one place (public API: dashboards and
#: scripts that read event files rely on these names). `{name}` is a class
#: name; `{key}` a key of `ROCResult.scalars()`.
TAGS = {
    "epoch_{key}": "scalar: each ROCResult.scalars() value, e.g. "
    "epoch_roc_auc, epoch_roc_auc_micro, epoch_log_loss, epoch_sensitivity",
    "roc_auc_per_class/{name}": "scalar: one-vs-rest AUC of each class",
    "roc_curve": "image: the ROC figure (every image_every epochs)",
    "confusion_matrix": "image: counts and row-normalized confusion matrix",
    "scores/{name}/positives": "histogram: scores of the class's samples",
    "scores/{name}/negatives": "histogram: scores of the other samples",
    "pr_curve/{name}": "PR-curve plugin: interactive precision-recall curve",
}

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

    The `tensorboard` package's record format (`RecordWriter`: length,
    masked CRC-32C, data, CRC) and `Event` protocol buffers, to a local file
    opened directly: `tensorboard`'s own `EventFileWriter` opens files
    through `tensorboard.compat.tf`, which imports TensorFlow whenever it is
    installed. Named as TensorFlow names its files (time, host, process, a
    number unique in the process, ".v2"), which readers use to order the
    files of a run.
    """

    _counter = itertools.count()

    def __init__(self, run_dir):
        from tensorboard.compat.proto import event_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter

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
    without bound, and counted in `skipped`. The thread is not a daemon, so
    queued jobs finish even if training raised and the interpreter is
    exiting; it ends by itself after `IDLE_SECONDS` without work and
    restarts on the next job.

    Args:
        max_heavy: Heavy jobs that may wait. Defaults to `2`.

    Example:

    >>> worker = BackgroundWriter()
    >>> done = []
    >>> worker.submit(lambda: done.append(1))
    True
    >>> worker.wait()
    >>> done
    [1]
    """

    #: Seconds without work after which the thread ends.
    IDLE_SECONDS = 2.0

    def __init__(self, max_heavy=2):
        import collections

        self.max_heavy = max_heavy
        self._jobs = collections.deque()
        self._condition = threading.Condition()
        self._heavy_waiting = 0
        self._unfinished = 0
        self._thread = None
        self.skipped = 0
        self.errors = []

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
                self._thread = threading.Thread(target=self._run, name="keras_roc-writer", daemon=False)
                self._thread.start()
        return True

    def _run(self):
        while True:
            with self._condition:
                if not self._jobs:
                    self._condition.wait(self.IDLE_SECONDS)
                if not self._jobs:  # idle: end; submit() starts a new thread
                    self._thread = None
                    return
                job, heavy = self._jobs.popleft()
                self._heavy_waiting -= heavy
            try:
                job()
            except Exception as error:  # reported on the training thread
                self.errors.append(error)
            finally:
                with self._condition:
                    self._unfinished -= 1
                    self._condition.notify_all()

    def wait(self):
        """Blocks until every queued job has run."""
        with self._condition:
            while self._unfinished:
                self._condition.wait()

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
_OPEN_RUNS_LOCK = threading.Lock()
# Heavy jobs that may wait, per callback sharing a run directory.
_HEAVY_JOBS_PER_USER = 4


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

    Every call must be matched by one `close_run(writer)`.
    """
    key = os.path.abspath(run_dir)
    with _OPEN_RUNS_LOCK:
        run = _OPEN_RUNS.get(key)
        if run is None:
            run = _OPEN_RUNS[key] = _OpenRun(EventWriter(run_dir), BackgroundWriter())
        run.set_users(run.users + 1)
        return run.writer, run.worker


def close_run(writer):
    """Releases `open_run`'s writer; the last user waits and closes it."""
    key = os.path.abspath(writer.run_dir)
    with _OPEN_RUNS_LOCK:
        run = _OPEN_RUNS.get(key)
        if run is None or run.writer is not writer:
            return
        last = run.users == 1
        if last:
            del _OPEN_RUNS[key]
        else:
            run.set_users(run.users - 1)
    if last:
        run.worker.wait()
        writer.close()
