"""Input validation: every bad input raises a ValueError that says what was wrong.

Data goes through scikit-learn's validation, so these messages are scikit-learn's; the
hyper-parameter messages are ours.
"""

import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

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
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        cls().predict(X)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_bad_X(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        cls().fit(np.arange(6.0), y)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        cls().fit(bad, y)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        cls().fit(bad, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:5])
    with pytest.raises(ValueError, match="could not convert string to float"):
        cls().fit([["a", "b"]] * 6, y)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_wrong_number_of_features_at_predict(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    model = cls().fit(X, y) if cls is not RandomForestClassifier else cls(n_estimators=3).fit(X, y)
    with pytest.raises(ValueError, match=f"X has 3 features, but {cls.__name__} is expecting 2"):
        model.predict(np.zeros((2, 3)))


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classifier_targets(cls):
    with pytest.raises(ValueError, match="y has 1 class"):
        cls().fit(X, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        cls().fit(X, Y_REAL + 0.5)
    with pytest.warns(DataConversionWarning, match="column-vector y"):  # ravelled, as sklearn does
        column = cls().fit(X, Y_CLASS.reshape(-1, 1))
    assert np.array_equal(column.predict(X), cls().fit(X, Y_CLASS).predict(X))
    with pytest.raises(ValueError, match="Unknown label type: unknown"):
        cls().fit(X, np.array([object(), 1, 2, 3, 4, 5], dtype=object))
    with pytest.raises(ValueError, match="labels that cannot be sorted"):
        cls().fit(X, np.array(["a", 1, 2, "b", 3, 4], dtype=object))


@pytest.mark.parametrize("cls", REGRESSORS)
def test_regressor_targets(cls):
    with pytest.raises(ValueError, match="must be numeric"):
        cls().fit(X, np.array(list("abcdef")))
    with pytest.raises(ValueError, match="must be numeric"):
        cls().fit(X, Y_REAL.astype(str))  # scikit-learn's validation would let "1.0" through
    with pytest.raises(ValueError, match="Input y contains NaN"):
        cls().fit(X, np.array([0, 1, np.nan, 3, 4, 5.0]))


def test_sample_weight_checks():
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        DecisionTreeClassifier().fit(X, Y_CLASS, sample_weight=-np.ones(6))
    with pytest.raises(ValueError, match="positive sum"):
        DecisionTreeClassifier().fit(X, Y_CLASS, sample_weight=np.zeros(6))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(5,\), expected \(6,\)"):
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
        (lambda: AdaBoostClassifier(estimator="stump"), "estimator must be an instance with fit"),
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
    assert repr(model) == "RandomForestClassifier(max_depth=3, n_estimators=7)"
    with pytest.raises(ValueError, match="Invalid parameter 'depth'"):
        model.set_params(depth=3)


# -- bugs found by tests/test_hostile_inputs.py (each test failed before its fix) ----------------


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_ragged_input_is_a_value_error(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    with pytest.raises(ValueError, match="inhomogeneous shape"):
        cls().fit([[1.0, 2.0], [3.0]], y[:2])
    with pytest.raises(ValueError, match="inhomogeneous shape"):
        cls().fit(X, [[1], [2, 3]] * 3)
    with pytest.raises(ValueError, match="inhomogeneous shape"):
        cls().fit(X, y, sample_weight=[[1], [2, 3]] * 3)


def test_real_hyper_parameters_accept_python_ints_of_any_size():
    from explained.ensembles.datasets import make_circle

    with pytest.raises(ValueError, match=r"noise must be in \[0.0, 1.0\]"):
        make_circle(10, noise=10**30)  # was TypeError: ufunc 'isfinite' not supported
    with pytest.raises(ValueError, match="learning_rate must be a finite real number"):
        AdaBoostClassifier(learning_rate=10**400).fit(X, Y_CLASS)


@pytest.mark.parametrize(
    "cls", [DecisionTreeClassifier, RandomForestClassifier, AdaBoostClassifier]
)
@pytest.mark.parametrize("scale", [1e-300, 1e-170, 1e200, 1e308])
def test_sample_weight_scale_does_not_matter(cls, scale):
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(60, 3))
    y = (Xr[:, 0] + 0.3 * Xr[:, 1] > 0).astype(int)
    params = {"random_state": 0, "n_estimators": 3} if cls is not DecisionTreeClassifier else {}
    reference = cls(**params).fit(Xr, y).predict_proba(Xr)
    # was an overflow (RuntimeWarning) for huge weights, and splits chosen at random for tiny
    # ones (their squares underflow to 0 in the split search)
    scaled = cls(**params).fit(Xr, y, sample_weight=np.full(60, scale)).predict_proba(Xr)
    assert np.allclose(scaled, reference)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_r2_score_of_a_constant_target(cls):
    model = cls().fit(X, Y_REAL)
    # was a division by zero (RuntimeWarning, NaN or -inf); scikit-learn's r2_score gives 1 or 0
    assert model.score(X, np.full(6, 2.0)) == 0.0
    assert cls().fit(X, np.full(6, 2.0)).score(X, np.full(6, 2.0)) == 1.0


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_score_checks_y(cls):
    y = Y_CLASS if cls in CLASSIFIERS else Y_REAL
    model = cls().fit(X, y)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[2, 6\]"):
        model.score(X, y[:2])  # was numpy's "operands could not be broadcast together"
    with pytest.raises(ValueError, match="'y_true' parameter"):
        model.score(X, None)  # was NaN (regressors) or a numpy message


def test_random_forest_regressor_oob_score_of_a_constant_target():
    forest = RandomForestRegressor(n_estimators=5, oob_score=True, random_state=0)
    assert forest.fit(X, np.ones(6)).oob_score_ == 1.0  # was 0 / 0: NaN and a RuntimeWarning


def test_random_forest_oob_score_needs_an_out_of_bag_sample():
    X2 = np.array([[0.0], [1.0]])
    # seed 1 puts both rows into the only bootstrap sample (checked by estimators_samples_)
    forest = RandomForestClassifier(n_estimators=1, bootstrap=True, random_state=1)
    assert sorted(forest.fit(X2, [0, 1]).estimators_samples_[0].tolist()) == [0, 1]
    with pytest.raises(ValueError, match="no out-of-bag estimate"):
        forest.set_params(oob_score=True).fit(X2, [0, 1])  # was the mean of an empty slice


@pytest.mark.parametrize("cls", [RandomForestClassifier, RandomForestRegressor])
def test_random_forest_with_few_positive_weights(cls):
    y = Y_CLASS if cls is RandomForestClassifier else Y_REAL
    w = np.array([1.0, 0, 0, 0, 0, 0])
    # was IndexError / ZeroDivisionError when a bootstrap sample drew only zero-weight rows
    forest = cls(n_estimators=10, random_state=0).fit(X, y, sample_weight=w)
    assert all(w[s].sum() > 0 for s in forest.estimators_samples_)
    assert np.all(np.isfinite(forest.predict(X).astype(float)))


def test_array_hyper_parameters_get_our_message():
    criterion = np.array(["gini", "gini"])
    with pytest.raises(ValueError, match="criterion must be one of"):
        DecisionTreeClassifier(criterion=criterion).fit(
            X, Y_CLASS
        )  # was "truth value ... ambiguous"
    with pytest.raises(ValueError, match="init must be None or 'zero'"):
        GradientBoostingRegressor(init=np.zeros(2)).fit(X, Y_REAL)
    with pytest.raises(ValueError, match="init must be None or 'zero'"):
        GradientBoostingClassifier(init=np.zeros(2)).fit(X, Y_CLASS)


@pytest.mark.parametrize("cls", [GradientBoostingClassifier, GradientBoostingRegressor])
def test_gradient_boosting_rejects_a_learning_rate_that_overflows(cls):
    y = Y_CLASS if cls is GradientBoostingClassifier else Y_REAL
    with pytest.raises(ValueError, match="learning_rate=1e[+]300 is too large"):
        cls(learning_rate=1e300, n_estimators=3).fit(X, y)  # was an overflow RuntimeWarning


def test_gradient_boosting_classifier_with_zero_weight_classes():
    with pytest.raises(ValueError, match="single class with a positive sample_weight"):
        # was log(0): a divide-by-zero RuntimeWarning
        GradientBoostingClassifier().fit(X, Y_CLASS, sample_weight=Y_CLASS.astype(float))
    y3 = np.array([0, 1, 2, 0, 1, 2])
    w = np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    model = GradientBoostingClassifier(n_estimators=5).fit(X, y3, sample_weight=w)
    assert np.all(np.isfinite(model.predict_proba(X)))  # the prior is clipped, as in scikit-learn


def test_gradient_boosting_subsample_without_positive_weight():
    w = np.array([1.0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="subsample of round"):
        # was ZeroDivisionError: Weights sum to zero, can't be normalized
        GradientBoostingRegressor(subsample=0.5, n_estimators=20, random_state=0).fit(
            X, Y_REAL, sample_weight=w
        )


def test_adaboost_checks_its_estimator():
    with pytest.raises(ValueError, match="estimator must be an instance with fit"):
        AdaBoostClassifier(estimator=DecisionTreeClassifier).fit(X, Y_CLASS)  # was TypeError

    class NoWeights:
        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.zeros(len(X), dtype=int)

    with pytest.raises(ValueError, match="does not support sample_weight"):
        AdaBoostClassifier(estimator=NoWeights()).fit(X, Y_CLASS)  # was Python's TypeError


def test_adaboost_staged_sample_weight_checks_y():
    ada = AdaBoostClassifier(n_estimators=2).fit(X, Y_CLASS)
    with pytest.raises(ValueError, match="classes seen in fit"):
        list(ada.staged_sample_weight(X, [None] * 6))  # was TypeError: '<' not supported


# The input mistakes the random-forest article used to walk through (now on the API page).
@pytest.mark.parametrize(
    ("fit", "message"),
    [
        (lambda f: f.fit(X, np.eye(2)[Y_CLASS]), r"y should be a 1d array, got an array of shape"),
        (lambda f: f.fit(X, [None] + Y_CLASS.tolist()[1:]), "Unknown label type: unknown"),
        (lambda f: f.fit(X, X[:, 0] + 0.5), "Unknown label type: continuous"),
        (
            lambda f: f.fit(X[:3], [1, 1, 1]),
            r"y has 1 class \(1\); a classifier needs at least two",
        ),
        (lambda f: f.fit(X[:0], Y_CLASS[:0]), r"Found array with 0 sample\(s\)"),
        (
            lambda f: f.set_params(bootstrap="False").fit(X, Y_CLASS),
            "bootstrap must be True or False",
        ),
        (
            lambda f: f.set_params(oob_score="True").fit(X, Y_CLASS),
            "oob_score must be True or False",
        ),
        (lambda f: f.set_params(n_estimators="100").fit(X, Y_CLASS), "n_estimators must be an int"),
        (lambda f: f.set_params(random_state="42").fit(X, Y_CLASS), "random_state must be None"),
        (
            lambda f: f.set_params(max_features="auto").fit(X, Y_CLASS),
            "max_features must be 'sqrt'",
        ),
    ],
)
def test_common_input_mistakes_of_a_forest(fit, message):
    with pytest.raises(ValueError, match=message):
        fit(RandomForestClassifier(n_estimators=3, random_state=0))


def test_forest_inputs_that_are_accepted_as_they_are():
    forest = RandomForestClassifier(n_estimators=3, random_state=0)
    assert forest.fit(X, Y_CLASS.astype(float)).classes_.tolist() == [0.0, 1.0]
    assert forest.predict(X[0].reshape(1, -1)).tolist() == forest.predict(X[:1]).tolist()
    with pytest.raises(ValueError, match="Found input variables with inconsistent numbers"):
        forest.score(X, Y_CLASS[:4])
