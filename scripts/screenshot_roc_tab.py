"""Makes the README's screenshot of TensorBoard's ROC tab, for real.

Trains a small softmax network on scikit-learn's digits (10 classes) with
`ROCCallback` writing to a temporary log directory, starts the installed
`tensorboard` on 127.0.0.1, opens its ROC tab in headless Chromium (Debian's
`chromium` and `chromium-driver`, driven by Selenium), pins a threshold on
one class's curve, hovers another vertex, and saves the window.

    python scripts/screenshot_roc_tab.py [--out docs/images/roc_tab.png]

Needs the `test` and `examples` extras (selenium, scikit-learn).
"""

import argparse
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WINDOW = (1320, 1320)


def train(log_dir, epochs):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    import keras_roc

    keras.utils.set_random_seed(0)
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    model = keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile(keras.optimizers.Adam(0.002), "sparse_categorical_crossentropy")
    roc = keras_roc.ROCCallback(log_dir=log_dir / "digits", image_every=0)
    model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=64, verbose=0, callbacks=[roc]
    )
    roc.flush()


def start_tensorboard(log_dir, work_dir):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(work_dir / "tensorboard.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(log_dir), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TMPDIR=str(work_dir)),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            opener.open(url + "/data/plugin/keras_roc/runs", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("TensorBoard did not start: " + (work_dir / "tensorboard.log").read_text()[-3000:])


def screenshot(url, out):
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-proxy-server", "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.get(url + "/#keras_roc")
        wait = WebDriverWait(driver, 30)
        frame = wait.until(lambda d: d.find_element("css selector", "iframe"))
        driver.switch_to.frame(frame)
        wait.until(lambda d: d.find_elements("css selector", "path.roc-curve"))
        svg = driver.find_element("css selector", "svg.roc-chart")
        width, height = float(svg.get_attribute("width")), float(svg.get_attribute("height"))

        def offset(x, y):  # chart pixels -> Selenium's offset from the element's centre
            return int(round(x - width / 2)), int(round(y - height / 2))

        def vertex(curve, tpr):  # pixels of `curve`'s first drawn vertex reaching `tpr`
            return driver.execute_script(
                "const c = window.rocTab.chart; const i = c.series.findIndex(s => s.curve === arguments[0]);"
                "const k = c.series[i].points.findIndex(p => p.tpr >= arguments[1]);"
                "const p = c.pixels[i][k]; return [p.x, p.y];",
                curve, tpr,
            )  # fmt: skip

        zoom_from = driver.execute_script("const c = window.rocTab.chart; return [c.x(0.0), c.y(1.0)]")
        zoom_to = driver.execute_script("const c = window.rocTab.chart; return [c.x(0.3), c.y(0.7)]")
        ActionChains(driver).move_to_element_with_offset(
            svg, *offset(*zoom_from)
        ).click_and_hold().move_to_element_with_offset(svg, *offset(*zoom_to)).release().perform()
        ActionChains(driver).move_to_element_with_offset(svg, *offset(*vertex("8", 0.9))).click().perform()
        ActionChains(driver).move_to_element_with_offset(svg, *offset(*vertex("3", 0.95))).perform()
        time.sleep(0.5)
        driver.switch_to.default_content()
        driver.save_screenshot(str(out))
    finally:
        driver.quit()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "roc_tab.png"))
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work_dir = pathlib.Path(work)
        train(work_dir / "runs", args.epochs)
        process, url = start_tensorboard(work_dir / "runs", work_dir)
        try:
            screenshot(url, out)
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
