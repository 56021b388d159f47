"""Shared fixtures: small real data sets and helpers to read event files."""

import glob
import os
import re

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def _split_and_scale(x, y, test_size):
    """Seeded stratified split; features standardised on the training part."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=test_size, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(x_train)
    return (
        scaler.transform(x_train).astype("float32"),
        y_train,
        scaler.transform(x_val).astype("float32"),
        y_val,
    )


@pytest.fixture(scope="session")
def breast_cancer():
    """Standardised Wisconsin breast-cancer data split 70/30, float32 0/1 labels."""
    from sklearn.datasets import load_breast_cancer

    x, y = load_breast_cancer(return_X_y=True)
    return _split_and_scale(x, y.astype("float32"), test_size=0.3)


@pytest.fixture(scope="session")
def wine():
    """Standardised 3-class wine data split 60/40, integer labels."""
    from sklearn.datasets import load_wine

    x, y = load_wine(return_X_y=True)
    return _split_and_scale(x, y, test_size=0.4)


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
