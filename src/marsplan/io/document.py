"""The plan document: one nested, JSON-ready dict for a :class:`~marsplan.joint.plan.Plan`.

:func:`plan_document` is the only place a plan becomes dicts. ``marsplan plan
--format json`` prints it, the report writes it as ``plan.json``, and
``--format csv --out DIR`` writes one CSV per section of it
(:func:`document_tables`, :func:`write_csv_tables`). Its shape is published as
a JSON Schema in ``docs/plan.schema.json`` (:data:`SCHEMA_VERSION`).
:func:`withdrawal_document` sets a baseline plan beside its re-plans without
some partners (``plan --without``; ``docs/withdrawal.schema.json``).

Conventions: keys in snake_case with the unit in the name; dates ISO 8601,
TDB (``2033-04-21T01:54:51``); full precision; NaN and infinities are null.

Top-level keys: ``schema_version``, ``marsplan`` (version, ephemeris, time
scale), ``summary`` (the key figures), ``verdict`` (``status``,
``binding_limit`` and every limit with its kind and numbers), ``trajectory``,
``maneuvers``, ``burns``, ``launches`` (each with the mass it lifts),
``items`` (what goes into the assembly orbit), ``partners`` (what each partner
brings and gets: hardware, in-kind value, cash paid and received, entitlement,
contribution and balance), ``cash_flows`` (who pays whom, for what),
``agreement`` (the ledger's terms and totals), ``interfaces``,
``assembly_orbit``, ``dose`` (phases and one row per crew member:
``partner``, ``dose_msv``, ``limit_msv``, ``limit_source``), ``light_time``
(to the crew, day by day), ``blackouts``, ``timeline`` and ``notes``.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import fields, is_dataclass

import numpy as np

#: Version of the document's shape; a change of a key's name or meaning bumps it.
SCHEMA_VERSION = "2.0"

#: Sections of the document in order; each becomes one CSV (see document_tables).
SECTIONS = ("summary", "verdict", "trajectory", "maneuvers", "burns", "launches", "items",
            "partners", "cash_flows", "agreement", "interfaces", "assembly_orbit", "dose",
            "light_time", "blackouts", "timeline", "notes")


def plan_document(plan, *, ephemeris_name: str | None = None, shares=None) -> dict:
    """The whole plan as one nested JSON-ready dict (see the module docstring).

    Parameters
    ----------
    plan : marsplan.joint.plan.Plan
    ephemeris_name : str, optional
        The kernel the plan was computed with ("de440.bsp"), recorded under
        ``marsplan``.
    shares : PlanShares, optional
        The partners' Shapley shares of the plan's cost
        (:func:`marsplan.joint.coalitions.plan_shares`), under ``agreement``'s
        ``shapley`` and ``shapley_note``; without them ``shapley`` is empty.
    """
    from marsplan import __version__
    from marsplan.time import jd_tdb_to_iso

    s, v, dose, light = plan.sizing, plan.verdict, plan.dose, plan.light_time
    trajectory = {**plan.mission.row(), "dla_deg": plan.dla_deg, "rla_deg": plan.rla_deg}
    at_mars = light.at_mars_range_min()
    doc = {
        "schema_version": SCHEMA_VERSION,
        "marsplan": {"version": __version__, "ephemeris": ephemeris_name, "time_scale": "TDB"},
        "summary": plan.summary(),
        "verdict": verdict_document(v),
        "trajectory": trajectory,
        "maneuvers": [{"maneuver": r.maneuver, "body": r.body, "date": r.date,
                       "dv_kms": r.dv_kms, "dv_with_margin_kms": r.dv_with_margin_kms,
                       "elements": list(r.elements), "propellant_t": r.propellant_t,
                       "mass_before_t": r.mass_before_t} for r in s.maneuvers],
        "burns": [{"date": r.date, **_without(record(r), "jd_tdb")} for r in s.burns],
        "launches": [{**record(r), "mass_per_launch_t": r.mass_per_launch_t}
                     for r in s.launch_rows],
        "items": [record(r) for r in s.items],
        "partners": partner_entries(plan),
        "cash_flows": cash_flow_entries(plan.ledger),
        "agreement": {**agreement_entry(plan.ledger, plan.allocation),
                      **shapley_entry(shares)},
        "interfaces": {"adapter_mass_t": plan.interfaces.adapter_mass_t,
                       "checks": [record(c) for c in plan.interfaces.checks],
                       "adapters": [record(a) for a in plan.interfaces.adapters]},
        "assembly_orbit": {"dla_deg": plan.sites.dla_deg,
                           "inclination_deg": plan.sites.inclination_deg,
                           "feasible": plan.sites.feasible,
                           "problems": list(plan.sites.problems),
                           "notes": list(plan.sites.notes), "launches": plan.sites.rows()},
        "dose": {
            "total_msv": dose.total_msv,
            "lands": s.lands,
            "summary": dose.row(),
            "phases": dose.rows(),
            "members": [{"member": m.member, "partner": m.partner,
                         "mission_dose_msv": m.mission_dose_msv,
                         "prior_dose_msv": m.prior_dose_msv, "dose_msv": m.dose_msv,
                         "limit_msv": m.limit_msv, "limit_source": m.limit_source,
                         "fraction_of_limit": m.fraction_of_limit,
                         "within_limit": m.within_limit} for m in dose.members],
        },
        "light_time": {
            "to": "crew",
            "min_minutes": light.min_min,
            "max_minutes": light.max_min,
            "at_mars_min_minutes": at_mars[0] if at_mars else None,
            "at_mars_max_minutes": at_mars[1] if at_mars else None,
            "series": [{"date": d, "crew_min": c, "earth_mars_min": e} for d, c, e in zip(
                jd_tdb_to_iso(light.jd_tdb).tolist(), light.crew_min.tolist(),
                light.earth_mars_min.tolist(), strict=True)],
        },
        "blackouts": [b.row() for b in plan.blackouts],
        "timeline": [{"date": e.date, "event": e.event, "who": e.who} for e in plan.timeline],
        "notes": list(dict.fromkeys([*s.notes, *getattr(plan.mission, "notes", ())])),
    }
    return jsonable(doc)


#: The keys of a ``partners`` entry, in order: the ledger's, then the hardware's.
PARTNER_KEYS = ("partner", "kind", "seats", "provides_musd", "pays_musd", "receives_musd",
                "contribution_musd", "contribution_pct", "entitlement_pct", "entitlement_musd",
                "balance_musd", "balanced", "settles", "mass_to_leo_t", "mass_share_pct",
                "launches", "launch_share_pct", "elements", "seats_provided")


def partner_entries(plan) -> list[dict]:
    """One dict per partner: what it brings and gets (the plan's ledger) beside the
    hardware it provides (its contributions): the keys of :data:`PARTNER_KEYS`."""
    book = plan.ledger
    money = {r.partner: record(r) for r in (book.partners if book is not None else ())}
    hardware = {r.partner: record(r) for r in plan.contributions}
    out = []
    for partner in dict.fromkeys([*money, *hardware]):
        m, h = money.get(partner, {}), hardware.get(partner, {})
        if not m and not h.get("mass_to_leo_t") and not h.get("launches") \
                and not h.get("crew_seats"):
            continue
        entry = {**h, **m, "seats": m.get("seats", h.get("crew_seats", 0))}
        out.append({k: entry.get(k, 0 if k in ("launches", "seats_provided") else
                                 [] if k == "elements" else None) for k in PARTNER_KEYS})
    return out


def cash_flow_entries(book) -> list[dict]:
    """The ledger's cash flows as ``{from, to, musd, for}``."""
    return [{"from": f.from_, "to": f.to, "musd": f.musd, "for": f.for_}
            for f in (book.cash_flows if book is not None else ())]


def agreement_entry(book, allocation=None) -> dict:
    """The ledger's terms and totals: ``settle``, ``total_musd``,
    ``balance_tolerance_musd``, ``balanced``, ``unsettled_musd``,
    ``violations``, ``notes``, ``sanctions`` (what ``no_funds`` between two
    agencies would do: ``between``, ``purchases_musd``, ``unsettled_musd``) and
    ``allocation`` (the optimiser's providers, :mod:`marsplan.joint.allocate`:
    ``cost_musd``, ``baseline_cost_musd`` and ``choices``, each ``need``,
    ``partner``, ``option``, ``element``, ``vehicle``, ``units``, ``cost_musd``;
    None when the agreement does not ask for it)."""
    chosen = None if allocation is None else {
        "cost_musd": allocation.cost_musd, "baseline_cost_musd": allocation.baseline_cost_musd,
        "choices": [{"need": c.need, "partner": c.option.provider, "option": c.option.label,
                     "element": c.option.element, "vehicle": c.option.vehicle,
                     "units": c.units, "cost_musd": c.cost_musd} for c in allocation.choices]}
    if book is None:
        return {"settle": None, "total_musd": None, "balance_tolerance_musd": None,
                "balanced": None, "unsettled_musd": None, "violations": [], "notes": [],
                "sanctions": [], "allocation": chosen}
    return {"settle": book.settle, "total_musd": book.total_musd,
            "balance_tolerance_musd": book.tolerance_musd, "balanced": book.balanced,
            "unsettled_musd": book.unsettled_musd, "violations": list(book.violations),
            "notes": list(book.notes),
            "sanctions": [{"between": [c.a, c.b], "purchases_musd": c.purchases_musd,
                           "unsettled_musd": c.unsettled_musd} for c in book.sanctions],
            "allocation": chosen}


def shapley_entry(shares) -> dict:
    """``shapley``: each partner's Shapley share of the cost game of docs/coalitions.md
    (``partner``, ``share_musd``, ``share_pct``; as ``marsplan coalitions``), empty when
    not computed; ``shapley_note``: why not (too many partners), or what the game assumed
    (the grand coalition cannot fly), else None. ``shares`` is a
    :class:`~marsplan.joint.coalitions.PlanShares` or None."""
    if shares is None:
        return {"shapley": [], "shapley_note": None}
    notes = [shares.note] if shares.note else []
    if shares.coalitions is not None:
        notes += list(shares.coalitions.notes)
    return {"shapley": [{"partner": s.partner, "share_musd": s.share_musd,
                         "share_pct": s.share_pct} for s in shares.shapley],
            "shapley_note": "; ".join(notes) or None}


def verdict_document(v) -> dict:
    """A :class:`~marsplan.joint.verdict.Verdict` as the document's ``verdict``:
    ``status``, ``binding_limit`` (the first limit's message) and ``limits``."""
    return {"status": v.status, "binding_limit": v.binding.message if v.binding else None,
            "limits": [record(x) for x in v.limits]}


def withdrawal_document(result, *, ephemeris_name: str | None = None, shares=None) -> dict:
    """``{"baseline": PLAN, "withdrawals": [...]}``: what ``plan --without P
    [--without Q] --format json`` prints.

    ``result`` is one :class:`~marsplan.joint.withdraw.WithdrawalPlan` or a
    sequence of them sharing a baseline (one entry each, in order); PLAN is
    :func:`plan_document`. Each entry: ``partners`` (withdrawn together),
    ``verdict`` (as a plan's: ``status``, ``binding_limit``, ``limits``),
    ``plan`` (the re-plan at the earliest opportunity that flies, else the
    one that cannot; null when nothing replaces the transit vehicle or no
    trajectory was found), ``replacements``, ``unreplaced``, ``slip_days``
    (the re-plan's Earth departure minus the baseline's, days; null when
    nothing flies), ``seats`` and ``seat_policy``, ``notes``, ``searched``
    (each opportunity planned), ``horizon_years``, ``search_note`` and
    ``money`` (:func:`money_entry`; null without a re-plan). ``shares``: the
    baseline's Shapley shares, as :func:`plan_document` takes them.
    """
    from marsplan.time import jd_tdb_to_iso

    results = [result] if not isinstance(result, (list, tuple)) else list(result)

    def entry(r) -> dict:
        w = r.withdrawal
        return {
            "partners": list(r.partners),
            "verdict": verdict_document(r.verdict),
            "plan": (None if r.plan is None
                     else plan_document(r.plan, ephemeris_name=ephemeris_name)),
            "replacements": [record(x) for x in w.replacements],
            "unreplaced": [record(x) for x in w.unreplaced],
            "slip_days": r.slip_days,
            "seats": [{"partner": p, "seats_gained": n} for p, n in w.seats],
            "seat_policy": w.seat_policy,
            "notes": list(w.notes),
            "searched": [{"opportunity": t.opportunity,
                          "earth_departure": None if t.earth_departure_jd_tdb is None
                          else jd_tdb_to_iso(t.earth_departure_jd_tdb),
                          "status": t.status, "reason": t.reason} for t in r.searched],
            "horizon_years": r.horizon_years,
            "search_note": r.search_note,
            "money": money_entry(r.money),
        }

    return jsonable({"baseline": plan_document(results[0].baseline,
                                               ephemeris_name=ephemeris_name, shares=shares),
                     "withdrawals": [entry(r) for r in results]})


def money_entry(money) -> dict | None:
    """A :class:`~marsplan.joint.withdraw.WithdrawalMoney` as the withdrawal entry's
    ``money``: what was lost, what the replacements cost, who makes it up."""
    if money is None:
        return None
    return {"withdrawn_musd": money.withdrawn_musd,
            "replacements_musd": money.replacements_musd,
            "total_before_musd": money.total_before_musd,
            "total_after_musd": money.total_after_musd,
            "makes_up": [c.partner for c in money.makes_up],
            "partners": [record(c) for c in money.partners],
            "items": [record(c) for c in money.items]}


def record(value) -> dict:
    """A frozen dataclass as a dict of its fields (nested tuples become lists)."""
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _without(d: dict, *keys) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def jsonable(value):
    """``value`` with numpy arrays and scalars, tuples and dataclasses made plain JSON;
    NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(record(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


# --------------------------------------------------------------------------- CSV


def document_tables(doc: dict) -> dict[str, list[dict]]:
    """The document as flat tables, one per CSV file (name -> rows).

    A list of flat records is its own table; a section that is one record is
    a one-row table; nested lists get their own tables (``verdict_limits``,
    ``dose_members``, ``dose_phases``, ``interfaces_adapters``,
    ``assembly_orbit_launches``, ``light_time``...). List values inside a row
    are joined with "; ".
    """
    tables: dict[str, list[dict]] = {}

    def flat(row: dict) -> dict:
        return {k: ("; ".join(str(x) for x in v) if isinstance(v, list) else v)
                for k, v in row.items() if not isinstance(v, dict)}

    for name in SECTIONS:
        value = doc.get(name)
        if isinstance(value, list):
            if name == "notes":
                tables[name] = [{"note": n} for n in value]
            else:
                tables[name] = [flat(r) for r in value]
        elif isinstance(value, dict):
            head = {k: v for k, v in value.items() if not isinstance(v, (list, dict))}
            nested = {k: v for k, v in value.items() if isinstance(v, list)}
            if name == "light_time":
                tables[name] = [flat(r) for r in value["series"]]
                tables["light_time_summary"] = [head]
                continue
            if head:
                tables[name] = [head]
            for key, rows in nested.items():
                if rows and all(isinstance(r, dict) for r in rows):
                    tables[f"{name}_{key}"] = [flat(r) for r in rows]
                elif rows:
                    tables[f"{name}_{key}"] = [{key: r} for r in rows]
            if isinstance(value.get("summary"), dict):
                tables[f"{name}_summary"] = [flat(value["summary"])]
    return tables


def csv_text(rows: list[dict]) -> str:
    """Rows as CSV text: a header of every key (first-seen order), empty for None."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for r in rows:
        writer.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    return out.getvalue()


def write_csv_tables(doc: dict, out_dir) -> list[str]:
    """Write one CSV per table of :func:`document_tables` into ``out_dir``
    (created if missing), each file replaced atomically; return the paths."""
    from marsplan.io.emit import write_atomic

    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, rows in document_tables(doc).items():
        path = os.path.join(out_dir, f"{name}.csv")
        write_atomic(path, csv_text(rows))
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- coalitions


def coalitions_document(result, *, ephemeris_name: str | None = None) -> dict:
    """What ``marsplan coalitions SCENARIO --format json`` prints (docs/outputs.md).

    ``{"coalitions": [...], "shapley": [...], "indispensability": [...],
    "fair_shares": [...], "game": {...}, "scenario", "marsplan", "partners",
    "notes": [...]}`` for a
    :class:`~marsplan.joint.coalitions.Coalitions`. Each coalition:
    ``partners``, ``crew``, ``status``, ``flies``, ``binding_limit``,
    ``binding_kind``, ``cost_musd`` (its plan's; null without a plan),
    ``game_cost_musd`` (c(S)), ``game_rule``, ``game_cost_from``,
    ``launches``, ``tanker_flights``, ``imleo_t``, ``earth_departure``,
    ``assembly_inclination_deg``, ``replacements``, ``unreplaced``.
    """
    from marsplan import __version__
    from marsplan.time import jd_tdb_to_iso

    def coalition(c) -> dict:
        p, v, w = c.plan, c.verdict, c.withdrawal
        binding = v.binding
        return {
            "partners": list(c.partners),
            "crew": c.crew_size,
            "status": v.status,
            "flies": c.flies,
            "binding_limit": binding.message if binding else None,
            "binding_kind": binding.kind if binding else None,
            "cost_musd": c.cost_musd,
            "game_cost_musd": c.game_cost_musd,
            "game_rule": c.game_rule,
            "game_cost_from": list(c.game_cost_from),
            "launches": c.launches,
            "tanker_flights": c.tanker_flights,
            "imleo_t": c.imleo_t,
            "earth_departure": (None if p is None
                                else jd_tdb_to_iso(p.mission.earth_departure_jd_tdb)),
            "assembly_inclination_deg": None if p is None else p.sites.inclination_deg,
            "replacements": ([] if w is None else
                             [f"{r.old} -> {r.new} ({r.new_provider})" if r.old != r.new
                              else f"{r.old}: flown by {r.new_provider}"
                              for r in w.replacements]),
            "unreplaced": [] if w is None else [u.old for u in w.unreplaced],
        }

    return jsonable({
        "coalitions": [coalition(c) for c in result.coalitions],
        "shapley": [{"partner": s.partner, "share_musd": s.share_musd,
                     "share_pct": s.share_pct} for s in result.shapley],
        "indispensability": [{"partner": x.partner, "veto": x.veto,
                              "needed_by": len(x.coalitions),
                              "coalitions": [list(c) for c in x.coalitions]}
                             for x in result.indispensability],
        "fair_shares": [record(f) for f in result.fair_shares],
        "game": {"players": list(result.partners),
                 "grand_coalition_cost_musd": result.grand.game_cost_musd,
                 "grand_coalition_flies": result.grand.flies,
                 "shares_sum_musd": math.fsum(s.share_musd for s in result.shapley)},
        "scenario": result.scenario.mission.name,
        "marsplan": {"version": __version__, "ephemeris": ephemeris_name, "time_scale": "TDB"},
        "partners": list(result.partners),
        "notes": list(result.notes),
    })


def coalitions_tables(doc: dict) -> dict[str, list[dict]]:
    """The coalitions document as flat tables: ``coalitions``, ``shapley``,
    ``indispensability`` and ``fair_shares`` (lists joined: partners with "+",
    others with "; ")."""
    def flat(row: dict) -> dict:
        out = {}
        for k, v in row.items():
            if isinstance(v, list):
                parts = ["+".join(x) if isinstance(x, list) else str(x) for x in v]
                v = ("+" if k in ("partners", "game_cost_from") else "; ").join(parts)
            out[k] = v
        return out

    return {name: [flat(r) for r in doc[name]]
            for name in ("coalitions", "shapley", "indispensability", "fair_shares")}
