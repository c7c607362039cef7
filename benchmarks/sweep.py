"""Sweeps (issue 13): 480 plans on a local Dask cluster, and the scaling from 1 to 2 workers.

examples/sweep_480.toml: 10 opportunities x 3 classes x 8 coalitions x 2 variants of the
NASA-ESA-JAXA example, 30 distinct trajectories searched once and shared. Each run
plans into a fresh folder, from a cold LocalCluster.

What is timed: "wall" is run_sweep from its call to its return. "cluster start" is
from the call to the engine being up (on_start): the client's key computation for the
480 combinations (~0.5 s), the LocalCluster's worker processes, and each worker's
warm-up (marsplan.sweep.engine.warm_up: imports, ephemeris, catalog, numba kernels
loaded from their cache, one window search of ~0.2 s, one Parquet encoding), run on
all workers at once. "work" (SweepResult.work_seconds) is from the engine being up to
the last part stored: the searches and plans, which more workers can share; the
scaling figure is the work of 1 worker over the work of 2. The cluster's shutdown
(~0.5 s, the same for 1 or 2 workers) is in the wall, not in the work; the ratio of
the whole walls is printed too.
Each worker has one task thread and one numba thread (NUMBA_NUM_THREADS=1) in both
runs, so 1 worker is one core and 2 workers two; the client (scheduler, storing the
parts) runs beside them on the same 2 cores.
Scheduler overhead: the round trip of an empty task on the same cluster, times the
tasks of the sweep, over the sweep's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time

from _common import OtherLoad, REPO_ROOT, print_machine, print_targets, targets_json, \
    warn_if_shared

SPEC = os.path.join(REPO_ROOT, "examples", "sweep_480.toml")
TARGET_SECONDS = 30.0
TARGET_SCALING = 1.7
TARGET_OVERHEAD_PCT = 5.0


def _noop():
    return None


def task_round_trip_s(workers: int, n: int = 200) -> float:
    """Seconds per empty task on a fresh LocalCluster of ``workers`` (submit to result)."""
    import logging

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        client.gather([client.submit(_noop, pure=False) for _ in range(20)])  # warm
        t = time.perf_counter()
        for future in [client.submit(_noop, pure=False) for _ in range(n)]:
            future.result()
        return (time.perf_counter() - t) / n


_CEILING_SCRIPT = """
import sys, time
from marsplan.transfer.missions import missions
missions(2033, 2033, "conjunction")  # imports, ephemeris, kernels: not timed
t = time.perf_counter()
for year in (2026, 2028, 2031, 2033, 2035, 2037, 2039, 2041, 2043, 2046):
    missions(year, year, "opposition")
print(time.perf_counter() - t)
"""


def machine_ceiling() -> tuple[float, float, float]:
    """(ceiling, seconds alone, seconds of the slower of two at once) for the work of
    _CEILING_SCRIPT, one numba thread per process as in the sweep's workers."""
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_NUM_THREADS": "1",
           "PYTHONPATH": os.path.join(REPO_ROOT, "src") + os.pathsep
           + os.environ.get("PYTHONPATH", "")}

    def start():
        return subprocess.Popen([sys.executable, "-c", _CEILING_SCRIPT], env=env,
                                stdout=subprocess.PIPE, text=True)

    alone = float(start().communicate()[0].split()[-1])
    pair = [start(), start()]
    together = max(float(p.communicate()[0].split()[-1]) for p in pair)
    return 2.0 * alone / together, alone, together


def run(workers: int):
    from marsplan.sweep import run_sweep

    folder = tempfile.mkdtemp(prefix="marsplan-bench-sweep-")
    started = {}
    try:
        t = time.perf_counter()
        result = run_sweep(SPEC, os.path.join(folder, "out"), workers=workers,
                           on_start=lambda n, d: started.setdefault("t", time.perf_counter()))
        wall = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    start_s = started.get("t", t) - t
    return result, wall, start_s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1-worker runs")
    parser.add_argument("--pairs", type=int, default=5,
                        help="1- and 2-worker runs alternated this many times (default 5)")
    args = parser.parse_args(argv)
    machine = print_machine()
    load = OtherLoad().start()
    # The scheduler round trip first: its LocalCluster also pays this process's own
    # first-time costs (importing distributed, its first cluster), which would
    # otherwise fall on whichever sweep runs first and bias the scaling figure.
    trip = task_round_trip_s(2)
    result2, wall2, start2 = run(2)
    print(f"480 plans, 2 workers: {wall2:.1f} s wall ({start2:.1f} s cluster start, "
          f"{result2.work_seconds:.1f} s work, "
          f"{result2.search_seconds:.1f} s searching {result2.searches} trajectories, "
          f"{result2.tasks} plan tasks of {result2.task_seconds / max(result2.tasks, 1):.2f} s "
          f"each); rows {result2.rows}: {result2.statuses}")
    overhead = 100.0 * trip * (result2.tasks + result2.searches) / wall2
    print(f"scheduler overhead: {trip * 1e3:.1f} ms per task x {result2.tasks + result2.searches} "
          f"tasks = {overhead:.2f} % of the wall time")
    scaling, ratios, ceilings = None, [], []
    if not args.no_scaling:
        ceilings.append(machine_ceiling())
        for pair in range(max(args.pairs, 1)):
            order = (2, 1) if pair % 2 == 0 else (1, 2)  # pair 1 reuses the run above
            work, walls = {}, {}
            for workers in order:
                if pair == 0 and workers == 2:  # the 2-worker run above
                    work[2], walls[2] = result2.work_seconds, wall2
                    continue
                result, wall, _ = run(workers)
                work[workers], walls[workers] = result.work_seconds, wall
            ratios.append(work[1] / work[2])
            print(f"pair {pair + 1} (runs {order[0]} then {order[1]} worker(s)): work "
                  f"{work[1]:.1f} s / {work[2]:.1f} s = {ratios[-1]:.2f}x; whole wall "
                  f"{walls[1]:.1f} s / {walls[2]:.1f} s = {walls[1] / walls[2]:.2f}x")
        scaling = statistics.median(ratios)
        ceilings.append(machine_ceiling())
        print(f"scaling 1 -> 2 workers: median {scaling:.2f}x of {len(ratios)} pairs "
              f"({', '.join(f'{r:.2f}' for r in ratios)})")
        print("machine ceiling, two copies of 10 mission searches at once: "
              + ", ".join(f"{c:.2f}x ({a:.1f} s alone, {t:.1f} s together)"
                          for c, a, t in ceilings) + " (before, after the pairs)")
    other = load.stop()
    print(f"other processes kept busy: {other:.2f} of {machine['cores_usable']} cores")
    warn_if_shared(other)
    targets = [(f"480 plans on 2 workers < {TARGET_SECONDS:g} s", f"{wall2:.1f} s",
                wall2 < TARGET_SECONDS),
               (f"scheduler overhead < {TARGET_OVERHEAD_PCT:g} %", f"{overhead:.2f} %",
                overhead < TARGET_OVERHEAD_PCT)]
    if scaling is not None:
        targets.append((f"scaling 1 -> 2 workers >= {TARGET_SCALING:g}x (median of work)",
                        f"{scaling:.2f}x",
                        scaling >= TARGET_SCALING))
    print_targets(targets)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "wall_2_workers_s": wall2, "cluster_start_s": start2,
                       "work_2_workers_s": result2.work_seconds,
                       "search_seconds": result2.search_seconds, "searches": result2.searches,
                       "tasks": result2.tasks, "task_seconds": result2.task_seconds,
                       "task_round_trip_s": trip, "overhead_pct": overhead,
                       "scaling": scaling, "scaling_pairs": ratios,
                       "machine_ceiling": [c for c, _, _ in ceilings], "other_cores_busy": other,
                       "targets": targets_json(targets)}, f, indent=2)


if __name__ == "__main__":
    main()
