"""What a mission report shows, gathered once: the plan, its operations, a withdrawal
comparison, the porkchop around the chosen trajectory, the verdict, and plan.json.

:func:`gather` calls the core (:mod:`marsplan.joint.plan`, :mod:`marsplan.transfer`)
and keeps the results; :func:`verdict` words them for a policy reader;
:func:`plan_document` is the whole plan as JSON-ready data. The figures and the
HTML are drawn from a :class:`ReportContent` by :mod:`marsplan.report.figures`
and :mod:`marsplan.report.html`; no physics happens in this package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsplan.errors import InputError, MarsplanError
from marsplan.joint.withdraw import FLIES
from marsplan.report.text import Names, money_musd, plural, quantity
from marsplan.time import jd_tdb_to_datetime64, jd_tdb_to_iso, to_jd_tdb

# Porkchop framing when the opportunity's own bounds cannot be had (explicit
# dates outside any labelled opportunity): days either side of the chosen leg.
_FALLBACK_LAUNCH_PAD_DAYS = 60.0
_FALLBACK_ARRIVAL_PAD_DAYS = 90.0
# The chosen leg is kept at least this far inside the chart's edges, days.
_MARK_MARGIN_DAYS = 15.0
# A re-planned departure within this many days of the baseline's is the same
# launch period, not a slip to another opportunity.
_SLIP_SAME_DAYS = 60.0


@dataclass(frozen=True)
class ReportContent:
    """Everything one report shows.

    ``withdrawal`` is a :class:`~marsplan.joint.withdraw.WithdrawalPlan` or None
    (a one-partner mission); ``withdrawal_reason`` says why that partner was
    chosen (or why there is none). ``earth_mars`` is the chosen trajectory's
    Earth-to-Mars leg as a :class:`~marsplan.transfer.leg.Transfer` (None when
    the outbound leg swings by Venus); ``porkchop`` the opportunity's grid.
    ``shares``: the partners' Shapley shares of the plan's cost
    (:class:`~marsplan.joint.coalitions.PlanShares`).
    """

    scenario: object
    catalog: object
    plan: object
    operations: object
    withdrawal: object | None
    withdrawal_reason: str
    earth_mars: object | None
    porkchop: object
    ephemeris_name: str
    names: Names
    ephemeris: object = None
    shares: object = None


def gather(scenario, catalog, *, without=None, ephemeris=None, plan=None,
           withdrawal=None, shares=None) -> ReportContent:
    """Plan ``scenario`` and work out everything the report shows.

    Parameters
    ----------
    scenario, catalog
        From :func:`marsplan.io.scenario.load_scenario`.
    without : str or sequence of str, optional
        The partners whose withdrawal (together) is compared. By default the partner, other
        than the transit vehicle's provider, that provides the fewest elements
        (at least one: a partner that only sends crew changes nothing but seats).
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    plan, withdrawal : optional
        A :class:`~marsplan.joint.plan.Plan` of this scenario, and a
        :class:`~marsplan.joint.withdraw.WithdrawalPlan` of it, already made
        (``marsplan plan --out`` has them): they are not planned again.
    shares : PlanShares, optional
        The plan's Shapley shares (:func:`marsplan.joint.coalitions.plan_shares`),
        already computed; by default computed here (the subsets of the partners
        are planned on the plan's trajectory).

    Raises
    ------
    InputError
        ``without`` is not a partner of the scenario, or is its only one.
    """
    from marsplan.ephemeris import default_ephemeris
    from marsplan.joint.coalitions import plan_shares
    from marsplan.joint.plan import operations
    from marsplan.joint.plan import plan as make_plan

    eph = ephemeris or default_ephemeris()
    if plan is None:
        plan = withdrawal.baseline if withdrawal is not None else make_plan(
            scenario, catalog, ephemeris=eph)
    ops = operations(plan)
    if shares is None:
        shares = plan_shares(scenario, catalog, plan, ephemeris=eph)
    names = Names(catalog)
    if isinstance(without, str):
        without = (without,)
    if withdrawal is not None and without is not None and withdrawal.partners == tuple(without):
        reason = f"{names.partners(without)}, as asked"
    elif withdrawal is not None and without is None:
        chosen, why = withdrawal_candidate(scenario)
        reason = names.partners(withdrawal.partners) + (
            f": {why}" if (chosen,) == withdrawal.partners else "")
    else:
        withdrawal, reason = _withdrawal(scenario, catalog, plan, without, eph, names)
    leg = _earth_mars_leg(plan.mission, eph)
    chart = _porkchop(scenario, plan.mission, leg, eph)
    return ReportContent(scenario, catalog, plan, ops, withdrawal, reason, leg, chart,
                         getattr(eph, "name", type(eph).__name__), names, eph, shares)


def withdrawal_candidate(scenario) -> tuple[str | None, str]:
    """The partner whose withdrawal the report compares when none is named, and why.

    Among the partners other than the transit vehicle's provider, the one that
    provides the fewest elements (counting its refuelling tanker), at least
    one; ties go to the first listed. Failing that, any partner other than the
    transit provider (one that sends only crew). None for a one-partner mission.
    """
    transit = scenario.transit.provider
    others = [p for p in scenario.partners() if p != transit]
    if not others:
        return None, "it has one partner only, so no withdrawal can be compared"

    def provided(partner):
        count = sum(1 for e in scenario.elements if e.provider == partner)
        if scenario.refuelling is not None and scenario.refuelling.provider == partner:
            count += 1
        return count

    with_hardware = [p for p in others if provided(p) > 0]
    pool = with_hardware or others
    chosen = min(pool, key=lambda p: (provided(p), pool.index(p)))
    n = provided(chosen)
    why = (f"the partner other than the transit vehicle's provider that provides the "
           f"fewest elements ({n})" if with_hardware else
           "no partner but the transit vehicle's provider provides hardware; this one "
           "sends crew")
    return chosen, why


def _withdrawal(scenario, catalog, baseline, without, eph, names):
    from marsplan.joint.withdraw import plan_without

    if without is None:
        partner, why = withdrawal_candidate(scenario)
        if partner is None:
            return None, why
        reason = f"{names.partner(partner)}: {why}"
    else:
        for partner in without:
            if partner not in scenario.partners():
                raise InputError(f"without: {partner!r} is not a partner of this scenario; "
                                 f"partners: {', '.join(scenario.partners())}")
        partner, reason = tuple(without), f"{names.partners(without)}, as asked"
    # Planned afresh: the trajectory and assembly orbit for the remaining sites,
    # later opportunities when this one cannot fly.
    return plan_without(scenario, catalog, partner, baseline=baseline, ephemeris=eph), reason


def _earth_mars_leg(mission, eph):
    """The mission's first Earth-to-Mars leg as a Transfer (None if it has none)."""
    from marsplan.transfer.leg import transfer_leg

    leg = next((g for g in mission.legs if (g.origin, g.target) == ("earth", "mars")), None)
    if leg is None:
        return None
    return transfer_leg(jd_tdb_to_datetime64(leg.departure_jd_tdb),
                        jd_tdb_to_datetime64(leg.arrival_jd_tdb), ephemeris=eph)


def _porkchop(scenario, mission, leg, eph):
    """The porkchop grid of the mission's opportunity, wide enough to show ``leg``."""
    from marsplan.transfer.porkchop import porkchop
    from marsplan.plots.porkchop import opportunity_bounds

    launch_jd = mission.legs[0].departure_jd_tdb
    year = (scenario.mission.opportunity if scenario.mission.dates is None
            else int(jd_tdb_to_iso(launch_jd, "days")[:4]))
    try:
        launch, arrival = opportunity_bounds("earth", "mars", year, ephemeris=eph)
        launch_jd_span = [to_jd_tdb(x) for x in launch]
        arrival_jd_span = [to_jd_tdb(x) for x in arrival]
    except MarsplanError:
        arrival_jd = leg.arrival_jd_tdb if leg is not None else launch_jd + 200.0
        launch_jd_span = [launch_jd - _FALLBACK_LAUNCH_PAD_DAYS,
                          launch_jd + _FALLBACK_LAUNCH_PAD_DAYS]
        arrival_jd_span = [float(arrival_jd) - _FALLBACK_ARRIVAL_PAD_DAYS,
                           float(arrival_jd) + _FALLBACK_ARRIVAL_PAD_DAYS]
    if leg is not None:
        launch_jd_span = [min(launch_jd_span[0], float(leg.launch_jd_tdb) - _MARK_MARGIN_DAYS),
                          max(launch_jd_span[1], float(leg.launch_jd_tdb) + _MARK_MARGIN_DAYS)]
        arrival_jd_span = [
            min(arrival_jd_span[0], float(leg.arrival_jd_tdb) - _MARK_MARGIN_DAYS),
            max(arrival_jd_span[1], float(leg.arrival_jd_tdb) + _MARK_MARGIN_DAYS)]
    days = [jd_tdb_to_datetime64(np.floor(x - 0.5) + 0.5) for x in
            (*launch_jd_span, *arrival_jd_span)]
    return porkchop("earth", "mars", launch=(days[0], days[1]), arrival=(days[2], days[3]),
                    step_days=1.0, ephemeris=eph)


# --------------------------------------------------------------------------- verdict


@dataclass(frozen=True)
class VerdictWords:
    """The plan's verdict (:attr:`Plan.verdict`, computed in the core) in words.

    ``status``: the verdict's ("flies", "flies_with_waiver", "cannot_fly");
    ``answer`` the one-line reply, ``explanation`` a sentence or two,
    ``binding_limit`` the limit that decides it (or the tightest margin when
    none binds), and ``other_limits`` any more.
    """

    status: str
    answer: str
    explanation: str
    binding_limit: str
    other_limits: tuple[str, ...]


def _limit_text(limit, names) -> str:
    if limit.kind == "crew_dose":
        return (f"crew radiation dose: {names.partner(limit.subject)} crew at "
                f"{quantity('dose_msv', limit.value)}, "
                f"{100.0 * limit.value / limit.allowed:.0f}% of "
                f"{names.partner(limit.subject)}'s {quantity('limit_msv', limit.allowed)} "
                "career limit")
    return names.prose(limit.message)


def verdict_words(content: ReportContent) -> VerdictWords:
    """Word the plan's verdict for a policy reader (no judgement is made here)."""
    v, names = content.plan.verdict, content.names
    texts = [_capital(_limit_text(x, names)) for x in v.limits]
    if v.status == "cannot_fly":
        broken = (f"The plan breaks {plural(len(texts), 'limit')}, listed here"
                  if len(texts) > 1 else "The plan breaks the limit below")
        return VerdictWords(v.status, "No: this mission cannot fly as planned.",
                            f"{broken}; the sections below show the plan as far as it goes.",
                            texts[0], tuple(texts[1:]))
    closes = "The launches, propellant, docking interfaces and assembly orbit all close."
    if v.status == "flies_with_waiver":
        return VerdictWords(
            v.status, "Only with a radiation waiver: the hardware can fly, the crew's dose is "
            "over its agency's career limit.",
            f"{closes} The crew's radiation dose does not: flying it needs a waiver of the "
            "career limit, more shielding or a shorter mission.",
            texts[0], tuple(texts[1:]))
    worst = max(v.dose.members, key=lambda m: m.fraction_of_limit, default=None)
    tightest = (f"Crew radiation dose at {100.0 * worst.fraction_of_limit:.0f}% of "
                f"{names.partner(worst.partner)}'s career limit (the tightest margin; nothing "
                "binds)" if worst is not None else "None binds")
    return VerdictWords(v.status, "Yes: this mission can fly as planned.",
                        f"{closes} Every crew member's radiation dose stays within the career "
                        "limit of the agency that flies them.", tightest, ())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def withdrawal_headline(content: ReportContent) -> str | None:
    """One sentence: what changes if the compared partner withdraws."""
    w, names = content.withdrawal, content.names
    if w is None:
        return None
    who = names.partners(w.partners)
    if w.withdrawal.scenario is None:
        return (f"If {who} withdrew, nothing in the catalog could replace the "
                "transit vehicle: no mission would remain.")
    if w.plan is None:
        return f"If {who} withdrew, no mission would be found: {names.prose(w.verdict.limits[0].message)}."
    before, after = w.baseline.summary(), w.plan.summary()
    slip = w.slip_days if w.slip_days is not None else 0.0
    flew = w.baseline.verdict.status in FLIES
    waiver = ", with a radiation waiver" if w.verdict.status == "flies_with_waiver" else ""
    if w.verdict.status not in FLIES:
        fly = ("the mission could no longer fly" if flew else "the mission still could not fly")
    elif slip > _SLIP_SAME_DAYS:
        fly = (f"the mission could fly only {plural(round(slip), 'day')} later, in the "
               f"{w.plan.scenario.mission.opportunity} opportunity{waiver}")
    else:
        fly = ("the mission could still fly" if flew else "the mission could fly") + waiver
    moves = []
    for r in w.withdrawal.replacements:
        new = names.element(r.new) + (f" ({names.partner(r.new_provider)})"
                                      if r.new_provider else "")
        if r.old == r.new:
            moves.append(f"{new} now flies {names.element(r.old)}")
        elif r.count:
            moves.append(f"{plural(r.count, 'flight')} of {new} "
                         f"{'replaces' if r.count == 1 else 'replace'} {names.element(r.old)}")
        else:
            moves.append(f"{new} takes over from {names.element(r.old)}")
    moves += [f"{names.partner(p)} fills {plural(n, 'crew seat')}"
              for p, n in w.withdrawal.seats if n]
    gone = [names.element(u.old) for u in w.withdrawal.unreplaced]
    if gone:
        moves.append("nothing replaces " + ", ".join(gone))
    sentence = f"If {who} withdrew, {fly}"
    if moves:
        sentence += ": " + "; ".join(moves)
    return (f"{sentence}. Launches {before['launches']} \N{RIGHTWARDS ARROW} "
            f"{after['launches']}, cost {money_musd(before['cost_musd'])} "
            f"\N{RIGHTWARDS ARROW} {money_musd(after['cost_musd'])}.")

