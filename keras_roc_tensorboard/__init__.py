"""TensorBoard's ROC tab for keras_roc (the `tensorboard_plugins` entry point).

TensorBoard imports this module at start-up without guarding it: a module
that fails to import takes the whole `tensorboard` command down. It therefore
imports nothing but `tensorboard.plugins.base_plugin`; the plugin itself
(`keras_roc_tensorboard._plugin`) is imported in `ROCTabLoader.load`, which
TensorBoard does guard ("Failed to load plugin ...; ignoring it"). Neither
imports `keras_roc` (which would bring matplotlib), TensorFlow or Keras.
"""

from tensorboard.plugins import base_plugin

#: Plugin name: route prefix `/data/plugin/keras_roc/` and the plugin name in
#: the event files (`keras_roc.tensorboard_tab.PLUGIN_NAME`).
PLUGIN_NAME = "keras_roc"
#: Epochs each loader keeps per tag unless `--samples_per_plugin` says
#: otherwise: TensorBoard's Python loader keeps only 10 tensors of a
#: third-party plugin by default, a reservoir sample (the Rust one 100).
SAMPLES_PER_TAG = 1000


class ROCTabLoader(base_plugin.TBLoader):
    """Loads the ROC tab; asks both loaders to keep every epoch."""

    def fix_flags(self, flags):
        samples = getattr(flags, "samples_per_plugin", None)
        if isinstance(samples, dict):  # a user's own --samples_per_plugin=keras_roc=N wins
            samples.setdefault(PLUGIN_NAME, SAMPLES_PER_TAG)

    def load(self, context):
        from keras_roc_tensorboard._plugin import ROCTabPlugin

        return ROCTabPlugin(context)
