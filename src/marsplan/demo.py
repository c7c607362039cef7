"""``make demo``: Earth-to-Mars opportunities 2026-2045 and the 2033 porkchop chart.

Run as ``python -m marsplan.demo [OUT_DIR]`` (default ``out/``). Prints every
opportunity's minimum-C3, minimum arrival v-infinity and minimum total delta-v
trajectory per transfer type (DE440, departure from the Earth's centre), then
writes the porkchop chart of the 2033 opportunity with a C3 limit of 12 km^2/s^2.
"""

from __future__ import annotations

import os
import sys

from marsplan.io.emit import emit
from marsplan.transfer import porkchop, windows
from marsplan.transfer.windows import opportunity_bounds, windows_rows

FIRST_YEAR, LAST_YEAR, CHART_YEAR, C3_LIMIT = 2026, 2045, 2033, 12.0


def main(out_dir: str = "out") -> str:
    found = windows("earth", "mars", FIRST_YEAR, LAST_YEAR)
    emit(windows_rows(found), "table",
         title=f"Earth to Mars opportunities {FIRST_YEAR}-{LAST_YEAR} (DE440, TDB; "
               "total dv: 400 km LEO departure + capture into 250 x 33,793 km Mars orbit)")
    launch, arrival = opportunity_bounds("earth", "mars", CHART_YEAR)
    chart = porkchop("earth", "mars", launch=launch, arrival=arrival, step_days=1.0)
    path = chart.plot(os.path.join(out_dir, f"porkchop_{CHART_YEAR}.png"), c3_max=C3_LIMIT)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(*sys.argv[1:2])
