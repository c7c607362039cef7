"""A withdrawal as one JSON-ready document: the baseline plan and each re-plan.

``plan --without P [--without Q] --format json`` prints
:func:`withdrawal_document`::

    {"baseline": PLAN,
     "withdrawals": [{"partners": [...], "verdict": {...}, "plan": PLAN or null,
                      "replacements": [...], "unreplaced": [...], "slip_days": ...,
                      ...}]}

where PLAN is a plan's document. The figures are computed in
:mod:`marsplan.joint.withdraw`; this module only maps them to keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict

from marsplan.time import jd_tdb_to_iso


def withdrawal_document(result) -> dict:
    """``{"baseline": PLAN, "withdrawals": [...]}`` for one
    :class:`~marsplan.joint.withdraw.WithdrawalPlan`, or a sequence of them that
    share a baseline (one entry each, in order). NaN and infinities are null.

    Each entry: ``partners`` (withdrawn together), ``verdict`` (``status``
    "flies", "flies_with_waiver" or "cannot_fly", and ``limits``), ``plan``
    (the re-plan at the earliest opportunity that flies, else the one that
    cannot; null when nothing replaces the transit vehicle), ``replacements``,
    ``unreplaced``, ``slip_days`` (re-planned minus baseline Earth departure,
    days; null when nothing flies), ``seats`` and ``seat_policy``, ``notes``,
    ``searched`` (each opportunity planned), ``horizon_years`` and
    ``search_note`` (the search of later opportunities in words).
    """
    results = [result] if not isinstance(result, Sequence) else list(result)
    baseline = results[0].baseline
    return _clean({"baseline": _plan_document(baseline),
                   "withdrawals": [_entry(r) for r in results]})


def _entry(r) -> dict:
    w = r.withdrawal
    return {
        "partners": list(r.partners),
        "verdict": {"status": r.verdict.status, "limits": list(r.verdict.limits)},
        "plan": None if r.plan is None else _plan_document(r.plan),
        "replacements": [asdict(x) for x in w.replacements],
        "unreplaced": [asdict(x) for x in w.unreplaced],
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
    }


def _plan_document(p) -> dict:
    # Interim, until marsplan.io.document.plan_document (issue 10 item 1) lands:
    # the plan's key figures and limits.
    return {"summary": p.summary(), "limits": list(p.limits)}


def _clean(value):
    """Plain JSON: tuples to lists, NaN and infinities to None."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
