"""The sweep's work: which trajectories to search, and the plans, batch by batch.

A sweep runs in two phases:

1. **Trajectories.** Each combination's scenario (the base with its axis
   values set, without its withdrawn partners) flies the cheapest mission of
   its opportunity and class within the reach of its launch sites
   (:func:`marsplan.joint.plan.trajectory`). That mission depends only on a
   :class:`TrajectoryKey` (the ``[mission]`` table but its name, the
   ``[orbits]`` and the highest inclination the launch sites reach), so it is
   searched once per distinct key, not once per row.
2. **Plans.** Combinations are cut into batches of ``batch_size`` in a fixed
   order (by trajectory, then by index), each batch one task that plans its
   combinations with :func:`marsplan.joint.plan.plan` and the shared mission.

A withdrawal (the ``without`` axis) is :func:`marsplan.joint.withdraw.withdraw`'s
scenario planned at the combination's own opportunity, as
:func:`~marsplan.joint.withdraw.plan_without` plans it with ``horizon_years = 0``
(the sweep's opportunity axis covers the later years); when nothing replaces
the transit vehicle the row ``cannot_fly`` with plan_without's reason.

The functions here are the tasks: plain functions of picklable arguments that
a Dask worker, or the calling process, runs. This module is core: it imports
no edge (no io/, plots/, cli).
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, fields

from marsplan.choices import SWEEP_STATUSES
from marsplan.errors import MarsplanError

__all__ = ["Batch", "BatchResult", "Job", "Part", "SweepRow", "TrajectoryKey", "partner_fields",
           "plan_batch", "plan_part", "prepare", "search_group", "search_trajectory", "warm_up"]


#: A row's status when its combination could not be planned (the last of
#: :data:`marsplan.choices.SWEEP_STATUSES`; the others are the plan's verdicts).
ERROR = SWEEP_STATUSES[-1]


@dataclass(frozen=True, slots=True)
class TrajectoryKey:
    """What the mission search of a combination depends on (hashable, JSON text)."""

    text: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """One combination after the client's look: its trajectory key, or why it has none.

    ``key`` None and ``error`` None: nothing replaces the transit vehicle, so no
    trajectory is needed (the row cannot fly; ``reason`` says why).
    """

    index: int
    values: tuple
    key: TrajectoryKey | None
    error: str | None = None
    reason: str | None = None

    @property
    def key_class(self) -> str | None:
        """The mission class of its trajectory key (None without one)."""
        return json.loads(self.key.text)["mission"]["class"] if self.key else None

    @property
    def key_group(self) -> str | None:
        """Its searches' group: the opportunity (whose launch windows, ~1-2 s to
        find, every search of it needs first: one task searches them all), or the
        key itself for explicit dates."""
        if self.key is None:
            return None
        opportunity = json.loads(self.key.text)["mission"]["opportunity"]
        return f"opportunity {opportunity}" if opportunity is not None else self.key.text


@dataclass(frozen=True, slots=True)
class Batch:
    """A task's combinations: (index, values, key index or -1, error, reason) each."""

    number: int
    items: tuple


@dataclass(frozen=True)
class Job:
    """What every task shares: the base scenario data, the axis keys, the catalog files."""

    base: dict
    keys: tuple[str, ...]
    catalog_paths: tuple[str, ...]
    partners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One combination's result.

    ``status``: the plan's verdict (``flies``, ``flies_with_waiver``,
    ``cannot_fly``), or ``error`` with ``error`` the message when the
    combination could not be planned. ``coalition``: the partners that fly it,
    joined by "+". ``partner_shares``: one (partner, {field: value}) per
    partner of the plan (:class:`~marsplan.joint.contributions.PartnerRow`'s
    numeric fields).
    """

    combination: int
    values: tuple
    opportunity: int | None
    mission_class: str | None
    coalition: str | None
    status: str
    binding_limit: str | None
    error: str | None
    earth_departure: str | None
    duration_days: float | None
    dv_total_kms: float | None
    imleo_t: float | None
    launches: int | None
    cost_musd: float | None
    partner_shares: tuple = ()


@dataclass(frozen=True)
class BatchResult:
    """A batch's rows and the seconds its task computed (for the overhead figure)."""

    number: int
    rows: tuple[SweepRow, ...]
    seconds: float


@dataclass(frozen=True)
class Part:
    """A planned batch as its stored form: the Parquet bytes of its rows
    (:func:`marsplan.sweep.store.encode_part`), their count, and the seconds its
    task computed, planning and encoding."""

    number: int
    parquet: bytes
    rows: int
    seconds: float


#: The ledger's figures per partner (:class:`marsplan.joint.agreement.PartnerLedger`)
#: that become columns: what it brings and gets, in M$ and per cent.
LEDGER_FIELDS = ("provides_musd", "pays_musd", "receives_musd", "entitlement_pct",
                 "contribution_pct", "balance_musd")


def partner_fields() -> tuple[str, ...]:
    """The per-partner figures of a plan that become a column per partner: the
    numeric fields of its contributions (:class:`~marsplan.joint.contributions.PartnerRow`),
    then :data:`LEDGER_FIELDS`."""
    from marsplan.joint.contributions import PartnerRow

    own = tuple(f.name for f in fields(PartnerRow)
                if f.name != "partner" and any(t in str(f.type) for t in ("float", "int"))
                and "tuple" not in str(f.type))
    return own + tuple(f for f in LEDGER_FIELDS if f not in own)


def _shares(p) -> tuple:
    """(partner, {field: value}) for every partner of the plan's contributions or ledger."""
    names = partner_fields()
    out: dict[str, dict] = {}
    for r in p.contributions:
        out.setdefault(r.partner, {}).update({f: getattr(r, f) for f in names if hasattr(r, f)})
    ledger = getattr(p, "ledger", None)
    for r in (ledger.partners if ledger is not None else ()):
        out.setdefault(r.partner, {}).update({f: getattr(r, f) for f in LEDGER_FIELDS})
    return tuple(out.items())


@functools.lru_cache(maxsize=4)
def _catalog(paths: tuple[str, ...]):
    """The catalog, loaded once per process (a worker plans many batches)."""
    from marsplan.catalog import default_catalog, load_catalog

    return load_catalog(*paths) if paths else default_catalog()


def _scenario(base: dict, keys, values):
    from marsplan.joint.scenario import Scenario
    from marsplan.sweep.spec import apply_values

    return Scenario.model_validate(apply_values(base, keys, values), strict=True)


def _without(keys, values) -> tuple[str, ...]:
    return tuple(next((v for k, v in zip(keys, values) if k == "without"), ()) or ())


def _error_text(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if isinstance(error, MarsplanError) else f"{type(error).__name__}: {text}"


def _flown(scenario, catalog, without):
    """(scenario flown, None) or (None, reason) when nothing replaces the transit vehicle."""
    if not without:
        return scenario, None
    from marsplan.joint.withdraw import no_transit_verdict, withdraw

    change = withdraw(scenario, catalog, list(without))
    if change.scenario is not None:
        return change.scenario, None
    # plan_without's verdict for a lost transit vehicle: its first limit.
    return None, no_transit_verdict(change, catalog).binding.message


def trajectory_key(scenario, catalog) -> TrajectoryKey:
    """The key of the mission ``scenario`` flies (see the module docstring)."""
    from marsplan.joint.plan import reachable_inclination_deg

    mission = scenario.mission.model_dump(mode="json", by_alias=True)
    mission.pop("name", None)
    return TrajectoryKey(json.dumps({"mission": mission,
                                     "orbits": scenario.orbits.model_dump(mode="json"),
                                     "reach_deg": reachable_inclination_deg(scenario, catalog)},
                                    sort_keys=True))


def prepare(job: Job, combinations) -> list[Prepared]:
    """Each combination's trajectory key, or its error (a row, not a crash)."""
    catalog = _catalog(job.catalog_paths)
    out = []
    for index, values in combinations:
        try:
            scenario = _scenario(job.base, job.keys, values)
            flown, reason = _flown(scenario, catalog, _without(job.keys, values))
            key = trajectory_key(flown, catalog) if flown is not None else None
            out.append(Prepared(index, tuple(values), key, None, reason))
        except Exception as error:  # any failure is this combination's row
            out.append(Prepared(index, tuple(values), None, _error_text(error)))
    return out


#: The modules a search or plan task imports, some of them only on first use
#: (inside functions): a worker imports them all once, in :func:`warm_up`.
_TASK_MODULES = ("marsplan.joint.plan", "marsplan.joint.withdraw", "marsplan.joint.agreement",
                 "marsplan.joint.allocate", "marsplan.joint.contributions", "marsplan.joint.sites",
                 "marsplan.sizing", "marsplan.sizing.launch", "marsplan.crew.radiation",
                 "marsplan.crew.comms", "marsplan.transfer.frames", "marsplan.transfer.missions",
                 "marsplan.transfer.windows", "marsplan.sweep.spec", "marsplan.sweep.store",
                 "scipy.optimize",  # the ledger's settlement (linprog), ~0.6 s to import
                 "pyarrow.parquet")  # a plan task encodes its part, ~0.3 s to import


def warm_up(catalog_paths: tuple[str, ...], opportunity: int | None = None) -> float:
    """Make this process ready for the sweep's tasks; the seconds it took.

    Run once on every worker when the cluster starts (``Client.run``), in
    parallel, so that no task pays a worker's one-time costs: the modules of
    :data:`_TASK_MODULES`, the ephemeris, the catalog, a first Parquet
    encoding (the writer's set-up, ~0.3 s) and, when ``opportunity``
    is given, the compiled kernels of a window search, loaded from numba's
    cache by searching that opportunity's launch windows once (~0.2 s of
    search, not kept; the mission search's kernels then load in ~0.05 s, so a
    mission search here would cost more than it saves). Nothing of it reaches
    the tasks' results: a worker that skipped it plans the same rows, only later.
    """
    import importlib

    start = time.perf_counter()
    for name in _TASK_MODULES:
        importlib.import_module(name)
    from marsplan.ephemeris import default_ephemeris

    eph = default_ephemeris()
    _catalog(catalog_paths)
    import pyarrow as pa

    from marsplan.sweep.store import encode_part

    encode_part(pa.table({"warm_up": [0.0]}))  # the Parquet writer's first use: ~0.3 s
    if opportunity is not None:
        from marsplan.transfer.windows import windows

        windows("earth", "mars", opportunity, opportunity, ephemeris=eph)
    return time.perf_counter() - start


def search_trajectory(job: Job, index: int, values: tuple):
    """The mission of combination ``index`` (its key's representative), or the error text."""
    from marsplan.ephemeris import default_ephemeris
    from marsplan.joint.plan import reachable_inclination_deg, trajectory

    catalog = _catalog(job.catalog_paths)
    try:
        scenario = _scenario(job.base, job.keys, values)
        flown, _ = _flown(scenario, catalog, _without(job.keys, values))
        return trajectory(flown, default_ephemeris(),
                          max_dla_deg=reachable_inclination_deg(flown, catalog))
    except Exception as error:
        return _error_text(error)


def _row(index, values, scenario, *, status, p=None, reason=None, error=None,
         coalition=None) -> SweepRow:
    spec = scenario.mission if scenario is not None else None
    if p is None:
        return SweepRow(index, values, getattr(spec, "opportunity", None),
                        getattr(spec, "mission_class", None), coalition, status, reason, error,
                        None, None, None, None, None, None, ())
    s = p.summary()
    shares = _shares(p)
    return SweepRow(index, values, spec.opportunity, spec.mission_class, coalition,
                    p.verdict.status, s["binding_limit"], None, s["earth_departure"],
                    float(s["duration_days"]), float(s["dv_total_kms"]), float(s["imleo_t"]),
                    int(s["launches"]), float(s["cost_musd"]), shares)


def search_group(job: Job, items: tuple) -> dict:
    """Search the trajectory of each (key index, combination index, values) of
    ``items``, in this process: {key index: Mission or the error text}."""
    return {k: search_trajectory(job, index, values) for k, index, values in items}


def plan_batch(job: Job, batch: Batch, searched) -> BatchResult:
    """Plan every combination of ``batch`` with its shared mission.

    ``searched``: dicts (from :func:`search_group`) mapping a key index to a
    Mission, or to the error text of its search. Every failure becomes that
    combination's row.
    """
    missions = {}
    for found in searched:
        missions.update(found)
    from marsplan.ephemeris import default_ephemeris
    from marsplan.joint.plan import plan

    start = time.perf_counter()
    catalog = _catalog(job.catalog_paths)
    eph = default_ephemeris()
    rows = []
    for index, values, key, error, reason in batch.items:
        without = _without(job.keys, values)
        scenario = flown = coalition = None
        try:
            if error is not None:
                rows.append(_row(index, values, None, status=ERROR, error=error))
                continue
            scenario = _scenario(job.base, job.keys, values)
            coalition = _coalition(scenario.partners(), without)
            flown, lost = _flown(scenario, catalog, without)
            if flown is None:
                rows.append(_row(index, values, scenario, status="cannot_fly", reason=lost,
                                 coalition=coalition))
                continue
            coalition = "+".join(flown.partners())
            mission = missions[key]
            if isinstance(mission, str):
                rows.append(_row(index, values, flown, status=ERROR, error=mission,
                                 coalition=coalition))
                continue
            rows.append(_row(index, values, flown, status=None,
                             p=plan(flown, catalog, mission=mission, ephemeris=eph),
                             coalition=coalition))
        except Exception as failure:  # one combination's failure is its row
            rows.append(_row(index, values, flown or scenario, status=ERROR,
                             error=_error_text(failure), coalition=coalition))
    return BatchResult(batch.number, tuple(rows), time.perf_counter() - start)


def plan_part(job: Job, batch: Batch, searched, axes) -> Part:
    """:func:`plan_batch`, and its rows encoded as a Parquet part of the sweep's schema
    (``axes``: the spec's axes), in the task: the worker, not the client, pays the
    encoding, so storing scales with the workers and the client only writes files."""
    from marsplan.sweep import store

    start = time.perf_counter()
    result = plan_batch(job, batch, searched)
    data = store.encode_part(store.table(result.rows, axes, job.partners, partner_fields()))
    return Part(result.number, data, len(result.rows), time.perf_counter() - start)


def _coalition(partners, without) -> str:
    return "+".join(p for p in partners if p not in without)


def batches(prepared: list[Prepared], keys: list[TrajectoryKey], batch_size: int) -> list[Batch]:
    """The combinations cut into batches: by trajectory key, then by index (a fixed
    order, whatever the engine, so a rerun finds the same batches)."""
    number = {k: n for n, k in enumerate(keys)}
    order = sorted(prepared, key=lambda c: (number.get(c.key, -1), c.index))
    items = [(c.index, c.values, number.get(c.key, -1), c.error, c.reason) for c in order]
    return [Batch(n, tuple(items[i:i + batch_size]))
            for n, i in enumerate(range(0, len(items), batch_size))]


def distinct_keys(prepared: list[Prepared]) -> tuple[list[TrajectoryKey], dict]:
    """The distinct keys in first-seen order, and a representative combination of each."""
    keys, first = [], {}
    for c in prepared:
        if c.key is not None and c.key not in first:
            first[c.key] = c
            keys.append(c.key)
    keys.sort(key=lambda k: k.text)
    return keys, first
