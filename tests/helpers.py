"""Helpers the tests import (`from helpers import read_events`).

Fixtures live in conftest.py; functions that tests call live here, so no
test imports conftest.
"""

import glob
import os
import re

import pytest

#: For tests that rank raw scores (ratings, normal draws) rather than
#: probabilities: evaluate then warns that the log loss is NaN.
raw_scores = pytest.mark.filterwarnings("ignore:`y_score` holds values outside:keras_roc.UndefinedMetricWarning")


def _creation_order(path):
    # events.out.tfevents.<seconds>.<host>.<pid>.<counter>.v2: sort by time,
    # then by the writer counter (as numbers: "10" comes after "9").
    match = re.search(r"tfevents\.(\d+)\..*\.(\d+)\.(\d+)\.v2$", path)
    return (int(match.group(1)), int(match.group(3))) if match else (0, 0)


def read_events(run_dir):
    """Every summary value in every event file of `run_dir`.

    Returns a dict tag -> list of (step, ndarray, plugin_name), in file order,
    so duplicates (the same tag and step twice) are visible. Waits first for
    keras_roc's queued writes (`fit` returns before its last images are
    drawn), as a script reading its event files right after `fit` must.
    """
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.util import tensor_util

    from keras_roc import tensorboard

    assert tensorboard.wait_for_writes(timeout=120), "keras_roc's writes did not finish within 120 s"

    found = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "events.out.tfevents.*")), key=_creation_order):
        for event in event_file_loader.EventFileLoader(path).Load():
            for value in event.summary.value:
                if not value.HasField("tensor"):
                    continue
                found.setdefault(value.tag, []).append(
                    (
                        event.step,
                        tensor_util.make_ndarray(value.tensor),
                        value.metadata.plugin_data.plugin_name,
                    )
                )
    return found


def assert_no_point_twice(events):
    """No tag has the same step twice (in any of the run's event files)."""
    for tag, points in events.items():
        steps = [step for step, _, _ in points]
        assert len(steps) == len(set(steps)), f"{tag} written twice: {steps}"


def small_model(n_features, n_outputs=1, *, optimizer=None, seed=0):
    """Dense(8, relu) then a sigmoid (one output) or softmax layer, compiled
    with the matching cross-entropy; Adam(0.01) unless `optimizer` is given."""
    import keras

    keras.utils.set_random_seed(seed)
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    loss = "binary_crossentropy" if n_outputs == 1 else "sparse_categorical_crossentropy"
    model.compile(optimizer or keras.optimizers.Adam(0.01), loss)
    return model


def diagnosis_and_size_model(n_features):
    """A two-output model (dict outputs): a binary `diagnosis` and a `size` regression."""
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((n_features,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(
        inputs,
        {
            "diagnosis": keras.layers.Dense(1, activation="sigmoid", name="diagnosis")(hidden),
            "size": keras.layers.Dense(1, name="size")(hidden),
        },
    )
    model.compile("adam", {"diagnosis": "binary_crossentropy", "size": "mse"})
    return model


# ---------------------------------------------------------------------------
# A real `tensorboard` on 127.0.0.1 (the ROC tab's route and browser tests)
# ---------------------------------------------------------------------------

#: Seconds until a started TensorBoard answers (it imports TensorFlow).
TENSORBOARD_STARTUP_TIMEOUT = 60.0
#: The two loaders: the default Rust data server, and the Python multiplexer.
TENSORBOARD_LOADERS = {"fast": ["--load_fast=true"], "python": ["--load_fast=false", "--reload_multifile=true"]}


def free_port():
    """A port free on 127.0.0.1 right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url, path, timeout=10.0, **params):
    """GET `url + path?params` bypassing any proxy: (status, body bytes, content type)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    address = url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        response = opener.open(address, timeout=timeout)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(), error.headers.get_content_type()
    with response:
        return response.status, response.read(), response.headers.get_content_type()


def get_json(url, path, **params):
    """GET a JSON route that must answer 200."""
    import json

    status, body, content_type = http_get(url, path, **params)
    assert status == 200 and content_type == "application/json", (path, params, status, body[:300])
    return json.loads(body)


class TensorBoardServer:
    """`python -m tensorboard.main` on 127.0.0.1 as a subprocess (a context
    manager that starts it, waits until it answers, and stops it).

    Args:
        log_dir: The `--logdir`.
        work_dir: Where its log goes (and TMPDIR: its info files).
        args: Extra flags, e.g. `TENSORBOARD_LOADERS["python"]`.
        command: The program before the flags. Defaults to
            `[sys.executable, "-m", "tensorboard.main"]`.
    """

    #: Starts tried: a free port can be taken before the server binds it.
    ATTEMPTS = 3

    def __init__(self, log_dir, work_dir, args=(), command=None):
        import sys

        self.log_dir, self.work_dir, self.args = log_dir, work_dir, list(args)
        self.command = command or [sys.executable, "-m", "tensorboard.main"]
        self.process = self.url = self._log = None
        self.attempts = 0
        self.log_path = os.path.join(work_dir, f"tensorboard_{os.getpid()}_{id(self)}.log")

    def __enter__(self):
        self.start()
        self.wait_until_up()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Starts the process on a free port (returns at once)."""
        import subprocess

        self.attempts += 1
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TMPDIR=str(self.work_dir))
        port = free_port()
        command = [*self.command, "--logdir", str(self.log_dir), "--host", "127.0.0.1", "--port", str(port),
                   "--reload_interval", "1", *self.args]  # fmt: skip
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        self.url = f"http://127.0.0.1:{port}"

    def wait_until_up(self, deadline=None):
        """Polls `/data/runs` until it answers (by `deadline`, a
        `time.monotonic()` value); restarts on a new port if the process
        died, up to `ATTEMPTS` starts. Raises RuntimeError with the log."""
        import time

        if deadline is None:
            deadline = time.monotonic() + TENSORBOARD_STARTUP_TIMEOUT
        while True:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.stop()
                if self.attempts >= self.ATTEMPTS:
                    raise RuntimeError(f"TensorBoard exited with {code}:\n{self.log_text()}")
                self.start()  # e.g. the port was taken meanwhile
                continue
            try:
                if http_get(self.url, "/data/runs", timeout=2.0)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"TensorBoard did not answer at {self.url}:\n{self.log_text()}")
            time.sleep(0.2)

    def terminate(self):
        """Sends SIGTERM (stopping several servers: all first, then `stop()` each)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as file:
                return file.read()[-6000:]
        except OSError:
            return ""

    def stop(self):
        """Terminates (kills after 10 s) and reaps the process."""
        import subprocess

        if self.process is not None:
            self.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def wait_for(self, predicate, timeout=30.0):
        """Polls `predicate(url)` until it returns a truthy value (returned)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate(self.url)
                if value:
                    return value
            except (OSError, AssertionError, KeyError, ValueError):
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting at {self.url}; server log:\n{self.log_text()}")
            time.sleep(0.3)
