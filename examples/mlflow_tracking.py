"""Track every epoch's exact ROC results in MLflow, through `on_result`.

`ROCCallback(on_result=hook)` calls `hook(epoch, result)` after each
validated epoch with the full `keras_roc.ROCResult`. `MLflowLogger` below is
such a hook: the epoch's scalars become MLflow metrics (step = epoch), the
ROC and confusion-matrix figures artifacts. The run also stops on
significant AUC gains only (`AUCEarlyStopping`) and logs the threshold
validated with the kept weights (`ThresholdCheckpoint`).

Needs `pip install mlflow-skinny` (or `mlflow`). By default it writes to a
local file store, `./mlruns`:

    python examples/mlflow_tracking.py --epochs 60
    mlflow ui --backend-store-uri ./mlruns     # with the full `mlflow` package
"""

import argparse
import math
import os

from _quiet_start import import_keras
from breast_cancer import build_model, load_data

import keras_roc

keras = import_keras()


class MLflowLogger:
    """An `on_result` hook logging to the active MLflow run.

    Args:
        prefix: Put before each metric name. Defaults to `"val_"`.
        figure_every: Log the ROC and confusion-matrix figures every this
            many epochs (0: never). Figures take a few tenths of a second:
            on fast epochs, log them less often. Defaults to `5`.
    """

    def __init__(self, prefix="val_", figure_every=5):
        self.prefix = prefix
        self.figure_every = figure_every

    def __call__(self, epoch, result):
        import mlflow

        metrics = {self.prefix + key: value for key, value in result.scalars().items()}
        if result.task != "binary":
            metrics.update({f"{self.prefix}roc_auc_per_class/{n}": v for n, v in result.per_class_auc.items()})
        # MLflow stores NaN (undefined values) as NaN.
        mlflow.log_metrics({key: float(value) for key, value in metrics.items()}, step=epoch)
        if self.figure_every and epoch % self.figure_every == 0:
            mlflow.log_figure(keras_roc.plot_roc(result, title=f"ROC, epoch {epoch}"), f"roc/epoch_{epoch:04d}.png")
            mlflow.log_figure(keras_roc.plot_confusion_matrix(result), f"confusion_matrix/epoch_{epoch:04d}.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--tracking-uri", default=None, help="default: a file store in ./mlruns")
    parser.add_argument("--out", default=os.path.join("runs", "mlflow_tracking"), help="model and threshold")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import mlflow

    if args.tracking_uri is None:
        # MLflow 3 keeps the file store for local use behind this switch.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        args.tracking_uri = "file://" + os.path.abspath("mlruns")
    mlflow.set_tracking_uri(args.tracking_uri)
    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.keras")

    keras.utils.set_random_seed(args.seed)
    x_train, y_train, x_val, y_val = load_data(args.seed)
    model = build_model(x_train.shape[1])
    roc = keras_roc.ROCCallback(class_names=["benign", "malignant"], on_result=MLflowLogger())
    stop = keras_roc.AUCEarlyStopping(patience=args.patience, restore_best_weights=True)
    threshold = keras_roc.ThresholdCheckpoint(model_path)
    with mlflow.start_run() as run:
        mlflow.log_params({"epochs": args.epochs, "patience": args.patience, "seed": args.seed})
        history = model.fit(
            x_train,
            y_train,
            validation_data=(x_val, y_val),
            epochs=args.epochs,
            batch_size=32,
            verbose=0,
            callbacks=[roc, stop, threshold],
        )
        model.save(model_path)
        mlflow.log_artifact(model_path, "model")
        if threshold.threshold is not None:
            mlflow.log_artifact(keras_roc.thresholds.threshold_path(model_path), "model")
            mlflow.log_metric("threshold", threshold.threshold.threshold)
    trained = len(history.history["loss"])
    print(f"MLflow run {run.info.run_id} at {args.tracking_uri}")
    print(f"Trained {trained} epochs; best epoch {stop.best_epoch + 1} (weights restored).")
    saved = keras_roc.load_threshold(model_path)
    if not math.isnan(saved.threshold):
        print(
            f"Threshold {saved.threshold:.4f} (Youden, epoch {saved.epoch + 1}): "
            f"sensitivity {saved.sensitivity:.3f}, specificity {saved.specificity:.3f}"
        )
    return run.info.run_id


if __name__ == "__main__":
    main()
