"""The mission report: a scenario planned and written as one self-contained HTML file.

:func:`marsplan.report.html.write_report` writes ``report.html`` (opens offline:
inline CSS, figures as data URIs, no scripts), ``plan.json`` and the figures as
PNG into a folder; ``marsplan plan SCENARIO --out DIR`` and ``make demo`` call it.
This package words and lays out what the core computed; it holds no physics.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "write_report": "marsplan.report.html",
})
