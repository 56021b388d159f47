"""Cost and accuracy of ROC AUC during Keras training, side by side.

A 10-class MLP (Dense 256-relu, Dense 128-relu, Dense 10-softmax) trains on
`sklearn.datasets.make_classification` data, batch size 256, with:

1. plain `model.fit(..., validation_data=(x_val, y_val))`;
2. the hand-written callback common on the web: at each epoch end
   `model.predict(x_val)`, sklearn `roc_auc_score(multi_class="ovr")`, a
   matplotlib ROC figure (per-class `roc_curve`) rendered to PNG and written
   with `tf.summary.image`, all on the training thread;
3. `keras.metrics.AUC(multi_label=False)` compiled into the model (one-hot
   labels, categorical cross-entropy);
4. `keras_roc.ROCCallback` + `keras_roc.ConfusionMatrixCallback` reusing
   fit's validation pass (no `validation_data`), `log_dir` set, at their
   defaults (`image_every="auto"`: the last epoch's images after `fit`
   returns, others within the drawing budget);
5. the same, `image_every=1` (images every epoch), and `image_every=0`;
6. the same two callbacks with their own `validation_data=(x_val, y_val)`,
   `image_every=1`.

Configurations run in interleaved rounds (round-robin, the starting
configuration rotating each round), each fit on a freshly built model with
the same seed. The first epoch of every fit is warm-up (tracing, first
figure) and is not timed. Reported per configuration:

- median epoch wall time (timing callback last in `callbacks=[...]`, from
  its `on_epoch_begin` to its `on_epoch_end`, so it includes the validation
  pass and every other callback's `on_epoch_end`);
- the whole fit per timed epoch: from the start of epoch 2 until `fit`
  returns (with `image_every="auto"` the last epoch's images are drawn
  after that, on the writer thread; the drawing helper's CPU is counted
  until they are written);
- validation samples run through the model per epoch, counted by a layer
  that adds the batch size to a non-trainable variable whenever it is called
  with `training=False` (fit's own validation pass counts once: 1.00x);
- the fastest epoch over all rounds as a ratio to plain fit's fastest
  (noise on a shared machine only ever adds time, so the fastest epochs
  are the closest to each configuration's own cost);
- the absolute error of the AUC logged at the last epoch against the exact
  value, sklearn `roc_auc_score(y_val, model.predict(x_val),
  multi_class="ovr", average="macro")` after the fit. keras.metrics.AUC
  computes another quantity (one curve over all one-hot entries, i.e.
  micro-style, with 200 thresholds), so it is compared with the exact micro
  AUC too.

Timings are never asserted on; the script exits 0 unless something crashes.

    python benchmarks/bench_callbacks.py            # full run (~10 min, 2 cores)
    python benchmarks/bench_callbacks.py --quick    # small smoke run
    python benchmarks/bench_callbacks.py --tf-threads 1   # training uses about one core
    python benchmarks/bench_callbacks.py --backend jax    # on JAX (or torch), in .venv-jax
                                                          # (.venv-torch) when it exists
    python3 dev.py bench                            # every benchmark

On JAX and PyTorch the hand-written callback is left out (it writes with
`tf.summary`, which needs TensorFlow).
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

N_CLASSES = 10
BATCH_SIZE = 256

CONFIGS = {
    "plain": "plain fit",
    "handwritten": "hand-written callback (predict + sklearn + matplotlib image)",
    "keras_auc": "keras.metrics.AUC compiled",
    "keras_roc_default": "keras_roc at its defaults, reusing fit's pass",
    "keras_roc_reuse": "keras_roc, reusing fit's pass, images every epoch",
    "keras_roc_noimg": "keras_roc, reusing fit's pass, no images",
    "keras_roc_own": "keras_roc, own validation_data",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (20,000 / 5,000 samples)")
    parser.add_argument("--train", type=int, help="training samples (default 200,000; quick 20,000)")
    parser.add_argument("--val", type=int, help="validation samples (default 50,000; quick 5,000)")
    parser.add_argument("--epochs", type=int, help="epochs per fit, the first untimed (default 6; quick 3)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3; quick 1)")
    parser.add_argument("--features", type=int, default=80)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tf-threads",
        type=int,
        help="limit TensorFlow to this many intra-op and inter-op threads (default: all cores), "
        "e.g. 1 on 2 cores to see the cost where training does not keep every core busy",
    )
    parser.add_argument(
        "--backend",
        choices=("tensorflow", "jax", "torch"),
        help="Keras backend (default: KERAS_BACKEND, else tensorflow); run in that backend's dev venv",
    )
    parser.add_argument(
        "--only", nargs="+", choices=sorted(CONFIGS), help="run only these configurations (plain is always run)"
    )
    args = parser.parse_args(argv)
    defaults = (20_000, 5_000, 3, 1) if args.quick else (200_000, 50_000, 6, 3)
    for name, default in zip(("train", "val", "epochs", "rounds"), defaults):
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first epoch is not timed)")
    return args


def backend_version():
    import keras

    backend = keras.backend.backend()
    module = __import__(backend)
    return (
        f"{ {'tensorflow': 'TensorFlow', 'jax': 'JAX', 'torch': 'PyTorch'}.get(backend, backend) } {module.__version__}"
    )


def machine_header():
    import keras
    import matplotlib
    import sklearn

    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    try:
        load = " / load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return [
        f"Machine: {cpu}, {cores} logical cores ({usable} usable){load}",
        f"Python {platform.python_version()}, {backend_version()}, Keras {keras.__version__}, "
        f"NumPy {np.__version__}, scikit-learn {sklearn.__version__}, matplotlib {matplotlib.__version__}",
    ]


def make_data(args):
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=args.train + args.val,
        n_features=args.features,
        n_informative=24,
        n_redundant=8,
        n_classes=N_CLASSES,
        n_clusters_per_class=2,
        class_sep=1.0,
        flip_y=0.02,
        random_state=args.seed,
    )
    x_train, x_val = x[: args.train], x[args.train :]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = ((x_train - mean) / std).astype(np.float32)
    x_val = ((x_val - mean) / std).astype(np.float32)
    return x_train, y[: args.train].astype(np.int64), x_val, y[args.train :].astype(np.int64)


# -- the model and the instruments ---------------------------------------------------


def build_model(n_features, seed, metrics, loss):
    import keras

    class CountInference(keras.layers.Layer):
        """Identity; counts the samples of every call with training=False."""

        def build(self, input_shape):
            self.samples = self.add_weight(
                shape=(), initializer="zeros", dtype="int32", trainable=False, name="samples"
            )

        def call(self, x, training=None):
            if not training:  # a Python bool while the step is traced
                self.samples.assign_add(keras.ops.cast(keras.ops.shape(x)[0], "int32"))  # JAX has no int64 by default
            return x

        def compute_output_shape(self, input_shape):
            return input_shape

    keras.utils.set_random_seed(seed)
    counter = CountInference(name="count_inference")
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            counter,
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(N_CLASSES, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    return model, counter


def helper_cpu_seconds():
    """CPU seconds used so far by keras_roc's drawing helper processes (Linux).

    The helper is a separate process, so `time.process_time()` misses it:
    the running helper's CPU is read from /proc, and helpers that already
    ended (one is stopped after each fit's last images) are counted by
    `RUSAGE_CHILDREN` (this script starts no other child processes).
    """
    import resource

    from keras_roc import _render

    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = ended.ru_utime + ended.ru_stime
    pid = _render.helper_pid()
    if pid is None:
        return seconds
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return seconds
    # Fields 14 and 15 of proc(5) (utime, stime); fields[0] is field 3.
    return seconds + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_timer(counter, flush_after_warmup):
    import keras

    class EpochTimer(keras.callbacks.Callback):
        """Last in `callbacks`: wall time and counted inference samples per epoch."""

        def __init__(self):
            super().__init__()
            self.begin, self.end, self.samples, self.logs = {}, {}, {}, {}

        def on_epoch_begin(self, epoch, logs=None):
            self._count = int(keras.ops.convert_to_numpy(counter.samples))
            self.begin[epoch] = time.perf_counter()
            if epoch == 1:
                self.cpu_begin = time.process_time()
                self.helper_begin = helper_cpu_seconds()

        def on_epoch_end(self, epoch, logs=None):
            self.end[epoch] = time.perf_counter()
            self.samples[epoch] = int(keras.ops.convert_to_numpy(counter.samples)) - self._count
            self.logs[epoch] = dict(logs or {})
            if epoch == 0:
                # Outside the timed window: let background writers finish
                # the warm-up epoch's work before epoch 2 starts.
                for callback in flush_after_warmup:
                    callback.flush()

    return EpochTimer()


def make_handwritten_callback(x_val, y_val, log_dir):
    """The callback as commonly written by hand (blog posts, Q&A answers)."""
    import io

    import keras
    import matplotlib.pyplot as plt
    import tensorflow as tf
    from sklearn.metrics import auc, roc_auc_score, roc_curve

    class ROCAUCCallback(keras.callbacks.Callback):
        def __init__(self, x_val, y_val, log_dir):
            super().__init__()
            self.x_val = x_val
            self.y_val = y_val
            self.writer = tf.summary.create_file_writer(os.path.join(log_dir, "roc"))
            self.last_auc = None

        def on_epoch_end(self, epoch, logs=None):
            y_pred = self.model.predict(self.x_val, batch_size=BATCH_SIZE, verbose=0)
            score = roc_auc_score(self.y_val, y_pred, multi_class="ovr")
            self.last_auc = score
            if logs is not None:
                logs["val_roc_auc"] = score

            figure = plt.figure(figsize=(6, 6))
            for k in range(y_pred.shape[1]):
                fpr, tpr, _ = roc_curve(self.y_val == k, y_pred[:, k])
                plt.plot(fpr, tpr, label=f"class {k} (AUC = {auc(fpr, tpr):.3f})")
            plt.plot([0, 1], [0, 1], "k--")
            plt.xlabel("False positive rate")
            plt.ylabel("True positive rate")
            plt.title(f"ROC, epoch {epoch} (macro AUC = {score:.4f})")
            plt.legend(loc="lower right")
            buffer = io.BytesIO()
            plt.savefig(buffer, format="png")
            plt.close(figure)
            image = tf.expand_dims(tf.image.decode_png(buffer.getvalue(), channels=4), 0)
            with self.writer.as_default():
                tf.summary.scalar("roc_auc", score, step=epoch)
                tf.summary.image("ROC curve", image, step=epoch)
            self.writer.flush()

    return ROCAUCCallback(x_val, y_val, log_dir)


# -- one fit --------------------------------------------------------------------


def run_fit(config, data, args, round_index):
    import keras

    import keras_roc
    import keras_roc.tensorboard

    x_train, y_train, x_val, y_val = data
    labels_train, labels_val = y_train, y_val
    loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    if config == "keras_auc":
        # keras.metrics.AUC needs labels shaped like the predictions.
        labels_train = keras.utils.to_categorical(y_train, N_CLASSES)
        labels_val = keras.utils.to_categorical(y_val, N_CLASSES)
        loss = "categorical_crossentropy"
        metrics = ["accuracy", keras.metrics.AUC(multi_label=False, name="auc")]
    keras.backend.clear_session()
    gc.collect()
    model, counter = build_model(x_train.shape[1], args.seed, metrics, loss)

    with tempfile.TemporaryDirectory(prefix="bench_callbacks_") as log_dir:
        callbacks, flush = [], []
        if config == "handwritten":
            handwritten = make_handwritten_callback(x_val, y_val, log_dir)
            callbacks.append(handwritten)
        elif config.startswith("keras_roc_"):
            own = (x_val, y_val) if config == "keras_roc_own" else None
            # With their own data the callbacks predict with this batch size
            # (like fit's validation pass and the hand-written callback).
            extra = {"batch_size": BATCH_SIZE} if own is not None else {}
            every = {"keras_roc_noimg": 0, "keras_roc_default": "auto"}.get(config, 1)
            roc = keras_roc.ROCCallback(own, log_dir=log_dir, image_every=every, **extra)
            cm = keras_roc.ConfusionMatrixCallback(own, log_dir=log_dir, image_every=every, **extra)
            callbacks += [roc, cm]
            flush += [roc, cm]
        timer = make_timer(counter, flush)
        callbacks.append(timer)

        start = time.perf_counter()
        model.fit(
            x_train,
            labels_train,
            validation_data=(x_val, labels_val),
            epochs=args.epochs,
            batch_size=BATCH_SIZE,
            callbacks=callbacks,
            verbose=0,
        )
        stop = time.perf_counter()
        cpu_stop = time.process_time()
        # `fit` returns before the last images are drawn: count the drawing
        # helper's CPU until they are written (and before the folder goes).
        keras_roc.tensorboard.wait_for_writes()
        helper_stop = helper_cpu_seconds()

    # Exact reference after the final epoch (same weights as its validation
    # pass, same batch size).
    from sklearn.metrics import roc_auc_score

    scores = model.predict(x_val, batch_size=BATCH_SIZE, verbose=0)
    exact_macro = roc_auc_score(y_val, scores, multi_class="ovr", average="macro")
    exact_micro = roc_auc_score(np.eye(N_CLASSES)[y_val], scores, average="micro")

    last = timer.logs[args.epochs - 1]
    logged = {
        "plain": None,
        "handwritten": last.get("val_roc_auc"),
        "keras_auc": last.get("val_auc"),
        "keras_roc_default": last.get("val_roc_auc"),
        "keras_roc_reuse": last.get("val_roc_auc"),
        "keras_roc_noimg": last.get("val_roc_auc"),
        "keras_roc_own": last.get("val_roc_auc"),
    }[config]
    logged_micro = last.get("val_roc_auc_micro") if config.startswith("keras_roc") else None
    timed = range(1, args.epochs)
    return {
        "epoch_times": [timer.end[e] - timer.begin[e] for e in timed],
        "fit_per_epoch": (stop - timer.begin[1]) / (args.epochs - 1),
        "cpu_per_epoch": (cpu_stop - timer.cpu_begin) / (args.epochs - 1),
        "helper_per_epoch": max(0.0, helper_stop - timer.helper_begin) / (args.epochs - 1),
        "warmup": timer.end[0] - start,
        "samples": [timer.samples[e] for e in timed],
        "exact_macro": exact_macro,
        "exact_micro": exact_micro,
        "logged": logged,
        "logged_micro": logged_micro,
        "jit_compile": model.jit_compile,
    }


# -- report ---------------------------------------------------------------------


def _error(value, exact):
    if value is None:
        return None
    return abs(float(value) - exact)


def _fmt_error(errors):
    if not errors or any(e is None for e in errors):
        return "n/a"
    worst = max(errors)
    return "0" if worst == 0 else f"{worst:.1e}"


def summarize(results, args):
    plain = results["plain"]
    plain_epoch = statistics.median(t for r in plain for t in r["epoch_times"])
    plain_fit = statistics.median(r["fit_per_epoch"] for r in plain)
    plain_cpu = statistics.median(r["cpu_per_epoch"] for r in plain)
    rows = []
    for config, runs in results.items():
        epoch = statistics.median(t for r in runs for t in r["epoch_times"])
        fit = statistics.median(r["fit_per_epoch"] for r in runs)
        cpu = statistics.median(r["cpu_per_epoch"] + r["helper_per_epoch"] for r in runs)
        # Paired: each round's median against the same round's plain fit,
        # then the median over rounds (robust to the machine's drift).
        paired = statistics.median(
            statistics.median(r["epoch_times"]) / statistics.median(p["epoch_times"]) for r, p in zip(runs, plain)
        )
        samples = sorted({s for r in runs for s in r["samples"]})
        ratio = "/".join(f"{s / args.val:.2f}x" for s in samples)
        macro = [_error(r["logged"], r["exact_macro"]) for r in runs]
        micro = [_error(r["logged"], r["exact_micro"]) for r in runs]
        if config.startswith("keras_roc"):
            micro = [_error(r["logged_micro"], r["exact_micro"]) for r in runs]
        rows.append(
            {
                "config": config,
                "epoch": epoch,
                "epoch_ratio": epoch / plain_epoch,
                "paired_ratio": paired,
                "helper": statistics.median(r["helper_per_epoch"] for r in runs),
                "fit": fit,
                "fit_ratio": fit / plain_fit,
                "cpu": cpu,
                "cpu_ratio": cpu / plain_cpu,
                "samples": ratio,
                "macro": _fmt_error(macro),
                "micro": _fmt_error(micro),
                "spread": (
                    min(t for r in runs for t in r["epoch_times"]),
                    max(t for r in runs for t in r["epoch_times"]),
                ),
                "fastest_ratio": min(t for r in runs for t in r["epoch_times"])
                / min(t for r in plain for t in r["epoch_times"]),
            }
        )
    return rows


def print_table(rows, args):
    notes = {
        "plain": "no AUC",
        "handwritten": "val_roc_auc (its sklearn value)",
        "keras_auc": "val_auc (200 thresholds, micro-style)",
        "keras_roc_default": "val_roc_auc (val_roc_auc_micro for micro)",
        "keras_roc_reuse": "val_roc_auc (val_roc_auc_micro for micro)",
        "keras_roc_noimg": "val_roc_auc (val_roc_auc_micro for micro)",
        "keras_roc_own": "val_roc_auc (val_roc_auc_micro for micro)",
    }
    print()
    print(
        "| Configuration | Median epoch (s) | vs plain | vs plain, paired by round | fastest epoch vs plain's fastest "
        "| Whole fit per epoch (s) | vs plain "
        "| CPU per epoch (s) | vs plain | of which drawing helper (s) | Validation samples / epoch "
        "| AUC error vs exact macro | AUC error vs exact micro | Value compared |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {CONFIGS[row['config']]} | {row['epoch']:.2f} | {row['epoch_ratio']:.2f}x | {row['paired_ratio']:.2f}x "
            f"| {row['fastest_ratio']:.2f}x "
            f"| {row['fit']:.2f} | {row['fit_ratio']:.2f}x | {row['cpu']:.2f} | {row['cpu_ratio']:.2f}x | {row['helper']:.2f} "
            f"| {row['samples']} "
            f"| {row['macro']} | {row['micro']} | {notes[row['config']]} |"
        )
    print()
    print(
        f"Epoch times: median over {args.rounds} round(s) x {args.epochs - 1} timed epoch(s); paired: "
        "median over rounds of (the round's median epoch / that round's plain median epoch); "
        "whole fit per epoch: median over rounds of (start of epoch 2 -> fit returns; the last "
        "images may still be drawing) / timed epochs; CPU per epoch: process CPU time (all threads) over "
        "the same window, plus the CPU of keras_roc's drawing helper process. Validation samples: counted per epoch, as a multiple "
        f"of the {args.val:,} validation samples (fit's own pass = 1.00x). AUC error: worst "
        "|logged - exact| over rounds, logged value of the last epoch; exact = sklearn "
        "roc_auc_score on model.predict(x_val) after fit."
    )
    print()
    print(
        "Epoch time range (min-max, s): "
        + ", ".join(f"{row['config']} {row['spread'][0]:.2f}-{row['spread'][1]:.2f}" for row in rows)
    )


def print_targets(rows):
    """The project's targets, reported (never asserted)."""
    by = {row["config"]: row for row in rows}

    def verdict(ok):
        return "met" if ok else "MISSED"

    print("\nProject targets (reported, not asserted):")
    row = by.get("keras_roc_default")
    if row is not None:
        error = row["macro"]
        exact = error != "n/a" and (error == "0" or float(error) <= 1e-9)
        print(
            f"- {CONFIGS['keras_roc_default']}: median epoch {row['epoch_ratio']:.2f}x "
            f"plain, {row['paired_ratio']:.2f}x paired by round, fastest epoch {row['fastest_ratio']:.2f}x (target <= 1.05x: "
            f"{verdict(max(row['epoch_ratio'], row['paired_ratio']) <= 1.05)}; whole fit until it returns "
            f"{row['fit_ratio']:.2f}x), validation samples {row['samples']} (target 1.00x: "
            f"{verdict(row['samples'] == '1.00x')}), AUC error {error} (target <= 1e-9: {verdict(exact)})"
        )
    row = by.get("keras_roc_reuse")
    if row is not None:
        print(
            f"- {CONFIGS['keras_roc_reuse']}: median epoch {row['epoch_ratio']:.2f}x plain, "
            f"{row['paired_ratio']:.2f}x paired (whole fit {row['fit_ratio']:.2f}x)"
        )
    row = by.get("keras_roc_own")
    if row is not None:
        print(
            f"- {CONFIGS['keras_roc_own']}: median epoch {row['epoch_ratio']:.2f}x plain (whole fit "
            f"{row['fit_ratio']:.2f}x), validation samples {row['samples']} (one extra shared "
            f"prediction pass by design), AUC error {row['macro']}"
        )
    if "keras_auc" in by:
        row = by["keras_auc"]
        print(
            f"- keras.metrics.AUC: error {row['macro']} vs exact macro, {row['micro']} vs exact micro (expected ~1e-3)"
        )
    if "handwritten" in by:
        print(f"- hand-written callback: median epoch {by['handwritten']['epoch_ratio']:.2f}x plain (expected ~1.28x)")


def run_in_backend_venv(backend, argv):
    """Runs this script again with KERAS_BACKEND=backend, in that backend's dev venv if present."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    venv = root / (".venv" if backend == "tensorflow" else f".venv-{backend}")
    python = venv / "bin" / "python"
    python = str(python) if python.exists() else sys.executable
    env = dict(os.environ, KERAS_BACKEND=backend)
    return subprocess.call([python, os.path.abspath(__file__), *argv], env=env)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.backend and args.backend != os.environ.get("KERAS_BACKEND", "tensorflow"):
        return run_in_backend_venv(args.backend, argv)
    import keras

    wall = time.perf_counter()
    if args.tf_threads and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.tf_threads)
    print("# bench_callbacks: ROC AUC during Keras training" + (" (quick)" if args.quick else ""))
    for line in machine_header():
        print(line)
    configs = list(CONFIGS)
    if keras.backend.backend() != "tensorflow":
        configs.remove("handwritten")  # tf.summary needs TensorFlow
    if args.only:
        configs = ["plain"] + [c for c in configs if c in args.only and c != "plain"]
    print(
        f"Settings: {args.train:,} train / {args.val:,} validation samples, {args.features} features, "
        f"{N_CLASSES} classes, MLP {args.features}-256-128-{N_CLASSES}, batch size {BATCH_SIZE}, "
        f"{args.epochs} epochs per fit (first untimed), {args.rounds} interleaved round(s), "
        f"backend {keras.backend.backend()}, TensorFlow threads: {args.tf_threads or 'all cores'}, "
        f"configurations: {', '.join(configs)}",
        flush=True,
    )
    data = make_data(args)
    results = {config: [] for config in configs}
    for round_index in range(args.rounds):
        shift = round_index % len(configs)
        for config in configs[shift:] + configs[:shift]:
            result = run_fit(config, data, args, round_index)
            results[config].append(result)
            logged = "" if result["logged"] is None else f", logged AUC {float(result['logged']):.6f}"
            print(
                f"  round {round_index + 1}/{args.rounds} {config:16s} epochs "
                + " ".join(f"{t:.2f}" for t in result["epoch_times"])
                + f" s, fit/epoch {result['fit_per_epoch']:.2f} s, CPU/epoch {result['cpu_per_epoch']:.2f} s (+ helper {result['helper_per_epoch']:.2f} s), warm-up {result['warmup']:.1f} s, "
                f"val samples/epoch {result['samples']}, exact macro {result['exact_macro']:.6f}{logged}",
                flush=True,
            )
    jit = {r["jit_compile"] for runs in results.values() for r in runs}
    print(f"(model.jit_compile: {', '.join(map(str, sorted(jit)))})")
    rows = summarize(results, args)
    print_table(rows, args)
    print_targets(rows)
    print(f"\nTotal benchmark time: {time.perf_counter() - wall:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
