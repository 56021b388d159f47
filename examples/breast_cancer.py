"""Binary classifier on the Wisconsin breast-cancer data, judged by ROC AUC.

Trains a small MLP with `ROCCallback` and `ConfusionMatrixCallback`, stops
early on the validation AUC (restoring the best weights), then prints the
best epoch, the AUC with its 95% DeLong interval, sensitivity and
specificity, and the command that opens TensorBoard on the logs.

    python3 dev.py demo                      # from the repository root
    python examples/breast_cancer.py --epochs 50 --log-dir runs/bc
"""

import argparse
import os
import sys

from _quiet_start import import_keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import keras_roc
from keras_roc import figures

keras = import_keras()


def load_data(seed):
    features, target = load_breast_cancer(return_X_y=True)
    # scikit-learn codes malignant as 0; a diagnostic test calls the disease
    # "positive", so 1 = malignant here.
    labels = 1 - target
    x_train, x_val, y_train, y_val = train_test_split(
        features, labels, test_size=0.3, stratify=labels, random_state=seed
    )
    scaler = StandardScaler().fit(x_train)
    return (
        scaler.transform(x_train).astype("float32"),
        y_train.astype("float32"),
        scaler.transform(x_val).astype("float32"),
        y_val.astype("float32"),
    )


def build_model(n_features):
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", metrics=["accuracy"])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=15)
    parser.add_argument("--log-dir", default=os.path.join("runs", "breast_cancer"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    x_train, y_train, x_val, y_val = load_data(args.seed)
    names = ["benign", "malignant"]
    model = build_model(x_train.shape[1])

    # No validation_data here: the callbacks reuse fit's validation pass.
    # Epochs on 400 samples take a fraction of a second, less than drawing a
    # figure, so draw every 5th epoch (scalars are written every epoch).
    roc = keras_roc.ROCCallback(log_dir=args.log_dir, class_names=names, image_every=5)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=args.log_dir, class_names=names, image_every=5)
    stop = keras.callbacks.EarlyStopping(
        monitor="val_roc_auc", mode="max", patience=args.patience, restore_best_weights=True
    )
    board = keras.callbacks.TensorBoard(log_dir=args.log_dir)
    print(f"Training on {len(x_train)} tumours, validating on {len(x_val)} ...")
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=args.epochs,
        batch_size=32,
        verbose=0,
        callbacks=[roc, cm, stop, board],
    )

    aucs = history.history["val_roc_auc"]
    best_epoch = max(range(len(aucs)), key=aucs.__getitem__)
    result = keras_roc.evaluate(y_val, model.predict(x_val, verbose=0), class_names=names)
    low, high = result.auc_ci
    point, best = result.at_threshold, result.youden
    print(f"Trained {len(aucs)} epochs; best epoch {best_epoch + 1} (weights restored).")
    print(f"Validation ROC AUC {result.auc:.4f} (95% CI {low:.4f}-{high:.4f}), log loss {result.log_loss:.4f}")
    print(f"At threshold {point.threshold:g}: sensitivity {point.sensitivity:.3f}, specificity {point.specificity:.3f}")
    print(
        f"Youden's optimum {best.threshold:.3f}: sensitivity {best.sensitivity:.3f}, specificity {best.specificity:.3f}"
    )
    print(f"Confusion matrix (rows true {names}, columns predicted):\n{result.confusion_matrix}")

    roc_png = os.path.join(args.log_dir, "roc_curve.png")
    cm_png = os.path.join(args.log_dir, "confusion_matrix.png")
    with open(roc_png, "wb") as file:
        file.write(figures.figure_to_png(figures.plot_roc(result, title="Breast cancer, validation ROC")))
    with open(cm_png, "wb") as file:
        file.write(figures.figure_to_png(figures.plot_confusion_matrix(result)))
    print(f"Figures: {roc_png}, {cm_png}")
    tensorboard = os.path.join(os.path.dirname(sys.executable), "tensorboard")
    print(f"Open TensorBoard:  {os.path.relpath(tensorboard)} --logdir {args.log_dir}")
    return result


if __name__ == "__main__":
    main()
