"""Load the catalog: the packaged TOML data, then the user's files, validated as one.

The packaged files (``marsplan/catalog/data/*.toml``) hold one table per kind of
record (``[[partner]]``, ``[[site]]``, ``[[launch_vehicle]]``,
``[[element]]``, ``[[propellant]]``, ``[[docking_standard]]``, ``[[adapter]]``). A
user file may hold any of these tables. Files are read in order: a record whose
``id`` is already known replaces the earlier record as a whole (give every field,
``source`` included); a new ``id`` extends the catalog.

Nothing is half-loaded: every file is parsed and every record validated (with
the pydantic models of :mod:`marsplan.catalog.models`, in strict mode: TOML is
typed, so ``"12"`` is not a number), then the cross-references are checked
(an element's owner is a partner, its launch vehicle, propellant and docking
systems exist, ...), and only then is a :class:`Catalog` built. Every problem is
one line naming the file, the record and the field, and what is allowed.

Examples
--------
>>> from marsplan.catalog import load_catalog
>>> catalog = load_catalog()                       # packaged data only
>>> catalog.get("element", "crew_dragon").launched_on
'falcon9'
>>> catalog = load_catalog("my_vehicles.toml")     # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from pydantic import BaseModel, ValidationError

from marsplan.catalog.models import (
    Adapter,
    DockingStandard,
    Element,
    LaunchSite,
    LaunchVehicle,
    Partner,
    Propellant,
)
from marsplan.choices import CATALOG_LISTINGS
from marsplan.errors import InputError, InputFileError, MarsplanError, one_line
from marsplan.validate import (
    MAX_FILE_BYTES,
    decode_text,
    parse_toml,
    read_regular_file,
    regular_file,
    show_path,
)

__all__ = [
    "KINDS",
    "LISTINGS",
    "Catalog",
    "CatalogError",
    "catalog_rows",
    "default_catalog",
    "load_catalog",
]


class CatalogError(MarsplanError, KeyError):
    """A catalog file, record or look-up is wrong; ``str()`` is one line saying what and where.

    ``problems`` lists every problem found (the message shows the first few).
    """

    def __init__(self, message: str, problems: Iterable[str] | None = None):
        super().__init__(message)
        self.problems = list(problems) if problems is not None else [message]

    def __str__(self) -> str:  # KeyError would quote the message
        return one_line(self.args[0])


@dataclass(frozen=True)
class _Kind:
    attr: str  # Catalog attribute, plural
    table: str  # TOML table name, singular
    file: str  # packaged file
    model: type[BaseModel]
    label: str  # how messages name one record of this kind


#: The kinds of record, in load order: each kind's file and TOML table.
KINDS: tuple[_Kind, ...] = (
    _Kind("partners", "partner", "partners.toml", Partner, "partner"),
    _Kind("sites", "site", "sites.toml", LaunchSite, "site"),
    _Kind("propellants", "propellant", "propellants.toml", Propellant, "propellant"),
    _Kind("docking_standards", "docking_standard", "docking.toml", DockingStandard,
          "docking standard"),
    _Kind("adapters", "adapter", "docking.toml", Adapter, "adapter"),
    _Kind("launch_vehicles", "launch_vehicle", "launch_vehicles.toml", LaunchVehicle,
          "launch vehicle"),
    _Kind("elements", "element", "elements.toml", Element, "element"),
)
_BY_TABLE = {kind.table: kind for kind in KINDS}
_BY_NAME = {
    **{kind.attr: kind for kind in KINDS},
    **_BY_TABLE,
    "vehicles": _BY_TABLE["launch_vehicle"],
    "vehicle": _BY_TABLE["launch_vehicle"],
    "docking": _BY_TABLE["docking_standard"],
}
#: Most problems shown in one error message (all are in ``CatalogError.problems``).
_SHOWN_PROBLEMS = 3
#: Most user catalog files read at once, and records of one kind in one file.
MAX_CATALOG_FILES = 32
MAX_RECORDS = 1000


@dataclass(frozen=True)
class Catalog:
    """Every record by kind and id, validated and cross-checked.

    Attributes are read-only mappings from id to record; ``origins`` maps
    ``(kind, id)`` (kind as the attribute name, e.g. ``"elements"``) to the file
    the record came from; ``files`` lists the files read, in order.
    """

    partners: Mapping[str, Partner]
    sites: Mapping[str, LaunchSite]
    launch_vehicles: Mapping[str, LaunchVehicle]
    elements: Mapping[str, Element]
    propellants: Mapping[str, Propellant]
    docking_standards: Mapping[str, DockingStandard]
    adapters: Mapping[str, Adapter]
    origins: Mapping[tuple[str, str], str] = field(default_factory=dict, repr=False)
    files: tuple[str, ...] = ()

    def get(self, kind: str, id: str):
        """The record ``id`` of ``kind``.

        Parameters
        ----------
        kind : str
            ``"partner"``/``"partners"``, ``"site"``, ``"launch_vehicle"`` (or
            ``"vehicle"``), ``"element"``, ``"propellant"``, ``"docking_standard"``
            (or ``"docking"``), ``"adapter"``.
        id : str
            The record's id.

        Raises
        ------
        CatalogError
            Unknown kind or id; the message lists the known ones.
        """
        spec = _kind(kind)
        records = getattr(self, spec.attr)
        try:
            return records[id]
        except (KeyError, TypeError):
            hint = _did_you_mean(id, records) if isinstance(id, str) else ""
            raise CatalogError(
                f"unknown {spec.label} {id!r}{hint}; known: {', '.join(sorted(records))}"
            ) from None

    def records(self, kind: str) -> list:
        """The records of ``kind`` in catalog order (packaged first, then user files)."""
        return list(getattr(self, _kind(kind).attr).values())

    def mates(self, standard_a: str, standard_b: str) -> bool:
        """True when docking systems ``standard_a`` and ``standard_b`` dock directly.

        The relation is read as symmetric: either standard listing the other suffices.

        Raises
        ------
        CatalogError
            Either id is not a docking standard.
        """
        a = self.get("docking_standard", standard_a)
        b = self.get("docking_standard", standard_b)
        return b.id in a.mates_with or a.id in b.mates_with

    def adapters_between(self, standard_a: str, standard_b: str) -> list[Adapter]:
        """Adapters that bridge docking between ``standard_a`` and ``standard_b``, lightest first."""
        pair = {standard_a, standard_b}
        found = [a for a in self.adapters.values()
                 if "docking" in a.bridges and set(a.between) == pair]
        return sorted(found, key=lambda adapter: adapter.mass_t)


def _kind(name: str) -> _Kind:
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise CatalogError(
            f"unknown catalog kind {name!r}; known: {', '.join(k.attr for k in KINDS)}"
        ) from None


def load_catalog(*paths: str | os.PathLike, packaged: bool = True) -> Catalog:
    """The catalog: packaged data, then each TOML file in ``paths``, in order.

    Parameters
    ----------
    *paths : str or os.PathLike
        User catalog files, each holding any of the tables ``[[partner]]``,
        ``[[site]]``, ``[[launch_vehicle]]``, ``[[element]]``, ``[[propellant]]``,
        ``[[docking_standard]]``, ``[[adapter]]``. A record whose ``id`` exists
        replaces the earlier one whole; a new ``id`` is added.
    packaged : bool, optional
        Start from the packaged data (default). With False only ``paths`` are read.

    Returns
    -------
    Catalog

    Raises
    ------
    CatalogError
        A file is missing, not a regular file (a folder, a named pipe, a device),
        larger than 1 MiB, not UTF-8, not valid TOML or nested too deeply; a
        table or key is unknown, a value has the wrong type, is NaN or infinite
        or lies outside its range, an id repeats within one file, or a record
        names something the catalog lacks. The message is one line with
        the file, the record and the field; ``problems`` lists every problem.
    """
    sources: list[tuple[str, dict]] = []
    problems: list[str] = []
    if packaged:
        data = resources.files("marsplan.catalog").joinpath("data")
        for name in dict.fromkeys(kind.file for kind in KINDS):
            resource = data.joinpath(name)
            sources.append((str(resource), _parse(resource.read_bytes(), str(resource),
                                                  problems)))
    if len(paths) > MAX_CATALOG_FILES:
        raise CatalogError(f"paths: {len(paths)} catalog files; at most {MAX_CATALOG_FILES} "
                           "may be read at once")
    for path in paths:
        # Only regular files of at most 1 MiB: a folder, a named pipe or /dev/zero is
        # refused before it is opened for reading (no hang, no unbounded read).
        try:
            name = regular_file(path, "catalog file")
            raw = read_regular_file(name, "catalog file", MAX_FILE_BYTES)
        except InputError as error:  # missing, special, too large; a path of the wrong kind
            problems.append(str(error))
            continue
        sources.append((name, _parse(raw, name, problems)))

    merged: dict[str, dict[str, BaseModel]] = {kind.attr: {} for kind in KINDS}
    origins: dict[tuple[str, str], str] = {}
    for name, document in sources:
        _validate_file(name, document, merged, origins, problems)
    if not problems:
        _cross_check(merged, origins, problems)
    if problems:
        raise CatalogError(_summary(problems), problems)
    return Catalog(
        **{attr: MappingProxyType(records) for attr, records in merged.items()},
        origins=MappingProxyType(origins),
        files=tuple(name for name, _ in sources),
    )


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once and shared (its mappings are read-only)."""
    return load_catalog()


def _summary(problems: list[str]) -> str:
    """Up to :data:`_SHOWN_PROBLEMS` problems on one line, separated by `` | ``."""
    shown = " | ".join(problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    return shown + (f" | and {more} more problem{'s' if more > 1 else ''}" if more > 0 else "")


def _parse(raw: bytes, name: str, problems: list[str]) -> dict:
    try:
        return parse_toml(decode_text(raw, name, "catalog file"), name)
    except InputFileError as error:  # not UTF-8, bad TOML syntax, nested too deeply
        problems.append(str(error))
    return {}


def _validate_file(name: str, document: dict, merged: dict, origins: dict,
                   problems: list[str]) -> None:
    """Validate every record of one file into ``merged``; append problems."""
    shown = show_path(name)
    for table, entries in document.items():
        table = table if table.isprintable() else repr(table)  # never print ESC or CR raw
        kind = _BY_TABLE.get(table)
        if kind is None:
            problems.append(f"{shown}: unknown table [[{table}]]"
                            f"{_did_you_mean(table, _BY_TABLE)}; "
                            f"allowed: {', '.join(f'[[{t}]]' for t in _BY_TABLE)}")
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(f"{shown}: {table} must be an array of tables, written "
                            f"[[{table}]] before each record")
            continue
        if len(entries) > MAX_RECORDS:
            problems.append(f"{shown}: {table}: {len(entries):,} records; at most "
                            f"{MAX_RECORDS:,} of one kind per file")
            continue
        seen: dict[str, int] = {}
        for number, entry in enumerate(entries, start=1):
            label = _record_label(kind, entry, number)
            try:
                record = kind.model.model_validate(entry, strict=True)
            except RecursionError:
                problems.append(f"{shown}: {label}: nested too deeply")
                continue
            except ValidationError as error:
                # An unknown key first: it is often a misspelt required one.
                items = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
                problems.extend(f"{shown}: {label}: {_describe(item, kind.model)}"
                                for item in items)
                continue
            if record.id in seen:
                problems.append(f"{shown}: {label}: id: duplicate id {record.id!r}, also "
                                f"{kind.table} #{seen[record.id]} in this file; "
                                f"ids must be unique within a file")
                continue
            seen[record.id] = number
            # An override keeps the place of the record it replaces; a new id goes last.
            merged[kind.attr][record.id] = record
            origins[(kind.attr, record.id)] = name


def _record_label(kind: _Kind, entry: dict, number: int) -> str:
    record_id = entry.get("id")
    if isinstance(record_id, str) and record_id:
        return f"{kind.label} {record_id!r}"
    return f"{kind.label} #{number}"


def _describe(item: dict, model: type[BaseModel]) -> str:
    """One pydantic error as ``field: what is wrong, got value``."""
    where = _location(item["loc"])
    kind = item["type"]
    if kind == "extra_forbidden":
        key = str(item["loc"][-1])
        parent = _location(item["loc"][:-1])
        allowed = _allowed_keys(model, item["loc"][:-1])
        return (f"{parent + ': ' if parent else ''}unknown key {key!r}"
                f"{_did_you_mean(key, allowed)}; allowed keys: {', '.join(allowed)}")
    if kind == "missing":
        return f"{where}: missing (required)"
    message = item["msg"]
    message = message.removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if not where:
        return message
    return f"{where}: {message}, got {_short(item.get('input'))}"


def _location(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of ``model`` or of the nested model at ``loc`` (e.g. payload_leo[0])."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        nested = next((arg for arg in getattr(annotation, "__args__", ())
                       if isinstance(arg, type) and issubclass(arg, BaseModel)), None)
        if nested is None:
            break
        current = nested
    return list(current.model_fields)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cross_check(merged: dict, origins: dict, problems: list[str]) -> None:
    """Check that every record names partners, sites, vehicles, ... that exist."""
    partners = merged["partners"]
    sites = merged["sites"]
    vehicles = merged["launch_vehicles"]
    propellants = merged["propellants"]
    standards = merged["docking_standards"]

    def check(kind: _Kind, record, field_name: str, value, known: Mapping, what: str):
        if value is not None and value not in known:
            problems.append(
                f"{origins[(kind.attr, record.id)]}: {kind.label} {record.id!r}: "
                f"{field_name}: {value!r} is not a known {what}"
                f"{_did_you_mean(value, known)}; known: {', '.join(known)}"
            )

    for kind in KINDS:
        for record in merged[kind.attr].values():
            if kind.attr == "launch_vehicles":
                check(kind, record, "owner", record.owner, partners, "partner")
                for i, site in enumerate(record.sites):
                    check(kind, record, f"sites[{i}]", site, sites, "site")
            elif kind.attr == "elements":
                check(kind, record, "owner", record.owner, partners, "partner")
                check(kind, record, "launched_on", record.launched_on, vehicles,
                      "launch vehicle")
                check(kind, record, "integrated_launch", record.integrated_launch, vehicles,
                      "launch vehicle")
                check(kind, record, "propellant", record.propellant, propellants, "propellant")
                for i, standard in enumerate(record.docking):
                    check(kind, record, f"docking[{i}]", standard, standards,
                          "docking standard")
                if record.propellant_capacity_t > 0 and record.propellant is None:
                    problems.append(
                        f"{origins[(kind.attr, record.id)]}: element {record.id!r}: "
                        f"propellant: missing; an element with propellant_capacity_t > 0 "
                        f"must name its propellant (one of {', '.join(propellants)})"
                    )
                if record.launched_on is not None and record.integrated_launch is not None:
                    problems.append(
                        f"{origins[(kind.attr, record.id)]}: element {record.id!r}: "
                        f"launched_on and integrated_launch are both set; give launched_on "
                        f"for a payload, integrated_launch for a vehicle that is itself the "
                        f"upper stage"
                    )
            elif kind.attr == "docking_standards":
                for i, other in enumerate(record.mates_with):
                    check(kind, record, f"mates_with[{i}]", other, standards,
                          "docking standard")
            elif kind.attr == "adapters":
                for i, standard in enumerate(record.between):
                    check(kind, record, f"between[{i}]", standard, standards,
                          "docking standard")
                check(kind, record, "owner", record.owner, partners, "partner")


# --- Rows for printing (``marsplan catalog``) ----------------------------------

#: ``marsplan catalog`` listings and the kinds each one shows (defined in
#: :mod:`marsplan.choices`, which the CLI reads without loading pydantic).
LISTINGS = CATALOG_LISTINGS


def catalog_rows(catalog: Catalog, listing: str) -> list[dict]:
    """Flat rows for one ``marsplan catalog`` listing: main figures, then source.

    Parameters
    ----------
    catalog : Catalog
    listing : str
        One of :data:`LISTINGS`: ``vehicles``, ``partners``, ``elements``,
        ``sites``, ``propellants``, ``docking`` (standards and adapters together).

    Returns
    -------
    list of dict
        All rows of one listing have the same keys (units in the names); lists
        are joined with ``", "``.

    Raises
    ------
    CatalogError
        Unknown listing.
    """
    try:
        attrs = LISTINGS[listing]
    except KeyError:
        raise CatalogError(
            f"unknown catalog listing {listing!r}; known: {', '.join(LISTINGS)}"
        ) from None
    rows = []
    for attr in attrs:
        row_of = _ROW_MAKERS[attr]
        rows.extend(row_of(record) for record in getattr(catalog, attr).values())
    return rows


def _join(items: Iterable) -> str:
    return ", ".join(str(item) for item in items)


def _vehicle_row(v: LaunchVehicle) -> dict:
    best = max(v.payload_leo, key=lambda p: p.payload_t)
    points = "; ".join(f"{p.payload_t:g} t to {p.altitude_km:g} km at {p.inclination_deg:g} deg"
                       for p in sorted(v.payload_leo, key=lambda p: p.inclination_deg))
    return {"id": v.id, "name": v.name, "owner": v.owner, "sites": _join(v.sites),
            "payload_leo_max_t": best.payload_t,
            "inclination_at_max_deg": best.inclination_deg,
            "payload_leo": points, "price_musd": v.price_musd, "reusable": v.reusable,
            "crew_rated": v.crew_rated, "estimate": v.estimate, "source": v.source}


def _partner_row(p: Partner) -> dict:
    return {"id": p.id, "name": p.name, "kind": p.kind, "country": p.country,
            "estimate": p.estimate, "source": p.source}


def _element_row(e: Element) -> dict:
    launch = e.launched_on if e.launched_on is not None else (
        f"{e.integrated_launch} (integrated)" if e.integrated_launch is not None else None)
    return {"id": e.id, "name": e.name, "kind": e.kind, "owner": e.owner,
            "dry_mass_t": e.dry_mass_t, "propellant_capacity_t": e.propellant_capacity_t,
            "propellant": e.propellant, "isp_s": e.isp_s, "crew_capacity": e.crew_capacity,
            "docking": _join(e.docking), "cabin_pressure_kpa": e.cabin_pressure_kpa,
            "oxygen_fraction": e.oxygen_fraction, "power_bus_v": e.power_bus_v,
            "launch": launch, "unit_cost_musd": e.unit_cost_musd, "reusable": e.reusable,
            "estimate": e.estimate, "source": e.source}


def _site_row(s: LaunchSite) -> dict:
    return {"id": s.id, "name": s.name, "operator": s.operator,
            "latitude_deg": s.latitude_deg, "min_inclination_deg": s.min_inclination_deg,
            "max_inclination_deg": s.max_inclination_deg, "estimate": s.estimate,
            "source": s.source}


def _propellant_row(p: Propellant) -> dict:
    return {"id": p.id, "name": p.name, "cryogenic": p.cryogenic,
            "boiloff_pct_per_day": p.boiloff_pct_per_day, "estimate": p.estimate,
            "source": p.source}


def _standard_row(d: DockingStandard) -> dict:
    return {"type": "standard", "id": d.id, "name": d.name, "androgynous": d.androgynous,
            "mates_with": _join(d.mates_with), "bridges": None, "between": None,
            "mass_t": None, "owner": None, "estimate": d.estimate, "source": d.source}


def _adapter_row(a: Adapter) -> dict:
    return {"type": "adapter", "id": a.id, "name": a.name, "androgynous": None,
            "mates_with": None, "bridges": _join(a.bridges), "between": _join(a.between),
            "mass_t": a.mass_t, "owner": a.owner, "estimate": a.estimate, "source": a.source}


_ROW_MAKERS = {
    "launch_vehicles": _vehicle_row,
    "partners": _partner_row,
    "elements": _element_row,
    "sites": _site_row,
    "propellants": _propellant_row,
    "docking_standards": _standard_row,
    "adapters": _adapter_row,
}
