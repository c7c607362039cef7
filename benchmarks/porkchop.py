"""Million-cell porkchop: marsplan ``porkchop()`` end to end beside a pykep loop.

Run from the repository root (``make bench``)::

    .venv/bin/python benchmarks/porkchop.py [--n 1000] [--json PATH]

The grid is the 2033 Earth-to-Mars opportunity, N launch dates by N arrival
dates (N = 1000: one million transfers, Type I and Type II): launch from
2033-01-01 every 0.25 day, arrival from 2033-07-01 every 0.5 day. Cells whose
arrival is not after their launch have no transfer (type 0, NaN).

* marsplan: the public call ``marsplan.porkchop("earth", "mars", launch=...,
  arrival=..., step_days=0.25, arrival_step_days=0.5)``, end to end (DE440
  states, the porkchop kernel, every surface: C3, asymptote angles, arrival
  v-infinity, total delta-v), on 1 thread, 2 threads and all cores, after a
  warm-up call, best of 5.
* pykep 3.0.1: what a pykep user writes for a porkchop, a double Python loop
  calling ``pk.lambert_problem(r1, r2, tof_s, mu, False, 0)`` per cell and
  computing C3 = |v0 - v_earth|^2 and the arrival v-infinity |v1 - v_mars| in
  plain Python. It gets the same DE440 states marsplan uses (heliocentric
  ecliptic J2000, km and km/s, from ``default_ephemeris().state_jd``) as lists
  prepared beforehand, and skips cells whose arrival is not after the launch
  (pykep raises on them). Its time leaves out the ephemeris, which marsplan's
  includes. In a child process only: its ``lambert_problem`` corrupts the heap
  (docs/design.md, "Peers in tests"; tests/peers.py). Timed once, after a
  warm-up call.

A second grid times the multi-revolution porkchop: the same launches against
arrivals every 1.0 day from 2033-07-01 (to 2036-03-26, flights up to 2.9 years),
``max_revs=1``: per cell the 0-revolution leg and both 1-revolution branches
(Types III/IV), up to 3 solutions, one call. pykep's loop there calls
``lambert_problem(r1, r2, tof_s, mu, False, 1)`` per cell and reduces all of
its solutions (1 or 3) to C3 and arrival v-infinity.

It checks that the answers agree (largest |C3 difference| over the grid, where
C3 < 100 km^2/s^2 and relative to C3; largest arrival v-infinity difference;
both solve the same cells) and reports how many cores other processes kept
busy while marsplan was timed.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from _common import (
    OtherLoad,
    print_machine,
    print_targets,
    targets_json,
    warn_if_shared,
)

from tests.peers import run_pykep  # repo root: on sys.path by _common

LAUNCH_START = "2033-01-01"
LAUNCH_STEP_DAYS = 0.25
ARRIVAL_START = "2033-07-01"
ARRIVAL_STEP_DAYS = 0.5
MARSPLAN_REPEATS = 5
MULTI_ARRIVAL_STEP_DAYS = 1.0
MULTI_MAX_REVS = 1

# Targets of the porkchop (the issue that asked for it), for the million-cell grid.
TARGET_2CORE_SECONDS = 0.3
TARGET_RATIO_PYKEP = 10.0
# Sanity: C3 relative to 1e-9. Relative, since the grid's shortest transfers
# (0.25 d) have C3 ~ 3e8 km^2/s^2, where one float64 ulp is already 3e-8.
SANITY_REL_C3 = 1e-9
# C3 below this (km^2/s^2) is a transfer anyone would fly; agreement reported there too.
USEFUL_C3_KM2S2 = 100.0


def grid_spans(n, arrival_step_days=ARRIVAL_STEP_DAYS):
    """(launch, arrival) ISO (start, end) pairs giving exactly n dates each."""
    from marsplan.time import jd_tdb_to_iso, to_jd_tdb

    def span(start, step_days):
        return start, jd_tdb_to_iso(to_jd_tdb(start) + (n - 1) * step_days)

    return span(LAUNCH_START, LAUNCH_STEP_DAYS), span(ARRIVAL_START, arrival_step_days)


def run_marsplan(launch, arrival, max_revs=None):
    import marsplan

    if max_revs is None:
        return marsplan.porkchop("earth", "mars", launch=launch, arrival=arrival,
                                 step_days=LAUNCH_STEP_DAYS,
                                 arrival_step_days=ARRIVAL_STEP_DAYS)
    return marsplan.porkchop("earth", "mars", launch=launch, arrival=arrival,
                             step_days=LAUNCH_STEP_DAYS,
                             arrival_step_days=MULTI_ARRIVAL_STEP_DAYS, max_revs=max_revs)


def time_marsplan(launch, arrival, threads, max_revs=None):
    """Best wall time of the public ``porkchop`` call on ``threads`` threads.

    A warm-up call first loads the compiled code, starts the thread pool and
    maps the ephemeris; then the best of MARSPLAN_REPEATS calls.
    """
    import numba

    numba.set_num_threads(threads)
    run_marsplan(launch, arrival, max_revs)  # warm-up
    best = np.inf
    for _ in range(MARSPLAN_REPEATS):
        t0 = time.perf_counter()
        chart = run_marsplan(launch, arrival, max_revs)
        best = min(best, time.perf_counter() - t0)
    return best, chart


# What a pykep user writes: one lambert_problem per cell in a double loop, C3 and
# arrival v-infinity in plain Python, states as lists prepared beforehand.
PYKEP_BODY = """
import math, time
r_l, v_l, jd_l = data["r_launch"].tolist(), data["v_launch"].tolist(), data["jd_launch"].tolist()
r_a, v_a, jd_a = data["r_arrival"].tolist(), data["v_arrival"].tolist(), data["jd_arrival"].tolist()
mu, day_s, nan = float(data["mu"]), float(data["day_s"]), float("nan")
pk.lambert_problem(r_l[0], r_a[-1], (jd_a[-1] - jd_l[0]) * day_s, mu, False, 0)  # warm-up
t0 = time.perf_counter()
c3, vinf = [], []
for i in range(len(jd_l)):
    r1, (vex, vey, vez), jd1 = r_l[i], v_l[i], jd_l[i]
    c3_row, vinf_row = [], []
    for j in range(len(jd_a)):
        tof_s = (jd_a[j] - jd1) * day_s
        if tof_s <= 0.0:  # arrival not after launch: no transfer
            c3_row.append(nan)
            vinf_row.append(nan)
            continue
        lp = pk.lambert_problem(r1, r_a[j], tof_s, mu, False, 0)
        v0, v1 = lp.v0[0], lp.v1[0]
        vmx, vmy, vmz = v_a[j]
        c3_row.append((v0[0] - vex) ** 2 + (v0[1] - vey) ** 2 + (v0[2] - vez) ** 2)
        vinf_row.append(math.sqrt((v1[0] - vmx) ** 2 + (v1[1] - vmy) ** 2 + (v1[2] - vmz) ** 2))
    c3.append(c3_row)
    vinf.append(vinf_row)
out["seconds"] = np.array(time.perf_counter() - t0)
out["c3"] = np.array(c3)
out["vinf"] = np.array(vinf)
"""


# The multi-revolution loop: every solution lambert_problem returns up to one
# revolution (index 0: 0 rev; 1: left branch; 2: right branch = marsplan's low path).
PYKEP_MULTI_BODY = """
import math, time
r_l, v_l, jd_l = data["r_launch"].tolist(), data["v_launch"].tolist(), data["jd_launch"].tolist()
r_a, v_a, jd_a = data["r_arrival"].tolist(), data["v_arrival"].tolist(), data["jd_arrival"].tolist()
mu, day_s, nan = float(data["mu"]), float(data["day_s"]), float("nan")
pk.lambert_problem(r_l[0], r_a[-1], (jd_a[-1] - jd_l[0]) * day_s, mu, False, 1)  # warm-up
order = (0, 2, 1)  # marsplan's families: 0 rev, 1 rev low path, 1 rev high path
t0 = time.perf_counter()
c3 = [[], [], []]
for i in range(len(jd_l)):
    r1, (vex, vey, vez), jd1 = r_l[i], v_l[i], jd_l[i]
    rows = [[], [], []]
    for j in range(len(jd_a)):
        tof_s = (jd_a[j] - jd1) * day_s
        if tof_s <= 0.0:
            for f in range(3):
                rows[f].append(nan)
            continue
        v0 = pk.lambert_problem(r1, r_a[j], tof_s, mu, False, 1).v0
        for f in range(3):
            k = order[f]
            if k < len(v0):
                v = v0[k]
                rows[f].append((v[0] - vex) ** 2 + (v[1] - vey) ** 2 + (v[2] - vez) ** 2)
            else:
                rows[f].append(nan)
    for f in range(3):
        c3[f].append(rows[f])
out["seconds"] = np.array(time.perf_counter() - t0)
out["c3"] = np.array(c3)
"""


def time_pykep(jd_launch, jd_arrival, body=PYKEP_BODY):
    """pykep's porkchop loop on the same DE440 states; (seconds, C3, arrival v-inf)."""
    from marsplan.constants import DAY_S, GM_SUN_KM3S2
    from marsplan.ephemeris import default_ephemeris

    eph = default_ephemeris()
    r_launch, v_launch = eph.state_jd("earth", jd_launch)
    r_arrival, v_arrival = eph.state_jd("mars", jd_arrival)
    out = run_pykep(body, timeout=3600.0, r_launch=r_launch, v_launch=v_launch,
                    jd_launch=jd_launch, r_arrival=r_arrival, v_arrival=v_arrival,
                    jd_arrival=jd_arrival, mu=np.array(GM_SUN_KM3S2), day_s=np.array(DAY_S))
    return float(out["seconds"]), out["c3"], out.get("vinf")


def abs_diff(a, b):
    """|a - b| where both are finite (0 elsewhere), and the cells where only one is."""
    both = np.isfinite(a) & np.isfinite(b)
    diff = np.zeros(a.shape)
    diff[both] = np.abs(a[both] - b[both])
    return diff, int(np.count_nonzero(np.isfinite(a) != np.isfinite(b)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000,
                        help="launch and arrival dates each (default 1000: a million cells)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()

    import numba

    from marsplan.time import jd_tdb_to_iso

    n = args.n
    machine = print_machine()
    all_threads, cores = machine["numba_threads"], machine["cores_usable"]
    launch, arrival = grid_spans(n)
    cells = n * n
    print(f"grid: {n:,} x {n:,} = {cells:,} Earth-to-Mars transfers, DE440, 0 rev, prograde; "
          f"launch {launch[0]} to {launch[1]} every {LAUNCH_STEP_DAYS} d, "
          f"arrival {arrival[0]} to {arrival[1]} every {ARRIVAL_STEP_DAYS} d")

    # marsplan, 1 thread, 2 threads (the target's core count) and all threads.
    thread_counts = sorted({1, min(2, all_threads), all_threads})
    whole_run = OtherLoad().start()
    marsplan_s, other_cores = {}, {}
    for threads in thread_counts:
        phase = OtherLoad().start()
        marsplan_s[threads], chart = time_marsplan(launch, arrival, threads)
        other_cores[threads] = phase.stop()
    other_cores_marsplan = max(other_cores.values())
    numba.set_num_threads(all_threads)
    if chart.shape != (n, n):
        raise RuntimeError(f"marsplan's grid is {chart.shape}, not {n} x {n}: check the spans")

    jd_launch, jd_arrival = chart.launch_jd_tdb, chart.arrival_jd_tdb[0]
    no_time = chart.tof_days <= 0
    type_1 = int(np.count_nonzero(chart.type == 1))
    type_2 = int(np.count_nonzero(chart.type == 2))
    failed = int(np.count_nonzero(chart.type == 0))
    failed_no_time = int(np.count_nonzero((chart.type == 0) & no_time))

    pykep_s, c3_pykep, vinf_pykep = time_pykep(jd_launch, jd_arrival)
    dc3, mismatched_c3 = abs_diff(chart.c3_km2s2, c3_pykep)
    dvinf, mismatched_vinf = abs_diff(chart.vinf_arrival_kms, vinf_pykep)
    i_worst, j_worst = np.unravel_index(np.argmax(dc3), dc3.shape)
    diff_c3, diff_vinf = float(dc3[i_worst, j_worst]), float(dvinf.max())
    with np.errstate(invalid="ignore"):
        useful = np.isfinite(c3_pykep) & (c3_pykep < USEFUL_C3_KM2S2)
        max_rel_c3 = float(np.max(dc3[np.isfinite(c3_pykep)] / c3_pykep[np.isfinite(c3_pykep)]))
    diff_c3_useful = float(dc3[useful].max()) if useful.any() else float("nan")

    threads_2 = min(2, all_threads)
    rows = [(f"marsplan porkchop(), {k} thread{'s' if k > 1 else ''}", marsplan_s[k])
            for k in reversed(thread_counts)]
    rows.append(("pykep lambert_problem double loop + C3", pykep_s))
    print()
    print(f"{'solver':<42} {'cells':>10} {'seconds':>9} {'cells/s':>12} {'marsplan x':>11}")
    print("-" * 88)
    for name, seconds in rows:
        print(f"{name:<42} {cells:>10,} {seconds:>9.3f} {cells / seconds:>12,.0f} "
              f"{seconds / marsplan_s[threads_2]:>10.1f}x")
    print(f"('marsplan x': the row's seconds divided by marsplan's on {threads_2} threads, "
          f"{marsplan_s[threads_2]:.3f} s; marsplan end to end (ephemeris, kernel, surfaces), "
          f"best of {MARSPLAN_REPEATS} runs; pykep loop without the ephemeris, timed once "
          f"after a warm-up)")

    print()
    best_1 = chart.optimum("min_c3", "I")
    best_2 = chart.optimum("min_c3", "II")
    print(f"cells: Type I {type_1:,}, Type II {type_2:,}, failed {failed:,} "
          f"({failed_no_time:,} of them with arrival not after launch)")
    for name, best in (("I", best_1), ("II", best_2)):
        print(f"  Type {name} min C3 {float(best.c3_km2s2):.3f} km^2/s^2, launch "
              f"{jd_tdb_to_iso(best.launch_jd_tdb, 'minutes')}, arrival "
              f"{jd_tdb_to_iso(best.arrival_jd_tdb, 'minutes')}")
    print(f"marsplan: 1 thread {marsplan_s[1]:.3f} s, {all_threads} threads "
          f"{marsplan_s[all_threads]:.3f} s (scaling {marsplan_s[1] / marsplan_s[all_threads]:.2f}x)")
    print(f"agreement with pykep over the grid: max |C3_marsplan - C3_pykep| {diff_c3:.2e} "
          f"km^2/s^2 (at launch {jd_tdb_to_iso(jd_launch[i_worst], 'minutes')}, arrival "
          f"{jd_tdb_to_iso(jd_arrival[j_worst], 'minutes')}, C3 "
          f"{c3_pykep[i_worst, j_worst]:.3g}); {diff_c3_useful:.2e} where C3 < "
          f"{USEFUL_C3_KM2S2:g}; max |dC3|/C3 {max_rel_c3:.2e}; max |dv_inf arrival| "
          f"{diff_vinf:.2e} km/s; cells solved by only one: {mismatched_c3} (C3), "
          f"{mismatched_vinf} (v_inf)")
    other_cores_run = whole_run.stop()
    per_count = ", ".join(f"{other_cores[k]:.2f} during its {k}-thread runs" for k in thread_counts)
    print(f"other processes kept busy, of {cores} cores: {per_count} "
          f"(marsplan); {other_cores_run:.2f} over the whole run")
    warn_if_shared(other_cores_marsplan)

    # --- multi-revolution grid: 0-1 revolutions, both branches, one call ---------
    m_launch, m_arrival = grid_spans(n, MULTI_ARRIVAL_STEP_DAYS)
    print()
    print(f"multi-revolution grid: {n:,} x {n:,}, revs 0-{MULTI_MAX_REVS} both branches "
          f"(up to 3 solutions per cell); arrival {m_arrival[0]} to {m_arrival[1]} every "
          f"{MULTI_ARRIVAL_STEP_DAYS} d")
    multi_s, multi_other = {}, {}
    for threads in thread_counts:
        phase = OtherLoad().start()
        multi_s[threads], multi = time_marsplan(m_launch, m_arrival, threads, MULTI_MAX_REVS)
        multi_other[threads] = phase.stop()
    numba.set_num_threads(all_threads)
    solved = [int(np.count_nonzero(layer.type)) for layer in multi.layers]
    pykep_multi_s, c3_multi, _ = time_pykep(multi.launch_jd_tdb, multi.arrival_jd_tdb[0],
                                            PYKEP_MULTI_BODY)
    multi_rel, multi_mismatch = 0.0, 0
    for f, layer in enumerate(multi.layers):
        d, bad = abs_diff(layer.c3_km2s2, c3_multi[f])
        finite = np.isfinite(c3_multi[f])
        multi_rel = max(multi_rel, float(np.max(d[finite] / c3_multi[f][finite], initial=0.0)))
        multi_mismatch += bad
    rows_m = [(f"marsplan porkchop(max_revs=1), {k} thread{'s' if k > 1 else ''}", multi_s[k])
              for k in reversed(thread_counts)]
    rows_m.append(("pykep lambert_problem(max_revs=1) loop + C3", pykep_multi_s))
    print(f"{'solver':<46} {'cells':>10} {'seconds':>9} {'cells/s':>12} {'marsplan x':>11}")
    print("-" * 92)
    for name, seconds in rows_m:
        print(f"{name:<46} {cells:>10,} {seconds:>9.3f} {cells / seconds:>12,.0f} "
              f"{seconds / multi_s[threads_2]:>10.1f}x")
    print(f"legs: 0 rev {solved[0]:,}, 1 rev low path {solved[1]:,}, high path {solved[2]:,} "
          f"({sum(solved):,} in all); agreement with pykep: max |dC3|/C3 {multi_rel:.2e}, "
          f"legs solved by only one: {multi_mismatch}")
    for name in multi.types():
        best = multi.optimum("min_c3", name)
        print(f"  Type {name} min C3 {float(best.c3_km2s2):.3f} km^2/s^2, launch "
              f"{jd_tdb_to_iso(best.launch_jd_tdb, 'minutes')}, arrival "
              f"{jd_tdb_to_iso(best.arrival_jd_tdb, 'minutes')}")
    multi_other_max = max(multi_other.values())
    warn_if_shared(multi_other_max)

    ratio_pykep = pykep_s / marsplan_s[threads_2]
    scale = "million-cell" if cells == 1_000_000 else f"{cells:,}-cell"
    targets = [
        (f"{scale} porkchop < 0.3 s on 2 cores ({threads_2} threads)",
         f"{marsplan_s[threads_2]:.3f} s", marsplan_s[threads_2] < TARGET_2CORE_SECONDS),
        (f">= 10x pykep ({threads_2} threads)", f"{ratio_pykep:.1f}x",
         ratio_pykep >= TARGET_RATIO_PYKEP),
        ("sanity: C3 within 1e-9 (relative) of pykep, same cells", f"{max_rel_c3:.1e}",
         max_rel_c3 <= SANITY_REL_C3 and mismatched_c3 == 0 and mismatched_vinf == 0),
        (f"{scale} porkchop, 0-1 revs both branches, < 0.3 s on 2 cores ({threads_2} "
         "threads)", f"{multi_s[threads_2]:.3f} s", multi_s[threads_2] < TARGET_2CORE_SECONDS),
        ("sanity: multi-rev C3 within 1e-9 of pykep, same legs", f"{multi_rel:.1e}",
         multi_rel <= SANITY_REL_C3 and multi_mismatch == 0),
    ]
    print_targets(targets, label_width=72)
    total_s = time.perf_counter() - t_start
    print(f"\ntotal benchmark time {total_s:.1f} s")

    if args.json:
        figures = {
            "machine": machine,
            "dates_per_axis": n, "cells": cells,
            "launch": list(launch), "launch_step_days": LAUNCH_STEP_DAYS,
            "arrival": list(arrival), "arrival_step_days": ARRIVAL_STEP_DAYS,
            "cells_type_1": type_1, "cells_type_2": type_2, "cells_failed": failed,
            "cells_failed_arrival_not_after_launch": failed_no_time,
            "marsplan_seconds_by_threads": {str(k): v for k, v in marsplan_s.items()},
            "other_processes_cores_busy_during_marsplan_by_threads":
                {str(k): v for k, v in other_cores.items()},
            "other_processes_cores_busy_during_run": other_cores_run,
            "pykep_seconds": pykep_s,
            "ratio_pykep_to_marsplan_2_threads": ratio_pykep,
            "max_abs_diff_c3_km2s2": diff_c3,
            "max_abs_diff_c3_km2s2_where_c3_below_100": diff_c3_useful,
            "max_rel_diff_c3": max_rel_c3,
            "max_abs_diff_vinf_arrival_kms": diff_vinf,
            "cells_solved_by_only_one": mismatched_c3,
            "multi_rev_arrival_step_days": MULTI_ARRIVAL_STEP_DAYS,
            "multi_rev_legs_by_family": solved,
            "multi_rev_marsplan_seconds_by_threads": {str(k): v for k, v in multi_s.items()},
            "multi_rev_other_processes_cores_busy_by_threads":
                {str(k): v for k, v in multi_other.items()},
            "multi_rev_pykep_seconds": pykep_multi_s,
            "multi_rev_max_rel_diff_c3": multi_rel,
            "multi_rev_legs_solved_by_only_one": multi_mismatch,
            "targets": targets_json(targets),
            "total_seconds": total_s,
        }
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
