"""``make demo``: the Earth-to-Mars opportunities 2026-2045, then the US-Russia mission report.

Run as ``python -m marsplan.demo [OUT_DIR]`` (default ``out/``). Prints every
opportunity's minimum-C3, minimum arrival v-infinity and minimum total delta-v
trajectory per transfer type (DE440, departure from the Earth's centre), then
plans ``examples/us_russia_2033.toml`` and writes its report into
``OUT_DIR/plan/`` (report.html, plan.json and the figures). The last line
printed is the report's path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from marsplan.errors import InputError

FIRST_YEAR, LAST_YEAR = 2026, 2045
EXAMPLE = os.path.join("examples", "us_russia_2033.toml")


def example_path(name: str = EXAMPLE) -> str:
    """``name`` under the current directory, else under the repository this module is in.

    Raises
    ------
    InputError
        Neither exists (an installed marsplan ships no examples).
    """
    repo_root = Path(__file__).resolve().parents[2]
    places = [Path.cwd() / name, repo_root / name]
    for place in places:
        if place.is_file():
            return os.path.relpath(place) if place.is_relative_to(Path.cwd()) else str(place)
    raise InputError(f"demo: {name} is not in {' nor in '.join(str(p.parent) for p in places)}; "
                     "run make demo from a clone of the marsplan repository")


def main(out_dir: str = "out") -> str:
    from marsplan.io.emit import emit
    from marsplan.io.rows import windows_rows
    from marsplan.io.scenario import load_scenario
    from marsplan.report.html import write_report
    from marsplan.transfer.maneuvers import DEFAULT_ORBITS
    from marsplan.transfer.windows import windows

    found = windows("earth", "mars", FIRST_YEAR, LAST_YEAR)
    leo, mars = DEFAULT_ORBITS.departure, DEFAULT_ORBITS.mars_capture
    emit(windows_rows(found), "table",
         title=f"Earth to Mars opportunities {FIRST_YEAR}-{LAST_YEAR} (DE440, TDB; "
               f"total dv: {leo.periapsis_alt_km:,.0f} km LEO departure + capture into "
               f"{mars.periapsis_alt_km:,.0f} x {mars.apoapsis_alt_km:,.0f} km Mars orbit)")
    scenario_file = example_path()
    scenario, catalog = load_scenario(scenario_file)
    print(f"planning {scenario_file} and writing its report ...", flush=True)
    path = write_report(scenario, catalog, os.path.join(out_dir, "plan"))
    print("open the mission report in a browser (one file, works offline):")
    print(path)
    return path


if __name__ == "__main__":
    from marsplan.errors import MarsplanError

    try:
        main(*sys.argv[1:2])
    except MarsplanError as error:
        print(f"marsplan demo: {error}", file=sys.stderr)
        sys.exit(2)
