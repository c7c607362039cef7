"""The web page and JSON API (`marsplan serve`): an edge that words results of the core.

* :mod:`marsplan.web.app`: :func:`create_app`, the FastAPI application;
* :mod:`marsplan.web.api`: the JSON API under /api;
* :mod:`marsplan.web.pages`: the HTML pages.
"""

from __future__ import annotations

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "create_app": "marsplan.web.app",
})
