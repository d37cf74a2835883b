"""Input validation: every bad input raises a ValueError that says what was wrong."""

import numpy as np
import pytest

from explained.ensembles import (
    AdaBoostClassifier,
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    NotFittedError,
    RandomForestClassifier,
    RandomForestRegressor,
)

X = np.arange(12, dtype=float).reshape(6, 2)
Y_CLASS = np.array([0, 0, 1, 1, 0, 1])
Y_REAL = np.arange(6, dtype=float)

CLASSIFIERS = [
    DecisionTreeClassifier,
    RandomForestClassifier,
    AdaBoostClassifier,
    GradientBoostingClassifier,
]
REGRESSORS = [DecisionTreeRegressor, RandomForestRegressor, GradientBoostingRegressor]


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_predict_before_fit(cls):
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        cls().predict(X)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_bad_X(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    with pytest.raises(ValueError, match="must be 2-D"):
        cls().fit(np.arange(6.0), y)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        cls().fit(bad, y)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        cls().fit(bad, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:5])
    with pytest.raises(ValueError, match="could not convert"):
        cls().fit([["a", "b"]] * 6, y)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_wrong_number_of_features_at_predict(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    model = cls().fit(X, y) if cls is not RandomForestClassifier else cls(n_estimators=3).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but the estimator was fitted with 2"):
        model.predict(np.zeros((2, 3)))


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classifier_targets(cls):
    with pytest.raises(ValueError, match="single class"):
        cls().fit(X, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match="looks continuous"):
        cls().fit(X, Y_REAL + 0.5)
    with pytest.raises(ValueError, match="must be 1-D"):
        cls().fit(X, Y_CLASS.reshape(-1, 1))
    with pytest.raises(ValueError, match="class labels of one kind"):
        cls().fit(X, np.array([object(), 1, 2, 3, 4, 5], dtype=object))


@pytest.mark.parametrize("cls", REGRESSORS)
def test_regressor_targets(cls):
    with pytest.raises(ValueError, match="must be numeric"):
        cls().fit(X, np.array(list("abcdef")))
    with pytest.raises(ValueError, match="NaN or infinity"):
        cls().fit(X, np.array([0, 1, np.nan, 3, 4, 5.0]))


def test_sample_weight_checks():
    with pytest.raises(ValueError, match="non-negative"):
        DecisionTreeClassifier().fit(X, Y_CLASS, sample_weight=-np.ones(6))
    with pytest.raises(ValueError, match="positive sum"):
        DecisionTreeClassifier().fit(X, Y_CLASS, sample_weight=np.zeros(6))
    with pytest.raises(ValueError, match="inconsistent"):
        DecisionTreeClassifier().fit(X, Y_CLASS, sample_weight=np.ones(5))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: DecisionTreeClassifier(criterion="mse"), "criterion must be one of"),
        (lambda: DecisionTreeClassifier(max_depth=0), "max_depth must be >= 1"),
        (lambda: DecisionTreeClassifier(max_depth=2.5), "max_depth must be an int or None"),
        (lambda: DecisionTreeClassifier(min_samples_leaf=0), "min_samples_leaf must be >= 1"),
        (lambda: DecisionTreeClassifier(min_samples_split=1), "min_samples_split must be >= 2"),
        (lambda: DecisionTreeClassifier(max_features="half"), "max_features must be 'sqrt'"),
        (lambda: DecisionTreeClassifier(max_features=3), "between 1 and n_features=2"),
        (
            lambda: DecisionTreeClassifier(max_features=1.5),
            r"float max_features must be in \(0, 1\]",
        ),
        (lambda: DecisionTreeClassifier(max_features=True), "must not be a bool"),
        (lambda: DecisionTreeClassifier(random_state=-1), "random_state must be None"),
        (lambda: RandomForestClassifier(n_estimators=0), "n_estimators must be >= 1"),
        (lambda: RandomForestClassifier(bootstrap=False, oob_score=True), "needs bootstrap=True"),
        (lambda: RandomForestClassifier(bootstrap="yes"), "bootstrap must be True or False"),
        (lambda: AdaBoostClassifier(learning_rate=0), r"learning_rate must be in \(0.0, inf\)"),
        (lambda: AdaBoostClassifier(estimator="stump"), "estimator must have fit"),
        (lambda: GradientBoostingClassifier(loss="exponential"), "loss must be one of"),
        (lambda: GradientBoostingClassifier(subsample=0.0), r"subsample must be in \(0.0, 1.0\]"),
        (lambda: GradientBoostingClassifier(init="mean"), "init must be None or 'zero'"),
    ],
)
def test_bad_hyper_parameters(make, message):
    with pytest.raises(ValueError, match=message):
        make().fit(X, Y_CLASS)


def test_bad_regressor_hyper_parameters():
    with pytest.raises(ValueError, match="loss must be one of"):
        GradientBoostingRegressor(loss="quantile").fit(X, Y_REAL)
    with pytest.raises(ValueError, match=r"alpha must be in \(0.0, 1.0\)"):
        GradientBoostingRegressor(loss="huber", alpha=1.0).fit(X, Y_REAL)
    with pytest.raises(ValueError, match="criterion must be one of"):
        DecisionTreeRegressor(criterion="gini").fit(X, Y_REAL)


def test_adaboost_chance_learner_raises():
    # one feature with a single value: no stump beats the majority class, error 0.5 >= 1 - 1/2
    with pytest.raises(ValueError, match="no better than chance"):
        AdaBoostClassifier().fit(np.zeros((4, 1)), [0, 1, 0, 1])


def test_inputs_not_mutated():
    Xc, yc, w = X.copy(), Y_CLASS.copy(), np.ones(6)
    GradientBoostingClassifier(n_estimators=3).fit(Xc, yc, sample_weight=w)
    AdaBoostClassifier(n_estimators=3).fit(Xc, yc, sample_weight=w)
    assert np.array_equal(Xc, X) and np.array_equal(yc, Y_CLASS) and np.array_equal(w, np.ones(6))


def test_get_set_params_and_repr():
    model = RandomForestClassifier(n_estimators=7)
    assert model.get_params()["n_estimators"] == 7
    assert model.set_params(max_depth=3).max_depth == 3
    assert repr(model) == "RandomForestClassifier(n_estimators=7, max_depth=3)"
    with pytest.raises(ValueError, match="has no parameter 'depth'"):
        model.set_params(depth=3)
