"""The mission report: one self-contained HTML file, plan.json and the figures as PNG.

:func:`write_report` plans a scenario and writes into a folder:

``report.html``
    One file that opens offline: inline CSS, the figures embedded as base64
    ``data:`` URIs, no script, font or link to anything outside it (a
    Content-Security-Policy in the page forbids loading any). It opens with
    a summary a policy reader takes in within a minute (can the mission fly,
    the binding limit, when the crew leaves and returns, launches, what each
    partner delivers and pays), then one section per topic; :data:`SECTIONS`
    lists their ids.
``plan.json``
    The same plan in full precision (:func:`marsplan.report.content.plan_document`).
``porkchop.png``, ``mission.png``, ``contributions.png``, ``dose.png``, ``light_time.png``
    The figures (:mod:`marsplan.report.figures`).

Every file is replaced atomically (:func:`marsplan.io.emit.write_atomic`).
"""

from __future__ import annotations

import json
import os

from marsplan import __version__
from marsplan.io.emit import write_atomic
from marsplan.report import sections
from marsplan.report.content import gather, plan_document, verdict
from marsplan.report.figures import draw_figures
from marsplan.report.markup import escape
from marsplan.report.sections import PLAN_FILE, SECTIONS
from marsplan.report.style import CSS

__all__ = ["PLAN_FILE", "REPORT_FILE", "SECTIONS", "render", "write_report"]

REPORT_FILE = "report.html"

# The page may load nothing from anywhere: images come as data: URIs, styles inline.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def write_report(scenario, catalog, out_dir, *, without=None, ephemeris=None, plan=None,
                 withdrawal=None) -> str:
    """Plan ``scenario`` and write report.html, plan.json and the figures into ``out_dir``.

    Parameters
    ----------
    scenario, catalog
        From :func:`marsplan.io.scenario.load_scenario`.
    out_dir : str or os.PathLike
        Folder to write into; created if missing.
    without : str, optional
        The partner whose withdrawal the report compares side by side. By
        default the partner, other than the transit vehicle's provider, that
        provides the fewest elements; the report says which and why.
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    plan, withdrawal : optional
        The scenario's Plan and a WithdrawalPlan of it when the caller has
        them already (``marsplan plan --out``), so they are not planned again.

    Returns
    -------
    str
        The path of report.html.

    Raises
    ------
    InputError
        ``without`` is not a partner of the scenario, or its only one.
    MarsplanError
        Whatever planning the scenario raises.
    """
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    content = gather(scenario, catalog, without=without, ephemeris=ephemeris, plan=plan,
                     withdrawal=withdrawal)
    figures = draw_figures(content, out_dir)
    document = plan_document(content, {k: os.path.basename(v) for k, v in figures.items()})
    write_atomic(os.path.join(out_dir, PLAN_FILE),
                 json.dumps(document, indent=2, allow_nan=False) + "\n")
    path = os.path.join(out_dir, REPORT_FILE)
    write_atomic(path, render(content, figures))
    return path


# --------------------------------------------------------------------------- the page


def render(content, figures: dict[str, str]) -> str:
    """The report's HTML for ``content`` (a ReportContent) with the figure files given."""
    v = verdict(content)
    name = content.scenario.mission.name
    parts = [
        sections.summary(content, v),
        sections.contents(),
        sections.timeline(content),
        sections.porkchop(content, figures["porkchop"]),
        sections.mission(content, figures["mission"]),
        sections.delta_v(content),
        sections.masses(content),
        sections.contributions(content, figures["contributions"]),
        sections.interfaces(content),
        sections.assembly_orbit(content),
        sections.withdrawal(content),
        sections.radiation(content, figures["dose"]),
        sections.communications(content, figures["light_time"]),
        sections.footer(content),
    ]
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<meta name=\"generator\" content=\"marsplan {escape(__version__)}\">\n"
            f"<title>{escape(name)}: mission report</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
