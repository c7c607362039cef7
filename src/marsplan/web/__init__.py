"""The web page and JSON API (`marsplan serve`): an edge that words results of the core."""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "create_app": "marsplan.web.app",
})
