"""tf.distribute.MirroredStrategy over two logical CPU devices.

Each case runs in a fresh process (logical devices must be configured
before TensorFlow initialises), bounded in time.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import read_events

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["capture", "own"])
def test_mirrored_strategy_two_replicas(tmp_path, mode):
    # Reusing fit's pass works in any order; own validation_data needs ours first.
    order = "stop_first" if mode == "capture" else "ours_first"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    completed = subprocess.run(
        [sys.executable, os.path.join(HERE, "distributed_worker.py"), str(tmp_path), mode, order],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    # learning rate 0: the AUC is constant, so EarlyStopping(patience=1) stops at epoch 1
    assert result["stopped_epoch"] == 1
    assert len(result["val_roc_auc"]) == 2
    np.testing.assert_allclose(result["val_roc_auc"], result["exact"], atol=1e-9)
    assert result["cm_total"] == result["n_val"]  # both replicas' shards, once each
    events = read_events(tmp_path / "validation")
    assert [s for s, _, _ in events["epoch_roc_auc"]] == [0, 1]
    assert [s for s, _, _ in events["confusion_matrix"]] == [0, 1]
