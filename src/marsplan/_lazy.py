"""Public names that load their module on first use (PEP 562); every ``__init__`` uses it.

A package lists its public names and the module defining each::

    from marsplan._lazy import lazy_names

    __getattr__, __dir__, __all__ = lazy_names(__name__, {
        "windows": "marsplan.transfer.windows",
    })

Nothing is imported until a name is first read; then the value is stored on the
package, so later reads are plain attribute look-ups. A public name may not equal
one of the package's submodules: importing a submodule binds its name on the
package, so the name would mean the module or the value depending on import
order (tests/test_lazy.py checks every package).
"""

from __future__ import annotations

import importlib
import sys


def lazy_names(package: str, names: dict[str, str], eager=()):
    """PEP 562 hooks for ``package`` whose public ``names`` live in the given modules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict of str to str
        Public name -> absolute name of the module that defines it.
    eager : iterable of str
        Public names the package defines itself (listed in ``__all__`` too).

    Returns
    -------
    tuple
        ``(__getattr__, __dir__, __all__)`` for the package's namespace.
    """
    public = sorted({*names, *eager})

    def __getattr__(name: str):
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__():
        return public

    return __getattr__, __dir__, public
