"""Runs the ROC tab's JavaScript unit tests (tests/js/) with `node --test`.

Node is part of the machine image; a missing `node` fails, never skips.
"""

import pathlib
import shutil
import subprocess

JS_TESTS = pathlib.Path(__file__).resolve().parents[1] / "js"


def test_page_logic_with_node():
    node = shutil.which("node")
    assert node, "node is not on PATH: the ROC tab's JavaScript tests need Node.js 18+"
    files = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, f"no JavaScript tests in {JS_TESTS}"
    done = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout
