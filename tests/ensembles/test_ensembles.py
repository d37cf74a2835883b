"""Random forests, AdaBoost and gradient boosting: textbook examples, invariants, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explained.ensembles import (
    AdaBoostClassifier,
    DecisionTreeClassifier,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

X81 = np.arange(10, dtype=float).reshape(-1, 1)
Y81 = np.array([1, 1, 1, -1, -1, -1, 1, 1, 1, -1])
X82 = np.arange(1, 11, dtype=float).reshape(-1, 1)
Y82 = np.array([5.56, 5.70, 5.91, 6.40, 6.80, 7.05, 8.90, 8.70, 9.00, 9.05])


def _moons(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = ((X[:, 0] ** 2 + X[:, 1]) > 0.5).astype(int)
    return X, y


# ---------------------------------------------------------------- AdaBoost


def test_adaboost_example_8_1_exact():
    ada = AdaBoostClassifier(n_estimators=3).fit(X81, Y81)
    assert [t.tree_.threshold[0] for t in ada.estimators_] == [2.5, 8.5, 5.5]
    assert np.allclose(ada.estimator_errors_, [0.3, 3 / 14, 2 / 11])
    expected_alpha = 0.5 * np.log((1 - ada.estimator_errors_) / ada.estimator_errors_)
    assert np.allclose(ada.estimator_weights_, expected_alpha)
    assert np.allclose(
        ada.estimator_weights_, [0.5 * np.log(7 / 3), 0.5 * np.log(11 / 3), 0.5 * np.log(4.5)]
    )
    weights = list(ada.staged_sample_weight(X81, Y81))
    assert np.allclose(weights[1], [1 / 14] * 6 + [1 / 6] * 3 + [1 / 14])
    assert np.allclose(weights[2], [1 / 22] * 3 + [1 / 6] * 3 + [7 / 66] * 3 + [1 / 22])
    # Z_m = 2 sqrt(e (1 - e)) and the training error bound
    e = ada.estimator_errors_
    assert np.allclose(ada.normalizers_, 2 * np.sqrt(e * (1 - e)))
    assert ada.score(X81, Y81) == 1.0
    train_errors = [np.mean(p != Y81) for p in ada.staged_predict(X81)]
    assert np.allclose(train_errors, [0.3, 0.3, 0.0])
    assert all(err <= np.prod(ada.normalizers_[: i + 1]) for i, err in enumerate(train_errors))


def test_adaboost_two_class_alpha_is_half_of_sklearn():
    from sklearn.ensemble import AdaBoostClassifier as SkAda
    from sklearn.tree import DecisionTreeClassifier as SkTree

    X, y = _moons()
    ours = AdaBoostClassifier(n_estimators=10).fit(X, y)
    theirs = SkAda(SkTree(max_depth=1), n_estimators=10).fit(X, y)
    first_ours = ours.estimator_weights_[0]
    first_theirs = theirs.estimator_weights_[0]
    assert (
        np.isclose(2 * first_ours, first_theirs)
        or ours.estimators_[0].tree_.threshold[0] != theirs.estimators_[0].tree_.threshold[0]
    )
    assert np.isclose(
        2 * first_ours, np.log((1 - ours.estimator_errors_[0]) / ours.estimator_errors_[0])
    )


def test_adaboost_samme_weight_and_proba():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    ada = AdaBoostClassifier(n_estimators=20).fit(X, y)
    e = ada.estimator_errors_
    assert np.allclose(ada.estimator_weights_, np.log((1 - e) / e) + np.log(2))
    proba = ada.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1) and ada.score(X, y) > 0.9
    assert np.array_equal(ada.classes_[proba.argmax(axis=1)], ada.predict(X))


def test_adaboost_perfect_learner_stops():
    ada = AdaBoostClassifier(n_estimators=10).fit(X81[:6], Y81[:6] * 0 + np.r_[1, 1, 1, -1, -1, -1])
    assert len(ada.estimators_) == 1 and ada.estimator_errors_.tolist() == [0.0]


def test_adaboost_custom_estimator_and_string_labels():
    X, y = _moons()
    labels = np.where(y == 1, "yes", "no")
    ada = AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=15, random_state=0)
    ada.fit(X, labels)
    assert set(ada.predict(X)) <= {"yes", "no"} and ada.score(X, labels) > 0.9
    assert np.isclose(ada.feature_importances_.sum(), 1.0)


# ------------------------------------------------------ gradient boosting


def test_gbdt_example_8_2_exact():
    gb = GradientBoostingRegressor(n_estimators=6, learning_rate=1.0, max_depth=1, init="zero")
    gb.fit(X82, Y82)
    stumps = gb.estimators_[:, 0]
    assert [t.tree_.threshold[0] for t in stumps] == [6.5, 3.5, 6.5, 4.5, 6.5, 2.5]
    assert np.allclose(stumps[0].tree_.value[1:, 0], [Y82[:6].mean(), Y82[6:].mean()])
    staged = list(gb.staged_predict(X82))
    losses = [((Y82 - f) ** 2).sum() for f in staged]
    assert np.allclose(losses, gb.train_score_ * 10)
    assert np.all(np.diff(losses) < 0)
    assert np.allclose(staged[-1], gb.predict(X82))


def test_gbdt_squared_error_matches_sklearn_exactly():
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import GradientBoostingRegressor as SkGB

    X, y = load_diabetes(return_X_y=True)
    ours = GradientBoostingRegressor(n_estimators=30, max_depth=2).fit(X, y)
    theirs = SkGB(n_estimators=30, max_depth=2, random_state=0).fit(X, y)
    assert np.allclose(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_resist_outliers(loss):
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 6, size=(300, 1))
    y = np.sin(X[:, 0]) + 0.1 * rng.normal(size=300)
    y_bad = y.copy()
    y_bad[:15] += 50
    clean = np.sin(X[:, 0])
    robust = GradientBoostingRegressor(loss=loss, n_estimators=100, random_state=0).fit(X, y_bad)
    squared = GradientBoostingRegressor(n_estimators=100, random_state=0).fit(X, y_bad)
    err_r = np.mean((robust.predict(X[15:]) - clean[15:]) ** 2)
    err_s = np.mean((squared.predict(X[15:]) - clean[15:]) ** 2)
    assert err_r < err_s / 3
    assert np.all(np.diff(robust.train_score_) <= 1e-9) or loss == "huber"


def test_absolute_error_leaves_are_medians():
    gb = GradientBoostingRegressor(
        loss="absolute_error", n_estimators=1, learning_rate=1.0, max_depth=1
    ).fit(X82, Y82)
    start = np.median(Y82)
    assert np.isclose(gb.init_raw_[0], Y82[4])  # lower weighted median of ten values
    leaf = gb.estimators_[0, 0].apply(X82)
    for node in np.unique(leaf):
        r = Y82[leaf == node] - gb.init_raw_[0]
        assert gb.estimators_[0, 0].tree_.value[node, 0] in r
    assert start > 0


def test_binary_log_loss_newton_leaves():
    X, y = _moons()
    gb = GradientBoostingClassifier(n_estimators=1, learning_rate=1.0, max_depth=2).fit(X, y)
    p = y.mean()
    assert np.isclose(gb.init_raw_[0], np.log(p / (1 - p)))
    leaf = gb.estimators_[0, 0].apply(X)
    for node in np.unique(leaf):
        r = y[leaf == node] - p
        assert np.isclose(
            gb.estimators_[0, 0].tree_.value[node, 0], r.sum() / (p * (1 - p) * r.size)
        )


def test_classifier_matches_sklearn_on_binary_data():
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import GradientBoostingClassifier as SkGB

    X, y = load_breast_cancer(return_X_y=True)
    ours = GradientBoostingClassifier(n_estimators=20, max_depth=2).fit(X, y)
    theirs = SkGB(n_estimators=20, max_depth=2, random_state=0).fit(X, y)
    assert np.mean(np.abs(ours.predict_proba(X) - theirs.predict_proba(X))) < 1e-3


def test_subsample_is_reproducible_and_staged_is_monotone_on_train():
    X, y = _moons()
    a = GradientBoostingClassifier(n_estimators=30, subsample=0.5, random_state=1).fit(X, y)
    b = GradientBoostingClassifier(n_estimators=30, subsample=0.5, random_state=1).fit(X, y)
    assert np.allclose(a.predict_proba(X), b.predict_proba(X))
    full = GradientBoostingClassifier(n_estimators=30).fit(X, y)
    assert np.all(np.diff(full.train_score_) < 0)
    staged = list(full.staged_predict_proba(X))
    assert len(staged) == 30 and np.allclose(staged[-1], full.predict_proba(X))
    assert np.array_equal(list(full.staged_predict(X))[-1], full.predict(X))
    assert np.allclose(full.decision_function(X), np.log(staged[-1][:, 1] / staged[-1][:, 0]))


@settings(max_examples=15, deadline=None)
@given(st.floats(0.05, 1.0), st.integers(1, 3))
def test_one_round_never_increases_squared_loss(rate, depth):
    gb = GradientBoostingRegressor(n_estimators=3, learning_rate=rate, max_depth=depth).fit(
        X82, Y82
    )
    losses = np.r_[np.mean((Y82 - Y82.mean()) ** 2), gb.train_score_]
    assert np.all(np.diff(losses) <= 1e-12)


# ---------------------------------------------------------- random forests


def test_forest_oob_close_to_holdout_and_reproducible():
    X, y = _moons(800)
    forest = RandomForestClassifier(n_estimators=60, oob_score=True, random_state=0)
    forest.fit(X[:600], y[:600])
    again = RandomForestClassifier(n_estimators=60, oob_score=True, random_state=0).fit(
        X[:600], y[:600]
    )
    assert forest.oob_score_ == again.oob_score_
    assert abs(forest.oob_score_ - forest.score(X[600:], y[600:])) < 0.05
    proba = forest.oob_decision_function_
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_forest_average_of_trees_and_oob_fraction():
    X, y = _moons()
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    mean = np.mean([t.predict_proba(X) for t in forest.estimators_], axis=0)
    assert np.allclose(forest.predict_proba(X), mean)
    assert np.isclose(forest.feature_importances_.sum(), 1.0)
    # each tree was grown on about 63.2% of the distinct rows
    fractions = [t.tree_.n_node_samples[0] / len(y) for t in forest.estimators_]
    assert abs(np.mean(fractions) - (1 - np.exp(-1))) < 0.02


def test_forest_without_bootstrap_and_all_features_is_one_tree():
    X, y = _moons()
    forest = RandomForestClassifier(n_estimators=3, bootstrap=False, max_features=None).fit(X, y)
    single = DecisionTreeClassifier().fit(X, y)
    for tree in forest.estimators_:
        assert np.array_equal(tree.tree_.threshold, single.tree_.threshold)


def test_forest_regressor_oob():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(400, 3))
    y = X[:, 0] ** 2 + 0.1 * rng.normal(size=400)
    forest = RandomForestRegressor(n_estimators=40, oob_score=True, random_state=0).fit(X, y)
    r2_oob = forest.oob_score_
    has = ~np.isnan(forest.oob_prediction_)
    manual = (
        1
        - ((y[has] - forest.oob_prediction_[has]) ** 2).sum()
        / ((y[has] - y[has].mean()) ** 2).sum()
    )
    assert np.isclose(r2_oob, manual) and r2_oob > 0.9
    assert np.allclose(
        forest.predict(X), np.mean([t.predict(X) for t in forest.estimators_], axis=0)
    )
