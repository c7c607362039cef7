"""What each partner contributes to a joint mission in hardware: mass, launches,
elements, crew.

The sizing code attributes every tonne, launch and dollar of the plan to a
provider; :func:`contributions` adds up the mass and launches per partner and
adds what the scenario itself says (elements provided, crew seats). Money
(who provides what value, who pays whom, who is entitled to what) is the
ledger's: :mod:`marsplan.joint.agreement`.

Input: sizing rows
------------------
The sizing's typed rows (:class:`~marsplan.sizing.rows.ItemRow`, whose
``kind`` is element, crew, propellant or adapter, and
:class:`~marsplan.sizing.rows.LaunchRow`, counted as ``launch`` or ``tanker``
with its mass already on the items it carries), or dicts with the same
attributes, one per item of the plan, each attributed to the partner that
provides it:

``provider`` : str, required
    Partner id (``"nasa"``, ``"spacex"``).
``kind`` : str, required
    One of :data:`KINDS`: ``"element"`` (an element put in LEO: its mass and
    unit cost), ``"launch"`` (launch vehicle flights: their count and price),
    ``"tanker"`` (tanker flights: their count and price), ``"propellant"``
    (propellant delivered to LEO: its mass and cost), ``"adapter"`` (an
    interface adapter: its mass and cost).
``mass_t`` : float, default 0
    Mass this row puts in low Earth orbit, tonnes.
``launches`` : int or float, default 0
    Launches this row counts.
``cost_musd`` : float, default 0
    Its estimated cost, millions of US dollars.
``item`` : str, optional
    The element, vehicle or propellant id; ``element`` rows add it to the
    partner's elements.

Each number is summed as given, so a plan must not count one thing twice: an
element's mass on its ``element`` row and the flight that carries it on a
``launch`` row with ``mass_t`` 0 (or the other way round), propellant on
``propellant`` rows and the flights that carry it on ``tanker`` rows.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from marsplan.errors import InputError

KINDS = ("element", "crew", "launch", "tanker", "propellant", "adapter")
_NUMBERS = ("mass_t", "launches", "cost_musd")


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One partner's contribution and its shares (per cent of the plan's totals).

    ``mass_to_leo_t``: its part of IMLEO; ``launches``: flights it provides;
    ``elements``: ids it provides; ``crew_seats``: its crew members;
    ``seats_provided``: seats on its crew-access vehicles. What its hardware
    is worth and who pays for it are in the plan's ledger
    (:mod:`marsplan.joint.agreement`).
    """

    partner: str
    mass_to_leo_t: float
    mass_share_pct: float
    launches: int | float
    launch_share_pct: float
    elements: tuple[str, ...]
    crew_seats: int
    seats_provided: int


def contributions(scenario, catalog, sizing_rows) -> tuple[PartnerRow, ...]:
    """Each partner's mass to LEO, launches, elements and crew seats, with shares.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
        Gives the partners (in :meth:`Scenario.partners` order), the elements
        each provides and its crew.
    catalog
        Any object with a dict ``elements`` (for crew capacities); may be None.
    sizing_rows : iterable of dict
        The plan attributed by provider; the shape is in the module docstring.

    Returns
    -------
    tuple of PartnerRow
        One per partner: the scenario's partners first, then any other
        provider of a sizing row. Fields: ``partner``; ``mass_to_leo_t`` and
        ``mass_share_pct``; ``launches`` and ``launch_share_pct``;
        ``elements`` (ids: those it provides in the scenario, its refuelling
        tanker, and the ``item`` of its element rows); ``crew_seats`` (its
        crew members); ``seats_provided`` (seats on the crew-access vehicles
        it provides, from the catalog's crew capacity). A share of a zero
        total is 0. Each row's ``cost_musd`` is checked (>= 0, finite) here
        and valued by the ledger (:mod:`marsplan.joint.agreement`).

    Raises
    ------
    InputError
        A row without ``provider`` or ``kind``, an unknown kind, a negative or
        non-finite number.
    """
    rows = [_row(n, r) for n, r in enumerate(sizing_rows)]
    partners = list(dict.fromkeys(scenario.partners() + [r["provider"] for r in rows]))
    elements = getattr(catalog, "elements", None) or {}
    out = []
    for partner in partners:
        mine = [r for r in rows if r["provider"] == partner]
        provided = [u.id for u in scenario.elements if u.provider == partner]
        if scenario.refuelling is not None and scenario.refuelling.provider == partner:
            provided.append(scenario.refuelling.tanker)
        provided += [r["item"] for r in mine if r["kind"] == "element" and r["item"]]
        seats = sum(elements[u.id].crew_capacity * u.count for u in scenario.elements
                    if u.provider == partner and u.role == "crew_access" and u.id in elements)
        out.append({
            "partner": partner,
            "mass_to_leo_t": math.fsum(r["mass_t"] for r in mine),
            "launches": _sum(r["launches"] for r in mine),
            "elements": list(dict.fromkeys(provided)),
            "crew_seats": int(scenario.crew.get(partner, 0)),
            "seats_provided": int(seats),
        })
    for key, share in (("mass_to_leo_t", "mass_share_pct"), ("launches", "launch_share_pct")):
        total = math.fsum(p[key] for p in out)
        for p in out:
            p[share] = 100.0 * p[key] / total if total > 0 else 0.0
    return tuple(PartnerRow(
        partner=p["partner"], mass_to_leo_t=p["mass_to_leo_t"],
        mass_share_pct=p["mass_share_pct"], launches=p["launches"],
        launch_share_pct=p["launch_share_pct"], elements=tuple(p["elements"]),
        crew_seats=p["crew_seats"], seats_provided=p["seats_provided"]) for p in out)


def _row(n: int, row) -> dict:
    """One sizing row checked and normalised to a dict."""
    get = row.get if isinstance(row, dict) else (lambda key, default=None:
                                                  getattr(row, key, default))
    if not isinstance(row, dict) and hasattr(row, "vehicle"):
        # A LaunchRow: its flights and price; the mass it lifts is on the items.
        return _row(n, {"provider": row.provider,
                        "kind": "tanker" if row.purpose == "tanker" else "launch",
                        "item": row.vehicle, "mass_t": 0.0, "launches": row.launches,
                        "cost_musd": row.cost_musd})
    provider, kind = get("provider"), get("kind")
    if not isinstance(provider, str) or not provider:
        raise InputError(f"sizing_rows[{n}].provider: must be a partner id, got {provider!r}")
    if kind not in KINDS:
        raise InputError(f"sizing_rows[{n}].kind: {kind!r} is not one of {', '.join(KINDS)}")
    out = {"provider": provider, "kind": kind, "item": get("item")}
    for key in _NUMBERS:
        value = get(key, 0)
        value = 0 if value is None else value
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or not math.isfinite(value) or value < 0):
            raise InputError(f"sizing_rows[{n}].{key}: must be a finite number >= 0, "
                             f"got {value!r}")
        out[key] = value
    return out


def _sum(values):
    """Sum that stays an int when every value is one (launch counts)."""
    values = list(values)
    if all(isinstance(v, numbers.Integral) for v in values):
        return int(sum(values))
    return math.fsum(values)
