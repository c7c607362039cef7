"""Bounds on what one web request may ask for: its size, its span, its time.

Every number is an absolute limit (not a share of what happens to be free), so a
request succeeds or fails the same way whatever else the server is doing. A
request beyond a limit gets HTTP 422 naming the field and the limit, before any
work; the time limits stop a job that runs too long (HTTP 504) and replace its
worker process, so no request can keep the server busy.
"""
from __future__ import annotations

import os

#: Most years one ``/api/windows`` request spans (2026-2045 is 20; ~1 s per 10 years).
MAX_WINDOWS_YEARS = 40
#: Most years one ``/api/missions`` request spans: a round-trip search takes about
#: 1 s per opportunity (conjunction) to 3 s (flyby via Venus) on an idle core.
MAX_MISSIONS_YEARS = 20
#: Most porkchop cells times solution families (1 + 2 revs) one request computes. A
#: 300 x 300 grid is 90,000; the 2033 opportunity at 1 day with --revs 1 is 237,000.
#: The grid layout's JSON takes ~110 bytes per cell, the rows layout ~250 per leg.
MAX_PORKCHOP_CELLS = 250_000
#: Most revolutions a porkchop request asks for (as the CLI's --revs).
MAX_PORKCHOP_REVS = 10
#: Most partners one plan request withdraws (``without``); a scenario's partners
#: are fewer, and each withdrawal is a re-plan.
MAX_WITHOUT = 8
#: Longest ``horizon_years`` of a withdrawal search (the CLI's default is 10).
MAX_HORIZON_YEARS = 20.0
#: Largest request body, bytes: a scenario file (the examples are ~3 kB; the CLI
#: reads files of up to 1 MiB). A larger body gets HTTP 413 unread.
MAX_BODY_BYTES = 256 * 1024
#: Longest query string, characters (every query of the API fits in 1 kB).
MAX_QUERY_CHARS = 4096

#: Seconds a job may run in its worker before it is stopped (HTTP 504).
TIME_LIMIT_S = {
    "windows": 60.0,
    "porkchop": 30.0,
    "missions": 120.0,
    "plan": 90.0,
    "catalog": 30.0,
    "sweep": 30.0,
    "coalitions": 240.0,
    # what only a page shows (marsplan.web.pages): a mission drawn, the plan page, its report
    "mission_plot": 120.0,
    "joint_plan_page": 90.0,
    "plan_report": 90.0,
}
#: Most partners of a scenario whose coalitions one request plans: 2^n - 1 plans, each
#: about 1 s (the trajectory searched once per set of launch sites).
MAX_COALITION_PARTNERS = 5
#: Jobs whose answers are not kept: a sweep dataset grows while its sweep runs.
UNCACHED = frozenset({"sweep"})
#: Most rows one ``/api/sweep`` response holds (``rows_matching`` says how many matched).
MAX_SWEEP_ROWS = 10_000
#: Jobs waiting for a worker beyond which a request is refused at once (HTTP 503,
#: ``Retry-After``): 32 clients each with one request in flight fit twice over.
MAX_WAITING = 64
#: Responses kept (least recently used dropped first), and their total bytes.
CACHE_ENTRIES = 256
CACHE_BYTES = 256 * 1024 * 1024


def default_workers() -> int:
    """Worker processes by default: one per core (``MARSPLAN_WEB_WORKERS`` overrides)."""
    text = os.environ.get("MARSPLAN_WEB_WORKERS", "").strip()
    if text.isdigit() and 1 <= int(text) <= 64:
        return int(text)
    return max(1, min(8, os.cpu_count() or 1))
