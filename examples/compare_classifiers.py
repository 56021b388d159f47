"""A Keras network against scikit-learn classifiers on one ROC chart.

python examples/compare_classifiers.py --epochs 100 --out runs/compare
"""

import argparse
import os

import keras
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import keras_roc
from keras_roc import figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--out", default=os.path.join("runs", "compare"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    x, target = load_breast_cancer(return_X_y=True)
    y = 1 - target  # 1 = malignant
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, stratify=y, random_state=args.seed)
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

    network = keras.Sequential(
        [
            keras.Input((x.shape[1],)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    network.compile("adam", "binary_crossentropy")
    network.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
    forest = RandomForestClassifier(n_estimators=200, random_state=args.seed).fit(x_train, y_train)
    logistic = LogisticRegression(max_iter=1000).fit(x_train, y_train)

    scores = {
        "Keras MLP": network.predict(x_test, verbose=0)[:, 0],
        "random forest": forest.predict_proba(x_test)[:, 1],
        "logistic regression": logistic.predict_proba(x_test)[:, 1],
    }
    for name, score in scores.items():
        result = keras_roc.evaluate(y_test, score)
        low, high = result.auc_ci
        print(f"{name:<20} AUC {result.auc:.4f} (95% CI {low:.4f}-{high:.4f})")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "comparison.png")
    with open(path, "wb") as file:
        file.write(figures.figure_to_png(figures.plot_roc_comparison(y_test, scores, title="Breast cancer test set")))
    print(f"Figure: {path}")
    return scores


if __name__ == "__main__":
    main()
