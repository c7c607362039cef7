"""The report's sections, each a function of a ReportContent returning what it shows.

:data:`SECTIONS` lists their ids and headings in page order. Each section
words and rounds what :mod:`marsplan.report.content` gathered (none computes)
into a dict for its template, ``templates/report/<id>.html``, which lays it out
(:mod:`marsplan.web.look`: the same templates and style sheet as the web pages).
"""

from __future__ import annotations

from marsplan import __version__
from marsplan.io.document import cash_flow_entries, partner_entries, record
from marsplan.report.content import verdict_words, withdrawal_headline
from marsplan.report.tables import Col, Named, embed_png, table
from marsplan.report.text import (
    date,
    date_of,
    grouped,
    money_musd,
    plural,
    quantity,
    years,
)

PLAN_FILE = "plan.json"

#: Section ids of the report, in order, with their headings.
SECTIONS = (
    ("summary", "Summary"),
    ("timeline", "Timeline"),
    ("porkchop", "Launch window: the porkchop chart"),
    ("mission", "The mission in the ecliptic"),
    ("delta-v", "Delta-v and propellant"),
    ("masses", "Masses and launches"),
    ("contributions", "Partner contributions"),
    ("agreement", "What each partner brings and gets"),
    ("interfaces", "Interface compatibility"),
    ("assembly-orbit", "Assembly orbit"),
    ("withdrawal", "If a partner withdraws"),
    ("radiation", "Crew radiation dose"),
    ("communications", "Light time and blackouts"),
)


def section(sid: str, **shows) -> dict:
    """What section ``sid`` shows, with its id and the heading :data:`SECTIONS` gives it:
    the context of its template."""
    return {"id": sid, "title": dict(SECTIONS)[sid], **shows}


def _crew_text(content) -> str:
    names = content.names
    crew = [(p, n) for p, n in content.scenario.crew.items() if n > 0]
    total = sum(n for _, n in crew)
    return f"{total} crew: " + ", ".join(f"{n} {names.partner(p)}" for p, n in crew)


def _launch_rows(p) -> list[dict]:
    """The plan's launches as dicts for the tables (with the mass per flight)."""
    return [{**record(r), "mass_per_launch_t": r.mass_per_launch_t}
            for r in p.sizing.launch_rows]


def _launches_text(content) -> str:
    """``10 × Starship / Super Heavy (9 tanker flights), 1 × Falcon 9 Block 5``."""
    names, by_vehicle = content.names, {}
    for r in _launch_rows(content.plan):
        entry = by_vehicle.setdefault(r["vehicle"], [0, 0])
        entry[0] += int(r["launches"])
        if r["purpose"] == "tanker":
            entry[1] += int(r["launches"])
    parts = []
    for vehicle, (n, tankers) in by_vehicle.items():
        if n == 0:
            continue
        extra = f" ({plural(tankers, 'tanker flight')})" if tankers else ""
        parts.append(f"{n}\N{NO-BREAK SPACE}\N{MULTIPLICATION SIGN}\N{NO-BREAK SPACE}"
                     f"{names.vehicle(vehicle)}{extra}")
    return ", ".join(parts)


def _first_crew_launch(content) -> str | None:
    dates = [e.date for e in content.operations.timeline
             if e.event.startswith("Crew launch")]
    return min(dates) if dates else None


def summary(content) -> dict:
    """The minute a policy reader has: the plan's verdict, the key dates and figures,
    the phases, what each partner provides."""
    p, scen, names = content.plan, content.scenario, content.names
    v = verdict_words(content)
    s = p.summary()
    spec = scen.mission
    partners = ", ".join(names.partner(x) for x in scen.partners())
    subtitle = (f"Partners: {partners} \N{MIDDLE DOT} {s['mission_class']} class, "
                f"{spec.opportunity} opportunity \N{MIDDLE DOT} dates TDB (UTC + 69 s)")

    crew_launch = _first_crew_launch(content)
    at_mars_where = ("on the surface (the crew lands)" if p.sizing.lands
                     else "in the Mars capture orbit (no landing)")
    if s["stay_days"] > 0:
        mars_fact = (f"{grouped(s['stay_days'])} days", (f"arrives {date(s['mars_arrival'])}, "
                     f"leaves {date(s['mars_departure'])}; {at_mars_where}"))
    else:
        mars_fact = ("flyby", f"passes Mars on {date(s['mars_arrival'])}")
    facts = [
        ("Crew leaves Earth", date(s["earth_departure"]),
         (f"launches to the assembly orbit {date(crew_launch)}; " if crew_launch else "")
         + _crew_text(content)),
        ("At Mars", *mars_fact),
        ("Crew returns", date(s["earth_arrival"]),
         f"after {grouped(s['duration_days'])} days ({years(s['duration_days'])})"),
        ("Launches", f"{s['launches']}", _launches_text(content)),
        ("Mass to low Earth orbit", quantity("imleo_t", s["imleo_t"]),
         (f"assembled at {grouped(scen.orbits.leo_altitude_km)} km, inclined "
         f"{quantity('inclination_deg', s['assembly_inclination_deg'])}")),
        ("Catalog price", money_musd(s["cost_musd"]),
         "flight hardware and launches at catalog prices; " + (
             "who pays whom: \"What each partner brings and gets\", below" if p.ledger is not None
             else "who pays whom is not modelled")),
    ]
    more = [withdrawal_headline(content)]
    blackouts = content.operations.blackouts
    longest = grouped(p.light_time.max_min, 0)
    if blackouts:
        b = blackouts[0]
        which = "a" if len(blackouts) == 1 else f"{len(blackouts)} blackouts; the first a"
        more.append(f"Communications: {which} {grouped(b.duration_days)}-day "
                    f"solar-conjunction blackout from {date_of(b.start_jd_tdb)}"
                    f"{' while at Mars' if len(blackouts) == 1 else ''}; messages take up "
                    f"to {longest} minutes one way.")
    else:
        more.append(f"Communications: no blackout while at Mars; messages take up to "
                    f"{longest} minutes one way.")
    if p.interfaces.adapters:
        more.append(f"Docking: the partners' vehicles need "
                    f"{plural(len(p.interfaces.adapters), 'adapter')} "
                    f"({quantity('adapter_mass_t', p.interfaces.adapter_mass_t)}) to join.")
    return section("summary", name=spec.name, subtitle=subtitle, verdict=v,
                   status_class=_STATUS_CLASS[v.status], facts=facts,
                   phases=_phase_bar(content), partners=_partner_table(content), more=more)


def _phase_bar(content) -> list[dict]:
    """The mission as one bar: launch campaign, outbound, at Mars, return."""
    m, timeline = content.plan.mission, content.operations.timeline
    first = min((e.jd_tdb for e in timeline), default=m.earth_departure_jd_tdb)
    phases = [("campaign", "Launch campaign", first, m.earth_departure_jd_tdb),
              ("cruise", "To Mars", m.earth_departure_jd_tdb, m.mars_arrival_jd_tdb),
              ("mars", "At Mars", m.mars_arrival_jd_tdb, m.mars_departure_jd_tdb),
              ("cruise", "Home", m.mars_departure_jd_tdb, m.earth_arrival_jd_tdb)]
    segments = []
    for kind, label, start, end in phases:
        days = end - start
        if days <= 0.5:
            continue
        segments.append({"kind": kind, "what": f"{label} \N{MIDDLE DOT} {grouped(days)} days",
                         "when": f"from {date_of(start)}", "grow": f"{days:.1f}"})
    return segments


def _partner_table(content):
    p, names, scen = content.plan, content.names, content.scenario
    rows = []
    for r in partner_entries(p):
        delivers = [names.element(e) for e in r["elements"]]
        if scen.refuelling is not None and scen.refuelling.provider == r["partner"]:
            delivers = [d + " flights" if d == names.element(scen.refuelling.tanker) else d
                        for d in delivers]
        if not delivers:
            delivers = ["crew only"]
        rows.append({**r, "name": names.partner(r["partner"]),
                     "full": names.partner_full(r["partner"]), "delivers": ", ".join(delivers)})
    total = {"name": "All partners", "delivers": "", "full": "",
             "seats": sum(r["seats"] for r in rows),
             "launches": sum(r["launches"] for r in rows),
             "mass_to_leo_t": sum(r["mass_to_leo_t"] for r in rows),
             "contribution_musd": sum(r["contribution_musd"] for r in rows),
             "contribution_pct": 100.0}
    columns = [
        Col("Partner", lambda r: Named(r["name"], r["full"])
            if r["full"] and r["full"] != r["name"] else r["name"]),
        Col("Delivers", lambda r: r["delivers"]),
        Col.of("seats", "Crew"),
        Col.of("launches", "Launches"),
        Col.of("mass_to_leo_t", "Mass to orbit"),
        Col.of("contribution_musd", "Contributes (in kind + cash)"),
        Col.of("contribution_pct", "Share of the cost"),
    ]
    return table(columns, rows, total=total, class_="partners")


_EVENT_WORDS = {
    "Earth departure": "Earth departure: trans-Mars injection burn",
    "Mars departure": "Mars departure: trans-Earth injection burn",
    "Earth arrival": "Earth arrival: the crew is home",
}
_KEY_EVENTS = ("Crew launch", "Earth departure", "Mars arrival", "Landing", "Ascent",
               "Mars departure", "Earth arrival", "Mars flyby")
_STATUS_CLASS = {"flies": "go", "flies_with_waiver": "waiver", "cannot_fly": "no-go"}
_BODIES = {"earth": "Earth", "mars": "Mars", "sun": "Sun", "venus": "Venus"}


def timeline(content) -> dict:
    """Every event with its date and its day counted from trans-Mars injection."""
    names, m = content.names, content.plan.mission
    tmi = m.earth_departure_jd_tdb
    rows = []
    for e in content.operations.timeline:
        day = e.jd_tdb - tmi
        who = e.who
        rows.append({
            "day": f"{'+' if round(day) > 0 else ''}{grouped(day)}",
            "date": date(e.date),
            "event": names.prose(_EVENT_WORDS.get(e.event, e.event)),
            "who": _BODIES.get(who) or (names.partner(who) if who else "\N{EM DASH}"),
            "key": e.event.startswith(_KEY_EVENTS),
            "warn": "blackout" in e.event,
        })
    columns = [Col("Day", lambda r: r["day"], numeric=True), Col("Date", lambda r: r["date"]),
               Col("Event", lambda r: r["event"]), Col("Who / where", lambda r: r["who"])]
    return section("timeline", table=table(columns, rows, row_class=lambda r: "key" if r["key"]
                                           else ("warn" if r["warn"] else None),
                                           class_="timeline"))


def porkchop(content, path) -> dict:
    """The opportunity's porkchop chart with the chosen Earth-Mars leg marked."""
    leg = content.earth_mars
    if leg is not None:
        r = leg.rows()[0]
        chosen = (f"The red star marks the chosen Earth\N{EN DASH}Mars leg: launch "
                  f"{date(r['launch'])}, arrival {date(r['arrival'])} "
                  f"({grouped(r['tof_days'])} days, Type {r['type']}), launch energy C3 "
                  f"{quantity('c3_km2s2', r['c3_km2s2'])}, departure declination "
                  f"{quantity('dla_deg', r['dla_deg'])}, arrival speed "
                  f"{quantity('vinf_arrival_kms', r['vinf_arrival_kms'])} "
                  "(hyperbolic excess).")
    else:
        chosen = ("The chosen trajectory reaches Mars by way of Venus, so no direct "
                  "Earth\N{EN DASH}Mars leg is marked.")
    how = ("Each point is a launch date (across) and an arrival date at Mars (up). Blue "
           "contours: the launch energy C3 a rocket must give (lower is cheaper). Red "
           "contours: the speed on arrival at Mars. Dashed grey lines: days of flight. "
           "The two shaded regions are the short (Type I) and long (Type II) ways round "
           "the Sun.")
    return section("porkchop", chosen=chosen, figure=embed_png(
        path, "Porkchop chart of Earth-Mars launch and arrival dates with the chosen "
        "trajectory marked", how))


def mission(content, path) -> dict:
    """The trajectory's dates and figures, and its drawing in the ecliptic."""
    row = content.plan.mission.row()
    facts = [
        ("earth_departure", "Leaves Earth"), ("mars_arrival", "Arrives at Mars"),
        ("mars_departure", "Leaves Mars"), ("earth_arrival", "Back at Earth"),
        ("stay_days", "At Mars"), ("duration_days", "Whole mission"),
        ("c3_km2s2", "Launch energy C3"),
        ("vinf_mars_arrival_kms", "Speed on arrival at Mars (v\N{INFINITY})"),
        ("earth_entry_speed_kms", "Earth entry speed"),
        ("dv_total_kms", "Total delta-v (no margin)"),
    ]
    figures = [(label, quantity(key, row.get(key))) for key, label in facts if key in row]
    return section("mission", figures=figures, figure=embed_png(
        path, "The mission's trajectory in the ecliptic plane",
        f"{row['class'].capitalize()}-class mission, heliocentric ecliptic J2000; "
        "the Sun at the centre, the planets' orbits drawn thin."))


_MANEUVERS = {"tmi": "Trans-Mars injection", "moi": "Mars orbit insertion",
              "descent": "Descent to the surface", "ascent": "Ascent to the Mars orbit",
              "tei": "Trans-Earth injection", "eoi": "Earth return", "flyby": "Powered swing-by"}


def _maneuver_name(r, scen) -> str:
    name = _MANEUVERS.get(r["maneuver"], r["maneuver"])
    if r["maneuver"] == "eoi":
        name += " (direct entry)" if scen.mission.earth_return == "entry" else " (capture)"
    if r["maneuver"] == "moi" and scen.mission.mars_capture == "aerocapture":
        name += " (aerocapture)"
    return name


def delta_v(content) -> dict:
    """The delta-v budget with its margin, and each burn's propellant."""
    p, scen, names = content.plan, content.scenario, content.names
    maneuvers = [{**record(r), "date": r.date, "element": "+".join(r.elements) or None,
                  "name": _maneuver_name(record(r), scen)} for r in p.sizing.maneuvers]
    margin = scen.margins.dv_pct
    man_cols = [
        Col("Maneuver", lambda r: r["name"]), Col.of("date", "Date"),
        Col.of("dv_kms", "Delta-v"), Col.of("dv_with_margin_kms", f"With {margin:g}% margin"),
        Col("Flown by", lambda r: " + ".join(names.element(x) for x in (r.get("elements") or ()))
            or "\N{EM DASH}"),
        Col.of("mass_before_t", "Mass before"), Col.of("propellant_t", "Propellant"),
    ]
    total = {"name": "Total", "dv_kms": sum(r["dv_kms"] for r in maneuvers),
             "dv_with_margin_kms": sum(r["dv_with_margin_kms"] for r in maneuvers),
             "propellant_t": sum(r["propellant_t"] for r in maneuvers)}
    burns = [{**record(r), "date": r.date, "name": _MANEUVERS.get(r.maneuver, r.maneuver)}
             for r in p.sizing.burns]
    burn_cols = [
        Col("Burn", lambda r: r["name"]),
        Col("Element", lambda r: names.element(r["element"])),
        Col.of("isp_s", "Isp"), Col.of("mass_before_t", "Mass before"),
        Col.of("mass_after_t", "Mass after"), Col.of("propellant_t", "Burned"),
        Col.of("boiloff_t", "Boiled off"), Col.of("hold_days", "Held"),
        Col.of("loaded_leo_t", "Loaded in orbit"),
    ]
    notes = [names.prose(n) for n in [*p.sizing.notes, *p.mission.notes]]
    return section("delta-v", maneuvers=table(man_cols, maneuvers, total=total),
                   burns=table(burn_cols, burns) if burns else None, notes=notes)


_ROLES = {"transit": "transit vehicle", "crew_access": "crew access", "crew": "crew",
          "stage": "stage", "module": "module", "cargo": "cargo", "lander": "lander",
          "tanker": "tanker"}


def masses(content) -> dict:
    """IMLEO and totals, every element's mass and cost, every launch."""
    p, names, scen = content.plan, content.names, content.scenario
    s = p.sizing
    items = []
    for r in map(record, s.items):
        if r["kind"] in ("element", "crew"):
            what = (names.element(r["item"]) if r["item"]
                    else f"{names.partner(r['provider'])} crew ({r.get('units', 0)}), "
                         "with personal equipment")
            items.append({**r, "what": what, "role_text": _ROLES.get(r["role"], r["role"])})
        elif r["kind"] == "propellant":
            items.append({**r, "what": f"Propellant: {r['item']}", "role_text": "propellant",
                          "units": None, "dry_t": None})
    for a in p.interfaces.adapters:
        items.append({"what": names.adapter(a.adapter), "provider": a.owner or
                      scen.transit.provider, "role_text": "docking adapter", "units": 1,
                      "dry_t": a.mass_t, "mass_t": a.mass_t, "cost_musd": None})
    item_cols = [
        Col("Item", lambda r: r["what"]), Col("Provider", lambda r: names.partner(r["provider"])),
        Col("Role", lambda r: r["role_text"]), Col.of("units", "Units"),
        Col.of("dry_t", "Dry mass"), Col.of("mass_t", "Mass in the stack (IMLEO)"),
        Col.of("cost_musd", "Catalog price"),
    ]
    launches = [{**r, "vehicle_name": names.vehicle(r["vehicle"]),
                 "carries": names.element(r["element"]),
                 "purpose_text": {"element": "element", "crew_access": "crew",
                                  "tanker": "propellant tanker"}.get(r.get("purpose"),
                                                                     r.get("purpose"))}
                for r in _launch_rows(p)]
    launch_cols = [
        Col("Vehicle", lambda r: r["vehicle_name"]), Col("Provider", lambda r: names.partner(
            r["provider"])), Col("Carries", lambda r: r["carries"]),
        Col("For", lambda r: r["purpose_text"]), Col.of("launches", "Flights"),
        Col.of("mass_t", "Mass lifted"), Col.of("mass_per_launch_t", "Per flight"),
        Col.of("payload_capacity_t", "Payload capacity per flight"),
        Col.of("price_musd", "Price per flight"), Col.of("cost_musd", "Catalog price"),
    ]
    total = {"vehicle_name": "Total", "launches": sum(r["launches"] for r in launches),
             "mass_t": sum(r["mass_t"] for r in launches),
             "cost_musd": sum(r["cost_musd"] for r in launches)}
    totals = [
        ("Initial mass in low Earth orbit (IMLEO)", quantity("imleo_t", s.imleo_t)),
        ("Mass at trans-Mars injection", quantity("mass_t", s.mass_at_departure_t)),
        ("Consumables for the crew", quantity("consumables_t", s.consumables_t)),
        ("Launches", (f"{sum(s.launches.values())}, of which {s.tanker_flights} tanker "
                      "flights")),
        ("Catalog price of the mission", money_musd(s.cost_musd)),
    ]
    return section("masses", totals=table([Col("", lambda r: r[0]),
                                           Col("", lambda r: r[1], numeric=True)], totals,
                                          class_="compact"),
                   items=table(item_cols, items), launches=table(launch_cols, launches,
                                                                 total=total))


def contributions(content, path) -> dict:
    """Each partner's share of mass, launches and cost: chart and table."""
    p, names = content.plan, content.names
    rows = [{**r, "name": names.partner(r["partner"]),
             "elements_text": ", ".join(names.element(e) for e in r["elements"]) or "\N{EM DASH}"}
            for r in partner_entries(p)]
    columns = [
        Col("Partner", lambda r: r["name"]), Col("Elements", lambda r: r["elements_text"]),
        Col.of("seats", "Crew"), Col.of("seats_provided", "Seats provided"),
        Col.of("mass_to_leo_t", "Mass to orbit"), Col.of("mass_share_pct", "Mass share"),
        Col.of("launches", "Launches"), Col.of("launch_share_pct", "Launch share"),
        Col.of("contribution_musd", "Contributes (in kind + cash)"),
        Col.of("contribution_pct", "Share of the cost"),
    ]
    return section("contributions", figure=embed_png(
        path, "Each partner's share of mass, launches and cost",
        "Each partner's share of the mass put in orbit, of the launches and of the cost, "
        "with its crew."), table=table(columns, rows))


def _signed_money(value: float) -> str:
    """+US$610 million, \N{MINUS SIGN}US$610 million, or "balanced" within half a million."""
    if abs(value) < 0.5:
        return "balanced"
    return ("+" if value > 0 else "\N{MINUS SIGN}") + money_musd(abs(value))


_SETTLE_WORDS = {"none": "No settlement is agreed: the balances stand as computed.",
                 "cash": "Balances are settled in cash: partners short of their share pay "
                         "those beyond it, where the agreement lets money flow.",
                 "barter": "Balances are to be settled in kind (barter): by changing who "
                           "provides what, not by payments."}


def agreement(content, path) -> dict:
    """What each partner brings and gets: contribution against entitlement (chart and
    table), the cash flows, the sanctions case and a withdrawal in money."""
    p, names, scen = content.plan, content.names, content.scenario
    book = p.ledger
    if book is None:
        return section("agreement", ledger=None)
    rows = [{**r, "name": names.partner(r["partner"]),
             "balance_text": _signed_money(r["balance_musd"])} for r in partner_entries(p)]
    columns = [Col("Partner", lambda r: r["name"]), Col.of("seats", "Crew"),
               Col.of("provides_musd", "Provides in kind"), Col.of("pays_musd", "Pays"),
               Col.of("receives_musd", "Receives"),
               Col.of("contribution_pct", "Contributes"),
               Col.of("entitlement_pct", "Entitled to"),
               Col("Balance", lambda r: r["balance_text"], numeric=True,
                   cell_class=lambda r: None if r["balanced"] else "changed")]
    flows = cash_flow_entries(book)
    flow_rows = [{"from": names.partner(f["from"]), "to": names.partner(f["to"]),
                  "for": "settling the balance" if f["for"] == "balance"
                  else names.element(f["for"]) if f["for"] in content.catalog.elements
                  else names.vehicle(f["for"]) if f["for"] in content.catalog.launch_vehicles
                  else f["for"], "musd": f["musd"]} for f in flows]
    flow_cols = [Col("From", lambda r: r["from"]), Col("To", lambda r: r["to"]),
                 Col("For", lambda r: r["for"]), Col.of("musd", "Amount")]
    terms = scen.agreement.value()
    words = [_SETTLE_WORDS[book.settle]]
    for a, b in terms.no_funds:
        between = book.flows_between(a, b)
        words.append(f"Sanctions: no money may flow between {names.partner(a)} and "
                     f"{names.partner(b)}; " + ("none does." if not between else
                                                 f"{len(between)} flows do."))
    for c in book.sanctions:
        effects = []
        if c.purchases_musd >= 0.5:
            effects.append(f"{money_musd(c.purchases_musd)} of purchases between them would "
                           "need another funder")
        if c.unsettled_musd >= 0.5:
            effects.append(f"{money_musd(c.unsettled_musd)} of balance could not be settled "
                           "in cash and would have to be closed in kind")
        if effects:
            words.append(f"Sanctions case: if no money could flow between "
                         f"{names.partner(c.a)} and {names.partner(c.b)}, "
                         + "; ".join(effects) + ".")
    if book.unsettled_musd > 0.5 and book.balanced:
        words.append(f"{money_musd(book.unsettled_musd)} of balance cannot move in cash under "
                     "these rules; every balance is within the tolerance.")
    elif book.unsettled_musd > 0.5:
        words.append(f"{money_musd(book.unsettled_musd)} of debt cannot move in cash under "
                     "these rules: it must be closed in kind, by changing who provides what.")
    words += [f"Not as agreed: {names.prose(v)}" for v in book.violations]
    words += [names.prose(n)[:1].upper() + names.prose(n)[1:] for n in book.notes]
    money = content.withdrawal.money if content.withdrawal is not None else None
    if money is not None:
        who = names.partners(money.withdrawn)
        ups = [f"{names.partner(c.partner)} {money_musd(c.change_musd)}"
               for c in money.makes_up]
        cost = (f"the replacements cost {money_musd(money.replacements_musd)}"
                if money.replacements_musd >= 0.5 else
                "nothing added costs more: the hardware still flown takes over")
        words.append(f"If {who} withdrew: its contribution of "
                     f"{money_musd(money.withdrawn_musd)} is lost; {cost}"
                     + (f"; more is paid by {', '.join(ups)}" if ups else "") + ".")
    intro = (f"Each partner's contribution (what it provides at catalog prices, plus the "
             f"cash it pays, less the cash it receives) against its entitlement (its share of "
             f"the benefits: {', '.join(terms.entitlement)}); the balance is the difference, "
             f"in money. The contributions add up to the mission's "
             f"{money_musd(book.total_musd)}; the balances to zero. A balance within "
             f"{money_musd(book.tolerance_musd)} counts as balanced.")
    shapley, shapley_intro = _shapley(content, rows)
    return section("agreement", intro=intro, figure=embed_png(
        path, "Each partner's contribution against its entitlement",
        "Contribution against entitlement, per cent of the total cost, with each partner's "
        "balance."), table=table(columns, rows),
        flows=table(flow_cols, flow_rows) if flow_rows else None, words=words,
        shapley=shapley, shapley_intro=shapley_intro)


def _shapley(content, ledger_rows) -> tuple:
    """The Shapley shares table (each partner's share beside its contribution, to the
    hundredth of a million so they visibly add up to the cost) and its one line; the
    table is None when the shares were not computed (the line says why)."""
    shares = content.shares
    if shares is None:
        return None, None
    if shares.coalitions is None:
        return None, shares.note[:1].upper() + shares.note[1:] + "."
    c = shares.coalitions
    contribution = {r["partner"]: r for r in ledger_rows}
    rows = [{"name": content.names.partner(s.partner), "share_musd": s.share_musd,
             "share_pct": s.share_pct,
             "contribution_musd": contribution.get(s.partner, {}).get("contribution_musd")}
            for s in c.shapley]
    money = Col("Shapley share", lambda r: grouped(r["share_musd"], 2), unit="US$ M",
                numeric=True)
    columns = [Col("Partner", lambda r: r["name"]),
               Col.of("contribution_musd", "Contributes (in kind + cash)"), money,
               Col.of("share_pct", "Shapley share of the cost")]
    total = {"name": "Total", "share_musd": c.grand.game_cost_musd, "share_pct": 100.0,
             "contribution_musd": content.plan.ledger.total_musd}
    line = ("Shapley shares of the cost game in which every coalition of the partners flies "
            "this mission with its own hardware and crew and costs what its plan costs "
            f"({plural(len(c.coalitions), 'coalition')}, the same mission for each); "
            "the shares add up to the whole mission's cost. The game and its conventions: "
            "docs/coalitions.md.")
    if c.notes:
        line += " Note: " + "; ".join(c.notes) + "."
    return table(columns, rows, total=total), line


_CHECK_WORDS = {"docking": "Docking system", "atmosphere": "Cabin air", "power": "Power bus"}


def _interface_cell(c, names) -> dict:
    values = f"{names.any(c.a_value)} \N{LEFT RIGHT ARROW} {names.any(c.b_value)}"
    if c.compatible is True:
        state, word = "ok", "\N{CHECK MARK} compatible"
    elif c.compatible is None:
        state, word = "na", "? not assessed"
    elif c.adapter:
        state, word = "adapter", f"\N{WARNING SIGN} adapter: {names.adapter(c.adapter)}"
        if c.adapter_mass_t:
            word += f", {quantity('adapter_mass_t', c.adapter_mass_t)}"
    else:
        state, word = "fail", "\N{BALLOT X} incompatible, no adapter"
    return {"state": state, "word": word, "values": values, "remedy": names.prose(c.remedy)}


def interfaces(content) -> dict:
    """The compatibility matrix (docking pairs x checks, cells coloured by state)
    and what each mismatch needs."""
    p, names = content.plan, content.names
    checks = p.interfaces.checks
    pairs = list(dict.fromkeys((c.a, c.b) for c in checks))
    kinds = list(dict.fromkeys(c.check for c in checks))
    if not pairs:
        return section("interfaces", matrix=None)
    by = {(c.a, c.b, c.check): c for c in checks}
    rows = []
    for a, b in pairs:
        cells = []
        for k in kinds:
            c = by.get((a, b, k))
            cells.append(None if c is None else _interface_cell(c, names))
        rows.append({"pair": f"{names.element(a)} \N{LEFT RIGHT ARROW} {names.element(b)}",
                     "cells": cells})
    remedies = [f"{names.element(c.a)} \N{LEFT RIGHT ARROW} {names.element(c.b)}, "
                f"{_CHECK_WORDS.get(c.check, c.check).lower()}: {names.prose(c.remedy)}"
                for c in checks if c.compatible is not True]
    adapters = (f"Adapters flown: {quantity('adapter_mass_t', p.interfaces.adapter_mass_t)} "
                "in all, carried as payload." if p.interfaces.adapters
                else "No adapter is needed.")
    return section("interfaces", matrix={"kinds": [_CHECK_WORDS.get(k, k) for k in kinds],
                                         "rows": rows},
                   adapters=adapters, remedies=remedies)


def assembly_orbit(content) -> dict:
    """Why the assembly orbit is inclined as it is, and each launch site's payload loss."""
    p, names = content.plan, content.names
    sites = p.sites
    dla = abs(p.dla_deg)
    incl = sites.inclination_deg
    words = (f"The spacecraft leaves Earth along a direction at declination "
             f"{quantity('dla_deg', p.dla_deg)}; an orbit inclined less than "
             f"{quantity('dla_deg', dla)} cannot depart along it without a costly plane "
             f"change. ")
    if sites.feasible:
        words += (f"The stack is assembled in an orbit inclined "
                  f"{quantity('inclination_deg', incl)}, which every launch site used "
                  "reaches.")
    else:
        words += "No assembly orbit is reachable from every launch site used."
    rows = [{**r, "vehicle_text": names.vehicle(r["vehicle"]), "site_text": names.site(r["site"]),
             "partners_text": ", ".join(names.partner(x.strip())
                                        for x in str(r["partners"]).split(",")),
             "elements_text": ", ".join(names.element(x.strip())
                                        for x in str(r["elements"]).split(","))}
            for r in sites.rows()]
    columns = [
        Col("Vehicle", lambda r: r["vehicle_text"]), Col("Launch site", lambda r: r["site_text"]),
        Col("Partner", lambda r: r["partners_text"]), Col("Carries", lambda r: r["elements_text"]),
        Col.of("site_min_inclination_deg", "Site's lowest inclination"),
        Col.of("payload_site_min_t", "Payload to it"),
        Col.of("payload_t", "Payload to assembly orbit"),
        Col.of("loss_t", "Lost"), Col.of("loss_fraction", "Lost"),
    ]
    return section("assembly-orbit", feasible=sites.feasible, words=words,
                   table=table(columns, rows) if rows else None,
                   problems=[names.prose(x) for x in sites.problems],
                   notes=[names.prose(x) for x in sites.notes])


_COMPARE_WORDS = {"verdict": "Verdict", "binding_limit": "Binding limit",
                  "slip_days": "Slip", "earth_departure": "Earth departure",
                  "duration_days": "Duration", "dv_total_kms": "Delta-v",
                  "assembly_inclination_deg": "Assembly orbit", "crew": "Crew",
                  "imleo_t": "Mass to orbit", "launches": "Launches",
                  "tanker_flights": "Tanker flights", "adapter_mass_t": "Adapters",
                  "cost_musd": "Catalog price"}
_SHARE_WORDS = {"mass_to_leo_t": "mass to orbit", "launches": "launches",
                "contribution_musd": "contributes", "balance_musd": "balance"}
_STATUS_WORDS = {"flies": "flies", "flies_with_waiver": "flies with a radiation waiver",
                 "cannot_fly": "cannot fly"}


def _compare_value(key, value, names) -> str:
    if key == "binding_limit":
        return names.prose(value) if value else "none"
    if key == "verdict" and value is not None:
        return _STATUS_WORDS.get(value, value)
    if key in ("cost_musd", "contribution_musd") and value is not None:
        return money_musd(value)
    if key == "balance_musd" and value is not None:
        return _signed_money(value)
    return quantity(key, value)


def withdrawal(content) -> dict:
    """The key figures with and without the compared partner, side by side."""
    w, names = content.withdrawal, content.names
    if w is None:
        return section("withdrawal", compared=False, reason=content.withdrawal_reason)
    who = names.partners(w.partners)
    after_key = f"without_{'_'.join(w.partners)}"
    rows = []
    for r in w.comparison():
        key = r["figure"]
        if key in _COMPARE_WORDS:
            label, vkey = _COMPARE_WORDS[key], key
        else:
            partner, _, vkey = key.partition(" ")
            label = f"{names.partner(partner)}: {_SHARE_WORDS.get(vkey, vkey)}"
        before, after = r["with_all"], r[after_key]
        if w.plan is None and key not in ("verdict", "binding_limit"):
            after_text = "no mission"
        elif key.partition(" ")[0] in w.partners and key not in _COMPARE_WORDS:
            after_text = "withdrawn"
        else:
            after_text = _compare_value(vkey, after, names)
        rows.append({"label": label, "before": _compare_value(vkey, before, names),
                     "after": after_text, "changed": before != after})
    columns = [Col("", lambda r: r["label"]),
               Col("With every partner", lambda r: r["before"], numeric=True),
               Col(f"Without {who}", lambda r: r["after"], numeric=True,
                   cell_class=lambda r: "changed" if r["changed"] else None)]
    changes = []
    for r in w.withdrawal.replacements:
        added = f", {plural(r.count, 'added flight')}" if r.count else ", no added flight"
        if r.old == r.new:
            changes.append(f"{names.element(r.old)} is now flown by "
                           f"{names.partner(r.new_provider)}: {names.prose(r.reason)}")
        else:
            changes.append(f"{names.element(r.old)} \N{RIGHTWARDS ARROW} "
                           f"{names.element(r.new)} ({names.partner(r.new_provider)}{added}): "
                           f"{names.prose(r.reason)}")
    changes += [f"Not replaced: {names.element(u.old)} ({u.role}): {names.prose(u.reason)}"
                for u in w.withdrawal.unreplaced]
    changes += [f"{names.partner(p)} gains {plural(n, 'crew seat')}"
                for p, n in w.withdrawal.seats if n]
    changes += [names.prose(n) for n in w.withdrawal.notes]
    if w.search_note:
        note = names.prose(w.search_note)
        changes.append(note[:1].upper() + note[1:])
    return section("withdrawal", compared=True, headline=withdrawal_headline(content),
                   reason=content.withdrawal_reason, horizon=f"{w.horizon_years:g}",
                   table=table(columns, rows, row_class=None, class_="compare"),
                   changes=changes)


def radiation(content, path) -> dict:
    """The dose chart, the dose by stretch, and each crew member against the career
    limit of the agency that flies them."""
    dose, names = content.plan.dose, content.names
    phases = [{**r, "what": r["segment"].capitalize()} for r in dose.rows()]
    phase_cols = [
        Col("Stretch", lambda r: r["what"]), Col.of("start", "From"), Col.of("end", "To"),
        Col.of("days", "Days"), Col.of("rate_msv_per_day", "Dose rate"),
        Col.of("solar_factor", "Solar-cycle factor"),
        Col.of("shielding_factor", "Shielding factor"), Col.of("dose_msv", "Dose"),
    ]
    total = {"what": "Mission", "days": sum(r["days"] for r in phases),
             "dose_msv": dose.total_msv}
    members = dose.member_rows()
    member_cols = [
        Col("Crew member", lambda r: names.prose(r["member"])),
        Col("Partner", lambda r: names.partner(r["partner"])),
        Col.of("mission_dose_msv", "This mission"), Col.of("prior_dose_msv", "Earlier missions"),
        Col.of("career_dose_msv", "Career"), Col.of("career_limit_msv", "Career limit"),
        Col.of("fraction_of_limit", "Of the limit", unit="%",
               cell_class=lambda r: "over" if not r["within_limit"] else "within"),
        Col("Within the limit", lambda r: "yes" if r["within_limit"] else "no",
            cell_class=lambda r: "over" if not r["within_limit"] else "within"),
    ]
    by_partner = {}
    for m in dose.members:
        by_partner.setdefault(m.partner, m)
    where = ("landed on Mars for the stay" if content.plan.sizing.lands
             else "in the Mars capture orbit for the stay (no landing), at the orbital rate")
    against = "; ".join(
        f"{names.partner(p)}: {100.0 * m.fraction_of_limit:.0f}% of "
        f"{quantity('career_limit_msv', m.career_limit_msv)}" for p, m in by_partner.items())
    summary = (f"Each crew member receives about {quantity('total_msv', dose.total_msv)} on "
               f"this mission, {where}. Against the career limit of the agency that flies "
               f"each: {against}.")
    sources = [f"{names.partner(p)}: {quantity('career_limit_msv', m.career_limit_msv)}, "
               f"{m.limit_source}" for p, m in by_partner.items()]
    return section("radiation", summary=summary, figure=embed_png(
        path, "Cumulative radiation dose over the mission against the career limits",
        "Dose accumulated day by day from galactic cosmic rays, by where the crew is, against "
        "each agency's career limit. Rates measured by Curiosity's RAD, scaled by the solar "
        "cycle (solar minimum lets in more cosmic rays) and the shielding."),
        phases=table(phase_cols, phases, total=total), members=table(member_cols, members),
        sources=sources)


def communications(content, path) -> dict:
    """The light time to the crew and the blackouts."""
    ops, light = content.operations, content.plan.light_time
    high = light.max_min
    at_mars = light.at_mars_range_min()
    rows = [{**b.row(), "start_date": date_of(b.start_jd_tdb), "end_date": date_of(b.end_jd_tdb),
             "closest": date_of(b.min_jd_tdb)} for b in ops.blackouts]
    columns = [Col("From", lambda r: r["start_date"]), Col("To", lambda r: r["end_date"]),
               Col.of("duration_days", "Lasts"),
               Col("Sun closest to Mars", lambda r: r["closest"]),
               Col.of("min_elongation_deg", "Least Sun\N{EN DASH}Earth\N{EN DASH}Mars angle"),
               Col.of("threshold_deg", "Threshold")]
    threshold = content.scenario.crew_health.blackout_threshold_deg
    no_blackout = (f"No solar-conjunction blackout while at Mars (Sun\N{EN DASH}Earth"
                   f"\N{EN DASH}Mars angle stays above {threshold:g}\N{DEGREE SIGN}).")
    stay = (f" While the crew is at Mars a message takes {grouped(at_mars[0], 1)} to "
            f"{grouped(at_mars[1], 1)} minutes one way." if at_mars else "")
    lead = ("A message between Earth and the crew takes no time to speak of while the crew "
            "is in low Earth orbit, then longer as it travels: up to "
            f"{grouped(high, 1)} minutes one way, so a question and its answer take up to "
            f"{grouped(2 * high, 0)} minutes and the crew must work on its own.{stay} When "
            f"Mars is behind the Sun (angle below {threshold:g}\N{DEGREE SIGN}), the Sun's "
            "noise drowns the radio link.")
    return section("communications", lead=lead, figure=embed_png(
        path, "One-way light time between Earth and the crew over the mission",
        "One-way light time from Earth to the crew, day by day: 0 in low Earth orbit, along "
        "the trajectory in cruise, to Mars during the stay; blackouts shaded."),
        blackouts=table(columns, rows) if rows else None, no_blackout=no_blackout)


def footer(content) -> str:
    """Sources, time scale, margins, and where the full-precision plan is."""
    scen = content.scenario
    return (f"Made by marsplan {__version__} with the {content.ephemeris_name} ephemeris. "
            f"Dates are TDB (about 69 s ahead of UTC). Delta-v margin "
            f"{scen.margins.dv_pct:g}%, dry-mass margin {scen.margins.dry_mass_pct:g}%. "
            "Masses, prices and crew-vehicle figures come from marsplan's catalog "
            "(marsplan catalog lists them with their sources). The full plan, in full "
            f"precision, is in {PLAN_FILE} beside this file.")
