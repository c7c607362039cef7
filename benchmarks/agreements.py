"""A plan whose trajectory is known (sizing, agreement, verdict), and the ledger alone.

Issue 12: a plan whose trajectory is already known, with its sizing, partner
agreement (the ledger: who funds, pays, gets) and verdict, under 20 ms warm.
Times ``marsplan.joint.plan.plan(scenario, catalog, mission=...)`` on the
US-Russia example and its no_funds variant (cash settlement around a blocked
pair: a linear program), and ``marsplan.joint.agreement.ledger`` alone. The
trajectory search is done once, before timing; the first warm-up call loads
the compiled kernels and is not counted. No peer: no other tool models the
terms of a joint venture.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from _common import (
    REPO_ROOT,
    OtherLoad,
    print_machine,
    print_targets,
    targets_json,
    warn_if_shared,
)

TARGET_MS = 20.0
EXAMPLES = ("us_russia_2033.toml", "us_russia_2033_no_funds.toml")


def _best_ms(call, repeat: int) -> tuple[float, float]:
    """(best, median) wall time of ``call`` over ``repeat`` runs, milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(1e3 * (time.perf_counter() - t))
    return min(times), statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    machine = print_machine()
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.agreement import items_from_rows, ledger, parties
    from marsplan.joint.plan import plan

    print(f"{'case':<44} {'best_ms':>8} {'median_ms':>10}")
    print("-" * 64)
    load = OtherLoad().start()
    rows, targets = [], []
    for name in EXAMPLES:
        scenario, catalog = load_scenario(os.path.join(REPO_ROOT, "examples", name))
        first = plan(scenario, catalog)  # the trajectory search, and compiled code loaded
        mission = first.mission
        plan(scenario, catalog, mission=mission)  # warm
        best, median = _best_ms(lambda: plan(scenario, catalog, mission=mission), args.repeat)
        label = f"plan, known trajectory: {name}"
        print(f"{label:<44} {best:>8.2f} {median:>10.2f}")
        rows.append({"case": label, "best_ms": best, "median_ms": median})
        targets.append((f"{name} plan, known trajectory < {TARGET_MS:g} ms",
                        f"{median:.1f} ms", median < TARGET_MS))
        terms = scenario.agreement.value()
        items = items_from_rows([*first.sizing.items, *first.sizing.launch_rows], catalog)
        who = parties(scenario, catalog, extra=terms.funders.values())
        best, median = _best_ms(lambda: ledger(items, who, terms), args.repeat * 10)
        label = f"ledger alone: {name}"
        print(f"{label:<44} {best:>8.3f} {median:>10.3f}")
        rows.append({"case": label, "best_ms": best, "median_ms": median})
    other = load.stop()
    print(f"other processes kept busy: {other:.2f} of {machine['cores_usable']} cores")
    warn_if_shared(other)
    print_targets(targets)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "cases": rows, "other_cores_busy": other,
                       "targets": targets_json(targets)}, f, indent=2)


if __name__ == "__main__":
    main()
