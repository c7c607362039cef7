"""Read a joint-mission scenario file (TOML) into a validated :class:`Scenario`.

Every mistake becomes one :class:`~marsplan.errors.ScenarioError` line naming
the file, the field and what is allowed; nothing is half-loaded (the file is
parsed and validated whole before anything is returned).
"""

from __future__ import annotations

import os
import tomllib

from pydantic import ValidationError

from marsplan.errors import ScenarioError
from marsplan.joint.scenario import Scenario, check_against_catalog


def _field(loc) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(file)"


def load_scenario(path, catalog=None) -> tuple[Scenario, object]:
    """The scenario in ``path`` and the catalog it uses (packaged + its own files).

    Parameters
    ----------
    path : str or os.PathLike
        A scenario TOML file (``examples/us_russia_2033.toml``).
    catalog : Catalog, optional
        Use this catalog instead of the packaged one plus the scenario's own files.

    Returns
    -------
    (Scenario, Catalog)
        The validated scenario and the catalog it refers to; pass both to
        :func:`marsplan.plan` or :func:`marsplan.write_report`.

    Raises
    ------
    ScenarioError
        Unreadable file, TOML syntax, an unknown or missing field, a value of the
        wrong type or out of range, or a reference the catalog does not hold.
    """
    from marsplan.catalog import default_catalog, load_catalog

    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ScenarioError(f"{name}: no such scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}: not valid TOML: {exc}") from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ScenarioError(f"{name}: {where}: {message}{more}") from None
    if catalog is None:
        base = os.path.dirname(os.path.abspath(name))
        extra = [os.path.join(base, p) for p in scenario.catalog]
        catalog = load_catalog(*extra) if extra else default_catalog()
    problems = check_against_catalog(scenario, catalog)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScenarioError(f"{name}: {problems[0]}{more}")
    return scenario, catalog
