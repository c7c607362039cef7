"""Joint missions: scenarios, partner contributions, interfaces, launch sites, plans.

The planning function is :func:`marsplan.plan` (defined in
:mod:`marsplan.joint.plan`, a module of the same name, so it is not repeated here);
likewise :func:`marsplan.coalitions` (:mod:`marsplan.joint.coalitions`).
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "Scenario": "marsplan.joint.scenario",
    **dict.fromkeys(["Plan", "Operations", "operations"], "marsplan.joint.plan"),
    **dict.fromkeys(["WithdrawalPlan", "plan_without"], "marsplan.joint.withdraw"),
    **dict.fromkeys(["Coalition", "Coalitions", "Share", "Indispensability", "shapley_values"],
                    "marsplan.joint.coalitions"),
})
