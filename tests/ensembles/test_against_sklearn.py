"""Our estimators and scikit-learn's, fitted on the same split of its bundled datasets, score alike.

Trees break ties between equally good features differently and draw different random numbers, so
scores are compared within a margin rather than for equality.
"""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.model_selection import train_test_split

from explained import ensembles as ours

LOADERS = {
    "breast_cancer": load_breast_cancer,
    "iris": load_iris,
    "digits": load_digits,
    "diabetes": load_diabetes,
}


def _split(name):
    X, y = LOADERS[name](return_X_y=True)
    return train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=None if name == "diabetes" else y
    )


def _scores(ours_model, sk_model, name):
    X_train, X_test, y_train, y_test = _split(name)
    ours_model.fit(X_train, y_train)
    sk_model.fit(X_train, y_train)
    return ours_model.score(X_test, y_test), sk_model.score(X_test, y_test)


CLASSIFICATION = [
    (
        "tree",
        lambda: ours.DecisionTreeClassifier(random_state=0),
        lambda: sk_tree.DecisionTreeClassifier(random_state=0),
        0.06,
    ),
    (
        "forest",
        lambda: ours.RandomForestClassifier(n_estimators=100, random_state=0),
        lambda: sk_ensemble.RandomForestClassifier(n_estimators=100, random_state=0),
        0.03,
    ),
    (
        "adaboost",
        lambda: ours.AdaBoostClassifier(
            ours.DecisionTreeClassifier(max_depth=3), n_estimators=50, random_state=0
        ),
        lambda: sk_ensemble.AdaBoostClassifier(
            sk_tree.DecisionTreeClassifier(max_depth=3), n_estimators=50, random_state=0
        ),
        0.04,
    ),
    (
        "gbdt",
        lambda: ours.GradientBoostingClassifier(n_estimators=15, random_state=0),
        lambda: sk_ensemble.GradientBoostingClassifier(n_estimators=15, random_state=0),
        0.03,
    ),
]


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "digits"])
@pytest.mark.parametrize(
    ("model", "make_ours", "make_sk", "margin"), CLASSIFICATION, ids=[c[0] for c in CLASSIFICATION]
)
def test_classification_accuracy_close_to_sklearn(dataset, model, make_ours, make_sk, margin):
    ours_score, sk_score = _scores(make_ours(), make_sk(), dataset)
    assert ours_score >= sk_score - margin, (ours_score, sk_score)


def test_default_adaboost_stumps_close_to_sklearn_on_breast_cancer():
    ours_score, sk_score = _scores(
        ours.AdaBoostClassifier(n_estimators=100),
        sk_ensemble.AdaBoostClassifier(n_estimators=100, random_state=0),
        "breast_cancer",
    )
    assert ours_score >= sk_score - 0.03, (ours_score, sk_score)


REGRESSION = [
    (
        "tree",
        lambda: ours.DecisionTreeRegressor(max_depth=4),
        lambda: sk_tree.DecisionTreeRegressor(max_depth=4),
        0.05,
    ),
    (
        "forest",
        lambda: ours.RandomForestRegressor(n_estimators=100, random_state=0),
        lambda: sk_ensemble.RandomForestRegressor(n_estimators=100, random_state=0),
        0.03,
    ),
    (
        "gbdt",
        lambda: ours.GradientBoostingRegressor(n_estimators=100, random_state=0),
        lambda: sk_ensemble.GradientBoostingRegressor(n_estimators=100, random_state=0),
        0.02,
    ),
    (
        "gbdt_huber",
        lambda: ours.GradientBoostingRegressor(loss="huber", n_estimators=100),
        lambda: sk_ensemble.GradientBoostingRegressor(
            loss="huber", n_estimators=100, random_state=0
        ),
        0.03,
    ),
    (
        "gbdt_absolute",
        lambda: ours.GradientBoostingRegressor(loss="absolute_error", n_estimators=100),
        lambda: sk_ensemble.GradientBoostingRegressor(
            loss="absolute_error", n_estimators=100, random_state=0
        ),
        0.03,
    ),
]


@pytest.mark.parametrize(
    ("model", "make_ours", "make_sk", "margin"), REGRESSION, ids=[c[0] for c in REGRESSION]
)
def test_regression_r2_close_to_sklearn_on_diabetes(model, make_ours, make_sk, margin):
    ours_score, sk_score = _scores(make_ours(), make_sk(), "diabetes")
    assert ours_score >= sk_score - margin, (ours_score, sk_score)


def test_oob_score_close_to_sklearn():
    X_train, _, y_train, _ = _split("breast_cancer")
    a = ours.RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0).fit(
        X_train, y_train
    )
    b = sk_ensemble.RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0).fit(
        X_train, y_train
    )
    assert abs(a.oob_score_ - b.oob_score_) < 0.03


def test_importances_agree_with_sklearn_forest():
    X_train, _, y_train, _ = _split("breast_cancer")
    a = ours.RandomForestClassifier(n_estimators=200, random_state=0).fit(X_train, y_train)
    b = sk_ensemble.RandomForestClassifier(n_estimators=200, random_state=0).fit(X_train, y_train)
    top_a = set(np.argsort(a.feature_importances_)[-5:])
    top_b = set(np.argsort(b.feature_importances_)[-5:])
    assert len(top_a & top_b) >= 3
    assert np.corrcoef(a.feature_importances_, b.feature_importances_)[0, 1] > 0.9
