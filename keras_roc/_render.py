"""Drawing the callbacks' figures in a low-priority helper process.

matplotlib holds Python's GIL while it lays out and rasterises a figure, so
drawing on a thread of the training process stalls Keras's training loop even
when a CPU core is free (measured in `benchmarks/bench_callbacks.py`). The
callbacks therefore draw their TensorBoard images in one helper process, run
with the same Python (`python -m keras_roc._render`) at the lowest CPU
priority the system offers (`SCHED_IDLE` on Linux, else nice 19), so that it
uses the cycles training leaves idle.

The helper imports NumPy, matplotlib and `keras_roc.figures`, never
TensorFlow. It receives small computed results (never predictions), answers
with PNG bytes, ends by itself after `IDLE_SECONDS` without work or when the
training process goes away, is stopped by the callbacks (`shutdown`) once
the last run's queued writes are done, and is started again on demand. If it cannot be
started or stops answering, drawing falls back to the calling thread and
`fallback_reason()` says why. Setting the environment variable
`KERAS_ROC_DRAW=thread` always draws in the calling thread.

This module imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import pickle
import subprocess
import sys
import threading

__all__ = ["DrawSpec", "draw_png", "fallback_reason", "helper_pid", "shutdown"]

#: Seconds without a request after which the helper process ends.
IDLE_SECONDS = 20.0
#: Seconds to wait for one figure before the helper is deemed hung: a safety
#: net only (a starved low-priority helper is slow, not hung).
ANSWER_TIMEOUT_SECONDS = 600.0
#: Environment variable choosing where figures are drawn: `process` (the
#: default) or `thread`.
DRAW_ENV = "KERAS_ROC_DRAW"
#: Confusion-matrix figures the helper keeps to refill, and layouts it keeps
#: to reuse (one per distinct set of classes and options; least recently
#: used dropped first).
KEPT_FIGURES = 4
# Figure functions a DrawSpec may name (the helper runs nothing else).
_FUNCTIONS = ("plot_roc", "plot_confusion_matrix")
# Frame header: payload length as 8 little-endian bytes.
_HEADER_BYTES = 8


@dataclasses.dataclass(frozen=True)
class DrawSpec:
    """One figure to draw: `keras_roc.figures.<function>(*args, **kwargs)`.

    Attributes:
        function: `"plot_roc"` or `"plot_confusion_matrix"`.
        args: Positional arguments (picklable, e.g. a `ROCResult`).
        kwargs: Keyword arguments.
        suptitle: Optional figure title set after drawing.
    """

    function: str
    args: tuple = ()
    kwargs: dict = dataclasses.field(default_factory=dict)
    suptitle: str | None = None

    def __post_init__(self):
        if self.function not in _FUNCTIONS:
            raise ValueError(f"`function` must be one of {_FUNCTIONS}. Received {self.function!r}.")


class _Kept:
    """Figures and layouts the helper keeps between requests (see `_draw_here`)."""

    def __init__(self):
        from keras_roc import figures

        # Confusion-matrix figures to refill, least recently used first.
        self.matrices = {}
        # Layouts of earlier figures, reused by new figures that match them.
        self.layouts = figures._LayoutMemory(KEPT_FIGURES)

    def matrix_png(self, spec):
        """PNG of a confusion matrix, refilling a kept figure; None if it cannot."""
        from keras_roc import figures

        refillable = figures._RefillableMatrix
        options = dict(spec.kwargs, suptitle=spec.suptitle)
        key = refillable.key_of(*spec.args, **options) if len(spec.args) == 1 else None
        if key is None:
            return None
        kept = self.matrices.get(key)
        if kept is None or not kept.refill(*spec.args, **options):
            kept = refillable(*spec.args, **options)
        figures._remember(self.matrices, key, kept, KEPT_FIGURES)
        return kept.png()


def _draw_here(spec, kept=None):
    """Draws `spec` to PNG bytes.

    With `kept` (a `_Kept`, in the helper) the work of earlier requests is
    reused: confusion matrices of the same classes refill the figure drawn
    before, and ROC figures take the layout of an earlier one that matches.
    The bytes are those drawn without it (tested).
    """
    from keras_roc import figures

    if kept is not None and spec.function == "plot_confusion_matrix":
        png = kept.matrix_png(spec)
        if png is not None:
            return png
    figure = getattr(figures, spec.function)(*spec.args, **spec.kwargs)
    if spec.suptitle:
        figure.suptitle(spec.suptitle)
    if kept is not None and spec.function == "plot_roc":
        return kept.layouts.png(figure)
    return figures.figure_to_png(figure)


class _HelperGone(Exception):
    """The helper process could not be started or stopped answering."""


def _write_frame(stream, payload):
    stream.write(len(payload).to_bytes(_HEADER_BYTES, "little") + payload)
    stream.flush()


def _read_exact(stream, size):
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the stream ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream):
    size = int.from_bytes(_read_exact(stream, _HEADER_BYTES), "little")
    return _read_exact(stream, size)


def _wait_readable(stream, timeout):
    """False if nothing arrives on `stream` within `timeout` seconds."""
    if os.name != "posix":  # select() takes no pipes elsewhere: just block
        return True
    import select

    readable, _, _ = select.select([stream], [], [], timeout)
    return bool(readable)


class _Helper:
    """The parent's handle on the helper process (one per interpreter)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process = None
        self._owner = os.getpid()
        self.failure = None  # why drawing fell back to the calling thread

    def _start(self):
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [package_parent] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        )
        env["MPLBACKEND"] = "Agg"
        if not sys.executable:
            raise _HelperGone("no Python executable is known (`sys.executable` is empty)")
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "keras_roc._render", str(IDLE_SECONDS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        except OSError as error:
            raise _HelperGone(f"cannot start {sys.executable!r}: {error}") from None

    def _request(self, spec):
        if self._owner != os.getpid():  # a forked child: the helper is its parent's
            self._process, self._owner = None, os.getpid()
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # ended by itself (idle) or was killed: close its pipes
        if self._process is None:
            self._start()
        process = self._process
        try:
            _write_frame(process.stdin, pickle.dumps(spec, pickle.HIGHEST_PROTOCOL))
            if not _wait_readable(process.stdout, ANSWER_TIMEOUT_SECONDS):
                raise _HelperGone(f"no answer within {ANSWER_TIMEOUT_SECONDS:.0f} s")
            status, value = pickle.loads(_read_frame(process.stdout))
        except (OSError, EOFError, pickle.UnpicklingError, ValueError) as error:
            raise _HelperGone(f"the helper process stopped answering ({error!r})") from None
        if status == "fatal":
            raise _HelperGone(value)
        if status == "error":
            raise RuntimeError(f"drawing {spec.function} failed in the helper process:\n{value}")
        return value

    def draw(self, spec):
        with self._lock:
            if self.failure is None and os.environ.get(DRAW_ENV, "process") != "thread":
                # A helper may end (idle) just as a request arrives: one retry.
                for attempt in range(2):
                    try:
                        return self._request(spec)
                    except _HelperGone as error:
                        self._stop()
                        if attempt:
                            self.failure = str(error)
        return _draw_here(spec)

    def _stop(self):
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def shutdown(self):
        with self._lock:
            self._stop()


_HELPER = _Helper()
atexit.register(_HELPER.shutdown)


def draw_png(spec):
    """Draws `spec` to PNG bytes, in the helper process when possible.

    Blocks the calling thread (never holding the GIL while the helper
    draws). Thread-safe: requests from several threads take turns.

    Args:
        spec: A `DrawSpec`.

    Returns:
        The PNG file as `bytes`.

    Raises:
        RuntimeError: the figure function itself failed in the helper.

    Example:

    >>> png = draw_png(DrawSpec("plot_confusion_matrix", ([[5, 1], [2, 7]],)))
    >>> png[:4]
    b'\\x89PNG'
    """
    return _HELPER.draw(spec)


def fallback_reason():
    """Why figures are drawn in the calling thread instead, or None."""
    return _HELPER.failure


def helper_pid():
    """The process id of the running helper, or None (for `/proc` readings)."""
    process = _HELPER._process
    return None if process is None or process.poll() is not None else process.pid


def shutdown():
    """Stops the helper process now (it also stops by itself when idle)."""
    _HELPER.shutdown()


# -- the helper process -----------------------------------------------------------


def _lower_priority():
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(19)
    except (AttributeError, OSError):
        pass


def _serve(stdin, stdout, idle_seconds):
    import traceback

    _lower_priority()
    try:
        import warnings

        warnings.simplefilter("ignore")  # nobody reads the helper's stderr
        from keras_roc import figures  # noqa: F401  (import once, up front)
    except Exception:  # answered to every request; the parent falls back
        fatal = ("fatal", f"the helper process cannot import matplotlib: {traceback.format_exc()}")
    else:
        fatal = None
    kept = _Kept() if fatal is None else None
    while _wait_readable(stdin, idle_seconds):
        try:
            spec = pickle.loads(_read_frame(stdin))
        except EOFError:
            return  # the parent closed the pipe or went away
        if fatal is not None:
            answer = fatal
        else:
            try:
                answer = ("ok", _draw_here(spec, kept))
            except Exception:
                answer = ("error", traceback.format_exc())
        _write_frame(stdout, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


def _main():
    import signal

    # Ctrl-C in a terminal reaches the whole process group: it is meant for
    # training, which stops the helper by closing its pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Keep the answer channel private: anything printed by a library goes to
    # stderr, never into the frames.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    idle_seconds = float(sys.argv[1]) if len(sys.argv) > 1 else IDLE_SECONDS
    _serve(sys.stdin.buffer, answers, idle_seconds)


if __name__ == "__main__":
    _main()
