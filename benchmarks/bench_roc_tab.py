"""What writing the ROC tab's data costs per epoch, beside the ROC image it can replace.

For 2 and 10 classes at 50,000 validation samples (seeded float32 softmax
scores with some signal), from one `keras_roc.evaluate` result:

* `tab_data`: building the tensors and the JSON summary (thinning, counts);
* `write_tab`: that plus encoding and writing the event (one record with
  its CRC-32C checksums) and flushing the file: what the callbacks' writer
  thread spends per epoch;
* bytes per epoch on disk (the event file's growth);
* side by side, the event's CRC-32C checksums by `keras_roc._crc32c`
  (used) and by `tensorboard`'s pure-Python function (what writing cost
  before);
* side by side, drawing the ROC figure to PNG in this process
  (`figures.plot_roc` + `figure_to_png`, what `image_every` pays per image),
  and the ratio of the two.

Medians of `--rounds` alternating rounds. Timings are printed, never
asserted. Exits non-zero only if the written data is wrong: a kept vertex
that is not an exact vertex of the curve, or counts that do not give the
curve's rates bit for bit.

    python benchmarks/bench_roc_tab.py [--quick] [--rounds N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import numpy as np

import keras_roc
from keras_roc import figures, tensorboard, tensorboard_tab
from keras_roc.figures.png import figure_to_png

N_SAMPLES = 50_000
TARGETS = {"ms per epoch (10 classes)": 10.0, "KiB per epoch (10 classes)": 150.0}  # issue 15


def _scores(n, classes, rng):
    y = rng.integers(0, classes, n)
    logits = rng.normal(size=(n, classes)) + 1.5 * np.eye(classes)[y]
    scores = np.exp(logits)
    return y, (scores / scores.sum(1, keepdims=True)).astype(np.float32)


def _check(result, data):
    """The tab's counts are exact vertices of `result`'s curves."""
    tensors = dict(data.tensors)
    for name, curve in result.curves.items():
        tag = tensorboard_tab.MICRO_TAG if name == "micro" else tensorboard_tab.curve_tag(name)
        if name == "macro" or tag not in tensors:
            continue
        thresholds, tp, fp = tensors[tag].astype(np.float64)
        index = np.searchsorted(-np.asarray(curve.thresholds), -thresholds)
        if not np.array_equal(np.asarray(curve.thresholds)[index], thresholds):
            return f"{name}: a kept threshold is not a vertex"
        if not (np.array_equal(tp / tp[-1], curve.tpr[index]) and np.array_equal(fp / fp[-1], curve.fpr[index])):
            return f"{name}: counts do not give the curve's rates bit for bit"
    return None


def _crc_times(result, rounds):
    """Median ms of the event's two checksums: ours and `tensorboard`'s."""
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    from keras_roc import _crc32c

    with tempfile.TemporaryDirectory() as run_dir:
        writer = tensorboard.EventWriter(run_dir)
        tensorboard_tab.write_tab(writer, result, 0)
        writer.close()
        (path,) = [os.path.join(run_dir, f) for f in os.listdir(run_dir)]
        with open(path, "rb") as file:
            record = file.read()  # every byte of the file: about the epoch's event
    times = {}
    for name, function in (("ours", _crc32c.masked_crc32c), ("tensorboard", masked_crc32c)):
        if function(record) != _crc32c.masked_crc32c(record):
            raise SystemExit("CRC-32C differs from tensorboard's")
        samples = []
        for _ in range(max(3, rounds // 4)):
            start = time.perf_counter()
            function(record)
            samples.append(time.perf_counter() - start)
        times[name] = statistics.median(samples) * 1e3
    return times["ours"], times["tensorboard"]


def _bench(classes, rounds, rng):
    y, scores = _scores(N_SAMPLES, classes, rng)
    result = keras_roc.evaluate(y, scores[:, 1] if classes == 2 else scores)
    data = tensorboard_tab.tab_data(result)
    error = _check(result, data)
    build, write, draw = [], [], []
    with tempfile.TemporaryDirectory() as run_dir:
        writer = tensorboard.EventWriter(run_dir)
        tensorboard_tab.write_tab(writer, result, 0)  # warm-up; opens the file
        writer.flush()
        (path,) = [os.path.join(run_dir, f) for f in os.listdir(run_dir)]
        size_before = os.path.getsize(path)
        figure_to_png(figures.plot_roc(result))  # warm-up: matplotlib's caches
        for step in range(1, rounds + 1):
            start = time.perf_counter()
            tensorboard_tab.tab_data(result)
            build.append(time.perf_counter() - start)
            start = time.perf_counter()
            tensorboard_tab.write_tab(writer, result, step)
            writer.flush()
            write.append(time.perf_counter() - start)
            start = time.perf_counter()
            figure_to_png(figures.plot_roc(result))
            draw.append(time.perf_counter() - start)
        kib = (os.path.getsize(path) - size_before) / rounds / 1024
        writer.close()
    vertices = sum(array.shape[1] for _, array in data.tensors)
    crc_ours, crc_tensorboard = _crc_times(result, rounds)
    return dict(
        crc_ours=crc_ours, crc_tensorboard=crc_tensorboard, classes=classes, build=statistics.median(build) * 1e3, write=statistics.median(write) * 1e3,
        draw=statistics.median(draw) * 1e3, kib=kib, vertices=vertices, error=error,
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 20")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 20)
    rng = np.random.default_rng(0)
    print(f"ROC tab data per epoch, {N_SAMPLES:,} validation samples, median of {rounds} rounds")
    print(f"{'classes':>7} {'vertices':>8} {'tab_data ms':>11} {'write_tab ms':>12} {'KiB/epoch':>9} "
          f"{'ROC PNG ms':>10} {'PNG / tab':>9}")  # fmt: skip
    failed = False
    for classes in (2, 10):
        row = _bench(classes, rounds, rng)
        print(f"{row['classes']:>7} {row['vertices']:>8} {row['build']:>11.2f} {row['write']:>12.2f} "
              f"{row['kib']:>9.1f} {row['draw']:>10.1f} {row['draw'] / row['write']:>8.1f}x")  # fmt: skip
        print(f"{'':>7} event checksums: {row['crc_ours']:.2f} ms (keras_roc._crc32c) vs "
              f"{row['crc_tensorboard']:.2f} ms (tensorboard's pure Python), "
              f"{row['crc_tensorboard'] / row['crc_ours']:.1f}x")  # fmt: skip
        if row["error"]:
            print(f"WRONG DATA ({classes} classes): {row['error']}")
            failed = True
    print(f"Targets (issue 15): {TARGETS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
