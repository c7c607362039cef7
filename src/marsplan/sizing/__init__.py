"""Sizing: delta-v budget, propellant, IMLEO, launches, cost and feasibility of a mission."""

from marsplan.sizing.budget import MANEUVERS, Sizing, size_mission
from marsplan.sizing.rows import BurnRow, ItemRow, LaunchRow, ManeuverRow
from marsplan.sizing.formulas import (
                                      G0_MS2,
                                      boiloff_factor,
                                      boiloff_loaded_t,
                                      consumables_t,
                                      rocket_dv_kms,
                                      rocket_propellant_t,
)
from marsplan.sizing.launch import launches_needed, payload_t

__all__ = ["BurnRow", "ItemRow", "LaunchRow", "ManeuverRow", "G0_MS2", "MANEUVERS", "Sizing", "boiloff_factor",
           "boiloff_loaded_t", "consumables_t", "launches_needed", "payload_t",
           "rocket_dv_kms", "rocket_propellant_t", "size_mission"]
