"""The mission report: a scenario planned and written as one self-contained HTML file.

:func:`marsplan.report.html.write_report` writes ``report.html`` (opens offline:
inline CSS, figures as data URIs, no scripts), ``plan.json`` and the figures as
PNG into a folder; ``marsplan plan SCENARIO --out DIR`` and ``make demo`` call it.
This package words and lays out what the core computed; it holds no physics.
"""

from __future__ import annotations

__all__ = ["write_report"]


def write_report(scenario, catalog, out_dir, **options):
    """See :func:`marsplan.report.html.write_report` (imported on first use)."""
    from marsplan.report.html import write_report as write

    return write(scenario, catalog, out_dir, **options)
