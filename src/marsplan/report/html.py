"""The mission report: one self-contained HTML file, plan.json and the figures as PNG.

:func:`write_report` plans a scenario and writes into a folder:

``report.html``
    One file that opens offline: inline CSS, the figures embedded as base64
    ``data:`` URIs, no script, font or link to anything outside it (a
    Content-Security-Policy in the page forbids loading any). It opens with
    a summary a policy reader takes in within a minute (can the mission fly,
    the binding limit, when the crew leaves and returns, launches, what each
    partner provides), then one section per topic; :data:`SECTIONS` lists
    their ids.
``plan.json``
    The plan document (:func:`marsplan.io.document.plan_document`), exactly
    what ``marsplan plan --format json`` prints.
``porkchop.png``, ``mission.png``, ``contributions.png``, ``dose.png``, ``light_time.png``
    The figures (:mod:`marsplan.report.figures`).

The folder is written whole or not at all: every file goes into a new
temporary folder beside it, which then takes the folder's place. A run that
fails or is interrupted leaves the previous report as it was; two runs never
mix their files. Nothing is read back from disk.
"""

from __future__ import annotations

import json
import os

from marsplan.errors import OutputPathError
from marsplan.io.atomic import atomic_folder, check_folder, write_atomic
from marsplan.io.document import plan_document
from marsplan.report import sections
from marsplan.report.content import gather
from marsplan.report.figures import FIGURE_FILES, draw_figures
from marsplan.report.sections import PLAN_FILE, SECTIONS
from marsplan.web import look

__all__ = ["PLAN_FILE", "REPORT_FILE", "SECTIONS", "check_report_folder", "render",
           "write_report"]

REPORT_FILE = "report.html"

# The page may load nothing from anywhere: images come as data: URIs, styles inline.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def write_report(scenario, catalog, out_dir, *, without=None, ephemeris=None, plan=None,
                 withdrawal=None, extra_files=None, shares=None) -> str:
    """Plan ``scenario`` and write report.html, plan.json and the figures into ``out_dir``.

    Parameters
    ----------
    scenario, catalog
        From :func:`marsplan.io.scenario.load_scenario`.
    out_dir : str or os.PathLike
        The report folder. It is replaced whole: an existing folder must be
        empty or hold a marsplan report (report.html or plan.json and files
        of the kinds a report writes), so that no one's other files are lost.
    without : str, optional
        The partner whose withdrawal the report compares side by side. By
        default the partner, other than the transit vehicle's provider, that
        provides the fewest elements; the report says which and why.
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    plan, withdrawal : optional
        The scenario's Plan and a WithdrawalPlan of it when the caller has
        them already (``marsplan plan --out``), so they are not planned again.
    extra_files : mapping of str to str, optional
        More files for the folder, by name (``marsplan plan --format csv``'s
        tables).
    shares : PlanShares, optional
        The plan's Shapley shares when the caller has them
        (:func:`marsplan.joint.coalitions.plan_shares`); else computed.

    Returns
    -------
    str
        The path of report.html.

    Raises
    ------
    InputError
        ``without`` is not a partner of the scenario, or its only one.
    OutputPathError
        ``out_dir`` cannot be written, or is a folder of other files:
        ``DIR: cannot write: REASON``.
    MarsplanError
        Whatever planning the scenario raises.
    """
    out_dir = os.path.abspath(os.fspath(out_dir))
    check_report_folder(out_dir)  # before planning: a typo costs a second, not a search
    content = gather(scenario, catalog, without=without, ephemeris=ephemeris, plan=plan,
                     withdrawal=withdrawal, shares=shares)
    document = plan_document(content.plan, ephemeris_name=content.ephemeris_name,
                             shares=content.shares)
    check_report_folder(out_dir)
    with atomic_folder(out_dir) as staging:
        figures = draw_figures(content, staging)
        write_atomic(os.path.join(staging, PLAN_FILE),
                     json.dumps(document, indent=2, allow_nan=False) + "\n")
        write_atomic(os.path.join(staging, REPORT_FILE), render(content, figures))
        for file, text in (extra_files or {}).items():
            write_atomic(os.path.join(staging, os.path.basename(file)), text)
    return os.path.join(out_dir, REPORT_FILE)


#: What a report folder may hold: the files write_report writes (and CSV tables).
_REPORT_FILES = {REPORT_FILE, PLAN_FILE, *FIGURE_FILES.values()}


def check_report_folder(out_dir) -> None:
    """Refuse a target that cannot be written, or a folder holding files a report did
    not write (replacing the folder whole would delete them)."""
    out_dir = check_folder(out_dir)
    if os.path.isdir(out_dir):
        foreign = sorted(f for f in os.listdir(out_dir)
                         if f not in _REPORT_FILES and not f.endswith(".csv"))
        if foreign:
            raise OutputPathError(
                f"{out_dir}: cannot write: the folder holds other files "
                f"({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}), which the "
                "report replaces whole; give a new or empty folder")


# --------------------------------------------------------------------------- the page


def render(content, figures: dict[str, str]) -> str:
    """The report's HTML for ``content`` (a ReportContent) with the figure files given:
    ``templates/report.html`` with the web pages' style sheet inlined."""
    shown = [
        sections.summary(content),
        sections.timeline(content),
        sections.porkchop(content, figures["porkchop"]),
        sections.mission(content, figures["mission"]),
        sections.delta_v(content),
        sections.masses(content),
        sections.contributions(content, figures["contributions"]),
        sections.agreement(content, figures["agreement"]),
        sections.interfaces(content),
        sections.assembly_orbit(content),
        sections.withdrawal(content),
        sections.radiation(content, figures["dose"]),
        sections.communications(content, figures["light_time"]),
    ]
    return look.render("report.html", csp=_CSP, css=look.stylesheet(),
                       name=content.scenario.mission.name, sections=shown,
                       contents=SECTIONS[1:], footer=sections.footer(content))
