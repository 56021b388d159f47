"""`compare_auc`: DeLong's paired test, against a hand-derived example, an
independent O(n^2) implementation (ties, weights, macro one-vs-rest),
scikit-learn's AUCs and the variance seen over simulated data sets."""

import math
import warnings

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

import keras_roc
from keras_roc import compare_auc

#: Different float summation orders (sorted groups against pairwise sums).
TOL = 1e-12


# ----------------------------------------------------------------------------
# An example small enough to derive by hand
# ----------------------------------------------------------------------------


def test_hand_derived_example():
    """Three positives and three negatives, scored by two tests.

    A: positives 0.9, 0.6, 0.4; negatives 0.7, 0.3, 0.1.
       V10 (negatives each positive outranks): 1, 2/3, 2/3 -> AUC 7/9.
       V01 (positives above each negative): 1/3, 1, 1.
    B: positives 0.8, 0.5, 0.5; negatives 0.5, 0.6, 0.2 (a tie at 0.5).
       V10: 1, (1 + 1/2)/3 = 1/2, 1/2 -> AUC 2/3.
       V01: (1 + 1/2 + 1/2)/3 = 2/3, 1/3, 1.
    S10 (over positives, / (m - 1) = 2): AA = (4/81 + 1/81 + 1/81)/2 = 1/27,
    BB = (1/9 + 1/36 + 1/36)/2 = 1/12, AB = (2/27 + 1/54 + 1/54)/2 = 1/18.
    S01 (over negatives): AA = (16/81 + 4/81 + 4/81)/2 = 4/27,
    BB = (0 + 1/9 + 1/9)/2 = 1/9, AB = (0 - 2/27 + 2/27)/2 = 0.
    Var(A - B) = (1/27 + 1/12 - 1/9)/3 + (4/27 + 1/9 - 0)/3
               = 1/324 + 28/324 = 29/324;
    difference 1/9, z = (1/9) / (sqrt(29)/18) = 2/sqrt(29).
    Var(A) = (1/27 + 4/27)/3 = 5/81, Var(B) = (1/12 + 1/9)/3 = 7/108.
    """
    y = [1, 1, 1, 0, 0, 0]
    a = [0.9, 0.6, 0.4, 0.7, 0.3, 0.1]
    b = [0.8, 0.5, 0.5, 0.5, 0.6, 0.2]
    test = compare_auc(y, a, b)
    assert test.auc_a == pytest.approx(7 / 9, abs=TOL)
    assert test.auc_b == pytest.approx(2 / 3, abs=TOL)
    assert test.difference == pytest.approx(1 / 9, abs=TOL)
    assert test.standard_error == pytest.approx(math.sqrt(29) / 18, abs=TOL)
    assert test.z == pytest.approx(2 / math.sqrt(29), abs=TOL)
    assert test.p_value == pytest.approx(2 * norm.sf(2 / math.sqrt(29)), abs=TOL)
    assert test.one_sided_p_value() == pytest.approx(norm.sf(2 / math.sqrt(29)), abs=TOL)
    half = norm.ppf(0.975) * math.sqrt(29) / 18
    assert test.interval == pytest.approx((1 / 9 - half, 1 / 9 + half), abs=TOL)
    assert test.task == "binary" and test.confidence == 0.95 and test.notes == ()
    # The same primitive gives evaluate's intervals: each AUC's own variance.
    assert keras_roc.evaluate(y, a).auc_se == pytest.approx(math.sqrt(5 / 81), abs=TOL)
    assert keras_roc.evaluate(y, b).auc_se == pytest.approx(math.sqrt(7 / 108), abs=TOL)
    # Swapping the two negates the difference; the p-value stays.
    swapped = compare_auc(y, b, a)
    assert swapped.difference == pytest.approx(-test.difference, abs=TOL)
    assert swapped.p_value == pytest.approx(test.p_value, abs=TOL)


# ----------------------------------------------------------------------------
# An independent O(n^2) implementation
# ----------------------------------------------------------------------------


def _pairwise_components(positive, score, weight):
    """AUC and centred, scaled components of every sample, from all pairs."""
    wp, wn = weight[positive], weight[~positive]
    x, z = score[positive][:, None], score[~positive][None, :]
    kernel = (x > z) + 0.5 * (x == z)
    v10 = kernel @ wn / wn.sum()
    v01 = wp @ kernel / wp.sum()
    auc = wp @ v10 / wp.sum()
    m, n = wp.sum(), wn.sum()
    psi = np.empty(score.size)
    psi[positive] = (v10 - auc) / math.sqrt(m * (m - 1))
    psi[~positive] = (v01 - auc) / math.sqrt(n * (n - 1))
    return auc, psi


def _reference(columns, score_a, score_b, weight):
    """Macro AUCs and DeLong's test from the covariance matrix of all 2K AUCs:
    Cov(AUC_k, AUC_l) = sum_i w_i psi_k(i) psi_l(i)."""
    aucs, psis = [], []
    for scores in (score_a, score_b):
        for k, positive in enumerate(columns):
            auc, psi = _pairwise_components(positive, scores[:, k], weight)
            aucs.append(auc)
            psis.append(psi)
    psis = np.array(psis)
    covariance = (psis * weight) @ psis.T
    k = len(columns)
    contrast = np.r_[np.full(k, 1 / k), np.full(k, -1 / k)]
    difference = contrast @ aucs
    se = math.sqrt(contrast @ covariance @ contrast)
    z_level = norm.ppf(0.975)
    return {
        "auc_a": np.mean(aucs[:k]),
        "auc_b": np.mean(aucs[k:]),
        "difference": difference,
        "standard_error": se,
        "z": difference / se,
        "p_value": 2 * norm.sf(abs(difference / se)),
        "interval": (difference - z_level * se, difference + z_level * se),
    }


def _assert_matches(test, expected):
    for name, value in expected.items():
        assert getattr(test, name) == pytest.approx(value, abs=TOL, rel=1e-9), name


def _correlated(rng, n, shape, truth_signal):
    base = rng.random(shape) + truth_signal
    return base, base + 0.7 * rng.random(shape)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("decimals", [1, 3])
def test_binary_equals_pairwise_definition(seed, weighted, decimals):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 120))
    y = rng.integers(0, 2, n)
    y[:4] = [0, 1, 0, 1]
    a, b = _correlated(rng, n, n, 0.5 * y)
    a, b = np.round(a, decimals), np.round(b, decimals)  # ties within and across classes
    weight = rng.random(n) * 3 + 0.2 if weighted else None
    test = compare_auc(y, a, b, sample_weight=weight)
    expected = _reference([y == 1], a[:, None], b[:, None], np.ones(n) if weight is None else weight)
    _assert_matches(test, expected)
    assert test.auc_a == pytest.approx(roc_auc_score(y, a, sample_weight=weight), abs=TOL)
    assert test.auc_b == pytest.approx(roc_auc_score(y, b, sample_weight=weight), abs=TOL)


@pytest.mark.parametrize("task", ["multiclass", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
def test_macro_equals_pairwise_definition(task, weighted):
    rng = np.random.default_rng(7 if weighted else 8)
    n, k = 150, 4
    if task == "multiclass":
        y = np.r_[np.arange(k), np.arange(k), rng.integers(0, k, n - 2 * k)]
        columns = [y == c for c in range(k)]
        truth = np.eye(k)[y]
    else:
        y = rng.integers(0, 2, (n, k))
        y[:2] = [[0] * k, [1] * k]
        columns = [y[:, c] == 1 for c in range(k)]
        truth = y
    a, b = _correlated(rng, n, (n, k), 0.4 * truth)
    a, b = np.round(a, 2), np.round(b, 2)
    if task == "multiclass":
        a, b = a / a.sum(axis=1, keepdims=True), b / b.sum(axis=1, keepdims=True)
    weight = rng.random(n) + 0.3 if weighted else None
    test = compare_auc(y, a, b, sample_weight=weight, task=task)
    _assert_matches(test, _reference(columns, a, b, np.ones(n) if weight is None else weight))
    # The macro AUCs are evaluate's headline AUC (= scikit-learn's macro OvR).
    sklearn_args = {"multi_class": "ovr"} if task == "multiclass" else {}
    assert test.auc_a == pytest.approx(roc_auc_score(y, a, sample_weight=weight, average="macro", **sklearn_args))
    assert test.task == task


def test_integer_weights_are_repetitions():
    rng = np.random.default_rng(3)
    n = 60
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    a, b = _correlated(rng, n, n, 0.3 * y)
    a, b = np.round(a, 1), np.round(b, 1)
    counts = rng.integers(1, 4, n)
    weighted = compare_auc(y, a, b, sample_weight=counts)
    repeated = compare_auc(np.repeat(y, counts), np.repeat(a, counts), np.repeat(b, counts))
    for name in ("auc_a", "auc_b", "difference", "standard_error", "z", "p_value"):
        assert getattr(weighted, name) == pytest.approx(getattr(repeated, name), abs=TOL)


def test_logits_follow_softmax():
    rng = np.random.default_rng(4)
    y = np.r_[0, 1, 2, rng.integers(0, 3, 57)]
    a, b = rng.normal(size=(60, 3)) * 3, rng.normal(size=(60, 3)) * 3
    from_logits = compare_auc(y, a, b, from_logits=True)
    probabilities = compare_auc(y, _softmax(a), _softmax(b))
    assert from_logits.difference == pytest.approx(probabilities.difference, abs=TOL)
    assert from_logits.standard_error == pytest.approx(probabilities.standard_error, abs=TOL)


# ----------------------------------------------------------------------------
# The estimate describes the variation it claims to
# ----------------------------------------------------------------------------


def _simulated_macro(rng, n, k):
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    signal = np.eye(k)[y]
    shared = rng.normal(size=(n, k))
    a = signal * 1.2 + shared + 0.6 * rng.normal(size=(n, k))
    b = signal * 1.0 + shared + 0.6 * rng.normal(size=(n, k))
    return y, _softmax(a), _softmax(b)


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_macro_standard_error_matches_simulated_spread():
    """Over 800 simulated validation sets, the spread of the macro
    difference agrees with the mean DeLong variance (relative standard
    error of the observed variance about 5%), cross-class covariances
    included; the per-class variances alone fall well short."""
    rng = np.random.default_rng(12)
    differences, variances, per_class_only = [], [], []
    for _ in range(800):
        y, a, b = _simulated_macro(rng, 240, 3)
        test = compare_auc(y, a, b)
        differences.append(test.difference)
        variances.append(test.standard_error**2)
        per_class = [compare_auc(y == c, a[:, c], b[:, c]).standard_error ** 2 for c in range(3)]
        per_class_only.append(sum(per_class) / 9)
    observed = np.var(differences, ddof=1)
    assert np.mean(variances) / observed == pytest.approx(1.0, abs=0.15)
    assert np.mean(per_class_only) / observed < 0.8


def test_p_values_are_calibrated_under_the_null():
    """Two exchangeable scorers: p < 0.05 in about 5% of 1,000 data sets."""
    rng = np.random.default_rng(12)
    p_values = []
    for _ in range(1000):
        y = rng.integers(0, 2, 120)
        y[:2] = [0, 1]
        shared = rng.normal(size=120) + y
        p_values.append(compare_auc(y, shared + rng.normal(size=120), shared + rng.normal(size=120)).p_value)
    assert 0.03 <= np.mean(np.array(p_values) < 0.05) <= 0.07


# ----------------------------------------------------------------------------
# Undefined values and bad input
# ----------------------------------------------------------------------------


def test_identical_scores_have_zero_variance():
    y, a = [0, 1, 0, 1, 1], [0.1, 0.9, 0.4, 0.3, 0.8]
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="zero variance") as record:
        test = compare_auc(y, a, a)
    assert record[0].filename == __file__  # points at the caller
    assert (test.difference, test.standard_error, test.z, test.p_value) == (0.0, 0.0, 0.0, 1.0)


def test_certain_difference_with_zero_variance():
    y = [0, 0, 1, 1]
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="zero variance"):
        test = compare_auc(y, [0.1, 0.2, 0.8, 0.9], [0.5, 0.5, 0.5, 0.5])
    assert (test.difference, test.z, test.p_value) == (0.5, math.inf, 0.0)


@pytest.mark.parametrize(
    "y, a, b, match",
    [
        ([1, 1, 1], [0.1, 0.2, 0.3], [0.3, 0.2, 0.1], "single class"),
        ([0, 1, 0, 1], [0.1, np.nan, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4], "NaN or infinite"),
        ([0, 1, 0, 0], [0.1, 0.9, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4], "at least 2 positive"),
    ],
)
def test_undefined_comparisons_are_nan_with_one_warning(y, a, b, match):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        test = compare_auc(y, a, b)
    assert len(caught) == 1 and issubclass(caught[0].category, keras_roc.UndefinedMetricWarning)
    assert match in str(caught[0].message)
    assert math.isnan(test.p_value) and math.isnan(test.z)


def test_absent_class_left_out_of_the_macro():
    rng = np.random.default_rng(5)
    y = np.r_[0, 1, rng.integers(0, 2, 40)]  # class 2 never occurs
    a, b = rng.random((42, 3)), rng.random((42, 3))
    with pytest.warns(keras_roc.UndefinedMetricWarning, match="1 class"):
        test = compare_auc(y, a, b, task="multiclass")
    binary = [compare_auc(y == c, a[:, c], b[:, c]) for c in range(2)]
    assert test.auc_a == pytest.approx(np.mean([t.auc_a for t in binary]), abs=TOL)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r"same shape.*\(3,\) and \(4,\)"):
        compare_auc([0, 1, 1], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(ValueError, match="confidence"):
        compare_auc([0, 1], [0.1, 0.2], [0.2, 0.1], confidence=1.5)
    with pytest.raises(ValueError, match="same number|shape"):
        compare_auc([0, 1, 1], [0.1, 0.2], [0.2, 0.1])


def test_result_is_frozen():
    test = compare_auc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], [0.2, 0.7, 0.4, 0.3])
    with pytest.raises(AttributeError):
        test.p_value = 0.0
