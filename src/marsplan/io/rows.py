"""Results as flat rows (dicts keyed as in docs/design.md) for tables, JSON and CSV.

The core returns typed values (:class:`~marsplan.transfer.windows.Window`,
:class:`~marsplan.transfer.leg.Transfer`, ...); this edge words them as rows
whose keys carry their units, with ISO dates (TDB).
"""

from __future__ import annotations

import math

import numpy as np

from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.leg import TYPES
from marsplan.transfer.periods import ANY_TYPE
from marsplan.transfer.windows import OBJECTIVES, Window

#: The keys of ``marsplan windows`` (docs/design.md), in order.
ROW_KEYS = ("opportunity", "type", "objective", "launch", "arrival", "tof_days", "c3_km2s2",
            "dla_deg", "rla_deg", "vinf_arrival_kms", "dv_total_kms")
#: Keys :func:`windows_rows` adds when a C3 limit was given (see its docstring).
PERIOD_KEYS = ("c3_max_km2s2", "period_first_launch", "period_last_launch", "period_days",
               "period_first_launch_any_type", "period_last_launch_any_type",
               "period_days_any_type")
#: Keys of :func:`daily_rows`.
DAILY_KEYS = ("opportunity", "type", "launch", "arrival", "tof_days", "c3_km2s2", "dla_deg",
              "rla_deg", "vinf_arrival_kms", "dv_total_kms", "within_limit")


def windows_rows(found: list[Window]) -> list[dict]:
    """Flat rows for ``marsplan windows``: one per opportunity, type and objective.

    Keys are those of docs/design.md, in order: ``opportunity``, ``type``,
    ``objective``, ``launch``, ``arrival``, ``tof_days``, ``c3_km2s2``,
    ``dla_deg``, ``rla_deg``, ``vinf_arrival_kms``, ``dv_total_kms``.

    When the search had a C3 limit every row also carries (null where the limit
    is below the type's minimum C3):

    - ``c3_max_km2s2``: the limit;
    - ``period_first_launch``, ``period_last_launch``, ``period_days``: the
      launch period of the row's type (ISO dates, TDB; days as a float);
    - ``period_first_launch_any_type``, ``period_last_launch_any_type``,
      ``period_days_any_type``: the launch period when either type may fly.
    """
    rows = []
    for w in found:
        for t in TYPES:
            for objective in OBJECTIVES:
                leg = w.optima.get(t, {}).get(objective)
                if leg is None:
                    continue
                raw = leg.rows()[0]
                row = {"opportunity": w.opportunity, "type": t, "objective": objective}
                row.update({k: raw[k] for k in ROW_KEYS[3:]})
                if w.c3_max_km2s2 is not None:
                    row["c3_max_km2s2"] = w.c3_max_km2s2
                    for suffix, key in (("", t), ("_any_type", ANY_TYPE)):
                        p = w.launch_periods.get(key)
                        row[f"period_first_launch{suffix}"] = (
                            None if p is None else jd_tdb_to_iso(p.first_launch_jd_tdb))
                        row[f"period_last_launch{suffix}"] = (
                            None if p is None else jd_tdb_to_iso(p.last_launch_jd_tdb))
                        row[f"period_days{suffix}"] = None if p is None else float(p.days)
                rows.append(row)
    return rows


def daily_rows(found: list[Window]) -> list[dict]:
    """The day-by-day tables of a ``daily=True`` search, one row per launch day and type.

    Keys: ``opportunity``, ``type``, ``launch`` (0h TDB), ``arrival`` (of the
    best C3 of that type that day), ``tof_days``, ``c3_km2s2``, ``dla_deg``,
    ``rla_deg``, ``vinf_arrival_kms``, ``dv_total_kms``, ``within_limit``
    (C3 at or under the search's ``c3_max``). The days span the launch period
    over both types, so one type may be above the limit on some of them; a day
    with no leg of a type has null arrival and NaN values.
    """
    rows = []
    for w in found:
        if not w.daily:
            continue
        tables = [(t, w.daily[t]) for t in TYPES if t in w.daily]
        launch = jd_tdb_to_iso(np.atleast_1d(tables[0][1].launch_jd_tdb))
        for d in range(launch.size):
            for t, legs in tables:
                arrival = float(legs.arrival_jd_tdb[d])
                row = {"opportunity": w.opportunity, "type": t, "launch": str(launch[d]),
                       "arrival": jd_tdb_to_iso(arrival) if math.isfinite(arrival) else None}
                row.update({k: float(getattr(legs, k)[d]) for k in DAILY_KEYS[4:-1]})
                row["within_limit"] = bool(row["c3_km2s2"] <= w.c3_max_km2s2)
                rows.append(row)
    return rows

#: Most total delta-v above an opportunity's best that its printed front keeps, km/s.
FRONT_WITHIN_KMS = 5.0


def missions_rows(found) -> list[dict]:
    """Rows of ``marsplan missions``: each opportunity's best mission, labelled.

    ``opportunity`` (the year of its minimum-C3 launch), ``opportunity_min_c3_launch``
    (that launch, ISO TDB), then the mission's own keys (docs/outputs.md).
    """
    return [{"opportunity": o.year,
             "opportunity_min_c3_launch": jd_tdb_to_iso(o.anchor_jd_tdb), **o.best.row()}
            for o in found]


def mission_front_rows(found) -> list[dict]:
    """The table ``front`` of ``marsplan missions --front``: each opportunity's Pareto
    front of total delta-v against duration, within :data:`FRONT_WITHIN_KMS` of its best."""
    return [{"opportunity": o.year, "duration_days": m.duration_days,
             "dv_total_kms": m.dv_total_kms, "stay_days": m.stay_days,
             "earth_departure": m.row()["earth_departure"],
             "flyby": m.flyby} for o in found for m in o.front
            if m.dv_total_kms <= o.best.dv_total_kms + FRONT_WITHIN_KMS]


def mission_timeline_rows(found) -> list[dict]:
    """The table ``timeline`` of ``marsplan missions --timeline``: each best mission's events."""
    from marsplan.io.oem import timeline_rows

    return [{"opportunity": o.year, **r} for o in found for r in timeline_rows(o.best)]
