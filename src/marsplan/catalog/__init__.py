"""The partner catalog: agencies, launch sites and vehicles, spacecraft and stages,
propellants, docking standards and adapters, each number with its source.

The data ship as TOML files in ``marsplan/catalog/data``; a user's own files
extend or override them (:func:`load_catalog`). Records are validated pydantic
models (:mod:`marsplan.catalog.models`); ``estimate = true`` marks numbers that
are marsplan's estimates, and ``source`` says what they rest on.

>>> from marsplan.catalog import default_catalog
>>> default_catalog().get("launch_vehicle", "falcon9").owner
'spacex'
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    **dict.fromkeys(["KINDS", "LISTINGS", "Catalog", "CatalogError", "catalog_rows",
                     "default_catalog", "load_catalog"], "marsplan.catalog.load"),
    **dict.fromkeys(["Adapter", "DockingStandard", "Element", "LaunchSite", "LaunchVehicle",
                     "Partner", "PayloadPoint", "Propellant", "Record"],
                    "marsplan.catalog.models"),
})
