"""Tree ensembles for the 集成学习 section: CART, random forests, AdaBoost and gradient boosting.

Class, parameter, method and attribute names follow scikit-learn wherever the concept is the same,
and the estimators are scikit-learn estimators (they inherit its ``BaseEstimator`` and mixins and
use its input validation), so they stand in for scikit-learn's in a reader's code, pipelines,
grid searches and cross-validation included. ``NotFittedError`` is scikit-learn's.
"""

from sklearn.exceptions import NotFittedError

from .adaboost import AdaBoostClassifier
from .forest import RandomForestClassifier, RandomForestRegressor
from .gradient_boosting import GradientBoostingClassifier, GradientBoostingRegressor
from .inspection import permutation_importance
from .tree import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = [
    "AdaBoostClassifier",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "NotFittedError",
    "RandomForestClassifier",
    "RandomForestRegressor",
    "permutation_importance",
]
