"""The report's style sheet: the web pages' own (``marsplan/web/static/marsplan.css``),
inlined into report.html (no fonts to fetch: system ones)."""

from marsplan.web.look import stylesheet

CSS = stylesheet()
