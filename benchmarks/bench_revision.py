"""The callbacks' training overhead now against an earlier revision, side by side.

Answers "what did this change cost training?": the same fit runs with the
keras_roc of the working tree and with the keras_roc of a git revision
(extracted with `git archive` into a temporary folder), in alternating
subprocesses, each also timing plain `fit` in the same process. Reported per
side: the median epoch time of fit with `ROCCallback` + `ConfusionMatrixCallback`
(reusing fit's validation pass, no images: the per-epoch cost of the numbers)
as a ratio to plain fit's, and the difference of the two ratios.

The model and data are those of `bench_callbacks.py`: a 10-class MLP on
`make_classification` data, batch size 256. The first epoch of every fit is
warm-up and not timed. Timings are printed, never asserted.

    python benchmarks/bench_revision.py --baseline 5fc316b     # before issue 13's metrics
    python benchmarks/bench_revision.py --baseline HEAD~3 --quick
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What each subprocess runs: plain fit and fit with both callbacks, in the
#: order given, and prints their per-epoch times as JSON.
CHILD = r"""
import json, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np, keras
from sklearn.datasets import make_classification
import keras_roc

n_train, n_val, epochs, seed, order = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x, y = make_classification(n_train + n_val, n_features=80, n_informative=40, n_classes=10, random_state=seed)
x = x.astype("float32")
x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

class Timer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)

def fit(with_callbacks):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((80,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    timer = Timer()
    ours = [keras_roc.ROCCallback(log_dir=None), keras_roc.ConfusionMatrixCallback(log_dir=None)]
    model.fit(x_train, y_train, validation_data=(x_val, y_val), batch_size=256, epochs=epochs, verbose=0,
              callbacks=(ours if with_callbacks else []) + [timer])
    return timer.times[1:]  # the first epoch is warm-up

times = {name: fit(name == "callbacks") for name in order.split(",")}
print(json.dumps({"keras_roc": keras_roc.__file__, **times}))
"""


def extract(revision, into):
    """The keras_roc package of `revision`, extracted under `into`."""
    archive = subprocess.run(["git", "archive", revision, "keras_roc"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True)
    return into


def run_side(path, args, order):
    env = dict(os.environ, PYTHONPATH=path, PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-c", CHILD, str(args.train), str(args.val), str(args.epochs), str(args.seed), order]
    done = subprocess.run(command, env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--quick", action="store_true", help="small run (20,000 / 5,000 samples, 1 round)")
    parser.add_argument("--rounds", type=int, help="alternating rounds per side (default 4; quick 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.train, args.val = (20_000, 5_000) if args.quick else (200_000, 50_000)
    args.epochs = 3 if args.quick else 5
    rounds = args.rounds or (1 if args.quick else 4)

    with tempfile.TemporaryDirectory() as baseline_dir:
        sides = {"working tree": str(ROOT), f"baseline {args.baseline}": extract(args.baseline, baseline_dir)}
        times = {side: {"plain": [], "callbacks": []} for side in sides}
        for r in range(rounds):
            # Alternate which side goes first, and the order inside each process.
            for side in list(sides) if r % 2 == 0 else list(sides)[::-1]:
                order = "plain,callbacks" if r % 2 == 0 else "callbacks,plain"
                measured = run_side(sides[side], args, order)
                assert Path(measured["keras_roc"]).resolve().is_relative_to(Path(sides[side]).resolve()), measured
                for name in ("plain", "callbacks"):
                    times[side][name] += measured[name]
                print(f"round {r + 1}/{rounds} {side}: done", flush=True)

    print(
        f"\n{args.train:,} training / {args.val:,} validation samples, 10 classes, {rounds} rounds x {args.epochs - 1} timed epochs"
    )
    print(f"{'side':<28} {'plain s/epoch':>14} {'callbacks s/epoch':>18} {'overhead':>9}")
    ratios = {}
    for side, measured in times.items():
        plain, ours = statistics.median(measured["plain"]), statistics.median(measured["callbacks"])
        ratios[side] = ours / plain
        print(f"{side:<28} {plain:>14.3f} {ours:>18.3f} {ratios[side]:>8.3f}x")
    now, before = ratios.values()
    print(f"\noverhead now minus overhead at the baseline: {now - before:+.3f}x (of a plain epoch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
