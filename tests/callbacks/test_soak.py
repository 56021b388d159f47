"""Scale soak: 1,000,000 validation samples x 20 classes through both callbacks.

Runs `benchmarks/bench_soak.py`, which trains the same model in two fresh
processes, with and without the callbacks (reusing fit's validation pass,
images every epoch), and reports both processes' peak resident memory. The
per-epoch time is reported by the benchmark, never asserted.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import read_events

pytestmark = pytest.mark.slow

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_soak.py"
N_SAMPLES, N_CLASSES, FIRST_EPOCH, EPOCHS = 1_000_000, 20, 2, 3


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("soak")
    done = subprocess.run(
        [sys.executable, str(SOAK), "--json", "--check", "--log-dir", str(log_dir)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), log_dir


def test_peak_memory_added_stays_within_twice_the_predictions_plus_model(soak):
    out, _ = soak
    assert out["n_val"] == N_SAMPLES
    assert out["added"] <= out["target_ratio"] * out["budget"], (
        f"the callbacks added {out['added'] / 1e6:.1f} MB of peak RSS, {out['ratio']:.2f}x "
        f"the predictions plus the model ({out['budget'] / 1e6:.1f} MB)"
    )


def test_every_epoch_is_exact_on_the_whole_validation_set(soak):
    out, _ = soak
    assert out["n_samples"] == N_SAMPLES
    logged, exact = out["logged"], out["exact"]
    assert len(logged["val_roc_auc"]) == EPOCHS
    assert logged["val_roc_auc"][-1] == pytest.approx(exact["val_roc_auc"], abs=1e-9)
    assert logged["val_roc_auc_micro"][-1] == pytest.approx(exact["val_roc_auc_micro"], abs=1e-9)
    # scikit-learn is given the float32 softmax rows renormalised in float64.
    assert logged["val_log_loss"][-1] == pytest.approx(exact["val_log_loss"], abs=1e-8)
    assert out["confusion_matrix"] == exact["confusion_matrix"]
    assert np.sum(out["confusion_matrix"]) == N_SAMPLES
    # fit's own values are the same with and without the callbacks
    assert logged["val_loss"] == out["plain_logged"]["val_loss"]
    assert logged["loss"] == out["plain_logged"]["loss"]


def test_every_epoch_is_in_tensorboard(soak):
    out, log_dir = soak
    events = read_events(log_dir / "validation")
    steps = list(range(FIRST_EPOCH, FIRST_EPOCH + EPOCHS))
    np.testing.assert_allclose(
        [float(v) for _, v, _ in events["epoch_roc_auc"]], out["logged"]["val_roc_auc"], atol=1e-6
    )
    assert [s for s, _, _ in events["epoch_roc_auc"]] == steps
    for tag in ("roc_curve", "confusion_matrix"):
        assert [s for s, _, _ in events[tag]] == steps, tag
        assert all(bytes(tensor[2]).startswith(b"\x89PNG") for _, tensor, _ in events[tag])
    for name in ("0", str(N_CLASSES - 1)):
        counts = [tensor[:, 2].sum() for _, tensor, _ in events[f"scores/{name}/positives"]]
        negatives = [tensor[:, 2].sum() for _, tensor, _ in events[f"scores/{name}/negatives"]]
        assert [p + q for p, q in zip(counts, negatives)] == [N_SAMPLES] * EPOCHS
        assert [s for s, _, _ in events[f"pr_curve/{name}"]] == steps
