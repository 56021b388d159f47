"""The examples run end to end (a few epochs each) and print what they promise."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(name, *args, env=None):
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2") if env is None else env
    completed = subprocess.run(
        [sys.executable, os.path.join(ROOT, "examples", name), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    return completed.stdout, completed.stderr


def test_breast_cancer_demo(tmp_path):
    log_dir = tmp_path / "bc"
    # As a new user runs it: no TF_CPP_MIN_LOG_LEVEL set by hand.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out, err = run_example(
        "breast_cancer.py",
        "--epochs",
        "4",
        "--patience",
        "2",
        "--log-dir",
        str(log_dir),
        env=dict(env, MPLBACKEND="Agg"),
    )
    assert not re.search(r"cuda|cuInit|oneDNN|absl", err, re.IGNORECASE), err  # no native start-up noise
    auc, low, high = map(float, re.search(r"ROC AUC ([\d.]+) \(95% CI ([\d.]+)-([\d.]+)\)", out).groups())
    assert 0.5 < auc <= 1 and low <= auc <= high
    assert re.search(r"best epoch \d+", out)
    assert re.search(r"sensitivity [\d.]+, specificity [\d.]+", out)
    assert f"--logdir {log_dir}" in out
    assert (log_dir / "validation").is_dir() and (log_dir / "roc_curve.png").stat().st_size > 1000


def test_multiclass_example(tmp_path):
    out, _ = run_example("multiclass.py", "--epochs", "2", "--log-dir", str(tmp_path / "digits"))
    assert "multiclass" in out and "micro" in out and "log loss" in out
    assert (tmp_path / "digits" / "confusion_matrix.png").exists()


def test_compare_classifiers_example(tmp_path):
    out, _ = run_example("compare_classifiers.py", "--epochs", "3", "--out", str(tmp_path))
    assert "Keras MLP" in out and "random forest" in out
    assert (tmp_path / "comparison.png").exists()


def test_cross_validation_example(tmp_path):
    out, _ = run_example("cross_validation.py", "--folds", "3", "--epochs", "2", "--out", str(tmp_path))
    assert re.search(r"mean AUC [\d.]+ ± [\d.]+ over 3 folds", out)
    assert (tmp_path / "cross_validation.png").exists()
