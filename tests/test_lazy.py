"""Every package's public names: lazy (PEP 562), resolvable, and never a submodule's name."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

import marsplan

PACKAGES = sorted(
    info.name for info in pkgutil.walk_packages(marsplan.__path__, "marsplan.")
    if info.ispkg) + ["marsplan"]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_public_name_equals_a_submodule(name):
    # Importing a submodule binds its name on the package: a public value of the
    # same name would then be the module or the value depending on import order.
    package = importlib.import_module(name)
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert not submodules & set(package.__all__), name


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_resolves_and_is_not_a_module(name):
    package = importlib.import_module(name)
    assert sorted(package.__all__) == sorted(dir(package))
    for public in package.__all__:
        value = getattr(package, public)
        assert not isinstance(value, types.ModuleType), f"{name}.{public}"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        marsplan.nothing_here  # noqa: B018


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("statement", [
    "import marsplan",
    "import marsplan.twobody",
    "import marsplan.transfer",
    "from marsplan import windows, porkchop, transfer_leg, plan, load_scenario, write_report",
    "import marsplan.catalog, marsplan.crew, marsplan.ephemeris, marsplan.sizing",
])
def test_imports_load_no_numba_jplephem_pandas_or_matplotlib(statement):
    loaded = _loaded_after(statement)
    heavy = {"numba", "jplephem", "pandas", "matplotlib"}
    assert not heavy & {m.split(".")[0] for m in loaded}, statement


def test_numba_loads_when_a_kernel_runs():
    # The counterpart of the test above: the lazy chain does reach the kernel.
    loaded = _loaded_after("import marsplan.twobody as t; "
                           "t.lambert([7000.0, 0, 0], [0, 7000.0, 0], 3000.0, 398600.0)")
    assert "numba" in loaded
