"""Sizing: delta-v budget, propellant, IMLEO, launches, cost and feasibility of a mission."""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    **dict.fromkeys(["MANEUVERS", "SURFACE_MANEUVERS", "Sizing", "size_mission"],
                    "marsplan.sizing.budget"),
    **dict.fromkeys(["BurnRow", "ItemRow", "LaunchRow", "ManeuverRow"], "marsplan.sizing.rows"),
    **dict.fromkeys(["G0_MS2", "boiloff_factor", "boiloff_loaded_t", "consumables_t",
                     "rocket_dv_kms", "rocket_propellant_t"], "marsplan.sizing.formulas"),
    **dict.fromkeys(["launches_needed", "payload_t"], "marsplan.sizing.launch"),
})
