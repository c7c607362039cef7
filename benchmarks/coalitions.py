"""Joint plans on a known trajectory, and every coalition of a 4-partner scenario.

Issue 12's speed targets:

- ``plan(scenario, catalog, mission=known)``: a plan whose trajectory is
  already known (interfaces, assembly orbit, sizing, contributions, dose,
  verdict), US-Russia 2033, warm: < 20 ms. Two figures: the same mission
  object again (blackouts and light time, which depend only on the trajectory,
  come from the per-trajectory cache: the case of coalitions, withdrawals and
  sweeps) and a fresh copy of the mission (cache missed: they are computed).
- ``coalitions(scenario, catalog)`` on examples/esa_jaxa_2035.toml (4
  partners, 15 coalitions), warm (second call in the process; the trajectory
  searches run again): < 5 s on 2 cores.
- ``plan_shares(scenario, catalog, plan)``: what ``marsplan plan`` (and its
  report) adds for the Shapley shares, US-Russia 2033, the plan known (only
  the 6 subset plans): first call after the plan, and best of 5 (no target).

The first calls of the process (compiled kernels, DE440) are timed apart.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time

from _common import (REPO_ROOT, OtherLoad, print_machine, print_targets, targets_json,
                     warn_if_shared)

PLAN_TARGET_MS = 20.0
COALITIONS_TARGET_S = 5.0
PLAN_SCENARIO = os.path.join(REPO_ROOT, "examples", "us_russia_2033.toml")
COALITIONS_SCENARIO = os.path.join(REPO_ROOT, "examples", "esa_jaxa_2035.toml")


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), sorted(times)[len(times) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="plan calls per figure")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    machine = print_machine()
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.coalitions import coalitions, plan_shares
    from marsplan.joint.plan import plan

    scenario, catalog = load_scenario(PLAN_SCENARIO)
    t0 = time.perf_counter()
    baseline = plan(scenario, catalog)  # loads compiled code and DE440, searches the trajectory
    first_s = time.perf_counter() - t0
    mission = baseline.mission
    t0 = time.perf_counter()
    plan_shares(scenario, catalog, baseline)
    shares_first_s = time.perf_counter() - t0
    plan(scenario, catalog, mission=mission)

    load = OtherLoad().start()
    cached_s, cached_median_s = best_of(lambda: plan(scenario, catalog, mission=mission),
                                        args.repeat)
    fresh_s, fresh_median_s = best_of(
        lambda: plan(scenario, catalog, mission=dataclasses.replace(mission)),
        max(5, args.repeat // 5))
    shares_s, _ = best_of(lambda: plan_shares(scenario, catalog, baseline), 5)
    check = plan(scenario, catalog, mission=dataclasses.replace(mission))
    same = (check.sizing.cost_musd == baseline.sizing.cost_musd
            and check.verdict.status == baseline.verdict.status
            and len(check.blackouts) == len(baseline.blackouts))

    many, catalog4 = load_scenario(COALITIONS_SCENARIO)
    t0 = time.perf_counter()
    coalitions(many, catalog4)
    coalitions_first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = coalitions(many, catalog4)
    coalitions_s = time.perf_counter() - t0
    other = load.stop()

    print()
    print(f"plan, US-Russia 2033, trajectory known ({args.repeat} calls, best / median):")
    print(f"  same mission (trajectory products cached) {cached_s * 1e3:8.2f} ms "
          f"/ {cached_median_s * 1e3:.2f} ms")
    print(f"  fresh copy of the mission (computed)      {fresh_s * 1e3:8.2f} ms "
          f"/ {fresh_median_s * 1e3:.2f} ms")
    print(f"  results identical to the searched plan: {'yes' if same else 'NO'}")
    print(f"  (first plan of the process, trajectory search and loading: {first_s:.2f} s)")
    print(f"plan_shares, US-Russia 2033, plan known (the subsets only): first "
          f"{shares_first_s:.3f} s, best of 5 {shares_s:.3f} s")
    print(f"coalitions, {os.path.basename(COALITIONS_SCENARIO)}: {len(result.partners)} partners, "
          f"{len(result.coalitions)} coalitions, {sum(c.flies for c in result.coalitions)} fly")
    print(f"  warm {coalitions_s:.2f} s (first call {coalitions_first_s:.2f} s)")
    print("  shares: " + ", ".join(f"{s.partner} {s.share_musd:,.1f} M$"
                                   for s in result.shapley))
    print(f"other processes kept busy: {other:.2f} of {machine['cores_usable']} cores")
    warn_if_shared(other)
    targets = [
        (f"plan, trajectory known < {PLAN_TARGET_MS:g} ms", f"{cached_s * 1e3:.1f} ms",
         cached_s * 1e3 < PLAN_TARGET_MS and same),
        (f"coalitions, 4 partners < {COALITIONS_TARGET_S:g} s", f"{coalitions_s:.2f} s",
         coalitions_s < COALITIONS_TARGET_S),
    ]
    print_targets(targets)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "plan_cached_s": cached_s,
                       "plan_fresh_mission_s": fresh_s, "plan_first_s": first_s,
                       "plan_shares_first_s": shares_first_s, "plan_shares_s": shares_s,
                       "coalitions_s": coalitions_s, "coalitions_first_s": coalitions_first_s,
                       "other_cores_busy": other, "targets": targets_json(targets)}, f,
                      indent=2)


if __name__ == "__main__":
    main()
