"""A sweep specification: a base scenario and axes, whose Cartesian product is planned.

A spec file (TOML) names the base scenario (relative to the spec file) and
the axes::

    [sweep]
    scenario = "us_russia_2033.toml"
    batch_size = 8                      # optional: plans per task (1-1000)

    [axes]
    "mission.opportunity" = [2031, 2033, 2035]
    "mission.class" = ["conjunction", "opposition"]
    without = [[], ["roscosmos"]]

Every axis key is a dotted field of the scenario file (``mission.class``,
``margins.dv_pct``, ``crew.nasa``, ``element.1.id``: a list item by its index
from 0), or ``without``: lists of partners withdrawn together
(:func:`marsplan.joint.withdraw.withdraw`). Setting ``mission.opportunity``
drops the base's ``[mission.dates]``. Each value of each axis is checked
against the scenario model and the catalog when the spec is read, so a wrong
type or an unknown id is one line before anything is planned; a combination
that fails only when planned becomes a row with its error.

This module is core: it reads no scenario file (the caller passes the base
scenario as loaded) and writes nothing.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass

from marsplan.errors import MarsplanError

__all__ = ["MAX_AXES", "MAX_COMBINATIONS", "MAX_VALUES", "Axis", "SweepSpec", "SweepSpecError",
           "apply_values", "parse_spec", "scenario_data"]

#: Most axes a spec may have, values one axis may list, and combinations in all
#: (a million: the scale docs/sweep.md plans for on a cluster).
MAX_AXES = 16
MAX_VALUES = 10_000
MAX_COMBINATIONS = 1_000_000
#: Plans per task by default: at ~40-80 ms a plan, a task of 8 plans runs ~0.5 s,
#: two orders of magnitude above Dask's per-task cost of a few ms (docs/sweep.md).
DEFAULT_BATCH_SIZE = 8
MAX_BATCH_SIZE = 1000
WITHOUT = "without"
#: Scenario fields that hold a free-form mapping: an axis may add a key to them.
_MAPPINGS = ("crew", "crew_health.prior_dose_msv", "crew_health.dose_limit_msv")


class SweepSpecError(MarsplanError, ValueError):
    """A sweep spec that cannot be read or used; names the file and the field."""


@dataclass(frozen=True, slots=True)
class Axis:
    """One axis: its key (a dotted scenario field, or ``without``) and its values."""

    key: str
    values: tuple

    @property
    def is_without(self) -> bool:
        return self.key == WITHOUT


@dataclass(frozen=True)
class SweepSpec:
    """A base scenario (as its data, by the file's keys) and the axes over it.

    ``path``: the spec file; ``scenario_path``: the base scenario file;
    ``base``: the scenario's data, every field filled in (what
    :func:`scenario_data` gives); ``catalog_paths``: the scenario's own
    catalog files, absolute; ``fingerprint``: a SHA-256 over everything that
    decides the rows (base, axes, batch size), so a changed spec is noticed.
    """

    path: str
    scenario_path: str
    base: dict
    axes: tuple[Axis, ...]
    batch_size: int
    catalog_paths: tuple[str, ...]
    fingerprint: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.axes)

    @property
    def size(self) -> int:
        """How many combinations: the product of the axes' lengths."""
        return math.prod(len(a.values) for a in self.axes)

    def combination(self, index: int) -> tuple:
        """The axis values of combination ``index`` (the last axis varies fastest)."""
        values = []
        for axis in reversed(self.axes):
            index, k = divmod(index, len(axis.values))
            values.append(axis.values[k])
        return tuple(reversed(values))

    def combinations(self):
        """(index, values) of every combination, in order."""
        return enumerate(itertools.product(*(a.values for a in self.axes)))

    def to_dict(self) -> dict:
        """The spec as the manifest records it (JSON types)."""
        return {"scenario": os.path.basename(self.scenario_path),
                "axes": {a.key: list(a.values) for a in self.axes},
                "batch_size": self.batch_size}


def scenario_data(scenario) -> dict:
    """A Scenario as the data of its file (aliases as keys, every field filled in)."""
    return _plain(scenario.model_dump(by_alias=True, mode="python"))


def _plain(value):
    """Tuples as lists, recursively: the form TOML gives and JSON writes."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def apply_values(base: dict, keys, values) -> dict:
    """A copy of the scenario data ``base`` with each dotted key set to its value
    (``without`` is skipped: it withdraws partners from the planned scenario)."""
    data = copy.deepcopy(base)
    for key, value in zip(keys, values):
        if key == WITHOUT:
            continue
        parts = key.split(".")
        node = data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = copy.deepcopy(value)
        else:
            node[last] = copy.deepcopy(value)
        if key == "mission.opportunity":
            data["mission"]["dates"] = None
        elif key.startswith("mission.dates"):
            data["mission"]["opportunity"] = None
    return data


def _where(spec_name: str, key: str, n: int | None = None) -> str:
    index = f"[{n}]" if n is not None else ""
    return f"{spec_name}: axes.{json.dumps(key)}{index}"


def _check_key(spec_name: str, key: str, base: dict) -> None:
    """``key`` names a field of the scenario data ``base``; else one line saying what does."""
    parts = key.split(".")
    if not all(parts) or len(parts) > 8:
        raise SweepSpecError(f"{_where(spec_name, key)}: not a dotted scenario field "
                             "(e.g. mission.opportunity) or 'without'")
    node, path = base, []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise SweepSpecError(f"{_where(spec_name, key)}: {'.'.join(path)} is a list of "
                                     f"{len(node)}; give an index from 0 to {len(node) - 1}")
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node and not (last and ".".join(path) in _MAPPINGS):
                known = ", ".join(node) if path else ", ".join([*node, WITHOUT])
                where = ".".join(path) or "the scenario"
                raise SweepSpecError(f"{_where(spec_name, key)}: unknown field {part!r} of "
                                     f"{where}; known: {known}")
            node = node.get(part)
        else:
            raise SweepSpecError(f"{_where(spec_name, key)}: {'.'.join(path)} is a value, "
                                 "not a table")
        path.append(part)
    if key.split(".")[0] == "catalog":
        raise SweepSpecError(f"{_where(spec_name, key)}: the catalog files cannot be swept "
                             "(every combination plans with the base scenario's catalog)")


def _check_values(spec_name: str, key: str, values) -> tuple:
    if not isinstance(values, list) or not values:
        raise SweepSpecError(f"{_where(spec_name, key)}: must be a non-empty list of values, "
                             f"got {type(values).__name__}")
    if len(values) > MAX_VALUES:
        raise SweepSpecError(f"{_where(spec_name, key)}: {len(values):,} values; at most "
                             f"{MAX_VALUES:,} per axis")
    seen = set()
    for n, v in enumerate(values):
        token = json.dumps(v, sort_keys=True, default=str)
        if token in seen:
            raise SweepSpecError(f"{_where(spec_name, key, n)}: {token} is listed twice; each "
                                 "value once, or the sweep would plan a combination twice")
        seen.add(token)
    return tuple(_plain(v) for v in values)


def _check_without(spec_name: str, values: tuple, partners: list[str]) -> tuple:
    out = []
    for n, v in enumerate(values):
        if not isinstance(v, list) or not all(isinstance(p, str) for p in v):
            raise SweepSpecError(f"{_where(spec_name, WITHOUT, n)}: a list of partner ids "
                                 f"(e.g. [] or [\"roscosmos\"]), got {json.dumps(v, default=str)}")
        for p in v:
            if p not in partners:
                raise SweepSpecError(f"{_where(spec_name, WITHOUT, n)}: {p!r} is not a partner "
                                     f"of the scenario; its partners: {', '.join(partners)}")
        if len(set(v)) != len(v):
            raise SweepSpecError(f"{_where(spec_name, WITHOUT, n)}: a partner is named twice")
        if v and set(v) >= set(partners):
            raise SweepSpecError(f"{_where(spec_name, WITHOUT, n)}: withdraws every partner; "
                                 "no mission remains")
        out.append(tuple(v))
    if len(set(frozenset(v) for v in out)) != len(out):
        raise SweepSpecError(f"{_where(spec_name, WITHOUT)}: the same partners are listed "
                             "twice (in another order)")
    return tuple(list(v) for v in out)


def _check_scenario(spec_name: str, key: str, n: int, data: dict, catalog) -> None:
    """The base with one axis value set is a valid scenario for the catalog."""
    from pydantic import ValidationError

    from marsplan.joint.scenario import Scenario, check_against_catalog

    value = json.dumps(apply_path_value(data, key), default=str)
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(scenario)"
        message = first["msg"].removeprefix("Value error, ")
        raise SweepSpecError(f"{_where(spec_name, key, n)}: {value}: {where}: {message}") \
            from None
    problems = check_against_catalog(scenario, catalog)
    if problems:
        raise SweepSpecError(f"{_where(spec_name, key, n)}: {value}: {problems[0]}")


def apply_path_value(data: dict, key: str):
    """The value at dotted ``key`` of ``data`` (for messages)."""
    node = data
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node.get(part)
    return node


def parse_spec(document: dict, *, spec_path: str, scenario, scenario_path: str,
               catalog) -> SweepSpec:
    """Check a parsed spec file against its base scenario and build the :class:`SweepSpec`.

    Parameters
    ----------
    document : dict
        The spec file's TOML, parsed.
    spec_path : str
        The spec file (named in messages).
    scenario, catalog
        The base scenario and its catalog (:func:`marsplan.load_scenario`).
    scenario_path : str
        The base scenario's file.

    Raises
    ------
    SweepSpecError
        An unknown table or key, no axes, an unknown axis key, a value of the
        wrong type or unknown to the catalog, a value listed twice, too many
        axes, values or combinations. One line naming the spec file and field.
    """
    name = os.path.basename(spec_path)
    if not isinstance(document, dict):
        raise SweepSpecError(f"{name}: not a table")
    extra = sorted(set(document) - {"sweep", "axes"})
    if extra:
        raise SweepSpecError(f"{name}: {extra[0]}: unknown table; a spec has [sweep] and [axes]")
    table = document.get("sweep")
    if not isinstance(table, dict):
        raise SweepSpecError(f"{name}: [sweep]: required table is missing")
    extra = sorted(set(table) - {"scenario", "batch_size"})
    if extra:
        raise SweepSpecError(f"{name}: sweep.{extra[0]}: unknown field; known: scenario, "
                             "batch_size")
    batch = table.get("batch_size", DEFAULT_BATCH_SIZE)
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH_SIZE:
        raise SweepSpecError(f"{name}: sweep.batch_size: must be a whole number from 1 to "
                             f"{MAX_BATCH_SIZE}, got {batch!r}")
    axes_table = document.get("axes")
    if not isinstance(axes_table, dict) or not axes_table:
        raise SweepSpecError(f"{name}: [axes]: required table is missing or empty; give at "
                             "least one axis, e.g. \"mission.opportunity\" = [2033, 2035]")
    if len(axes_table) > MAX_AXES:
        raise SweepSpecError(f"{name}: [axes]: {len(axes_table)} axes; at most {MAX_AXES}")
    base = scenario_data(scenario)
    axes = []
    for key, values in axes_table.items():
        values = _check_values(name, key, values)
        if key == WITHOUT:
            values = _check_without(name, values, scenario.partners())
        else:
            _check_key(name, key, base)
            for n, _ in enumerate(values):
                _check_scenario(name, key, n, apply_values(base, [key], [values[n]]), catalog)
        axes.append(Axis(key, values))
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_COMBINATIONS:
        raise SweepSpecError(f"{name}: [axes]: {size:,} combinations; at most "
                             f"{MAX_COMBINATIONS:,}")
    scenario_dir = os.path.dirname(os.path.abspath(scenario_path))
    catalog_paths = tuple(os.path.join(scenario_dir, p) for p in scenario.catalog)
    token = json.dumps({"base": base, "axes": [[a.key, list(a.values)] for a in axes],
                        "batch_size": batch, "catalog": [_file_digest(p) for p in catalog_paths]},
                       sort_keys=True, default=str)
    return SweepSpec(path=spec_path, scenario_path=scenario_path, base=base, axes=tuple(axes),
                     batch_size=batch, catalog_paths=catalog_paths,
                     fingerprint=hashlib.sha256(token.encode()).hexdigest())


def _file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
