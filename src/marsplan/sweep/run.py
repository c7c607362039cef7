"""Run a sweep: read the spec, search the trajectories, plan the batches, store each.

:func:`run_sweep` drives the tasks of :mod:`marsplan.sweep.engine` on one of
three engines, which give the same rows:

* ``workers=0``: in this process, one task after the other;
* ``workers=N`` (default: the machine's cores): a Dask ``LocalCluster`` of N
  single-threaded worker processes;
* ``scheduler="tcp://HOST:8786"``: an existing Dask cluster (``dask scheduler``,
  ``dask worker``). The workers import marsplan themselves and read the
  catalog files at the paths the scenario gives, so they must see the same
  files (a shared file system, or the packaged catalog only).

Each finished batch is stored at once (:mod:`marsplan.sweep.store`), so an
interrupt (Ctrl-C, a killed worker, a killed client) loses only the batches
in flight, and a rerun into the same folder plans the rest.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass

from marsplan.errors import MarsplanError

__all__ = ["SchedulerError", "SweepResult", "SweepRunError", "read_spec", "run_sweep"]

#: Seconds to wait for a Dask scheduler to answer before giving up with one line.
SCHEDULER_TIMEOUT_S = 10.0
#: Most local worker processes (a bound on what --workers may start).
MAX_WORKERS = 256


#: Relative cost of a trajectory search by mission class (the order they are run in).
_SEARCH_WEIGHT = {"opposition": 3, "flyby": 2, "conjunction": 1}


class SweepRunError(MarsplanError, RuntimeError):
    """The cluster lost a task for good; the stored batches stay, a rerun resumes."""


class SchedulerError(MarsplanError, ConnectionError):
    """The Dask scheduler named by ``--scheduler`` did not answer, or is not one."""


@dataclass(frozen=True)
class SweepResult:
    """What a run did.

    ``rows``: rows in the dataset now; ``new_rows``: added by this run;
    ``searches``: trajectories searched by this run (distinct keys of the
    combinations still to plan); ``tasks``: plan tasks run; ``task_seconds``:
    their summed compute time inside the tasks; ``search_seconds``: from the
    first search submitted to the last one done; ``wall_seconds``: the whole
    call, from reading the spec to the engine shut down; ``work_seconds``:
    from the engine being up (workers started and warmed) to the last part
    stored, the part that more workers can share; ``workers``: 0 for
    in-process; ``dashboard``: the Dask dashboard's address, if any.
    """

    out_dir: str
    combinations: int
    rows: int
    new_rows: int
    searches: int
    tasks: int
    task_seconds: float
    search_seconds: float
    wall_seconds: float
    work_seconds: float
    workers: int
    dashboard: str | None
    statuses: dict


def read_spec(path):
    """Read a spec file and its base scenario: (SweepSpec, Scenario, Catalog).

    Raises
    ------
    SweepSpecError, ScenarioError
        One line naming the file and the field.
    """
    from marsplan.errors import InputError, ScenarioError
    from marsplan.io.scenario import load_scenario
    from marsplan.sweep.spec import SweepSpecError, parse_spec
    from marsplan.validate import decode_text, parse_toml, read_regular_file, regular_file

    try:
        name = regular_file(path, "sweep spec")
        document = parse_toml(decode_text(read_regular_file(name, "sweep spec"), name,
                                          "sweep spec"), name)
    except InputError as error:
        raise SweepSpecError(str(error)) from None
    table = document.get("sweep") if isinstance(document, dict) else None
    scenario_name = table.get("scenario") if isinstance(table, dict) else None
    if not isinstance(scenario_name, str) or not scenario_name:
        raise SweepSpecError(f"{os.path.basename(name)}: sweep.scenario: required: the base "
                             "scenario file, relative to the spec")
    scenario_path = os.path.join(os.path.dirname(os.path.abspath(name)), scenario_name)
    try:
        scenario, catalog = load_scenario(scenario_path)
    except ScenarioError as error:
        raise SweepSpecError(f"{os.path.basename(name)}: sweep.scenario: {error}") from None
    spec = parse_spec(document, spec_path=name, scenario=scenario, scenario_path=scenario_path,
                      catalog=catalog)
    return spec, scenario, catalog


class _InProcess:
    """The engine of ``workers=0``: each task called here, in order."""

    workers = 0
    dashboard = None

    def submit(self, fn, *args, priority: int = 0):
        return _Later(fn, args)

    def warm_up(self, catalog_paths, opportunity):
        """Nothing: this process's one-time costs fall on its first task."""

    def on_done(self, future, callback):
        """Run the search now, so its progress shows before the plans start."""
        future.result()
        callback(future)

    def as_completed(self, futures):
        return iter(futures)

    def close(self):
        pass


class _Later:
    """A task of the in-process engine: run when its result is asked for, once, so
    each batch is stored before the next one is planned."""

    def __init__(self, fn, args):
        self.fn, self.args, self.done, self.value = fn, args, False, None

    def result(self):
        if not self.done:
            args = [[a.result() if isinstance(a, _Later) else a for a in arg]
                    if isinstance(arg, list) else arg for arg in self.args]
            self.value, self.done = self.fn(*args), True
        return self.value


class _Counter:
    """Progress of the searches, from each group's completion (a Dask callback
    runs in the client's event-loop thread), and when the last one finished."""

    def __init__(self, progress, stage: str, total: int):
        import threading

        self.progress, self.stage, self.total, self.done = progress, stage, total, 0
        self.start, self.seconds = time.perf_counter(), 0.0
        self.lock = threading.Lock()
        if progress is not None:
            progress(stage, 0, total)

    def adder(self, count: int):
        def add(_future):
            with self.lock:
                self.done += count
                if self.done >= self.total:
                    self.seconds = time.perf_counter() - self.start
                if self.progress is not None:
                    self.progress(self.stage, self.done, self.total)
        return add


class _Dask:
    """A Dask client on a LocalCluster of ``workers`` processes, or on ``scheduler``."""

    def __init__(self, workers: int | None, scheduler: str | None, timeout_s: float):
        import logging

        import dask
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler is not None:
            try:
                self.client = Client(scheduler, timeout=timeout_s)
            except (OSError, TimeoutError, ValueError) as error:
                raise SchedulerError(
                    f"--scheduler: no Dask scheduler answered at {scheduler} within "
                    f"{timeout_s:g} s ({type(error).__name__}); start one with `dask "
                    f"scheduler` and `dask worker {scheduler}`") from None
            self.workers = len(self.client.scheduler_info().get("workers", {}))
        else:
            # Quiet: the CLI prints the dashboard address itself, and a worker's
            # heartbeat racing the shutdown is no error of the sweep's.
            # A worker is one core: one task thread and one numba thread (the mission
            # search's prange kernels would otherwise start a thread per core in
            # every worker, and N workers would fight over the cores).
            # Worker saturation 1.0: the scheduler hands a worker its next search only
            # when it is free. Dask's default (1.1) lets each one-thread worker hold a
            # second task; with ten searches of ~0.5 s, one worker then sat idle for
            # a second at the end while the other still held a search it had queued.
            with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, dashboard_address="127.0.0.1:0",
                                            host="127.0.0.1", silence_logs=logging.CRITICAL,
                                            env={"NUMBA_NUM_THREADS": "1"})
            self.client = Client(self.cluster)
            self.workers = workers
        self.dashboard = self.client.dashboard_link

    def warm_up(self, catalog_paths, opportunity):
        """Every worker's one-time costs (:func:`marsplan.sweep.engine.warm_up`),
        in parallel, before the first task; a worker that fails it is left to
        fail (or not) in its tasks, where the error becomes rows."""
        from marsplan.sweep.engine import warm_up

        self.client.run(warm_up, catalog_paths, opportunity, on_error="ignore")

    def submit(self, fn, *args, priority: int = 0):
        return self.client.submit(fn, *args, pure=False, retries=2, priority=priority)

    def on_done(self, future, callback):
        future.add_done_callback(callback)

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(futures)

    def close(self):
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _result(future):
    """A task's result; a cluster that lost the task (a worker killed on every try,
    the scheduler gone) is one line: what is stored stays, and a rerun resumes."""
    try:
        return future.result()
    except MarsplanError:
        raise
    except Exception as error:
        from distributed import KilledWorker

        if isinstance(error, (KilledWorker, OSError, TimeoutError)):
            raise SweepRunError(f"the Dask cluster lost a task ({type(error).__name__}: "
                                f"{error}); the batches stored so far are kept: rerun the same "
                                "command to plan the rest") from None
        raise


def run_sweep(spec_path, out_dir, *, workers: int | None = None, scheduler: str | None = None,
              progress=None, on_start=None, timeout_s: float = SCHEDULER_TIMEOUT_S
              ) -> SweepResult:
    """Plan every combination of the spec into ``out_dir``, resuming what is done.

    Parameters
    ----------
    spec_path : str or os.PathLike
        The sweep spec (TOML; :mod:`marsplan.sweep.spec`).
    out_dir : str or os.PathLike
        The sweep folder: created when missing; when it holds this spec's
        sweep, only the batches not yet stored are planned.
    workers : int, optional
        0: in this process; N: a LocalCluster of N processes; default: the
        machine's cores.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler (instead of a LocalCluster).
    progress : callable, optional
        ``progress(stage, done, total)``, stage "search" or "plan".
    on_start : callable, optional
        ``on_start(workers, dashboard)`` once the engine is up.
    timeout_s : float
        How long to wait for ``scheduler``.

    Returns
    -------
    SweepResult

    Raises
    ------
    SweepSpecError, ScenarioError, SweepStoreError, OutputPathError, SchedulerError
        One line each; nothing is written before the spec is checked.
    """
    from marsplan.sweep import engine, store
    from marsplan.validate import real, whole

    if workers is not None:
        workers = whole(workers, "workers", lo=0, hi=MAX_WORKERS)
    timeout_s = real(timeout_s, "timeout_s", lo=0.0, lo_open=True, hi=3600.0)
    if scheduler is not None:
        scheduler = str(scheduler).strip()
        if not scheduler or "://" not in scheduler and ":" not in scheduler:
            raise SchedulerError(f"--scheduler: {scheduler!r} is not an address like "
                                 "tcp://127.0.0.1:8786")
        if workers is not None:
            raise SchedulerError("--workers: the cluster of --scheduler has its own workers; "
                                 "give one of the two")
    out_dir = os.fspath(out_dir)
    spec, _scenario, catalog = read_spec(spec_path)
    job = engine.Job(base=spec.base, keys=spec.keys, catalog_paths=spec.catalog_paths,
                     partners=tuple(catalog.partners))
    fields = engine.partner_fields()
    n_batches = math.ceil(spec.size / spec.batch_size)
    columns = store.schema(spec.axes, job.partners, fields).names
    manifest = store.existing_manifest(out_dir, spec, columns)
    done = set(manifest.get("done", [])) if manifest else set()

    start = time.perf_counter()
    prepared = engine.prepare(job, spec.combinations())
    keys, first = engine.distinct_keys(prepared)
    all_batches = engine.batches(prepared, keys, spec.batch_size)
    todo = [b for b in all_batches if b.number not in done]
    needed = sorted({item[2] for b in todo for item in b.items if item[2] >= 0})
    if workers is None and scheduler is None:
        workers = os.cpu_count() or 1
    # Nothing left (a rerun of a finished sweep): no cluster to start.
    runner = _InProcess() if (scheduler is None and workers == 0) or not todo else \
        _Dask(workers, scheduler, timeout_s)
    search_seconds = task_seconds = work_seconds = 0.0
    new_rows = 0
    try:
        # Written only once the engine is up: a scheduler that does not answer
        # leaves no folder behind.
        if manifest is None:
            manifest = store.create_store(out_dir, spec, n_batches, spec.size, columns)
        # Each worker's imports, ephemeris and compiled kernels, loaded at once by
        # all of them, before any task: part of starting the engine.
        opportunities = [json.loads(keys[k].text)["mission"]["opportunity"] for k in needed]
        runner.warm_up(job.catalog_paths, next((o for o in opportunities if o is not None), None))
        up = time.perf_counter()
        if on_start is not None:
            on_start(runner.workers, runner.dashboard)
        # One search task per opportunity (its searches share its launch windows),
        # the longest first (opposition and flyby grids are larger): every plan
        # waits for one, and a long one last would idle the other workers.
        members: dict = {}
        for k in needed:
            members.setdefault(first[keys[k]].key_group, []).append(k)
        order = sorted(members, key=lambda g: (-sum(_SEARCH_WEIGHT.get(
            first[keys[k]].key_class, 0) for k in members[g]), g))
        groups, group_of = [], {}
        for n, g in enumerate(order):
            items = tuple((k, first[keys[k]].index, first[keys[k]].values) for k in members[g])
            groups.append(runner.submit(engine.search_group, job, items, priority=1))
            group_of.update({k: n for k in members[g]})
        searched = _Counter(progress, "search", len(needed))
        for n, g in enumerate(order):
            runner.on_done(groups[n], searched.adder(len(members[g])))
        futures = []
        for b in todo:
            mine = sorted({group_of[item[2]] for item in b.items if item[2] >= 0})
            futures.append(runner.submit(engine.plan_part, job, b, [groups[n] for n in mine],
                                         spec.axes))
        planned = sum(len(b.items) for b in all_batches if b.number in done)
        total = spec.size
        if progress is not None:
            progress("plan", planned, total)
        for future in runner.as_completed(futures):
            part = _result(future)
            store.write_part(out_dir, part.number, part.parquet)
            done.add(part.number)
            manifest["done"] = sorted(done)
            store.write_manifest(out_dir, manifest)
            task_seconds += part.seconds
            new_rows += part.rows
            planned += part.rows
            if progress is not None:
                progress("plan", planned, total)
        search_seconds = searched.seconds
        work_seconds = time.perf_counter() - up
    finally:
        runner.close()
    wall = time.perf_counter() - start
    rows, statuses = store.status_counts(out_dir)
    return SweepResult(out_dir, spec.size, rows, new_rows, len(needed), len(todo), task_seconds,
                       search_seconds, wall, work_seconds, runner.workers, runner.dashboard,
                       statuses)
