"""Small scikit-learn-style base class: ``get_params`` / ``set_params`` and a readable ``repr``."""

from __future__ import annotations

import inspect
from typing import Any


class BaseEstimator:
    """Parameters are the keyword arguments of ``__init__``, stored unchanged as attributes."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [name for name in signature.parameters if name != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters as a dict (``deep`` is accepted for compatibility)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseEstimator:
        """Set constructor parameters; unknown names raise ValueError."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {name!r}; valid parameters: {valid}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name in self._param_names()
            if getattr(self, name) is not defaults[name].default
            and getattr(self, name) != defaults[name].default
        ]
        return f"{type(self).__name__}({', '.join(changed)})"
