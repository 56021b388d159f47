"""The ROC tab's entry point cannot take TensorBoard down.

TensorBoard imports every `tensorboard_plugins` entry point unguarded at
start-up, so the entry-point module must import almost nothing; the plugin
is imported in `ROCTabLoader.load`, which TensorBoard guards.
"""

import importlib.metadata
import json
import subprocess
import sys

import pytest
from helpers import TensorBoardServer, get_json

HEAVY = ("tensorflow", "keras", "matplotlib", "keras_roc")


def _modules_after(code):
    """Top-level modules loaded by `code` in a fresh interpreter."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(output.stdout.strip().splitlines()[-1]))


def test_the_entry_point_is_registered():
    (entry,) = [e for e in importlib.metadata.entry_points(group="tensorboard_plugins") if e.name == "keras_roc"]
    assert entry.value == "keras_roc_tensorboard:ROCTabLoader"


def test_entry_point_module_imports_nothing_heavy():
    loaded = _modules_after("import keras_roc_tensorboard")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "tensorboard" in loaded  # it did import base_plugin


def test_the_plugin_itself_imports_no_keras_roc_or_matplotlib():
    code = "import keras_roc_tensorboard._plugin"
    loaded = _modules_after(code)
    assert not loaded & {"keras_roc", "matplotlib", "keras"}, sorted(loaded & {"keras_roc", "matplotlib", "keras"})


def test_fix_flags_keeps_every_epoch_unless_the_user_says_otherwise():
    import argparse

    from keras_roc_tensorboard import SAMPLES_PER_TAG, ROCTabLoader

    flags = argparse.Namespace(samples_per_plugin={"images": 5})
    ROCTabLoader().fix_flags(flags)
    assert flags.samples_per_plugin == {"images": 5, "keras_roc": SAMPLES_PER_TAG}
    flags = argparse.Namespace(samples_per_plugin={"keras_roc": 3})
    ROCTabLoader().fix_flags(flags)
    assert flags.samples_per_plugin == {"keras_roc": 3}
    ROCTabLoader().fix_flags(argparse.Namespace())  # no such flag: nothing to do


@pytest.mark.slow
def test_a_broken_plugin_import_leaves_tensorboard_serving(tmp_path):
    """`keras_roc_tensorboard._plugin` fails to import: TensorBoard logs it
    and serves its other dashboards."""
    from keras_roc.tensorboard import EventWriter

    log_dir = tmp_path / "logs"
    writer = EventWriter(log_dir / "run")
    writer.scalars({"epoch_loss": 0.5}, step=0)
    writer.close()
    # `sys.modules[name] = None` makes `import name` raise ImportError.
    command = [
        sys.executable, "-c",
        "import sys; sys.modules['keras_roc_tensorboard._plugin'] = None; "
        "from tensorboard.main import run_main; sys.argv[0] = 'tensorboard'; run_main()",
    ]  # fmt: skip
    with TensorBoardServer(log_dir, tmp_path, command=command) as server:
        listing = get_json(server.url, "/data/plugins_listing")
        assert "keras_roc" not in listing and listing["scalars"]["enabled"], listing
        points = server.wait_for(lambda url: get_json(url, "/data/plugin/scalars/scalars", run="run", tag="epoch_loss"))
        assert [point[1:] for point in points] == [[0, 0.5]]
        assert "Failed to load plugin ROCTabLoader.load; ignoring it" in server.log_text()


def test_the_plugin_and_the_writer_agree_on_names():
    """The plugin cannot import keras_roc, so both spell the names: they must agree."""
    import keras_roc_tensorboard
    from keras_roc import tensorboard_tab
    from keras_roc_tensorboard import _plugin

    assert keras_roc_tensorboard.PLUGIN_NAME == tensorboard_tab.PLUGIN_NAME == "keras_roc"
    assert _plugin.SUMMARY_TAG == tensorboard_tab.SUMMARY_TAG
