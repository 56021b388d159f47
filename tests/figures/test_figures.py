"""keras_roc.figures: what is drawn, checked against scikit-learn.

Every figure is rendered to PNG and decoded; the checks look at the drawn
artists (curves, legend texts, cell annotations, titles, axis limits) and
compare the numbers with `sklearn.metrics` on the same data.
"""

import dataclasses
import doctest
import io
import os
import subprocess
import sys
import warnings

import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from sklearn.metrics import (
    confusion_matrix,
    multilabel_confusion_matrix,
    recall_score,
    roc_auc_score,
    roc_curve,
)

import keras_roc
from keras_roc import figures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EN_DASH = "\u2013"


# ----------------------------------------------------------------------------
# Data and helpers
# ----------------------------------------------------------------------------


def binary_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = 1.0 / (1.0 + np.exp(-(1.6 * y - 0.8 + rng.normal(0.0, 1.0, n))))
    return y, score


def multiclass_data(n, n_classes, seed=0, separation=1.5):
    rng = np.random.default_rng(seed)
    y = np.r_[np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)]
    strength = rng.uniform(0.3, 2.0, n_classes) * separation
    logits = rng.normal(size=(n, n_classes)) + np.eye(n_classes)[y] * strength
    prob = np.exp(logits - logits.max(axis=1, keepdims=True))
    return y, prob / prob.sum(axis=1, keepdims=True)


def multilabel_data(n=300, n_labels=4, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random((n, n_labels)) < 0.35).astype(int)
    return y, np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0.0, 1.0)


def render(figure, dpi=60):
    """PNG bytes decode to an image of the figure's size."""
    png = figures.figure_to_png(figure, dpi=dpi)
    assert png[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(io.BytesIO(png))
    width, height = figure.get_size_inches() * dpi
    # Within a pixel: fractional pixel sizes are rounded.
    assert abs(image.shape[0] - height) < 1 and abs(image.shape[1] - width) < 1
    assert image.shape[2] in (3, 4)
    return image


def lines(ax, gid):
    return [a for a in ax.get_lines() if a.get_gid() == gid]


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


def cell_texts(ax):
    return [t for t in ax.texts if t.get_gid() == "cell"]


def cell_grid(ax, n):
    """The annotated cell texts of a heat map as an (n, n) array of strings."""
    grid = np.empty((n, n), dtype=object)
    for text in cell_texts(ax):
        x, y = text.get_position()
        grid[int(y), int(x)] = text.get_text()
    return grid


def main_axes(figure):
    """Axes that are not colorbars."""
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


# ----------------------------------------------------------------------------
# plot_roc
# ----------------------------------------------------------------------------


def test_binary_roc_draws_curve_points_and_sklearn_auc_with_ci():
    y, score = binary_data()
    result = keras_roc.evaluate(y, score, class_names=["benign", "malignant"])
    figure = figures.plot_roc(result)
    render(figure)
    (ax,) = figure.axes
    auc = roc_auc_score(y, score)
    low, high = result.auc_ci
    assert f"{result.auc:.3f}" == f"{auc:.3f}"
    texts = legend_texts(ax)
    assert texts[0] == f"AUC = {auc:.3f} (95% CI {low:.2f}{EN_DASH}{high:.2f})"
    assert texts[-1] == "chance (AUC = 0.5)"
    # Curve, operating point, Youden's optimum and chance: nothing else.
    assert len(ax.get_lines()) == 4
    (curve,) = lines(ax, "roc-class")
    fpr, tpr, _ = roc_curve(y, score)
    np.testing.assert_allclose(curve.get_xdata(), fpr)
    np.testing.assert_allclose(curve.get_ydata(), tpr)
    (chance,) = lines(ax, "chance")
    assert chance.get_linestyle() != "-"
    np.testing.assert_array_equal(chance.get_xydata(), [[0, 0], [1, 1]])
    # Operating point at the threshold and Youden's optimum, as markers.
    sensitivity = recall_score(y, score >= 0.5)
    specificity = recall_score(1 - y, score < 0.5)
    (point,) = lines(ax, "operating-point")
    np.testing.assert_allclose(point.get_xydata(), [[1 - specificity, sensitivity]])
    assert f"threshold 0.5: sensitivity {sensitivity:.2f}, specificity {specificity:.2f}" in texts
    (youden,) = lines(ax, "youden")
    best = result.youden
    np.testing.assert_allclose(youden.get_xydata(), [[1 - best.specificity, best.sensitivity]])
    j = tpr - fpr
    assert best.sensitivity - (1 - best.specificity) == pytest.approx(j.max())
    assert any(t.startswith("Youden's optimum") for t in texts)
    # Square unit axes with the agreed labels.
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_aspect() == 1.0
    assert ax.get_xlabel() == "False positive rate (1 \u2212 specificity)"
    assert ax.get_ylabel() == "True positive rate (sensitivity)"
    assert "malignant" in ax.get_title()


def test_multiclass_roc_per_class_micro_macro_equal_sklearn():
    y, prob = multiclass_data(400, 3)
    names = ["setosa", "versicolor", "virginica"]
    result = keras_roc.evaluate(y, prob, class_names=names)
    figure = figures.plot_roc(result, title="Iris-like")
    render(figure)
    (ax,) = figure.axes
    texts = legend_texts(ax)
    for c, name in enumerate(names):
        assert f"{name} (AUC = {roc_auc_score(y == c, prob[:, c]):.3f})" in texts
    onehot = np.eye(3)[y]
    micro = roc_auc_score(onehot.ravel(), prob.ravel())
    macro = roc_auc_score(y, prob, multi_class="ovr", average="macro")
    assert f"micro-average (AUC = {micro:.3f})" in texts
    assert f"macro-average (AUC = {macro:.3f})" in texts
    assert texts[-1] == "chance (AUC = 0.5)"
    # 3 classes + micro + macro + chance, nothing else.
    assert len(ax.get_lines()) == 6
    assert len(lines(ax, "roc-class")) == 3
    (micro_line,) = lines(ax, "roc-micro")
    (macro_line,) = lines(ax, "roc-macro")
    class_width = lines(ax, "roc-class")[0].get_linewidth()
    assert micro_line.get_linewidth() > class_width and macro_line.get_linewidth() > class_width
    assert len({micro_line.get_linestyle(), macro_line.get_linestyle(), "-"}) == 3
    assert ax.get_title() == "Iris-like"


def test_fifty_classes_show_best_and_worst_and_say_so():
    y, prob = multiclass_data(3000, 50, separation=2.0)
    result = keras_roc.evaluate(y, prob)
    figure = figures.plot_roc(result)
    render(figure)
    (ax,) = figure.axes
    assert "showing best 3 and worst 3 of 50 classes" in ax.get_title()
    aucs = np.array([roc_auc_score(y == c, prob[:, c]) for c in range(50)])
    order = np.argsort(-aucs, kind="stable")
    expected = {str(c) for c in np.r_[order[:3], order[-3:]]}
    drawn = [line.get_label().split(" (")[0] for line in lines(ax, "roc-class")]
    assert set(drawn) == expected and len(drawn) == 6
    assert len(lines(ax, "roc-micro")) == len(lines(ax, "roc-macro")) == 1
    # Long legends leave the axes (they never cover the curves).
    legend = ax.get_legend()
    assert len(legend.get_texts()) == 9
    # max_curves raises the limit: every class drawn, no note.
    everything = figures.plot_roc(result, max_curves=50)
    assert len(lines(everything.axes[0], "roc-class")) == 50
    assert "best" not in everything.axes[0].get_title()
    averages_only = figures.plot_roc(result, max_curves=0)
    assert lines(averages_only.axes[0], "roc-class") == []
    assert "averages only" in averages_only.axes[0].get_title()


def test_zoom_adds_a_top_left_panel():
    y, prob = multiclass_data(500, 10)
    result = keras_roc.evaluate(y, prob)
    figure = figures.plot_roc(result, zoom=True)
    render(figure)
    full, zoom = figure.axes
    assert full.get_xlim() == (0.0, 1.0) and full.get_ylim() == (0.0, 1.0)
    assert zoom.get_xlim() == pytest.approx((0.0, 0.2))
    assert zoom.get_ylim() == pytest.approx((0.8, 1.0))
    assert len(zoom.get_lines()) == len(full.get_lines()) == 13
    # One legend for both panels (right of the zoom panel: 13 entries).
    assert zoom.get_legend() is not None and full.get_legend() is None
    custom = figures.plot_roc(result, zoom=((0.0, 0.3), (0.6, 1.0)))
    assert custom.axes[1].get_xlim() == pytest.approx((0.0, 0.3))
    assert custom.axes[1].get_ylim() == pytest.approx((0.6, 1.0))


def test_given_axes_are_drawn_on_and_their_figure_returned():
    y, score = binary_data()
    result = keras_roc.evaluate(y, score)
    own = Figure()
    ax = own.add_subplot()
    assert figures.plot_roc(result, ax=ax) is own
    assert len(lines(ax, "roc-class")) == 1
    pair_figure = Figure()
    pair = pair_figure.subplots(1, 2)
    assert figures.plot_roc(result, ax=pair, zoom=True) is pair_figure
    assert pair[1].get_xlim() == pytest.approx((0.0, 0.2))
    with pytest.raises(ValueError, match="single Axes.*subplots\\(1, 2\\)"):
        figures.plot_roc(result, ax=ax, zoom=True)
    with pytest.raises(ValueError, match="exactly 2 Axes"):
        figures.plot_roc(result, ax=[ax], zoom=True)
    with pytest.raises(TypeError, match="one matplotlib `Axes`.*ndarray"):
        figures.plot_roc(result, ax=pair)


def test_class_without_positives_is_skipped_and_noted():
    y, prob = multiclass_data(200, 4)
    y = np.where(y == 2, 0, y)  # class "2" never occurs
    with pytest.warns(UserWarning, match="Class '2' has no positive"):
        result = keras_roc.evaluate(y, prob)
    figure = figures.plot_roc(result)
    render(figure)
    (ax,) = figure.axes
    assert "not drawn: '2'" in ax.get_title()
    drawn = [line.get_label().split(" (")[0] for line in lines(ax, "roc-class")]
    assert drawn == ["0", "1", "3"]


def test_diverged_model_with_nan_scores_still_draws():
    y, score = binary_data(100)
    score = score.copy()
    score[:3] = np.nan
    with pytest.warns(UserWarning, match="NaN or infinite"):
        result = keras_roc.evaluate(y, score)
    figure = figures.plot_roc(result)
    render(figure)
    (ax,) = figure.axes
    assert "undefined AUC" in ax.get_title()
    assert [line.get_gid() for line in ax.get_lines()] == ["chance"]
    render(figures.plot_confusion_matrix(result))
    with pytest.warns(UserWarning, match="NaN or infinite") as record:
        histogram = figures.plot_score_distribution(y, score)
    assert record[0].filename == __file__  # the warning points at the caller
    render(histogram)
    assert len(histogram.axes[0].patches) == 2
    y, prob = multiclass_data(100, 3)
    prob = prob.copy()
    prob[0] = np.nan
    with pytest.warns(UserWarning, match="NaN or infinite"):
        multi = keras_roc.evaluate(y, prob)
    (ax,) = figures.plot_roc(multi, zoom=False).axes
    assert "undefined AUC, not drawn: '0', '1', '2'" in ax.get_title()
    assert len(ax.get_lines()) == 1


def test_plot_roc_rejects_bad_arguments():
    y, score = binary_data()
    result = keras_roc.evaluate(y, score)
    with pytest.raises(TypeError, match=r"keras_roc.evaluate\(y_true, y_score\).*dict"):
        figures.plot_roc({"auc": 0.9})
    with pytest.raises(ValueError, match="max_curves.*>= 0.*-1"):
        figures.plot_roc(result, max_curves=-1)
    with pytest.raises(TypeError, match="max_curves.*2.5"):
        figures.plot_roc(result, max_curves=2.5)
    with pytest.raises(TypeError, match="zoom.*'yes'"):
        figures.plot_roc(result, zoom="yes")
    with pytest.raises(ValueError, match="0 <= min < max <= 1"):
        figures.plot_roc(result, zoom=((0.0, 0.2), (0.9, 0.8)))


# ----------------------------------------------------------------------------
# plot_confusion_matrix
# ----------------------------------------------------------------------------


def test_confusion_matrix_counts_and_normalized_equal_sklearn():
    y, prob = multiclass_data(300, 4)
    names = ["cat", "dog", "bird", "fish"]
    result = keras_roc.evaluate(y, prob, class_names=names)
    figure = figures.plot_confusion_matrix(result)
    render(figure)
    counts_ax, normalized_ax = main_axes(figure)
    assert counts_ax.get_title() == "Counts"
    assert normalized_ax.get_title() == "Normalized (rows sum to 1)"
    expected = confusion_matrix(y, prob.argmax(axis=1))
    fractions = confusion_matrix(y, prob.argmax(axis=1), normalize="true")
    for ax in (counts_ax, normalized_ax):
        assert len(cell_texts(ax)) == 16
        assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"
        assert [t.get_text() for t in ax.get_xticklabels()] == names
        assert [t.get_text() for t in ax.get_yticklabels()] == names
        assert all(t.get_rotation() == 45 for t in ax.get_xticklabels())
    assert (cell_grid(counts_ax, 4) == expected.astype(str)).all()
    np.testing.assert_array_equal(cell_grid(normalized_ax, 4), np.vectorize(lambda v: f"{v:.2f}")(fractions))
    # Contrast: the darkest cell (largest count) is white, the lightest black.
    colours = {t.get_position(): t.get_color() for t in cell_texts(counts_ax)}
    i, j = np.unravel_index(expected.argmax(), expected.shape)
    k, m = np.unravel_index(expected.argmin(), expected.shape)
    assert colours[(j, i)] == "white" and colours[(m, k)] == "black"


@pytest.mark.parametrize("normalize, title", [("true", "Normalized (rows sum to 1)"), (None, "Counts")])
def test_confusion_matrix_single_panel(normalize, title):
    y, score = binary_data()
    result = keras_roc.evaluate(y, score, threshold=0.4)
    figure = figures.plot_confusion_matrix(result, normalize=normalize)
    render(figure)
    (ax,) = main_axes(figure)
    assert ax.get_title() == title
    assert len(cell_texts(ax)) == 4
    cm = confusion_matrix(y, score >= 0.4, normalize="true" if normalize else None)
    text = (lambda v: f"{v:.2f}") if normalize else str
    np.testing.assert_array_equal(cell_grid(ax, 2), np.vectorize(text)(cm))


def test_confusion_matrix_array_empty_row_and_weights():
    # Class 1 has no samples: its normalized row is "–", with no warning
    # (pytest turns warnings into errors).
    matrix = np.array([[5, 1, 0], [0, 0, 0], [2, 0, 7]])
    figure = figures.plot_confusion_matrix(matrix, class_names=["a", "b", "c"])
    render(figure)
    counts_ax, normalized_ax = main_axes(figure)
    assert cell_grid(normalized_ax, 3)[1].tolist() == [EN_DASH] * 3
    assert cell_grid(counts_ax, 3)[1].tolist() == ["0"] * 3
    # Weighted sums: one decimal, equal to sklearn's weighted matrix.
    y, score = binary_data(100)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, 100)
    result = keras_roc.evaluate(y, score, sample_weight=weight)
    weighted = figures.plot_confusion_matrix(result, normalize=None)
    expected = confusion_matrix(y, score >= 0.5, sample_weight=weight)
    np.testing.assert_array_equal(cell_grid(main_axes(weighted)[0], 2), np.vectorize(lambda v: f"{v:.1f}")(expected))


def test_confusion_matrix_thirty_classes_scales_up_and_shrinks_font():
    y, prob = multiclass_data(1500, 30)
    result = keras_roc.evaluate(y, prob)
    small = figures.plot_confusion_matrix(keras_roc.evaluate(*multiclass_data(300, 3)))
    figure = figures.plot_confusion_matrix(result)
    render(figure, dpi=30)
    counts_ax, normalized_ax = main_axes(figure)
    assert len(cell_texts(counts_ax)) == len(cell_texts(normalized_ax)) == 900
    assert (cell_grid(counts_ax, 30) == confusion_matrix(y, prob.argmax(1)).astype(str)).all()
    assert figure.get_figheight() > 2 * small.get_figheight()
    big_font = cell_texts(main_axes(small)[0])[0].get_fontsize()
    assert cell_texts(counts_ax)[0].get_fontsize() < big_font
    assert cell_texts(counts_ax)[0].get_fontsize() >= figures.MIN_CELL_FONT


def test_multilabel_confusion_matrix_one_panel_per_label():
    y, score = multilabel_data()
    names = ["cat", "dog", "bird", "fish"]
    result = keras_roc.evaluate(y, score, class_names=names)
    figure = figures.plot_confusion_matrix(result)
    render(figure)
    panels = main_axes(figure)
    assert [ax.get_title() for ax in panels] == names
    expected = multilabel_confusion_matrix(y, score >= 0.5)
    for ax, cm in zip(panels, expected):
        assert len(cell_texts(ax)) == 4
        counts = np.vectorize(lambda s: s.split("\n")[0])(cell_grid(ax, 2).astype(str))
        np.testing.assert_array_equal(counts, cm.astype(str))
    counts_only = figures.plot_confusion_matrix(result.confusion_matrix, normalize=None)
    assert cell_grid(main_axes(counts_only)[0], 2).tolist() == expected[0].astype(str).tolist()


def test_confusion_matrix_on_given_axes():
    own = Figure()
    pair = own.subplots(1, 2)
    assert figures.plot_confusion_matrix([[3, 1], [0, 4]], ax=pair) is own
    assert pair[0].get_title() == "Counts"
    single = Figure()
    ax = single.add_subplot()
    assert figures.plot_confusion_matrix([[3, 1], [0, 4]], normalize="true", ax=ax) is single


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([[1, 2], [3, 4]],), {"normalize": "bogus"}, ValueError, "'both'.*'true'.*None.*'bogus'"),
        (([[1, 2, 3], [4, 5, 6]],), {}, ValueError, r"square.*\(2, 3\)"),
        (([[1, -2], [3, 4]],), {}, ValueError, "non-negative"),
        (([[1, np.nan], [3, 4]],), {}, ValueError, "finite"),
        (([["a", "b"], ["c", "d"]],), {}, TypeError, "numbers"),
        (("counts",), {}, TypeError, "ROCResult"),
        (([[1, 2], [3, 4]],), {"class_names": ["x"]}, ValueError, "1 names.*2 classes"),
        (([[1, 2], [3, 4]],), {"cmap": "NoSuchMap"}, ValueError, "colormap"),
        (([[1, 2], [3, 4]],), {"class_names": "ab"}, TypeError, "not a single string"),
        (([[1, 2], [3, 4]],), {"class_names": 2}, TypeError, "sequence of names.*int"),
    ],
)
def test_confusion_matrix_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        figures.plot_confusion_matrix(*args, **kwargs)


def test_confusion_matrix_both_needs_two_axes():
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match="two panels.*single Axes"):
        figures.plot_confusion_matrix([[1, 2], [3, 4]], ax=ax)


# ----------------------------------------------------------------------------
# plot_score_distribution
# ----------------------------------------------------------------------------


def test_binary_score_distribution_shows_threshold_and_rates():
    y, score = binary_data()
    figure = figures.plot_score_distribution(y, score, threshold=0.6, class_names=["benign", "malignant"])
    render(figure)
    (ax,) = figure.axes
    assert len(ax.patches) == 2  # one filled histogram per class
    (line,) = lines(ax, "threshold")
    assert line.get_xdata()[0] == 0.6
    sensitivity = recall_score(y, score >= 0.6)
    specificity = recall_score(1 - y, score < 0.6)
    texts = legend_texts(ax)
    assert texts == [
        "negatives (benign)",
        "positives (malignant)",
        f"threshold 0.6: sensitivity {sensitivity:.2f}, specificity {specificity:.2f}",
    ]
    assert f"AUC = {roc_auc_score(y, score):.3f}" in ax.get_title()
    assert ax.get_xlim() == (0.0, 1.0)
    # Density histograms: each class's area is 1, so the positives' area
    # right of the threshold is the sensitivity.
    heights, edges = np.histogram(score[y == 1], bins=np.linspace(0, 1, 51), density=True)
    right = edges[:-1] >= 0.6
    assert np.sum(heights[right] * np.diff(edges)[right]) == pytest.approx(sensitivity)


def test_score_distribution_logits_match_probabilities():
    y, score = binary_data()
    logits = np.log(score / (1 - score))
    from_probs = figures.plot_score_distribution(y, score)
    from_logits = figures.plot_score_distribution(y, logits, from_logits=True)
    assert legend_texts(from_probs.axes[0]) == legend_texts(from_logits.axes[0])


def test_score_distribution_validates_like_evaluate():
    y, score = binary_data(20)
    for bad_y, bad_score in [
        (np.array(["a", "b"] * 10), score),
        (y[:10], score),
        (y + 5, score),
    ]:
        with pytest.raises(ValueError) as expected:
            keras_roc.evaluate(bad_y, bad_score)
        with pytest.raises(ValueError) as received:
            figures.plot_score_distribution(bad_y, bad_score)
        assert str(received.value) == str(expected.value)
    with pytest.raises(ValueError, match="threshold.*finite"):
        figures.plot_score_distribution(y, score, threshold=np.inf)
    with pytest.raises(ValueError, match="bins.*positive integer"):
        figures.plot_score_distribution(y, score, bins=0)


def test_score_distribution_warns_of_undefined_values_but_not_of_intervals():
    """No interval is drawn: a class with one sample gets no note about its
    DeLong interval; an absent class still warns, at the caller."""
    y, score = np.array([0, 0, 0, 1]), np.array([0.1, 0.3, 0.6, 0.8])
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="DeLong interval"):
        keras_roc.evaluate(y, score)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render(figures.plot_score_distribution(y, score))
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="Class '1' has no positive") as record:
        figures.plot_score_distribution(np.zeros(4, int), score)
    assert len(record) == 1 and record[0].filename == __file__
    assert "DeLong" not in str(record[0].message)


def test_figures_warn_with_undefined_metric_warning_at_the_caller():
    y, score = binary_data(60)
    bad = score.copy()
    bad[0] = np.nan
    with pytest.warns(keras_roc.UndefinedMetricWarning, match=r"^scores\['bad'\]: 1 sample\(s\) have NaN") as record:
        figures.plot_roc_comparison(y, {"good": score, "bad": bad, "given": keras_roc.metrics._evaluate(y, bad)})
    assert len(record) == 1 and record[0].filename == __file__  # results given are not re-warned
    folds = cv_folds(3)
    folds[1] = (np.zeros(10, int), np.linspace(0, 1, 10))
    for function in (figures.cv_roc_summary, figures.plot_cv_roc):
        with pytest.warns(keras_roc.UndefinedMetricWarning, match="1 of 3 folds") as record:
            function(folds)
        assert len(record) == 1 and record[0].filename == __file__


def test_multiclass_score_distribution_panels():
    y, prob = multiclass_data(400, 5)
    figure = figures.plot_score_distribution(y, prob, class_names=list("ABCDE"))
    render(figure)
    assert len(figure.axes) == 5
    for c, ax in enumerate(figure.axes):
        assert ax.get_title() == f"{'ABCDE'[c]} (AUC = {roc_auc_score(y == c, prob[:, c]):.3f})"
        assert len(ax.patches) == 2
    many = figures.plot_score_distribution(*multiclass_data(600, 30))
    render(many, dpi=30)
    assert len(many.axes) == figures.MAX_SCORE_PANELS
    assert "first 12 of 30 classes" in many.get_suptitle()


def test_multilabel_score_distribution_has_threshold_per_label():
    y, score = multilabel_data()
    figure = figures.plot_score_distribution(y, score, threshold=0.45)
    render(figure)
    assert len(figure.axes) == 4
    for c, ax in enumerate(figure.axes):
        (line,) = lines(ax, "threshold")
        assert line.get_xdata()[0] == 0.45
        sensitivity = recall_score(y[:, c], score[:, c] >= 0.45)
        assert f"sens. {sensitivity:.2f}" in ax.get_title()


# ----------------------------------------------------------------------------
# plot_roc_comparison
# ----------------------------------------------------------------------------


def test_comparison_sorted_by_sklearn_auc():
    y, score = binary_data()
    rng = np.random.default_rng(3)
    scores = {
        "noise": rng.random(y.size),
        "Keras MLP": score,
        "random forest": np.clip(score + rng.normal(0, 0.25, y.size), 0, 1),
    }
    figure = figures.plot_roc_comparison(y, scores, title="Test set")
    render(figure)
    (ax,) = figure.axes
    aucs = {name: roc_auc_score(y, s) for name, s in scores.items()}
    best_first = sorted(aucs, key=aucs.get, reverse=True)
    assert legend_texts(ax) == [f"{n} (AUC = {aucs[n]:.3f})" for n in best_first] + ["chance (AUC = 0.5)"]
    assert len(lines(ax, "roc-classifier")) == 3
    assert ax.get_title() == "Test set"
    # ROCResult values need no labels.
    results = {n: keras_roc.evaluate(y, s) for n, s in scores.items()}
    again = figures.plot_roc_comparison(None, results)
    assert legend_texts(again.axes[0]) == legend_texts(ax)


def test_comparison_of_multiclass_uses_micro_average():
    y, prob = multiclass_data(300, 3)
    other = multiclass_data(300, 3, seed=5)[1]
    figure = figures.plot_roc_comparison(y, {"a": prob, "b": other})
    legend = figure.axes[0].get_legend()
    assert legend.get_title().get_text() == "micro-average ROC"
    micro = roc_auc_score(np.eye(3)[y].ravel(), prob.ravel())
    assert f"a (AUC = {micro:.3f})" in legend_texts(figure.axes[0])


def test_comparison_rejects_bad_input():
    y, score = binary_data()
    with pytest.raises(ValueError, match="empty.*at least one"):
        figures.plot_roc_comparison(y, {})
    with pytest.raises(TypeError, match="mapping.*list"):
        figures.plot_roc_comparison(y, [score])
    with pytest.raises(ValueError, match="same task.*binary.*multiclass"):
        figures.plot_roc_comparison(y, {"b": score, "m": keras_roc.evaluate(*multiclass_data(50, 3))})
    with pytest.raises(ValueError, match="y_true` is None"):
        figures.plot_roc_comparison(None, {"m": score})
    with pytest.raises(ValueError, match=r"scores\['short'\].*same number of samples"):
        figures.plot_roc_comparison(y, {"short": score[:10]})


# ----------------------------------------------------------------------------
# Cross-validation
# ----------------------------------------------------------------------------


def cv_folds(n_folds=5):
    y, score = binary_data(500)
    rng = np.random.default_rng(7)
    noisy = np.clip(score + rng.normal(0, 0.15, y.size), 0, 1)
    return [(y[k::n_folds], noisy[k::n_folds]) for k in range(n_folds)]


def test_cv_summary_equals_sklearn_example():
    folds = cv_folds()
    summary = figures.cv_roc_summary(folds)
    aucs = [roc_auc_score(y, s) for y, s in folds]
    np.testing.assert_allclose(summary.fold_aucs, aucs, rtol=0, atol=1e-12)
    assert summary.mean_auc == pytest.approx(np.mean(aucs), abs=1e-12)
    assert summary.std_auc == pytest.approx(np.std(aucs), abs=1e-12)
    # The scikit-learn example's recipe, on scikit-learn's curves.
    grid = np.linspace(0, 1, 101)
    tprs = []
    for y, s in folds:
        fpr, tpr, _ = roc_curve(y, s)
        tprs.append(np.interp(grid, fpr, tpr))
        tprs[-1][0] = 0.0
    mean_tpr = np.mean(tprs, axis=0)
    mean_tpr[-1] = 1.0
    np.testing.assert_allclose(summary.mean_fpr, grid)
    np.testing.assert_allclose(summary.mean_tpr, mean_tpr, atol=1e-12)
    np.testing.assert_allclose(summary.std_tpr, np.std(tprs, axis=0), atol=1e-12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.mean_auc = 1.0
    with pytest.raises(ValueError):
        summary.mean_tpr[0] = 1.0


def test_plot_cv_roc_draws_folds_mean_and_band():
    folds = cv_folds()
    results = [keras_roc.evaluate(y, s) for y, s in folds]
    figure = figures.plot_cv_roc(results, title="5-fold CV")
    render(figure)
    (ax,) = figure.axes
    aucs = [roc_auc_score(y, s) for y, s in folds]
    fold_lines = lines(ax, "roc-fold")
    assert len(fold_lines) == 5
    assert all(line.get_alpha() < 1 and line.get_linewidth() <= 1 for line in fold_lines)
    texts = legend_texts(ax)
    for k, auc in enumerate(aucs, start=1):
        assert f"fold {k} (AUC = {auc:.3f})" in texts
    assert f"mean ROC (AUC = {np.mean(aucs):.3f} \u00b1 {np.std(aucs):.3f})" in texts
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert band.get_gid() == "std-band"
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() >= 0.0 and vertices[:, 1].max() <= 1.0
    assert len(lines(ax, "chance")) == 1 and len(lines(ax, "roc-mean")) == 1
    assert ax.get_title() == "5-fold CV"
    # Pairs give the same picture; `ax=` draws there.
    own = Figure()
    target = own.add_subplot()
    assert figures.plot_cv_roc(folds, ax=target) is own
    assert legend_texts(target) == texts


def test_cv_fold_without_positives_is_left_out_with_a_warning():
    folds = cv_folds(4)
    folds[2] = (np.zeros(10, int), np.linspace(0, 1, 10))
    with pytest.warns(
        UserWarning, match=r"1 of 4 folds .*left out.*fold 3: Class '1' has no positive samples"
    ) as record:
        summary = figures.cv_roc_summary(folds)
    assert {w.filename for w in record} == {__file__}
    aucs = [roc_auc_score(y, s) for k, (y, s) in enumerate(folds) if k != 2]
    assert summary.mean_auc == pytest.approx(np.mean(aucs))
    assert np.isnan(summary.fold_aucs[2])
    with pytest.warns(UserWarning):
        figure = figures.plot_cv_roc(folds)
    assert len(lines(figure.axes[0], "roc-fold")) == 3


def test_cv_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        figures.cv_roc_summary([])
    with pytest.raises(TypeError, match="list of binary `ROCResult`s.*dict"):
        figures.plot_cv_roc({"fold": 1})
    with pytest.raises(TypeError, match="fold 2 must be.*int"):
        figures.plot_cv_roc([cv_folds(2)[0], 3])
    with pytest.raises(ValueError, match="fold 1 is a multiclass result"):
        figures.plot_cv_roc([keras_roc.evaluate(*multiclass_data(60, 3))])
    with pytest.raises(ValueError, match="grid_points.*>= 2"):
        figures.plot_cv_roc(cv_folds(2), grid_points=1)
    with pytest.raises(ValueError, match="fold 1: .*Binary `y_true`"):
        figures.cv_roc_summary([([0, 2, 1], [0.1, 0.2, 0.3])])


# ----------------------------------------------------------------------------
# figure_to_png, imports, docstrings
# ----------------------------------------------------------------------------


def test_figure_to_png_attaches_agg_and_checks_input():
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    small = render(figure, dpi=50)
    large = render(figure, dpi=100)
    assert large.shape[0] == 2 * small.shape[0]
    assert type(figure.canvas).__name__ == "FigureCanvasAgg"
    with pytest.raises(TypeError, match="Figure.*Axes.*get_figure"):
        figures.figure_to_png(figure.axes[0])
    with pytest.raises(ValueError, match="dpi.*positive"):
        figures.figure_to_png(figure, dpi=0)


@pytest.mark.parametrize("layout", ["compressed", "constrained", None])
def test_figure_to_png_draws_once_with_the_pixels_of_savefig(layout):
    # The fast path (the canvas's own print_png: layout and render in one
    # draw) must give what savefig's two draws give.
    y, prob = multiclass_data(400, 4)
    figure = figures.plot_roc(keras_roc.evaluate(y, prob), zoom=True)
    figure.set_layout_engine(layout)
    fast = figures.figure_to_png(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    np.testing.assert_array_equal(
        matplotlib.image.imread(io.BytesIO(fast)), matplotlib.image.imread(io.BytesIO(buffer.getvalue()))
    )


def test_figure_to_png_draws_the_figure_once(monkeypatch):
    figure = figures.plot_confusion_matrix([[5, 1], [2, 7]])
    draws = []
    original = figure.draw
    monkeypatch.setattr(figure, "draw", lambda renderer: draws.append(1) or original(renderer))
    figures.figure_to_png(figure)
    assert len(draws) == 1  # savefig would draw twice (layout, then render)


@pytest.fixture
def layout_runs(monkeypatch):
    """Counts constrained-layout computations."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    runs = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(1) or original(self, fig))
    return runs


def _epochs_of_matrices(n_classes):
    """Results of a model getting better epoch by epoch (counts crossing
    colorbar tick steps, so some refills must lay out again)."""
    results = []
    for n, separation in ((300, 1.0), (300, 1.1), (300, 1.2), (900, 1.3), (900, 1.4), (900, 1.5), (60, 2.0)):
        y, prob = multiclass_data(n, n_classes, separation=separation)
        results.append(keras_roc.evaluate(y, prob))
    return results


@pytest.mark.parametrize("normalize", ["both", "true", None])
@pytest.mark.parametrize("n_classes", [2, 10])
def test_refilled_confusion_matrix_is_pixel_equal_to_a_new_one(n_classes, normalize, layout_runs):
    kept, refilled, results = None, 0, _epochs_of_matrices(n_classes)
    for epoch, result in enumerate(results):
        title = f"Confusion matrix, epoch {epoch}"
        fresh = figures.plot_confusion_matrix(result, normalize=normalize)
        fresh.suptitle(title)
        expected = figures.figure_to_png(fresh)
        layout_runs.clear()
        if kept is not None and kept.refill(result, suptitle=title, normalize=normalize):
            refilled += 1
            rebuilt = 0
        else:
            kept = figures._RefillableMatrix(result, suptitle=title, normalize=normalize)
            rebuilt = 1
        assert kept.png() == expected, f"epoch {epoch}"
        assert len(layout_runs) == rebuilt  # a refill keeps the layout
    assert refilled >= 2  # the figure was reused, not only rebuilt


def test_refillable_matrix_refuses_what_it_cannot_refill():
    three = keras_roc.evaluate(*multiclass_data(60, 3))
    kept = figures._RefillableMatrix(three, suptitle="epoch 1")
    named = keras_roc.evaluate(*multiclass_data(60, 3), class_names=["a", "b", "c"])
    assert not kept.refill(named, suptitle="epoch 2")  # other classes
    assert not kept.refill(three, suptitle="epoch 2", normalize="true")  # other panels
    assert not kept.refill(three)  # no title
    assert kept.refill(three, suptitle="epoch 2")
    assert not kept.refill(three, suptitle="a much longer title, epoch 3")  # another layout
    multilabel = keras_roc.evaluate(*multilabel_data())
    assert figures._RefillableMatrix.key_of(multilabel) is None
    assert figures._RefillableMatrix.key_of(three, cmap=matplotlib.colormaps["Greys"]) is None
    assert figures._RefillableMatrix.key_of([[5, 1], [2, 7]]) is None
    with pytest.raises(ValueError, match="binary or multiclass.*Received ROCResult"):
        figures._RefillableMatrix(multilabel)


def test_public_api_is_exported():
    for name in figures.__all__:
        assert getattr(keras_roc, name) is getattr(figures, name)
        assert name in keras_roc.__all__


def test_import_pulls_in_neither_keras_nor_pyplot():
    code = (
        "import sys, keras_roc, keras_roc.figures; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib.pyplot') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


def test_docstring_examples_run():
    failures, attempted = doctest.testmod(figures, optionflags=doctest.ELLIPSIS)
    assert attempted >= 8 and failures == 0


# ----------------------------------------------------------------------------
# plot_calibration
# ----------------------------------------------------------------------------


def test_calibration_figure_draws_the_reliability_data():
    y, s = binary_data(11)
    result = keras_roc.evaluate(y, s)
    figure = figures.plot_calibration(result, title="calibrated?")
    assert isinstance(figure, Figure)
    render(figure)
    ax = figure.axes[0]
    (curve,) = lines(ax, "reliability")
    filled = result.calibration.weight > 0
    assert np.allclose(curve.get_xdata(), result.calibration.mean_predicted[filled])
    assert np.allclose(curve.get_ydata(), result.calibration.observed_frequency[filled])
    (diagonal,) = lines(ax, "diagonal")
    assert list(diagonal.get_xdata()) == [0.0, 1.0]
    bars = [p for axes in figure.axes for p in axes.patches if p.get_gid() == "bin-weight"]
    assert [b.get_height() for b in bars] == pytest.approx(result.calibration.weight.tolist())
    assert ax.get_title() == "calibrated?"
    assert f"ECE {result.calibration_error:.3f}" in ax.get_legend().get_texts()[1].get_text()
    assert keras_roc.plot_calibration is figures.plot_calibration


def test_calibration_figure_on_given_axes_and_errors():
    figure = Figure()
    ax = figure.add_subplot()
    y = np.array([0, 1, 2, 1])
    p = np.eye(3)[[0, 1, 2, 0]] * 0.7 + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        result = keras_roc.evaluate(y, p)
    assert figures.plot_calibration(result, ax=ax) is figure
    assert ax.get_title() == "Reliability diagram"
    with pytest.raises(TypeError, match="ROCResult"):
        figures.plot_calibration(p)
    with pytest.raises(TypeError, match="ax"):
        figures.plot_calibration(result, ax="axes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keras_roc.UndefinedMetricWarning)
        undefined = keras_roc.evaluate([0, 1, 1], [0.1, np.nan, 0.5])
    with pytest.raises(ValueError, match="calibration"):
        figures.plot_calibration(undefined)


def test_plot_roc_marks_the_points_at_target_rates():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    s = 1.0 / (1.0 + np.exp(-rng.normal(y, 1.0)))
    result = keras_roc.evaluate(y, s, target_specificity=0.9, target_sensitivity=0.8)
    figure = figures.plot_roc(result)
    lines = {line.get_gid(): line for line in figure.axes[0].get_lines()}
    for gid, point in (("at-specificity", result.at_specificity), ("at-sensitivity", result.at_sensitivity)):
        x, y_ = lines[gid].get_data()
        assert (x[0], y_[0]) == (1.0 - point.specificity, point.sensitivity)
    assert "at-specificity" not in {
        line.get_gid() for line in figures.plot_roc(keras_roc.evaluate(y, s)).axes[0].get_lines()
    }
