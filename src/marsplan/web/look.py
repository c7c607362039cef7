"""One look for the web pages and the report: the Jinja2 templates and the style sheet.

The templates live in ``marsplan/web/templates`` and the style sheet in
``marsplan/web/static/marsplan.css``, both package data. The pages link the
style sheet and load their scripts from ``/static``; the report inlines the
same style sheet so that it stays one file that opens offline. Only Jinja2 is
imported here (no FastAPI): :mod:`marsplan.report` renders with it too.
"""

from __future__ import annotations

import functools
import os

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
STATIC = os.path.join(os.path.dirname(__file__), "static")
STYLESHEET = "marsplan.css"


@functools.cache
def environment():
    """The Jinja2 environment of every page and the report: autoescaped HTML, so text
    from a scenario file or the catalog cannot inject markup; undefined names fail."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html"], default=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    from marsplan import __version__

    env.globals["version"] = __version__
    return env


@functools.cache
def stylesheet() -> str:
    """The style sheet's text (system fonts only: nothing to fetch)."""
    with open(os.path.join(STATIC, STYLESHEET), encoding="utf-8") as f:
        return f.read().strip()


def render(template: str, **context) -> str:
    """``template`` (a path under the templates folder) rendered with ``context``."""
    return environment().get_template(template).render(**context)
