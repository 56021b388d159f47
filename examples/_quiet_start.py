"""Import Keras without TensorFlow's native start-up messages.

TensorFlow's C++ runtime writes to the process's standard error while it
loads and first finds its devices (oneDNN notes, "Could not find cuda
drivers", "failed call to cuInit" on machines without a GPU), bypassing
Python and `TF_CPP_MIN_LOG_LEVEL` for the lines logged before absl is set
up. The examples hide file descriptor 2 for just that moment; Python
errors raised meanwhile still propagate and are printed after it.
"""

import contextlib
import os


@contextlib.contextmanager
def native_stderr_hidden():
    """Sends file descriptor 2 to /dev/null inside the block."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_keras():
    """`import keras`, its backend loaded and its devices found, quietly."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with native_stderr_hidden():
        import keras

        keras.ops.convert_to_tensor(0.0)  # the first op finds the devices
    return keras
