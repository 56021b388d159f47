"""What images cost a short fit: plain `fit` vs keras_roc's image policies.

A 3-epoch fit on scikit-learn's digits (1,797 8x8 images, 10 classes; 70/30
stratified split, batch size 32, Dense 64-relu + Dense 10-softmax) with:

1. plain `model.fit(..., validation_data=(x_val, y_val))`;
2. `ROCCallback` + `ConfusionMatrixCallback` at their defaults
   (`image_every="auto"`: the last epoch's images, drawn after `fit`
   returns; others only within `IMAGE_TIME_SHARE` of the training time);
3. the same with `image_every=1` (both images every epoch);
4. the same with `image_every=0` (no images).

Configurations run in interleaved rounds (the starting one rotating each
round), each fit on a fresh model with the same seed, after one untimed
warm-up round. Reported per configuration: the median wall time from the
call to `fit` until it returns, as a ratio to plain `fit` (of the medians,
and the median of each round's ratio), and the time until the images are
on disk as well (`keras_roc.tensorboard.wait_for_writes()` after `fit`).
Every fit starts with nothing of keras_roc running (the previous fit's
writes are waited for outside the timed window), so each pays for starting
the drawing helper as a user's single fit would.

Checked (exit 1 if wrong, never on time): the last epoch's images are in
the event file for "auto", every epoch's for `image_every=1`, none for 0.

    python benchmarks/bench_images.py            # 5 rounds
    python benchmarks/bench_images.py --quick    # 1 round
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

EPOCHS = 3
BATCH_SIZE = 32
IMAGE_TAGS = ("roc_curve", "confusion_matrix")

CONFIGS = {
    "plain": ("plain fit", None),
    "auto": ('both callbacks, image_every="auto" (default)', "auto"),
    "every": ("both callbacks, image_every=1", 1),
    "none": ("both callbacks, image_every=0", 0),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed round")
    parser.add_argument("--rounds", type=int, help="interleaved timed rounds (default 5; quick 1)")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    return args


def load_data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)


def build_model():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def run_fit(config, data, log_dir):
    """Seconds until `fit` returns and until the images are on disk."""
    import keras_roc
    from keras_roc import tensorboard

    x_train, x_val, y_train, y_val = data
    model = build_model()
    image_every = CONFIGS[config][1]
    callbacks = []
    if config != "plain":
        callbacks = [
            keras_roc.ROCCallback(log_dir=log_dir, image_every=image_every),
            keras_roc.ConfusionMatrixCallback(log_dir=log_dir, image_every=image_every),
        ]
    start = time.perf_counter()
    model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        verbose=0,
        callbacks=callbacks,
    )
    returned = time.perf_counter() - start
    if not tensorboard.wait_for_writes(timeout=300):
        raise RuntimeError("keras_roc's writes did not finish within 300 s")
    return returned, time.perf_counter() - start


def image_steps(run_dir):
    from tensorboard.backend.event_processing import event_file_loader

    steps = {tag: [] for tag in IMAGE_TAGS}
    for name in sorted(os.listdir(run_dir)):
        if name.startswith("events.out.tfevents."):
            for event in event_file_loader.EventFileLoader(os.path.join(run_dir, name)).Load():
                for value in event.summary.value:
                    if value.tag in steps:
                        steps[value.tag].append(event.step)
    return steps


def expected_steps(config):
    return {"auto": [EPOCHS - 1], "every": list(range(EPOCHS)), "none": []}[config]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import keras
    import tensorflow as tf

    data = load_data()
    print(
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
        f"{os.cpu_count()} CPUs; digits {len(data[0])} train / {len(data[1])} validation, {EPOCHS} epochs, "
        f"{args.rounds} timed round(s) after one warm-up round",
        flush=True,
    )
    names = list(CONFIGS)
    times = {name: [] for name in names}
    written = {name: [] for name in names}
    wrong = []
    with tempfile.TemporaryDirectory() as root:
        for round_index in range(args.rounds + 1):
            order = names[round_index % len(names) :] + names[: round_index % len(names)]
            for name in order:
                log_dir = os.path.join(root, f"{name}-{round_index}")
                returned, on_disk = run_fit(name, data, log_dir)
                if name != "plain":
                    steps = image_steps(os.path.join(log_dir, "validation"))
                    if steps != {tag: expected_steps(name) for tag in IMAGE_TAGS}:
                        wrong.append(f"{name}, round {round_index}: images at {steps}")
                if round_index:  # round 0 is the warm-up
                    times[name].append(returned)
                    written[name].append(on_disk)
            if round_index:
                print(f"round {round_index}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in names), flush=True)
    plain = statistics.median(times["plain"])
    print(f"\n{'configuration':<46} {'fit returns':>11} {'vs plain':>9} {'paired':>7} {'images on disk':>15}")
    for name in names:
        paired = statistics.median(t / p for t, p in zip(times[name], times["plain"]))
        returned = statistics.median(times[name])
        on_disk = statistics.median(written[name])
        print(f"{CONFIGS[name][0]:<46} {returned:>9.2f} s {returned / plain:>8.2f}x {paired:>6.2f}x {on_disk:>13.2f} s")
    if wrong:
        print("\nWrong images:\n  " + "\n  ".join(wrong))
        return 1
    print("\nImages checked: the last epoch's with auto, every epoch's with image_every=1, none with 0.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
