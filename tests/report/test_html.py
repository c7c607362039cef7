"""The mission report's files: report.html self-contained and complete, plan.json
equal to the plan, and the words and rounding a policy reader sees."""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text, of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._by_section: dict[str, list[str]] = {}
        self._section = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs)["id"]

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        self.text.append(data)
        if self._section:
            self._by_section.setdefault(self._section, []).append(data)

    def section(self, sid: str) -> str:
        """The words of section ``sid``, spaces normalised."""
        return " ".join(" ".join(self._by_section[sid]).split())

    def all(self, tag):
        return [a for t, a in self.tags if t == tag]


@pytest.fixture(scope="module")
def us_russia(tmp_path_factory):
    from marsplan.io.scenario import load_scenario
    from marsplan.report.content import gather
    from marsplan.report.html import write_report

    out = tmp_path_factory.mktemp("us_russia")
    scenario, catalog = load_scenario(EXAMPLES / "us_russia_2033.toml")
    content = gather(scenario, catalog)
    path = Path(write_report(scenario, catalog, out, plan=content.plan,
                             withdrawal=content.withdrawal))
    text = path.read_text(encoding="utf-8")
    return {"out": out, "path": path, "html": text, "page": _Page(text), "content": content,
            "plan": json.loads((out / "plan.json").read_text(encoding="utf-8"))}


# --------------------------------------------------------------------------- files


def test_writes_report_plan_and_figures(us_russia):
    # (The folder is swapped in whole: nothing is left beside it.)
    from marsplan.report.figures import FIGURE_FILES

    out = us_russia["out"]
    assert us_russia["path"] == out / "report.html"
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["report.html", "plan.json", *FIGURE_FILES.values()])
    for name in FIGURE_FILES.values():
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_section_present_in_order(us_russia):
    from marsplan.report.html import SECTIONS

    ids = [a["id"] for a in us_russia["page"].all("section")]
    assert ids == [sid for sid, _ in SECTIONS]
    assert {"summary", "timeline", "porkchop", "mission", "delta-v", "masses",
            "contributions", "agreement", "interfaces", "assembly-orbit", "withdrawal",
            "radiation", "communications"} == set(ids)


def test_agreement_section_words_the_ledger(us_russia):
    # What each partner brings and gets: the ledger computed once in the core
    # (Plan.ledger), worded here: NASA buys SpaceX's hardware, the balances are
    # the ledger's, and plan.json's balances add up to zero.
    text = us_russia["page"].section("agreement")
    assert "Cash flows" in text and "NASA SpaceX" in text
    book = us_russia["content"].plan.ledger
    nasa, roscosmos = book.row("nasa"), book.row("roscosmos")
    assert f"+US${nasa.balance_musd:,.0f} million" in text
    assert f"\N{MINUS SIGN}US${-roscosmos.balance_musd:,.0f} million" in text
    # The sanctions case: what no money between NASA and Roscosmos would leave.
    assert (f"Sanctions case: if no money could flow between NASA and Roscosmos, "
            f"US${-roscosmos.balance_musd:,.0f} million of balance could not be settled "
            "in cash") in text
    partners = us_russia["plan"]["partners"]
    assert abs(sum(p["balance_musd"] for p in partners)) < 1e-6 * book.total_musd
    flows = us_russia["plan"]["cash_flows"]
    assert {f["from"] for f in flows} == {"nasa"} and {f["to"] for f in flows} == {"spacex"}


def _shapley_rows(html: str) -> dict[str, tuple[float, float]]:
    """The Shapley shares table of the agreement section: partner -> (US$ M, %)."""
    section = html[html.index('<section id="agreement">'):]
    section = section[:section.index("</section>")]
    shares = section[section.index("<h3>Shapley shares</h3>"):]
    rows = re.findall(r"<tr(?: class=\"(\w+)\")?><td>([^<]+)</td><td class=\"num\">[^<]*</td>"
                      r"<td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td></tr>",
                      shares)
    return {name: (float(musd.replace(",", "")), float(pct))
            for cls, name, musd, pct in rows if cls != "total"}


def test_agreement_section_shows_the_shapley_shares(us_russia):
    # Each partner's Shapley share beside its contribution, the game named and
    # docs/coalitions.md pointed to. Invariants: the shares add up to the grand
    # coalition's cost (the page shows hundredths of a million, so the sum of n
    # rounded shares is within n x 0.005 M$ of the cost), and they are what
    # `marsplan coalitions --format json` prints for the same scenario (planned
    # there from scratch, every coalition), to the page's rounding.
    from typer.testing import CliRunner

    from marsplan.cli import app

    text = us_russia["page"].section("agreement")
    assert "Shapley shares of the cost game" in text and "docs/coalitions.md" in text
    page = _shapley_rows(us_russia["html"])
    names = us_russia["content"].names
    cost = us_russia["content"].plan.sizing.cost_musd
    assert len(page) == 3
    assert math.fsum(m for m, _ in page.values()) == pytest.approx(cost, abs=0.005 * len(page))
    assert math.fsum(p for _, p in page.values()) == pytest.approx(100.0, abs=0.05 * len(page))
    result = CliRunner().invoke(app, ["coalitions", str(EXAMPLES / "us_russia_2033.toml"),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)["shapley"]
    assert {names.partner(s["partner"]): s["share_musd"] for s in cli} == {
        name: pytest.approx(m, abs=0.005) for name, (m, _) in page.items()}
    # plan.json carries the unrounded shares, equal to the coalitions command's.
    assert us_russia["plan"]["agreement"]["shapley"] == cli
    assert us_russia["plan"]["agreement"]["shapley_note"] is None


def test_images_are_the_figures_as_data_uris(us_russia):
    from marsplan.report.figures import FIGURE_FILES

    images = us_russia["page"].all("img")
    assert sorted(i["data-file"] for i in images) == sorted(FIGURE_FILES.values())
    prefix = "data:image/png;base64,"
    for image in images:
        assert image["src"].startswith(prefix)
        data = base64.b64decode(image["src"][len(prefix):], validate=True)
        assert data == (us_russia["out"] / image["data-file"]).read_bytes()
        assert image["alt"]
        assert int(image["width"]) > 0 and int(image["height"]) > 0


def test_nothing_external_no_script(us_russia):
    page, text = us_russia["page"], us_russia["html"]
    assert page.all("script") == [] and page.all("link") == [] and page.all("iframe") == []
    ids = {a["id"] for _, a in page.tags if "id" in a}
    for _, attrs in page.tags:
        for name, value in attrs.items():
            external = re.match(r"\s*(https?:|//|ftp:|file:)", value or "", re.IGNORECASE)
            assert not external, (name, value)
        if "href" in attrs:
            assert attrs["href"].startswith("#") and attrs["href"][1:] in ids
        assert not any(name.startswith("on") for name in attrs)  # no inline handlers
    css = text[text.index("<style>"):text.index("</style>")]
    assert "url(" not in css and "@import" not in css
    csp = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


# --------------------------------------------------------------------------- plan.json


def test_plan_json_is_the_plan_document(us_russia):
    # plan.json is exactly the one plan document (what plan --format json prints).
    from marsplan.io.document import plan_document

    doc, content = us_russia["plan"], us_russia["content"]
    p = content.plan
    assert doc == json.loads(json.dumps(plan_document(p, ephemeris_name=content.ephemeris_name,
                                                      shares=content.shares)))
    assert doc["summary"]["launches"] == 12 and doc["summary"]["tanker_flights"] == 9
    assert doc["verdict"]["status"] == "flies_with_waiver" == p.verdict.status
    assert sum(r["launches"] for r in doc["launches"]) == 12
    assert all(r["mass_t"] > 0 for r in doc["launches"])


def test_plan_json_is_strict_json(us_russia):
    # No NaN or Infinity tokens: every JSON reader must take the file.
    json.loads((us_russia["out"] / "plan.json").read_text(), parse_constant=pytest.fail)


# --------------------------------------------------------------------------- words


def test_summary_answers_a_policy_reader(us_russia):
    summary = us_russia["page"].section("summary")
    # Verdict and the binding limit: the hardware closes, the dose does not
    # (1,621 mSv in the capture orbit: 270 % of NASA's 600 mSv, 162 % of Roscosmos's 1 Sv).
    assert "Can this mission fly? Only with a radiation waiver" in summary
    assert ("Binding limit: Crew radiation dose: NASA crew at 1,621 mSv, 270% of NASA's 600 mSv "
            "career limit") in summary
    assert "Roscosmos crew at 1,621 mSv, 162% of Roscosmos's 1,000 mSv career limit" in summary
    # When the crew leaves and comes back (the CLI's instants), launches, mass, price.
    for text in ("Crew leaves Earth 21 Apr 2033 02:03", "Crew returns 22 Nov 2035 04:12",
                 "after 945 days (2.6 years)", "Launches 12",
                 ("10 × Starship / Super Heavy (9 tanker flights), 1 × Falcon 9 Block 5, "
                  "1 × Soyuz-2.1a"), "1,034 t", "US$1.62 billion", "4 crew: 2 NASA, 2 Roscosmos",
                 "in the Mars capture orbit (no landing)"):
        assert text in summary, text
    assert "landing" not in summary.replace("(no landing)", "")
    # What each partner provides, and contributes (the ledger: NASA buys SpaceX's
    # hardware, so NASA contributes its price and SpaceX, paid, nothing).
    assert "What each partner provides and contributes" in summary
    for text in ("NASA National Aeronautics and Space Administration crew only 2 0 0.20 "
                 "1,420 87.7",
                 "Roscosmos State Space Corporation Roscosmos Soyuz MS 2 1 0.20 200 12.3",
                 ("SpaceX Space Exploration Technologies Corp. (SpaceX) Starship, crew "
                  "configuration, Crew Dragon, Starship tanker flights 0 11 1,033 0 0.0"),
                 "All partners 4 12 1,034 1,620 100.0"):
        assert text in summary, text
    # The price card points to the ledger section (it once said who pays whom was not modelled).
    assert ('flight hardware and launches at catalog prices; who pays whom: "What each '
            'partner brings and gets", below') in summary
    assert "not modelled" not in summary
    assert "If Roscosmos withdrew, the mission could still fly, with a radiation waiver" \
        in summary


def test_withdrawal_side_by_side(us_russia):
    section = us_russia["page"].section("withdrawal")
    assert "With every partner Without Roscosmos" in section
    assert "Launches 12 11" in section
    assert "Catalog price US$1.62 billion US$1.42 billion" in section
    assert "fewest elements (1)" in section


def test_interface_matrix_coloured_by_state(us_russia):
    text = us_russia["html"]
    matrix = text[text.index('<table class="matrix">'):]
    matrix = matrix[:matrix.index("</table>")]
    # Two pairs x three checks: docking bridged by adapters, air compatible,
    # power not assessed (the catalog has no Starship bus voltage).
    assert matrix.count('class="cell-adapter"') == 2
    assert matrix.count('class="cell-ok"') == 2
    assert matrix.count('class="cell-na"') == 2
    assert "SSVP-to-IDSS docking adapter (notional) + Starship-to-IDSS docking port" in matrix


def test_timeline_and_dose_tables(us_russia):
    from marsplan.joint.plan import operations

    page = us_russia["page"]
    timeline = page.section("timeline")
    ops = operations(us_russia["content"].plan)
    assert len(re.findall(r"\d{1,2} [A-Z][a-z]{2} 20\d\d \d\d:\d\d", timeline)) == len(
        ops.timeline)
    assert ("−30 22 Mar 2033 02:03 Launch of Starship, crew configuration on Starship / Super "
            "Heavy") in timeline
    assert "0 21 Apr 2033 02:03 Earth departure: trans-Mars injection burn Earth" in timeline
    assert "+945 22 Nov 2035 04:12 Earth arrival: the crew is home Earth" in timeline
    # Mars arrival at 18:54 TDB: the CLI's 3 Nov, not the rounded 4 Nov.
    assert "+197 3 Nov 2033 18:54 Mars arrival" in timeline and "Landing" not in timeline
    radiation = page.section("radiation")
    assert "NASA 1 NASA 1,621 0 1,621 600 270 no" in radiation
    assert "Roscosmos 1 Roscosmos 1,621 0 1,621 1,000 162 no" in radiation
    # The blackout, 14-24 Aug 2034, Mars 1.1 deg from the Sun at its closest.
    assert ("14 Aug 2034 04:37 24 Aug 2034 06:33 10 19 Aug 2034 05:55 1.1 2.0"
            in page.section("communications"))


def test_text_from_files_is_escaped(us_russia):
    from marsplan.report.figures import FIGURE_FILES
    from marsplan.report.html import render

    content = us_russia["content"]
    mission = content.scenario.mission.model_copy(
        update={"name": '<script>alert("x")</script> & Co'})
    scenario = content.scenario.model_copy(update={"mission": mission})
    figures = {k: str(us_russia["out"] / v) for k, v in FIGURE_FILES.items()}
    text = render(dataclasses.replace(content, scenario=scenario), figures)
    assert "<script>" not in text
    # Escaped, in either of the two spellings of a quote (Jinja2 writes &#34;).
    assert re.search(r"&lt;script&gt;alert\((&quot;|&#34;)x(&quot;|&#34;)\)&lt;/script&gt; "
                     r"&amp; Co", text)


# --------------------------------------------------------------------------- verdicts


def test_verdict_cannot_fly_names_the_first_limit(us_russia):
    from marsplan.joint.verdict import verdict
    from marsplan.report.content import verdict_words

    content = us_russia["content"]
    judged = verdict(["htv_x and starship_crew: docking incompatible and no adapter in the "
                      "catalog bridges it", "second limit"], (), (), content.plan.dose)
    assert judged.status == "cannot_fly"
    plan = dataclasses.replace(content.plan, verdict=judged)
    v = verdict_words(dataclasses.replace(content, plan=plan))
    assert v.answer == "No: this mission cannot fly as planned."
    assert v.binding_limit == ("HTV-X cargo ship and Starship, crew configuration: docking "
                               "incompatible and no adapter in the catalog bridges it")
    assert v.other_limits[0] == "Second limit"
    assert "radiation dose" in v.other_limits[1]


def test_verdict_flies_when_the_dose_is_within_every_limit(us_russia):
    from marsplan.joint.verdict import verdict
    from marsplan.report.content import verdict_words

    content = us_russia["content"]
    dose = content.plan.dose
    members = tuple(dataclasses.replace(m, career_dose_msv=300.0,
                                        fraction_of_limit=300.0 / m.career_limit_msv)
                    for m in dose.members)
    judged = verdict((), (), (), dataclasses.replace(dose, members=members))
    assert judged.status == "flies" and judged.limits == ()
    v = verdict_words(dataclasses.replace(
        content, plan=dataclasses.replace(content.plan, verdict=judged)))
    assert v.answer == "Yes: this mission can fly as planned."
    assert v.binding_limit.startswith("Crew radiation dose at 50% of NASA's career limit")


def test_a_dose_over_one_members_limit_never_flies(us_russia):
    # One Roscosmos member with a prior dose over 1 Sv, everyone else well within:
    # the hardware closes, so the verdict is a waiver, never "flies".
    from marsplan.joint.verdict import verdict

    dose = us_russia["content"].plan.dose
    members = tuple(dataclasses.replace(m, career_dose_msv=300.0,
                                        fraction_of_limit=300.0 / m.career_limit_msv)
                    for m in dose.members[:-1])
    last = dose.members[-1]
    members += (dataclasses.replace(last, career_dose_msv=1001.0,
                                    fraction_of_limit=1001.0 / last.career_limit_msv),)
    judged = verdict((), (), (), dataclasses.replace(dose, members=members))
    assert judged.status == "flies_with_waiver"
    (limit,) = judged.limits
    assert (limit.kind, limit.subject, limit.value, limit.allowed) == (
        "crew_dose", "roscosmos", 1001.0, 1000.0)


# --------------------------------------------------------------------------- choices


def _scenario(name):
    from marsplan.io.scenario import load_scenario

    return load_scenario(EXAMPLES / name)[0]


def test_withdrawal_candidate_fewest_elements():
    from marsplan.report.content import withdrawal_candidate

    # US-Russia: NASA sends only crew, Roscosmos one Soyuz; SpaceX flies the
    # transit vehicle. Roscosmos is the partner with hardware and the fewest elements.
    assert withdrawal_candidate(_scenario("us_russia_2033.toml"))[0] == "roscosmos"
    # ESA (I-Hab) and JAXA (HTV-X) tie at one element: the first listed.
    assert withdrawal_candidate(_scenario("esa_jaxa_2035.toml"))[0] == "esa"
    partner, why = withdrawal_candidate(_scenario("dra5_chemical_2037.toml"))
    assert partner is None and "one partner" in why


def test_without_an_unknown_partner_is_refused(us_russia, tmp_path):
    from marsplan.errors import InputError
    from marsplan.report.html import write_report

    content = us_russia["content"]
    with pytest.raises(InputError, match="'esa' is not a partner of this scenario"):
        write_report(content.scenario, content.catalog, tmp_path, without="esa",
                     plan=content.plan)


# --------------------------------------------------------------------------- text


def test_rounding_and_units():
    from marsplan.report.text import date, figure, grouped, money_musd, quantity, three_figures

    assert grouped(-0.4) == "0" and grouped(-1234.5, 1) == "−1,234.5"
    assert [three_figures(x) for x in (1033.53, 128.62, 9.525, 0.2, 0.0)] == [
        "1,034", "129", "9.53", "0.20", "0"]
    assert quantity("imleo_t", 1033.53) == "1,034 t"
    assert quantity("dla_deg", -51.5989) == "−51.6°"
    assert quantity("c3_km2s2", 9.3514) == "9.35 km²/s²"
    assert quantity("cost_musd", 1619.75) == "US$1,620 million"
    assert money_musd(1619.75) == "US$1.62 billion" and money_musd(200.0) == "US$200 million"
    assert figure("fraction_of_limit", 1.748) == "175"
    assert figure("dose_msv", float("nan")) == "—" and figure("x", None) == "—"
    # Dates keep the CLI's day (never rounded to the next) and show the time.
    assert date("2033-11-03T18:17:13") == "3 Nov 2033 18:17"
    assert date("2033-04-21T01:54:51") == "21 Apr 2033 01:54"
    assert date("2033-12-31T23:59:59") == "31 Dec 2033 23:59" and date("2035-11-22") == "22 Nov 2035"


def test_names_from_the_catalog():
    from marsplan.catalog import default_catalog
    from marsplan.report.text import Names

    names = Names(default_catalog())
    assert [names.partner(p) for p in ("nasa", "spacex", "roscosmos", "esa")] == [
        "NASA", "SpaceX", "Roscosmos", "ESA"]
    assert names.vehicle("falcon9") == "Falcon 9 Block 5"
    assert names.adapter("ssvp_idss_adapter+starship_idss_adapter") == (
        "SSVP-to-IDSS docking adapter (notional) + Starship-to-IDSS docking port (notional)")
    # Whole ids only: starship_crew is not "starship" (the docking system) + "_crew".
    assert names.prose("Launch of starship_crew on super_heavy") == (
        "Launch of Starship, crew configuration on Starship / Super Heavy")
    assert names.prose("unknown_id stays") == "unknown_id stays"


# --------------------------------------------------------------------------- the folder


def test_a_failed_run_leaves_the_previous_report_whole(us_russia, tmp_path, monkeypatch):
    import marsplan.report.html as html

    content = us_russia["content"]
    out = tmp_path / "report"
    # The previous report: the one the fixture wrote with these same arguments.
    shutil.copytree(us_russia["out"], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("interrupted while rendering")

    monkeypatch.setattr(html, "render", broken)
    with pytest.raises(RuntimeError, match="interrupted"):
        html.write_report(content.scenario, content.catalog, out, plan=content.plan,
                          withdrawal=content.withdrawal)
    # The previous report, byte for byte, and no staging folder left beside it.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_folder_of_other_files_is_refused(us_russia, tmp_path):
    from marsplan.errors import OutputPathError
    from marsplan.report.html import write_report

    content = us_russia["content"]
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputPathError, match="cannot write: the folder holds other files "
                                              "\\(notes.txt\\)"):
        write_report(content.scenario, content.catalog, tmp_path, plan=content.plan,
                     withdrawal=content.withdrawal)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(OutputPathError, match="cannot write: it exists and is not a folder"):
        write_report(content.scenario, content.catalog, tmp_path / "notes.txt",
                     plan=content.plan, withdrawal=content.withdrawal)
