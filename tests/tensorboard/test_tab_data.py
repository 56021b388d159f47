"""The ROC tab's data (`keras_roc.tensorboard_tab`), against `evaluate`'s exact curves."""

import json
import warnings

import numpy as np
import pytest
from helpers import read_events

import keras_roc
from keras_roc import tensorboard, tensorboard_tab


def _exact(y, scores, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        return keras_roc.evaluate(y, scores, max_curve_points=None, **options)


def _vertex_index(exact_curve, thresholds):
    """Where each threshold sits in the exact curve (thresholds decrease)."""
    order = -np.asarray(exact_curve.thresholds)
    index = np.searchsorted(order, -np.asarray(thresholds, np.float64))
    assert np.array_equal(np.asarray(exact_curve.thresholds)[index], thresholds)
    return index


def _served(data, tag):
    return dict(data.tensors)[tag]


def test_thinned_curves_keep_exact_vertices_and_counts():
    rng = np.random.default_rng(0)
    n, classes = 20_000, 4
    y = rng.integers(0, classes, n)
    scores = rng.random((n, classes)).astype(np.float32)
    scores = np.round(scores / scores.sum(1, keepdims=True), 4).astype(np.float32)  # ties
    result = keras_roc.evaluate(y, scores)  # curves thinned to 2,000 for drawing
    exact = _exact(y, scores)
    data = tensorboard_tab.tab_data(result)
    summary = json.loads(data.summary)
    for entry in summary["curves"]:
        if entry["kind"] == "macro":
            table = _served(data, entry["tag"])
            assert table.shape[0] == 2 and table.shape[1] <= tensorboard_tab.MAX_VERTICES
            continue
        table = _served(data, entry["tag"])
        assert table.dtype == np.float32 and table.shape[0] == 3  # float32 scores, counts < 2**24
        assert table.shape[1] <= tensorboard_tab.MAX_VERTICES
        thresholds, tp, fp = table.astype(np.float64)
        curve = exact.curves[entry["name"]]
        assert len(curve.fpr) > tensorboard_tab.MAX_VERTICES  # thinning happened
        index = _vertex_index(curve, thresholds)
        assert index[0] == 0 and index[-1] == len(curve.fpr) - 1  # both ends kept
        assert np.array_equal(tp / entry["positives"], curve.tpr[index])  # bit for bit
        assert np.array_equal(fp / entry["negatives"], curve.fpr[index])
    positives = np.bincount(y, minlength=classes)
    assert [c["positives"] for c in summary["curves"][:classes]] == positives.tolist()
    assert summary["curves"][classes]["positives"] == n and summary["curves"][classes]["negatives"] == 3 * n


def test_weighted_counts_are_float64_weights():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    scores = rng.random(500)
    weights = rng.uniform(0.1, 3.0, 500)
    result = keras_roc.evaluate(y, scores, sample_weight=weights)
    data = tensorboard_tab.tab_data(result)
    table = _served(data, tensorboard_tab.curve_tag("1"))
    assert table.dtype == np.float64
    thresholds, tp, fp = table
    positives = weights[y == 1].sum()
    # Weighted TP at each threshold, summed directly.
    direct = np.array([weights[(scores >= t) & (y == 1)].sum() for t in thresholds])
    np.testing.assert_allclose(tp, direct, rtol=1e-12)
    assert json.loads(data.summary)["curves"][0]["positives"] == pytest.approx(positives, rel=1e-12)


def test_a_class_without_positives_stays_exact():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 3000)  # class 2 never occurs
    scores = rng.random((3000, 3)).astype(np.float32)
    scores /= scores.sum(1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        result = keras_roc.evaluate(y, scores)
    data = tensorboard_tab.tab_data(result)
    thresholds, tp, fp = _served(data, tensorboard_tab.curve_tag("2")).astype(np.float64)
    assert thresholds.size <= tensorboard_tab.MAX_VERTICES  # thinned although its AUC is NaN
    assert not tp.any()  # no positives: TP 0 everywhere
    direct = np.array([(scores[:, 2] >= t).sum() for t in thresholds])
    assert np.array_equal(fp, direct)
    entry = json.loads(data.summary)["curves"][2]
    assert entry["auc"] is None and entry["positives"] == 0 and entry["negatives"] == 3000


def test_summary_is_strict_json_with_the_documented_fields():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    scores = rng.random(200).astype(np.float32)
    result = keras_roc.evaluate(y, scores, class_names=["no", "yes"], target_specificity=0.9)
    summary = json.loads(tensorboard_tab.tab_data(result).summary)
    assert set(summary) == {
        "version", "task", "n_samples", "weighted", "threshold", "confidence", "class_names", "classes_drawn",
        "auc", "auc_ci", "auc_micro", "auc_macro", "auc_weighted", "curves", "operating_points",
        "confusion_matrix", "notes",
    }  # fmt: skip
    assert summary["auc"] == result.auc and summary["auc_ci"] == list(result.auc_ci)
    assert summary["auc_micro"] is None  # binary: null, never NaN (strict JSON)
    assert summary["operating_points"]["at_specificity"]["sensitivity"] == result.at_specificity.sensitivity
    assert summary["confusion_matrix"] == result.confusion_matrix.tolist()
    assert [c["tag"] for c in summary["curves"]] == ["keras_roc/curve/yes"]


def test_written_events_have_constant_tensor_metadata(tmp_path):
    rng = np.random.default_rng(4)
    writer = tensorboard.EventWriter(tmp_path)
    for step in range(3):
        y = rng.integers(0, 3, 300)
        result = keras_roc.evaluate(y, rng.random((300, 3)).astype(np.float32))
        tensorboard_tab.write_tab(writer, result, step, max_classes=2)
    writer.close()
    events = read_events(tmp_path)
    assert set(events) == {"keras_roc/curve/0", "keras_roc/curve/1", "keras_roc/micro", "keras_roc/macro",
                           "keras_roc/summary"}  # fmt: skip
    for tag, points in events.items():
        assert [step for step, _, _ in points] == [0, 1, 2] and {p for _, _, p in points} == {"keras_roc"}, tag
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.compat.proto import summary_pb2

    (path,) = tmp_path.glob("events.out.tfevents.*")
    metadata = {
        value.metadata.SerializeToString()
        for event in event_file_loader.EventFileLoader(str(path)).Load()
        for value in event.summary.value
    }
    (only,) = metadata  # the same metadata at every epoch and tag
    parsed = summary_pb2.SummaryMetadata.FromString(only)
    assert parsed.data_class == summary_pb2.DATA_CLASS_TENSOR
    assert json.loads(parsed.plugin_data.content) == {"version": tensorboard_tab.FORMAT_VERSION}
    summary = json.loads(events["keras_roc/summary"][-1][1].item())
    assert summary["classes_drawn"] == 2 and len(summary["class_names"]) == 3


def test_multilabel_counts_per_label_and_micro():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, (400, 3))
    scores = rng.random((400, 3)).astype(np.float32)
    result = keras_roc.evaluate(y, scores, task="multilabel", class_names=["a", "b", "c"])
    data = tensorboard_tab.tab_data(result)
    summary = json.loads(data.summary)
    assert [c["name"] for c in summary["curves"]] == ["a", "b", "c", "micro", "macro"]
    for index, entry in enumerate(summary["curves"][:3]):
        assert entry["positives"] == int(y[:, index].sum()) and entry["negatives"] == 400 - entry["positives"]
        thresholds, tp, fp = _served(data, entry["tag"]).astype(np.float64)
        direct = np.array([((scores[:, index] >= t) & (y[:, index] == 1)).sum() for t in thresholds])
        assert np.array_equal(tp, direct)
    micro = summary["curves"][3]
    assert micro["positives"] == int(y.sum()) and micro["negatives"] == y.size - int(y.sum())
    thresholds, tp, fp = _served(data, tensorboard_tab.MICRO_TAG).astype(np.float64)
    assert np.array_equal(fp, [((scores >= t) & (y == 0)).sum() for t in thresholds])
    assert np.array(summary["confusion_matrix"]).shape == (3, 2, 2)
