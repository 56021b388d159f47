"""`ConfusionMatrixCallback`: confusion matrices of each pass in TensorBoard."""

from __future__ import annotations

from keras_roc import _render
from keras_roc.callbacks import _checks
from keras_roc.callbacks.base import ValidationCallback


class ConfusionMatrixCallback(ValidationCallback):
    """Confusion matrices (counts and row-normalized) in TensorBoard.

    At each epoch end the matrix of the validation set is drawn as the image
    `confusion_matrix` in `<log_dir>/validation`, at the epochs
    `image_every` chooses (by default the last, and others while drawing
    is cheap next to training), in keras_roc's low-priority drawing process (see
    `keras_roc._render`), off the training thread. Without
    `validation_data` it reuses fit's validation pass; with it, the model
    predicts once per epoch, shared with a `ROCCallback` given the same
    data. Binary tasks use `threshold` (scores `>=` it are positive);
    multiclass tasks the argmax; multilabel tasks one 2x2 per label. The
    latest matrix is in `self.confusion_matrix` (None before the first
    pass). In `model.evaluate(x, y, callbacks=[cm])` it scores `evaluate`'s
    data and draws to `<log_dir>/evaluation`.

    Args:
        validation_data: As for `ROCCallback`; None reuses fit's validation
            pass. Defaults to `None`.
        log_dir: TensorBoard log directory; None keeps the matrix in memory
            only. Defaults to `None`.
        class_names: Names of the classes. Defaults to `None`.
        from_logits: Whether the model outputs logits (sigmoid or softmax
            is applied first). Defaults to `None`: as the model's compiled
            loss says (e.g. `BinaryCrossentropy(from_logits=True)`), else
            probabilities, with one warning and NaN log loss if the outputs
            fall outside [0, 1].
        task: As for `ROCCallback`. Defaults to `"auto"`.
        threshold: Binary/multilabel decision threshold. Defaults to `0.5`.
        image_every: When to draw the image: `"auto"` (the last epoch,
            others while drawing stays within a small share of training
            time), every k epochs, or 0/None (never); as for `ROCCallback`.
            Defaults to `"auto"`.
        batch_size: Prediction batch size for arrays. Defaults to `None`.
        output: Output to evaluate in multi-output models. Defaults to `None`.
        verbose: 1 prints the matrix each epoch. Defaults to `0`.

    Example:

    ```python
    cm = keras_roc.ConfusionMatrixCallback(log_dir="runs/exp1", class_names=names)
    model.fit(x, y, validation_data=(x_val, y_val), epochs=10, callbacks=[cm])
    ```
    """

    def __init__(self, validation_data=None, **kwargs):
        super().__init__(validation_data, **kwargs)
        self.confusion_matrix = None

    def _reset_run(self):
        super()._reset_run()
        self.confusion_matrix = None

    def _concerns_us(self, note):
        # AUC and log-loss notes are ROCCallback's to give.
        return not any(word in note for word in _checks.AUC_NOTE_WORDS)

    def on_epoch_end(self, epoch, logs=None):
        self._on_pass(epoch, f"Epoch {epoch + 1}")

    def _on_pass_end(self, step, logs):
        self._on_pass(step, f"Evaluation {step}")

    def _on_pass(self, step, label):
        data = self._predictions(step)
        if data is None:
            return  # no validation pass this epoch (validation_freq)
        matrix = self._evaluate(data)  # cheap next to the pass it shares
        self.confusion_matrix = matrix.confusion_matrix
        if self.verbose:
            print(f"{label}: confusion matrix\n{self.confusion_matrix}")
        if self._writer is not None:
            writer = self._writer
            title = f"Confusion matrix, {label.split()[0].lower()} {step}"

            def write_image():
                spec = _render.DrawSpec("plot_confusion_matrix", (matrix,), suptitle=title)
                writer.image("confusion_matrix", _render.draw_png(spec), step=step)
                writer.flush()

            self._submit_images(step, write_image)
