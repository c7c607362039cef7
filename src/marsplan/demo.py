"""``make demo``: Earth and Mars on the 2033 launch date, and one Earth-to-Mars transfer.

Run as ``python -m marsplan.demo``. The transfer is the NASA handbook's 2033
Type II minimum-C3 trajectory (Burke, Falck & McGuire, NASA/TM-2010-216764):
launch 2033-04-28, arrival 2034-01-27, printed C3 7.781 km^2/s^2 and arrival
v-infinity 4.377 km/s, computed from the Earth-Moon barycentre.
"""

from __future__ import annotations

import numpy as np

from marsplan.constants import GM_SUN_KM3S2
from marsplan.ephemeris import default_ephemeris
from marsplan.io.emit import emit, state_rows
from marsplan.time import to_jd_tdb
from marsplan.twobody import lambert

LAUNCH, ARRIVAL = "2033-04-28", "2034-01-27"


def main() -> None:
    eph = default_ephemeris()
    jd_launch, jd_arrival = to_jd_tdb(LAUNCH), to_jd_tdb(ARRIVAL)
    rows = []
    for body, jd in (("earth", jd_launch), ("mars", jd_launch), ("mars", jd_arrival)):
        r_km, v_kms = eph.state_jd(body, jd)
        rows += state_rows(body, "ecliptic", jd, r_km, v_kms)
    emit(rows, "table", title=f"Heliocentric states, ecliptic J2000, {eph.name}, TDB",
         hide=("frame",))

    tof_s = (jd_arrival - jd_launch) * 86_400.0
    r_mars, v_mars = eph.state_jd("mars", jd_arrival)
    legs = []
    for origin in ("earth", "emb"):
        r0, v0 = eph.state_jd(origin, jd_launch)
        v1, v2 = lambert(r0, r_mars, tof_s, GM_SUN_KM3S2)
        legs.append({
            "origin": origin,
            "launch": LAUNCH + "T00:00:00",
            "arrival": ARRIVAL + "T00:00:00",
            "tof_days": jd_arrival - jd_launch,
            "c3_km2s2": float(np.sum((v1 - v0) ** 2)),
            "vinf_arrival_kms": float(np.linalg.norm(v2 - v_mars)),
        })
    emit(legs, "table", title="Earth to Mars, 2033 Type II minimum-C3 dates (Lambert, DE440); "
         "NASA handbook from the EMB: C3 7.781 km^2/s^2, v-inf 4.377 km/s")


if __name__ == "__main__":
    main()
