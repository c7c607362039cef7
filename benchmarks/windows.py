"""Launch windows 2026-2045: ``marsplan windows`` end to end, as a user runs it.

Run from the repository root (``make bench``)::

    .venv/bin/python benchmarks/windows.py [--from 2026] [--to 2045] [--json PATH]

* The CLI in a subprocess, ``marsplan windows --from 2026 --to 2045 --format
  json`` (the ``marsplan`` script beside this Python): run once to warm the
  caches (numba's compiled code, the page cache of DE440), then 3 timed runs,
  best. Each includes Python start-up, imports, the search and the JSON output.
* The library call ``marsplan.transfer.windows.windows("earth", "mars", 2026,
  2045)`` in this process: the first call timed apart (it loads the compiled
  code and opens the ephemeris), then 3 warm calls, best.

It checks that the CLI prints the library's rows (same opportunities, types and
objectives, same dates and C3) and reports how many cores other processes kept
busy while marsplan was timed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from _common import (
    REPO_ROOT,
    OtherLoad,
    print_machine,
    print_targets,
    targets_json,
    warn_if_shared,
)

FIRST_YEAR, LAST_YEAR = 2026, 2045
REPEATS = 3

# Target of the windows search (the issue that asked for it), for 2026-2045.
TARGET_WARM_SECONDS = 5.0
# Sanity: the CLI's C3 equals the library's to the JSON's printed precision.
SANITY_C3_KM2S2 = 1e-6


def marsplan_script():
    """The ``marsplan`` console script installed beside this Python."""
    return os.path.join(os.path.dirname(sys.executable), "marsplan")


def cli_command(first_year, last_year):
    return [marsplan_script(), "windows", "--from", str(first_year), "--to", str(last_year),
            "--format", "json"]


def missing_parts():
    """What of the windows search is not there yet (an empty list when all is)."""
    import importlib

    missing = []
    try:
        module = importlib.import_module("marsplan.transfer.windows")
        if not callable(getattr(module, "windows", None)):
            missing.append("marsplan.transfer.windows.windows")
    except ImportError:
        missing.append("marsplan.transfer.windows")
    if not os.path.exists(marsplan_script()):
        missing.append(marsplan_script())
    else:
        proc = subprocess.run([marsplan_script(), "windows", "--help"], capture_output=True,
                              text=True, cwd=REPO_ROOT, timeout=300)
        if proc.returncode != 0 or "--from" not in proc.stdout:
            missing.append("the CLI command `marsplan windows --from --to`")
    return missing


def run_cli(command):
    """(seconds, rows) of one CLI run; raises with its stderr if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-3000:]}")
    return seconds, json.loads(proc.stdout)


def time_cli(command):
    """(first run's seconds, best of REPEATS warm runs, rows of the last run)."""
    first_s, _ = run_cli(command)  # warm-up: numba cache, DE440 pages
    best, rows = np.inf, None
    for _ in range(REPEATS):
        seconds, rows = run_cli(command)
        best = min(best, seconds)
    return first_s, best, rows


def time_library(first_year, last_year):
    """(first call's seconds, best of REPEATS warm calls, the result) in this process."""
    from marsplan.transfer.windows import windows

    t0 = time.perf_counter()
    windows("earth", "mars", first_year, last_year)
    first_s = time.perf_counter() - t0
    best, found = np.inf, None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        found = windows("earth", "mars", first_year, last_year)
        best = min(best, time.perf_counter() - t0)
    return first_s, best, found


def row_key(row):
    return (str(row["opportunity"]), row["type"], row["objective"])


def compare_rows(cli_rows, library_rows):
    """(same keys and dates?, max |dC3| over matching rows) of the CLI against the library."""
    cli = {row_key(r): r for r in cli_rows}
    lib = {row_key(r): r for r in library_rows}
    if cli.keys() != lib.keys():
        return False, float("nan")
    same_dates = all(str(cli[k]["launch"])[:19] == str(lib[k]["launch"])[:19]
                     and str(cli[k]["arrival"])[:19] == str(lib[k]["arrival"])[:19]
                     for k in cli)
    dc3 = max((abs(float(cli[k]["c3_km2s2"]) - float(lib[k]["c3_km2s2"])) for k in cli),
              default=float("nan"))
    return same_dates, dc3


def opportunity_summary(rows):
    """Lines 'opportunity: Type I min C3 ..., Type II min C3 ...' from min_c3 rows."""
    best = {}
    for r in rows:
        if r["objective"] == "min_c3":
            best.setdefault(str(r["opportunity"]), {})[r["type"]] = r
    lines = []
    for opportunity in sorted(best):
        parts = [f"Type {t} C3 {float(best[opportunity][t]['c3_km2s2']):7.3f} launch "
                 f"{str(best[opportunity][t]['launch'])[:10]}"
                 for t in ("I", "II") if t in best[opportunity]]
        lines.append(f"  {opportunity}: " + "; ".join(parts))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="first_year", type=int, default=FIRST_YEAR,
                        help=f"first launch year (default {FIRST_YEAR})")
    parser.add_argument("--to", dest="last_year", type=int, default=LAST_YEAR,
                        help=f"last launch year (default {LAST_YEAR})")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    t_start = time.perf_counter()

    machine = print_machine()
    cores = machine["cores_usable"]
    first_year, last_year = args.first_year, args.last_year
    missing = missing_parts()
    if missing:
        print(f"not there yet: {', '.join(missing)}; nothing timed", file=sys.stderr)
        sys.exit(2)
    command = cli_command(first_year, last_year)
    print(f"search: Earth to Mars launch opportunities {first_year}-{last_year}, DE440, "
          f"both types; CLI `{' '.join(['marsplan'] + command[1:])}`")

    whole_run = OtherLoad().start()
    phase = OtherLoad().start()
    cli_first_s, cli_s, cli_rows = time_cli(command)
    other_cli = phase.stop()
    phase = OtherLoad().start()
    lib_first_s, lib_s, found = time_library(first_year, last_year)
    other_lib = phase.stop()

    try:
        from marsplan.io.rows import windows_rows
    except ImportError:
        windows_rows = None
    if windows_rows is not None:
        library_rows = json.loads(json.dumps(windows_rows(found), default=str))
        same_rows, diff_c3 = compare_rows(cli_rows, library_rows)
        same_rows = same_rows and len(library_rows) == len(cli_rows)
    else:
        library_rows, same_rows, diff_c3 = None, False, float("nan")

    print()
    print(f"{'run':<50} {'seconds':>9} {'first run':>10}")
    print("-" * 71)
    print(f"{'CLI in a subprocess (--format json)':<50} {cli_s:>9.3f} {cli_first_s:>10.3f}")
    print(f"{'library windows() in-process':<50} {lib_s:>9.3f} {lib_first_s:>10.3f}")
    print(f"(seconds: best of {REPEATS} warm runs; first run: the warm-up run, apart; "
          f"the CLI's includes Python start-up and imports, the library's first call "
          f"loads compiled code and DE440)")

    print()
    opportunities = sorted({str(r["opportunity"]) for r in cli_rows})
    print(f"CLI: {len(cli_rows)} rows, {len(opportunities)} opportunities; library: "
          f"{len(found)} results"
          + (f", {len(library_rows)} rows" if library_rows is not None else ""))
    for line in opportunity_summary(cli_rows):
        print(line)
    print(f"agreement, CLI JSON vs library rows: "
          f"{'same' if same_rows else 'DIFFERENT'} opportunities, types, objectives and "
          f"dates; max |dC3| {diff_c3:.2e} km^2/s^2")
    other_run = whole_run.stop()
    print(f"other processes kept busy, of {cores} cores: {other_cli:.2f} during the CLI runs, "
          f"{other_lib:.2f} during the library calls (marsplan); {other_run:.2f} over the "
          f"whole run")
    warn_if_shared(max(other_cli, other_lib))

    span = f"{first_year}-{last_year}"
    targets = [
        (f"windows {span} CLI < 5 s warm", f"{cli_s:.2f} s", cli_s < TARGET_WARM_SECONDS),
        (f"windows {span} library call < 5 s warm", f"{lib_s:.2f} s",
         lib_s < TARGET_WARM_SECONDS),
        ("sanity: CLI JSON = library rows", f"{diff_c3:.1e}",
         same_rows and diff_c3 <= SANITY_C3_KM2S2),
    ]
    print_targets(targets)
    total_s = time.perf_counter() - t_start
    print(f"\ntotal benchmark time {total_s:.1f} s")

    if args.json:
        figures = {
            "machine": machine,
            "first_year": first_year, "last_year": last_year, "cli_command": command[1:],
            "cli_seconds": cli_s, "cli_first_run_seconds": cli_first_s,
            "library_seconds": lib_s, "library_first_call_seconds": lib_first_s,
            "rows": len(cli_rows), "opportunities": opportunities,
            "cli_rows_equal_library_rows": bool(same_rows), "max_abs_diff_c3_km2s2": diff_c3,
            "other_processes_cores_busy_during_cli": other_cli,
            "other_processes_cores_busy_during_library": other_lib,
            "other_processes_cores_busy_during_run": other_run,
            "targets": targets_json(targets),
            "total_seconds": total_s,
        }
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
