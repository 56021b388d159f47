"""The ROC tab in real headless Chromium (Debian's chromium + chromium-driver,
installed by .ci/run), driven by Selenium, against a real `tensorboard`.

What the page shows is compared with `keras_roc.evaluate` on the model's own
predictions of each epoch. Missing Chromium fails these tests: never a skip.
"""

import os
import re

import numpy as np
import pytest
from helpers import TensorBoardServer, get_json
from roc_tab_runs import BINARY_RUN, MULTICLASS_RUN, train_runs

import keras_roc

pytestmark = pytest.mark.slow

EPOCHS = 4
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 20
ENTRY = "/data/plugin_entry.html?name=keras_roc"


@pytest.fixture(scope="module")
def board(tmp_path_factory, breast_cancer, wine):
    log_dir = tmp_path_factory.mktemp("roc_tab_browser")
    runs = train_runs(log_dir, breast_cancer, wine, EPOCHS, weighted=False)
    with TensorBoardServer(log_dir, tmp_path_factory.mktemp("tb")) as server:
        server.wait_for(
            lambda url: all(
                len(get_json(url, "/data/plugin/keras_roc/steps", run=run)["steps"]) == EPOCHS for run in runs
            )
        )
        yield server, runs


@pytest.fixture(scope="module")
def driver():
    for path in (CHROMIUM, CHROMEDRIVER):
        assert os.path.exists(path), f"{path} is missing: apt-get install -y chromium chromium-driver (.ci/run does)"
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-proxy-server", "--window-size=1400,1200"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield browser
    finally:
        browser.quit()


def _wait(driver, condition, message):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(lambda d: condition(d), message)


def _paths(driver):
    """The drawn curves: [{run, curve, step, vertices: (n, 2) pixel array, stroke}]."""
    found = driver.execute_script(
        "return [...document.querySelectorAll('path.roc-curve')].map(p => ({run: p.dataset.run,"
        " curve: p.dataset.curve, step: p.dataset.step, d: p.getAttribute('d'), stroke: p.getAttribute('stroke')}))"
    )
    for path in found:
        path["vertices"] = np.array(re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", path["d"]), float)
        assert len(path["vertices"]) == path["d"].count("M") + path["d"].count("L")
    return found


def _open(driver, url, step=None):
    driver.get(url + ENTRY)
    _wait(driver, lambda d: _paths(d) and (step is None or _paths(d)[0]["step"] == str(step)), "no curve drawn")
    return _paths(driver)


def _assert_no_console_errors(driver):
    # The browser asks every page's server for /favicon.ico; TensorBoard has none there.
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "/favicon.ico " not in e["message"]]
    assert not errors, errors


def _served(url, run, step):
    return get_json(url, "/data/plugin/keras_roc/epoch", run=run, step=step)


def _exact_curve(runs, run, step):
    trained = runs[run]
    return keras_roc.evaluate(trained.y_val, trained.predictions[step], max_curve_points=None).curves["1"]


def _field(driver, box, field):
    return driver.find_element("css selector", f".{box} [data-field='{field}']").get_attribute("data-value")


def _isolated_vertex(vertices):
    """Index of the interior vertex farthest from every other one."""
    distance = np.linalg.norm(vertices[:, None, :] - vertices[None, :, :], axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = distance.min(axis=1)
    nearest[[0, -1]] = -1
    return int(np.argmax(nearest))


def _move_to(driver, vertex):
    from selenium.webdriver.common.action_chains import ActionChains

    svg = driver.find_element("css selector", "svg.roc-chart")
    width, height = float(svg.get_attribute("width")), float(svg.get_attribute("height"))
    offset = np.rint(vertex - [width / 2, height / 2]).astype(int)
    return ActionChains(driver).move_to_element_with_offset(svg, int(offset[0]), int(offset[1]))


def test_first_load_draws_the_newest_epoch_of_the_first_run(board, driver):
    server, _ = board
    paths = _open(driver, server.url)
    newest = EPOCHS - 1
    served = _served(server.url, BINARY_RUN, newest)
    assert [(p["run"], p["curve"], p["step"]) for p in paths] == [(BINARY_RUN, "benign", str(newest))]
    assert len(paths[0]["vertices"]) == len(served["curves"][0]["threshold"])
    legend = driver.find_element("css selector", ".roc-legend-auc").get_attribute("data-value")
    assert float(legend) == served["summary"]["auc"]
    _assert_no_console_errors(driver)


def test_the_tab_draws_inside_tensorboard(board, driver):
    server, _ = board
    driver.get(server.url + "/#keras_roc")
    _wait(driver, lambda d: d.find_elements("css selector", "iframe"), "no plugin iframe")
    driver.switch_to.frame(driver.find_element("css selector", "iframe"))
    try:
        _wait(driver, _paths, "no curve drawn in TensorBoard's ROC tab")
        assert {p["run"] for p in _paths(driver)} == {BINARY_RUN}
    finally:
        driver.switch_to.default_content()


def test_hover_reads_out_the_nearest_vertex(board, driver):
    server, runs = board
    step = EPOCHS - 1
    (path,) = _open(driver, server.url)
    k = _isolated_vertex(path["vertices"])
    _move_to(driver, path["vertices"][k]).perform()
    _wait(driver, lambda d: d.find_elements("css selector", ".roc-readout [data-field='threshold']"), "no read-out")
    curve = _exact_curve(runs, BINARY_RUN, step)
    threshold = float(_field(driver, "roc-readout", "threshold"))
    (index,) = np.flatnonzero(curve.thresholds == threshold)
    tpr, fpr = curve.tpr[index], curve.fpr[index]
    summary = _served(server.url, BINARY_RUN, step)["curves"][0]
    tp, fp = np.rint(tpr * summary["positives"]), np.rint(fpr * summary["negatives"])  # unweighted: integers
    tn, fn = summary["negatives"] - fp, summary["positives"] - tp
    expected = {
        "sensitivity": tpr, "fpr": fpr, "specificity": 1 - fpr, "ppv": tp / (tp + fp), "npv": tn / (tn + fn),
        "youden": tpr + (1 - fpr) - 1,
    }  # fmt: skip
    for field, value in expected.items():
        assert float(_field(driver, "roc-readout", field)) == value, field  # bit for bit
    _assert_no_console_errors(driver)


def _pinned_matrix(driver):
    table = driver.find_element("css selector", ".roc-pinned-matrix")
    cells = {f: float(_field(driver, "roc-pinned-matrix", f)) for f in ("tp", "fn", "fp", "tn")}
    return float(table.get_attribute("data-threshold")), np.array(
        [[cells["tn"], cells["fp"]], [cells["fn"], cells["tp"]]]
    )


def _matrix_at(runs, run, step, threshold):
    trained = runs[run]
    return keras_roc.evaluate(trained.y_val, trained.predictions[step], threshold=threshold).confusion_matrix


def test_click_pins_a_threshold_kept_across_epochs(board, driver):
    from selenium.webdriver.common.keys import Keys

    server, runs = board
    step = EPOCHS - 1
    (path,) = _open(driver, server.url)
    k = _isolated_vertex(path["vertices"])
    _move_to(driver, path["vertices"][k]).click().perform()
    _wait(driver, lambda d: d.find_elements("css selector", ".roc-pinned-matrix"), "no pinned matrix")
    threshold, matrix = _pinned_matrix(driver)
    assert np.array_equal(matrix, _matrix_at(runs, BINARY_RUN, step, threshold))
    assert matrix.sum() == len(runs[BINARY_RUN].y_val)

    # The slider moves one epoch back; the pin stays, at that epoch's vertex.
    driver.find_element("css selector", "input.roc-epoch-slider").send_keys(Keys.ARROW_LEFT)
    _wait(driver, lambda d: _paths(d)[0]["step"] == str(step - 1), "the slider did not change the epoch")
    assert "following" not in driver.find_element("css selector", ".roc-epoch-label").text
    earlier_threshold, earlier = _pinned_matrix(driver)
    assert earlier_threshold >= threshold  # the vertex holding the pinned threshold
    assert np.array_equal(earlier, _matrix_at(runs, BINARY_RUN, step - 1, earlier_threshold))
    (path,) = _paths(driver)
    assert len(path["vertices"]) == len(_served(server.url, BINARY_RUN, step - 1)["curves"][0]["threshold"])
    _assert_no_console_errors(driver)


def test_run_picker_overlays_runs_in_their_colours(board, driver):
    server, _ = board
    _open(driver, server.url)
    driver.find_element("css selector", f"input.roc-run-toggle[data-run='{MULTICLASS_RUN}']").click()
    _wait(driver, lambda d: {p["run"] for p in _paths(d)} == {BINARY_RUN, MULTICLASS_RUN}, "second run not drawn")
    paths = _paths(driver)
    served = _served(server.url, MULTICLASS_RUN, EPOCHS - 1)
    expected = [(BINARY_RUN, "benign")] + [(MULTICLASS_RUN, c["name"]) for c in served["curves"]]
    assert [(p["run"], p["curve"]) for p in paths] == expected
    for p, curve in zip(paths[1:], served["curves"]):
        assert len(p["vertices"]) == len(curve.get("threshold", curve.get("fpr")))
    colours = {run: {p["stroke"] for p in paths if p["run"] == run} for run in (BINARY_RUN, MULTICLASS_RUN)}
    assert all(len(c) == 1 for c in colours.values()) and colours[BINARY_RUN] != colours[MULTICLASS_RUN]
    _assert_no_console_errors(driver)


def test_auc_strip_click_and_zoom(board, driver):
    from selenium.webdriver.common.action_chains import ActionChains

    server, _ = board
    (path,) = _open(driver, server.url)
    driver.find_element("css selector", "circle.roc-strip-point[data-step='0']").click()
    _wait(driver, lambda d: _paths(d)[0]["step"] == "0", "the AUC strip did not jump to epoch 0")
    svg = driver.find_element("css selector", "svg.roc-chart")
    ActionChains(driver).move_to_element_with_offset(svg, -200, -200).click_and_hold().move_by_offset(
        150, 150
    ).release().perform()
    domain = driver.execute_script("return window.rocTab.chart.domain")
    assert 0 <= domain["x0"] < domain["x1"] < 0.5 and 0.5 < domain["y0"] < domain["y1"] <= 1, domain
    ActionChains(driver).double_click(svg).perform()
    assert driver.execute_script("return window.rocTab.chart.domain") == {"x0": 0, "x1": 1, "y0": 0, "y1": 1}
    _assert_no_console_errors(driver)


def test_the_tab_reloads_when_tensorboard_reloads(board, driver, tmp_path):
    """A new epoch shows after TensorBoard's reload button, before the
    page's own 30 s polling would find it."""
    import time

    from keras_roc import tensorboard, tensorboard_tab

    server, runs = board
    trained = runs[BINARY_RUN]
    writer = tensorboard.EventWriter(server.log_dir / "z_live" / "validation")
    tensorboard_tab.write_tab(writer, trained.results[0], 0)
    writer.flush()
    server.wait_for(lambda url: get_json(url, "/data/plugin/keras_roc/steps", run="z_live/validation")["steps"])
    loaded = time.monotonic()
    driver.get(server.url + "/#keras_roc")
    _wait(driver, lambda d: d.find_elements("css selector", "iframe"), "no plugin iframe")
    frame = driver.find_element("css selector", "iframe")
    driver.switch_to.frame(frame)
    try:
        _wait(driver, _paths, "no curve drawn")
        driver.find_element("css selector", "input.roc-run-toggle[data-run='z_live/validation']").click()
        _wait(driver, lambda d: any(p["run"] == "z_live/validation" for p in _paths(d)), "z_live not drawn")
        tensorboard_tab.write_tab(writer, trained.results[1], 1)
        writer.close()
        server.wait_for(
            lambda url: len(get_json(url, "/data/plugin/keras_roc/steps", run="z_live/validation")["steps"]) == 2
        )
        driver.switch_to.default_content()
        driver.find_element("css selector", "button.reload-button").click()
        driver.switch_to.frame(frame)
        _wait(
            driver,
            lambda d: [p["step"] for p in _paths(d) if p["run"] == "z_live/validation"] == ["1"],
            "the new epoch did not show after TensorBoard's reload",
        )
        assert time.monotonic() - loaded < 29, "shown by the page's polling, not by the reload message"
    finally:
        driver.switch_to.default_content()


def test_errors_show_in_the_page(board, driver):
    """A run whose summary is not JSON: the page says so, and keeps the curves it drew."""
    from tensorboard.compat.proto import summary_pb2

    from keras_roc import tensorboard, tensorboard_tab

    server, _ = board
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="keras_roc", content=b'{"version": 1}'),
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )
    writer = tensorboard.EventWriter(server.log_dir / "zz_broken" / "validation")
    writer.tensors([(tensorboard_tab.SUMMARY_TAG, np.array(b"not json", dtype=object), metadata)], step=0)
    writer.close()
    server.wait_for(lambda url: "zz_broken/validation" in str(get_json(url, "/data/plugin/keras_roc/runs")))
    _open(driver, server.url)
    driver.find_element("css selector", "input.roc-run-toggle[data-run='zz_broken/validation']").click()
    error = _wait(driver, lambda d: d.find_element("css selector", ".roc-error:not([hidden])"), "no error shown")
    assert "zz_broken/validation" in error.text and "not a JSON string" in error.text, error.text
    assert [p["run"] for p in _paths(driver)] == [BINARY_RUN]
