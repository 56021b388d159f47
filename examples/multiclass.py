"""Softmax classifier on scikit-learn's handwritten digits (10 classes).

Shows the one-vs-rest ROC analysis: one curve per class plus micro- and
macro-averaged curves (with a zoom on the top-left corner), the normalized
confusion matrix and the log loss, in TensorBoard and as PNG files.

    python examples/multiclass.py --epochs 30 --log-dir runs/digits
"""

import argparse
import os

from _quiet_start import import_keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keras_roc
from keras_roc import figures

keras = import_keras()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--log-dir", default=os.path.join("runs", "digits"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, stratify=y, random_state=args.seed)
    names = [str(d) for d in range(10)]

    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    # Reuse fit's validation pass; draw figures every 5th (sub-second) epoch.
    roc = keras_roc.ROCCallback(log_dir=args.log_dir, class_names=names, image_every=5)
    cm = keras_roc.ConfusionMatrixCallback(log_dir=args.log_dir, class_names=names, image_every=5)
    stop = keras.callbacks.EarlyStopping(monitor="val_roc_auc", mode="max", patience=5, restore_best_weights=True)
    model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=args.epochs,
        batch_size=64,
        verbose=0,
        callbacks=[roc, cm, stop],
    )

    result = keras_roc.evaluate(y_val, model.predict(x_val, verbose=0), class_names=names)
    print(result)
    os.makedirs(args.log_dir, exist_ok=True)
    for name, figure in [
        ("roc_curve.png", figures.plot_roc(result, zoom=True, title="Digits: one-vs-rest ROC")),
        ("confusion_matrix.png", figures.plot_confusion_matrix(result, normalize="true")),
    ]:
        with open(os.path.join(args.log_dir, name), "wb") as file:
            file.write(figures.figure_to_png(figure))
    print(f"Figures and TensorBoard logs in {args.log_dir}")
    return result


if __name__ == "__main__":
    main()
