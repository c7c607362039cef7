"""Round-trip mission search, Earth-Mars-Earth 2026-2045: both classes, with and without Venus.

Times ``marsplan.transfer.missions.mission_opportunities`` for conjunction and
opposition class, each without and with a Venus swing-by, and the flyby class
via Venus, over every opportunity of the years (issue 11: under 20 s on 2
cores with the range-independent search). The first call of a fresh process
also loads the compiled kernels; it is timed apart.
No peer in this one: neither pykep nor GMAT searches whole round trips.
"""

from __future__ import annotations

import argparse
import json
import time

from _common import OtherLoad, print_machine, print_targets, targets_json, warn_if_shared

FIRST_YEAR, LAST_YEAR = 2026, 2045
TARGET_SECONDS = 20.0
CASES = (("conjunction", None), ("opposition", None), ("conjunction", "venus"),
         ("opposition", "venus"), ("flyby", "venus"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="first_year", type=int, default=FIRST_YEAR)
    parser.add_argument("--to", dest="last_year", type=int, default=LAST_YEAR)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    machine = print_machine()
    from marsplan.transfer.missions import mission_opportunities

    t0 = time.perf_counter()
    mission_opportunities(2033, 2033, "opposition", "venus")  # load compiled code and DE440
    first_s = time.perf_counter() - t0
    print(f"search: {args.first_year}-{args.last_year}, {len(CASES)} cases, default options "
          f"(stays 300-650 d conjunction, 30-90 d opposition; 4-day grid, multi-start "
          f"Nelder-Mead refine)")
    print()
    print(f"{'case':<26} {'seconds':>8} {'opps':>5}  best dv_total_kms (duration_days) per opportunity")
    print("-" * 100)
    load = OtherLoad().start()
    rows, total = [], 0.0
    for cls, flyby in CASES:
        t = time.perf_counter()
        found = mission_opportunities(args.first_year, args.last_year, cls, flyby)
        seconds = time.perf_counter() - t
        total += seconds
        summary = ", ".join(f"{o.year}: {o.best.dv_total_kms:.2f} ({o.best.duration_days:.0f})"
                            for o in found)
        name = f"{cls}{' + Venus' if flyby else ''}"
        print(f"{name:<26} {seconds:>8.2f} {len(found):>5}  {summary}")
        rows.append({"case": name, "seconds": seconds, "opportunities": len(found),
                     "best": [(o.year, o.best.dv_total_kms, o.best.duration_days)
                              for o in found]})
    other = load.stop()
    print(f"(first call in this process, 2033 opposition + Venus, loading compiled kernels: "
          f"{first_s:.2f} s, not counted)")
    print(f"other processes kept busy: {other:.2f} of {machine['cores_usable']} cores")
    warn_if_shared(other)
    targets = [(f"missions {args.first_year}-{args.last_year}, {len(CASES)} cases "
                f"< {TARGET_SECONDS:g} s",
                f"{total:.1f} s", total < TARGET_SECONDS)]
    print_targets(targets)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "cases": rows, "total_seconds": total,
                       "first_call_seconds": first_s, "other_cores_busy": other,
                       "targets": targets_json(targets)}, f, indent=2)


if __name__ == "__main__":
    main()
