"""Read a joint-mission scenario file (TOML) into a validated :class:`Scenario`.

Every mistake becomes one :class:`~marsplan.errors.ScenarioError` line naming
the file, the field and what is allowed; nothing is half-loaded (the file is
parsed and validated whole before anything is returned).
"""

from __future__ import annotations

import os

from pydantic import ValidationError

from marsplan.errors import InputError, ScenarioError
from marsplan.joint.scenario import Scenario, check_against_catalog
from marsplan.validate import (
    MAX_FILE_BYTES,
    decode_text,
    parse_toml,
    read_regular_file,
    regular_file,
    show_path,
)


def _field(loc) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:  # a dict key from the file: escaped if it holds control characters
            parts.append(str(item) if str(item).isprintable() else repr(item))
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
        A missing file, or one that is not a regular file (a folder, a named
        pipe, a device), larger than 1 MiB, not UTF-8, not valid TOML or
        nested too deeply; an unknown or missing field, a value of the wrong
        type (strictly: ``"12"`` is not a number), NaN, infinite or out of
        range; or a reference the catalog does not hold. One line naming the
        file and the field.
    """
    from marsplan.catalog import Catalog

    if catalog is not None and not isinstance(catalog, Catalog):
        raise ScenarioError(f"catalog: expected a Catalog (marsplan.catalog.load_catalog), got "
                            f"{type(catalog).__name__}")

    try:
        name = regular_file(path, "scenario file")
        data = parse_toml(decode_text(read_regular_file(name, "scenario file", MAX_FILE_BYTES),
                                      name, "scenario file"), name)
    except InputError as exc:  # a special, large or non-text file; a path of the wrong kind
        raise ScenarioError(str(exc)) from None
    base = os.path.dirname(os.path.abspath(name))
    return scenario_from_data(data, name, catalog=catalog, catalog_dir=base)


def scenario_from_data(data, name: str, *, catalog=None, catalog_dir: str | None = None,
                       ) -> tuple[Scenario, object]:
    """The scenario in ``data`` (a parsed TOML table, or the same shape from JSON).

    Parameters
    ----------
    data : dict
        The file's tables as plain data; nothing in it is executed or opened,
        except the scenario's own ``catalog`` files, read from ``catalog_dir``.
    name : str
        What messages call the source (a path, or ``"upload"``).
    catalog : Catalog, optional
        As for :func:`load_scenario`.
    catalog_dir : str, optional
        The folder the scenario's ``catalog`` files are read from; None refuses
        them (a scenario sent to the web API cannot name files on the server).

    Raises
    ------
    ScenarioError
        As for :func:`load_scenario`; also a ``catalog`` list without ``catalog_dir``.
    """
    from marsplan.catalog import default_catalog, load_catalog

    shown = show_path(name)
    if not isinstance(data, dict):
        raise ScenarioError(f"{shown}: expected a table of tables ([mission], [crew], ...), got "
                            f"{type(data).__name__}")
    try:
        # Strict: TOML is typed, so "12" is not a number and "no" is not a boolean.
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ScenarioError(f"{shown}: {where}: {message}{more}") from None
    except RecursionError:  # nesting below the TOML parser's limit but above pydantic's
        raise ScenarioError(f"{shown}: tables or arrays nested too deeply") from None
    if catalog is None:
        if scenario.catalog and catalog_dir is None:
            raise ScenarioError(f"{shown}: catalog: extra catalog files are not read here; "
                                "use the packaged catalog (leave catalog out)")
        extra = [os.path.join(catalog_dir, p) for p in scenario.catalog]
        catalog = load_catalog(*extra) if extra else default_catalog()
    problems = check_against_catalog(scenario, catalog)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScenarioError(f"{shown}: {problems[0]}{more}")
    return scenario, catalog
