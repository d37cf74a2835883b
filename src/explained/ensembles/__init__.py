"""Tree ensembles for the 集成学习 section: CART, random forests, AdaBoost and gradient boosting.

Class, parameter, method and attribute names follow scikit-learn wherever the concept is the same,
so our estimators can stand in for scikit-learn's in a reader's code.
"""

from ._validation import NotFittedError
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
