"""ROC under k-fold cross-validation: each fold's curve, mean and ±1 std.

python examples/cross_validation.py --folds 5 --epochs 60 --out runs/cv
"""

import argparse
import os

import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

import keras_roc
from keras_roc import figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--out", default=os.path.join("runs", "cv"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    x, target = load_breast_cancer(return_X_y=True)
    y = 1 - target  # 1 = malignant
    results = []
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for fold, (train, test) in enumerate(folds.split(x, y)):
        keras.utils.set_random_seed(args.seed + fold)
        scaler = StandardScaler().fit(x[train])
        model = keras.Sequential(
            [
                keras.Input((x.shape[1],)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile("adam", "binary_crossentropy")
        model.fit(scaler.transform(x[train]), y[train], epochs=args.epochs, batch_size=32, verbose=0)
        scores = model.predict(scaler.transform(x[test]), verbose=0)
        results.append(keras_roc.evaluate(y[test], scores))
        print(f"fold {fold + 1}/{args.folds}: AUC {results[-1].auc:.4f}", flush=True)
    summary = figures.cv_roc_summary(results)
    print(f"mean AUC {summary.mean_auc:.4f} ± {summary.std_auc:.4f} over {args.folds} folds")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "cross_validation.png")
    with open(path, "wb") as file:
        file.write(figures.figure_to_png(figures.plot_cv_roc(results, title=f"{args.folds}-fold cross-validation")))
    print(f"Figure: {path}")
    return summary


if __name__ == "__main__":
    main()
