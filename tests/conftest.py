"""Shared fixtures: small real data sets (helpers to import are in helpers.py)."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def _split_and_scale(x, y, test_size):
    """Seeded stratified split; features standardised on the training part."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=test_size, random_state=0, stratify=y)
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
