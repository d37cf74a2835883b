"""Time explained.ensembles against scikit-learn on 20,000 x 20 synthetic data.

Run: ``.venv/bin/python benchmarks/ensembles.py [--repeat N]``. Each estimator pair is fitted on
the same training split (15,000 rows) and scored on the same test split (5,000 rows), in the same
process, one after the other. The script prints fit and predict times, their ratios
(ours / scikit-learn) and both scores; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.datasets import make_classification, make_regression

from explained import ensembles as ours


def _time(func, repeat: int) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    args = parser.parse_args()

    Xc, yc = make_classification(
        n_samples=20_000, n_features=20, n_informative=10, n_redundant=5, random_state=0
    )
    Xr, yr = make_regression(
        n_samples=20_000, n_features=20, n_informative=10, noise=10.0, random_state=0
    )
    split = 15_000
    cases = [
        (
            "tree (classifier)",
            "clf",
            ours.DecisionTreeClassifier(random_state=0),
            sk_tree.DecisionTreeClassifier(random_state=0),
        ),
        (
            "tree (regressor)",
            "reg",
            ours.DecisionTreeRegressor(random_state=0),
            sk_tree.DecisionTreeRegressor(random_state=0),
        ),
        (
            "random forest 100 (classifier)",
            "clf",
            ours.RandomForestClassifier(n_estimators=100, random_state=0),
            sk_ensemble.RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=0),
        ),
        (
            "random forest 100 (classifier, n_jobs=2)",
            "clf",
            ours.RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0),
            sk_ensemble.RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0),
        ),
        (
            "random forest 100 (regressor, sqrt)",
            "reg",
            ours.RandomForestRegressor(n_estimators=100, max_features="sqrt", random_state=0),
            sk_ensemble.RandomForestRegressor(
                n_estimators=100, max_features="sqrt", n_jobs=1, random_state=0
            ),
        ),
        (
            "GBDT 100 x depth 3 (classifier)",
            "clf",
            ours.GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
            sk_ensemble.GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
        ),
        (
            "GBDT 100 x depth 3 (regressor)",
            "reg",
            ours.GradientBoostingRegressor(n_estimators=100, max_depth=3, random_state=0),
            sk_ensemble.GradientBoostingRegressor(n_estimators=100, max_depth=3, random_state=0),
        ),
        (
            "AdaBoost 100 stumps (classifier)",
            "clf",
            ours.AdaBoostClassifier(n_estimators=100, random_state=0),
            sk_ensemble.AdaBoostClassifier(n_estimators=100, random_state=0),
        ),
    ]
    header = (
        f"{'estimator':38} {'fit ours':>9} {'fit skl':>9} {'ratio':>6} "
        f"{'pred ours':>9} {'pred skl':>9} {'ratio':>6} {'score ours':>10} {'score skl':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, kind, mine, theirs in cases:
        X, y = (Xc, yc) if kind == "clf" else (Xr, yr)
        Xtr, ytr, Xte, yte = X[:split], y[:split], X[split:], y[split:]
        fit_a, _ = _time(lambda m=mine, a=Xtr, b=ytr: m.fit(a, b), args.repeat)
        fit_b, _ = _time(lambda m=theirs, a=Xtr, b=ytr: m.fit(a, b), args.repeat)
        pred_a, _ = _time(lambda m=mine, a=Xte: m.predict(a), args.repeat)
        pred_b, _ = _time(lambda m=theirs, a=Xte: m.predict(a), args.repeat)
        score_a, score_b = mine.score(Xte, yte), theirs.score(Xte, yte)
        print(
            f"{name:38} {fit_a:9.3f} {fit_b:9.3f} {fit_a / fit_b:6.2f} "
            f"{pred_a:9.4f} {pred_b:9.4f} {pred_a / pred_b:6.2f} {score_a:10.4f} {score_b:10.4f}"
        )
    print(
        "\nscore = accuracy (classifiers) or R² (regressors) on the 5,000 held-out rows; "
        "times in seconds; ratio = ours / scikit-learn."
    )


if __name__ == "__main__":
    main()
