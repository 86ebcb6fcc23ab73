"""Package attributes that load their modules on first use.

``import schild`` and ``schild --help`` then cost milliseconds instead of the seconds numpy, numba,
scipy and pandas take; the first use of ``schild.simulate`` (or any other public name) loads them.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType


def install(package: str, names: dict[str, str]) -> None:
    """Give ``package`` the attributes ``names`` (attribute -> submodule it lives in), loaded on first use."""
    module = sys.modules[package]
    module.__dict__["_lazy_names"] = dict(names)
    module.__class__ = _LazyPackage


class _LazyPackage(ModuleType):
    def __getattr__(self, name: str):  # only called when the attribute is not set yet
        where = self.__dict__.get("_lazy_names", {}).get(name)
        if where is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{self.__name__}.{where}"), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule sets the package's attribute of that name to the module; where a public
        # function has the submodule's name (``schild.simulate``), the attribute stays the function.
        if (isinstance(value, ModuleType) and value.__name__ == f"{self.__name__}.{name}"
                and self.__dict__.get("_lazy_names", {}).get(name) == name):
            value = getattr(value, name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(self.__dict__) | set(self.__dict__.get("_lazy_names", {})))
