"""Helpers the tests import (`from helpers import read_events`).

Fixtures live in conftest.py; functions that tests call live here, so no
test imports conftest.
"""

import glob
import os
import re


def _creation_order(path):
    # events.out.tfevents.<seconds>.<host>.<pid>.<counter>.v2: sort by time,
    # then by the writer counter (as numbers: "10" comes after "9").
    match = re.search(r"tfevents\.(\d+)\..*\.(\d+)\.(\d+)\.v2$", path)
    return (int(match.group(1)), int(match.group(3))) if match else (0, 0)


def read_events(run_dir):
    """Every summary value in every event file of `run_dir`.

    Returns a dict tag -> list of (step, ndarray, plugin_name), in file order,
    so duplicates (the same tag and step twice) are visible.
    """
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.util import tensor_util

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
