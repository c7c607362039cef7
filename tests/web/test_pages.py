"""The pages as a person sees them: a real uvicorn server, Debian's Chromium, Playwright.

One server (a thread running uvicorn on a free 127.0.0.1 port) and one browser
serve the whole module. Each test opens a page, waits until its scripts have
drawn, checks what shows against the library's own results (computed in this
process: the server runs in it, so its caches make the second call cheap),
clicks through it, and fails on any console error or uncaught exception. It
saves one screenshot per page under ``out/test_pages/`` (``MARSPLAN_SCREENSHOTS``
names another folder; README's are docs/images/), and prints how long each page
took to become interactive (a measurement, never asserted: the machine's load
decides it).

On CI (``CI`` set) a missing Chromium fails the tests; elsewhere they skip.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import threading
import time
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHOTS = Path(os.environ.get("MARSPLAN_SCREENSHOTS", ROOT / "out" / "test_pages"))
VIEWPORT = {"width": 1280, "height": 900}


def _need(what: str, hint: str):
    message = f"{what} is missing: {hint}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """The app under a real uvicorn, in a thread of this process; always stopped."""
    import uvicorn

    from marsplan.web.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        _need("chromium", "apt-get install -y chromium (make test does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright", "pip install -e '.[test]'")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A browser page whose console errors and uncaught exceptions are collected."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str, ready: str, *, timeout_ms: float = 120_000) -> float:
        """Load ``url`` and wait for the selector ``ready``; the milliseconds from the
        response's arrival to that moment (the page's own scripts' work)."""
        response = self.page.goto(url, timeout=timeout_ms)
        assert response is not None and response.status == 200, (url, response.status)
        self.page.wait_for_selector(ready, state="attached", timeout=timeout_ms)
        # The page's scripts mark when they are done (reading the clock now would add
        # whatever ran since, such as the porkchop's contour lines).
        return self.page.evaluate(
            "(performance.getEntriesByName('marsplan-interactive')[0] || "
            "{startTime: performance.now()}).startTime - "
            "performance.getEntriesByType('navigation')[0].responseEnd")

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser):
    watched = Watched(browser)
    yield watched
    errors = list(watched.errors)
    watched.close()
    assert errors == [], f"console errors: {errors}"


def _text(page, selector: str) -> str:
    return " ".join(page.inner_text(selector).split())


# --------------------------------------------------------------------------- opportunities


def test_opportunities_table_porkchop_hover_and_click(server, tab):
    from marsplan.io.rows import windows_rows
    from marsplan.transfer.leg import transfer_leg
    from marsplan.transfer.windows import windows

    page = tab.page
    took_ms = tab.open(f"{server}/opportunities?year=2033", "#porkchop[data-ready='1']")
    print(f"\nopportunities: interactive {took_ms:.0f} ms after the response (2033 porkchop)")
    # The table: every optimum 2026-2045, as `marsplan windows --from 2026 --to 2045`.
    rows = windows_rows(windows("earth", "mars", 2026, 2045))
    cells = page.locator("#windows-table tbody tr")
    assert cells.count() == len(rows) == 54
    first = [c.strip() for c in cells.nth(0).locator("td").all_inner_texts()]
    assert first[:3] == [str(rows[0]["opportunity"]), rows[0]["type"],
                         rows[0]["objective"].replace("_", " ")]
    assert first[6] == f"{rows[0]['c3_km2s2']:.2f}"
    # Hover in the middle of the chart: plotly shows a transfer's C3, v-inf, DLA and TOF
    # (once the contour lines, drawn after the heat map, are there: a steady picture).
    page.wait_for_selector("#porkchop[data-contours='1']", state="attached")
    box = page.locator("#porkchop .nsewdrag").first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.4
    page.mouse.move(x, y)
    page.wait_for_selector("#porkchop .hoverlayer .hovertext", timeout=10_000)
    hover = page.locator("#porkchop .hoverlayer").text_content()  # SVG: no inner_text
    for word in ("C3", "km²/s²", "arrival v∞", "DLA", "time of flight"):
        assert word in hover, hover
    tab.shot("opportunities")
    # Sorting by C3 puts the lowest first.
    page.click("#windows-table thead th:nth-child(7)")
    lowest = min(r["c3_km2s2"] for r in rows)
    assert page.inner_text("#windows-table tbody tr:nth-child(1) td:nth-child(7)") \
        == f"{lowest:.2f}"
    # Click: the transfer is marked, its details shown, its dates put in the URL.
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.click(x, y)
    page.wait_for_selector("#details:not([hidden])")
    assert "launch=" in page.url and "arrival=" in page.url
    details = _text(page, "#details-list")
    query = dict(p.split("=") for p in page.url.split("?")[1].split("&"))
    leg = transfer_leg(query["launch"], query["arrival"]).rows()[0]
    # The grid cell's C3, rounded to 0.01 as shown, is the exact leg at those dates.
    assert f"Launch energy C3 {leg['c3_km2s2']:.2f} km²/s²" in details
    assert f"Arrival v∞ {leg['vinf_arrival_kms']:.3f} km/s" in details
    # The link reproduces the view: the server marks the same transfer.
    tab.open(page.url, "#porkchop[data-ready='1']")
    assert f"Launch energy C3 {leg['c3_km2s2']:.2f} km²/s²" in _text(page, "#details-list")


def test_opportunities_bad_year_is_named(server, tab):
    page = tab.page
    response = page.goto(f"{server}/opportunities?year=2030")
    assert response.status == 422
    assert "year: 2030 labels no Earth-Mars opportunity" in page.inner_text("#error")
    tab.errors.clear()  # the 422 response itself is logged as a console error


# --------------------------------------------------------------------------- round trips


def test_round_trips_table_csv_plot_and_front(server, tab):
    from marsplan.transfer.missions import mission_opportunities

    page = tab.page
    query = "from=2033&to=2035&class=conjunction"
    took_ms = tab.open(f"{server}/round-trips?{query}", "#front[data-ready='1']",
                       timeout_ms=300_000)
    print(f"\nround trips: interactive {took_ms:.0f} ms after the response")
    found = mission_opportunities(2033, 2035, "conjunction")
    rows = page.locator("#missions-table tbody tr")
    assert rows.count() == len(found) == 2
    for i, o in enumerate(found):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[0] == str(o.year)
        assert cells[11] == f"{o.best.dv_total_kms:.3f}"
        assert cells[2] == o.best.row()["earth_departure"][:10]
    assert page.locator("#mission-image").evaluate("i => i.naturalWidth") > 0
    tab.shot("round_trips")
    # The CSV: every column at full precision, the CLI's keys.
    with page.expect_download() as download:
        page.click("#csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["opportunity"]) for r in table] == [o.year for o in found]
    assert [float(r["dv_total_kms"]) for r in table] == [o.best.dv_total_kms for o in found]
    assert {"earth_departure", "stay_days", "c3_km2s2", "earth_entry_speed_kms"} <= set(table[0])
    # Draw the other mission: its link says so and the page keeps the query.
    page.click("#missions-table a.draw")
    page.wait_for_selector("#front[data-ready='1']")
    assert "show=2035" in page.url and "class=conjunction" in page.url
    assert "The 2035 mission" in page.inner_text("#mission-plot h2")
    # A delta-v ceiling below the 2035 mission's leaves it out, and says so.
    cap = (found[0].best.dv_total_kms + found[1].best.dv_total_kms) / 2
    low, high = sorted(found, key=lambda o: o.best.dv_total_kms)
    tab.open(f"{server}/round-trips?{query}&max_dv={cap}", "#front[data-ready='1']")
    assert page.locator("#missions-table tbody tr").count() == 1
    assert str(high.year) in page.inner_text("#over")


# --------------------------------------------------------------------------- joint plan


def test_joint_plan_form_withdrawal_upload_and_report(server, tab):
    from marsplan.io.document import plan_document
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan

    page = tab.page
    took_ms = tab.open(f"{server}/joint-plan", "#verdict", timeout_ms=300_000)
    print(f"\njoint plan: interactive {took_ms:.0f} ms after the response")
    # The form starts as the README's US-Russia example: the same plan.
    scenario, catalog = load_scenario(EXAMPLES / "us_russia_2033.toml")
    p = plan(scenario, catalog)
    assert page.get_attribute("#verdict", "data-status") == p.verdict.status
    summary = plan_document(p)["summary"]
    figures = _text(page, "#key-figures")
    assert (f"Launches {summary['launches']} ({summary['tanker_flights']} tanker flights)"
            in figures)
    assert f"Mass to low Earth orbit {summary['imleo_t']:,.0f} t" in figures
    partners = _text(page, "#partners-section table")
    assert "All partners 4 12 1,034 1,620 100.0" in partners
    # Who pays whom: the plan's ledger, row by row (NASA buys its seats from SpaceX).
    ledger = page.locator("#ledger tbody tr")
    assert ledger.count() == len(p.ledger.partners)
    for i, r in enumerate(p.ledger.partners):
        cells = [c.strip() for c in ledger.nth(i).locator("td").all_inner_texts()]
        assert cells[1:] == [f"{r.provides_musd:,.0f}", f"{r.pays_musd:,.0f}",
                             f"{r.receives_musd:,.0f}", f"{r.entitlement_pct:.1f}",
                             f"{r.balance_musd:,.0f}"]
    tab.shot("joint_plan")
    # Withdraw Roscosmos with its toggle: the page re-plans and compares.
    page.check("input.withdraw[value='roscosmos']")
    page.wait_for_selector("#withdrawal-headline")
    assert "without=roscosmos" in page.url
    assert "If Roscosmos withdrew" in page.inner_text("#withdrawal-headline")
    assert "Launches 12 11" in _text(page, "#withdraw-section table")
    # The report link: the full report for this scenario.
    href = page.get_attribute("#report-link", "href")
    assert "without" not in href
    tab.open(f"{server}{href}", "#verdict", timeout_ms=300_000)
    assert page.title().endswith(": mission report")
    assert page.locator("section").count() == 12
    # Upload a scenario file: shown at a link that carries it.
    tab.open(f"{server}/joint-plan", "#verdict")
    page.set_input_files("#upload-form input[type=file]", str(EXAMPLES / "esa_jaxa_2035.toml"))
    page.click("#upload-form button")
    page.wait_for_selector("#verdict", timeout=300_000)
    assert "/joint-plan?scenario=" in page.url
    esa, esa_catalog = load_scenario(EXAMPLES / "esa_jaxa_2035.toml")
    assert page.get_attribute("#verdict", "data-status") == plan(esa, esa_catalog).verdict.status
    assert esa.mission.name in page.inner_text("#verdict-section h2")


def test_joint_plan_bad_upload_is_one_line(server, tab):
    page = tab.page
    tab.open(f"{server}/joint-plan", "#verdict")
    bad = (EXAMPLES / "us_russia_2033.toml").read_text().replace('"soyuz_ms"', '"soyuz_tm"')
    page.set_input_files("#upload-form input[type=file]",
                         files=[{"name": "bad.toml", "mimeType": "text/plain",
                                 "buffer": bad.encode()}])
    page.click("#upload-form button")
    page.wait_for_selector("#error")
    assert page.inner_text("#error").startswith(
        "bad.toml: element[2].id: unknown element 'soyuz_tm'")
    tab.errors.clear()  # the 422 response itself is logged as a console error


# --------------------------------------------------------------------------- sweeps

SWEEP_SPEC = """
[sweep]
scenario = "{scenario}"
batch_size = 4

[axes]
"mission.opportunity" = [2033, 2035]
"mission.class" = ["conjunction"]
without = [[], ["roscosmos"], ["spacex"]]
"""


@pytest.fixture(scope="module")
def sweeps_root(tmp_path_factory):
    """A small sweep (2 opportunities x 3 coalitions) planned in-process, in the folder
    the Sweeps page opens (MARSPLAN_SWEEPS); the variable is restored afterwards."""
    from marsplan.sweep import load, run_sweep
    from marsplan.web.pages import SWEEPS_ENV

    root = tmp_path_factory.mktemp("sweeps")
    spec = root / "spec.toml"
    spec.write_text(SWEEP_SPEC.format(scenario=(EXAMPLES / "us_russia_2033.toml").as_posix()))
    run_sweep(spec, root / "us_russia", workers=0)
    before = os.environ.get(SWEEPS_ENV)
    os.environ[SWEEPS_ENV] = str(root)
    try:
        yield root, load(root / "us_russia")
    finally:
        if before is None:
            os.environ.pop(SWEEPS_ENV, None)
        else:
            os.environ[SWEEPS_ENV] = before


def test_sweeps_open_filter_matrix_and_heat_maps(server, tab, sweeps_root):
    root, frame = sweeps_root
    page = tab.page
    tab.open(f"{server}/sweeps", "#open-form")
    assert page.locator("#dir option").all_inner_texts()[-1] == "us_russia"
    page.select_option("#dir", "us_russia")  # opens it at once
    page.wait_for_selector("#heat[data-ready='1']", timeout=60_000)
    took_ms = tab.open(page.url, "#heat[data-ready='1']")
    print(f"\nsweeps: interactive {took_ms:.0f} ms after the response")
    assert "dir=us_russia" in page.url
    # Every row, as marsplan.sweep.load reads the dataset.
    assert page.inner_text("#count") == f"{len(frame)} rows."
    table = page.locator("#sweep-table tbody tr")
    assert table.count() == len(frame) == 6
    for i, row in frame.iterrows():
        cells = table.nth(i).locator("td").all_inner_texts()
        assert cells[0] == str(row["combination"]) and cells[3] == row["coalition"]
        assert cells[4] == row["status"].replace("_", " ")
    # The matrix: each opportunity x coalition cell shows its verdict (one row each here).
    matrix = page.locator("table.feasibility tbody tr")
    assert matrix.count() == frame["opportunity"].nunique()
    for _, row in frame.iterrows():
        year = row["opportunity"]
        year_row = page.locator(f"table.feasibility tbody tr:has(th:text-is('{year}'))")
        assert row["status"].replace("_", " ") in year_row.inner_text()
    flying = frame[frame["status"].isin(["flies", "flies_with_waiver"])]
    heat = page.locator("#heat").text_content()
    assert f"{flying['imleo_t'].min():,.0f}" in heat
    tab.shot("sweeps")
    # Filter: the 2035 rows that fly.
    page.check("#filter-form input[name=opportunity][value='2035']")
    for status in ("flies", "flies_with_waiver"):
        box = page.locator(f"#filter-form input[name=status][value='{status}']")
        if box.count():
            box.check()
    page.click("#filter-form button")
    page.wait_for_selector("#heat[data-ready='1']")
    assert "opportunity=2035" in page.url
    wanted = flying[flying["opportunity"] == 2035]
    assert page.locator("#sweep-table tbody tr").count() == len(wanted)
    # A folder outside the sweeps folder is refused by name.
    response = page.goto(f"{server}/sweeps?dir=..")
    assert response.status == 422
    assert "is outside the sweeps folder" in page.inner_text("#error")
    tab.errors.clear()  # the 422 response itself is logged as a console error


# --------------------------------------------------------------------------- without a browser


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from marsplan.web.app import create_app

    return TestClient(create_app())  # no lifespan: the pages need no API worker


def test_static_files_come_from_the_package(client):
    import plotly

    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    wheel = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert js.content == wheel.read_bytes()
    assert client.get("/static/marsplan.css").status_code == 200
    for name in ("..%2Fpages.py", "pages.py", ".hidden", "%2E%2E"):
        assert client.get(f"/static/{name}").status_code == 404, name
    # Every script and style sheet a page loads is served from here: nothing from outside.
    page = client.get("/sweeps").text
    assert "http://" not in page.replace("http://127.0.0.1", "") and "https://" not in page


def test_an_uploaded_scenario_is_data_only(client):
    text = (EXAMPLES / "us_russia_2033.toml").read_text()
    # A catalog file named in the scenario is never opened by the page.
    sneaky = 'catalog = ["/nonexistent/secret.toml"]\n' + text
    r = client.post("/joint-plan", files={"file": ("mine.toml", sneaky.encode())},
                    follow_redirects=False)
    assert r.status_code == 422
    assert "mine.toml: catalog: extra catalog files are not read here" in unescape(r.text)
    # Too large, or not text: refused before parsing, one line.
    big = client.post("/joint-plan", files={"file": ("big.toml", b"#" * (70 * 1024))},
                      follow_redirects=False)
    assert big.status_code == 422 and "file: larger than 64 KiB" in unescape(big.text)
    binary = client.post("/joint-plan", files={"file": ("x.toml", b"\xff\xfe\x00")},
                         follow_redirects=False)
    assert binary.status_code == 422 and "file: not UTF-8 text" in unescape(binary.text)
    # A link whose packed scenario was cut is named as such.
    from marsplan.web.pages import _pack

    cut = client.get("/joint-plan", params={"scenario": _pack(text)[:-12]})
    assert cut.status_code == 422
    assert "scenario: not a scenario packed by this page" in unescape(cut.text)


def test_a_sweep_folder_must_be_under_the_root(client, tmp_path, monkeypatch):
    from marsplan.web.pages import SWEEPS_ENV

    monkeypatch.setenv(SWEEPS_ENV, str(tmp_path))
    (tmp_path / "notes").mkdir()
    empty = client.get("/sweeps")
    assert empty.status_code == 200 and 'id="no-sweeps"' in unescape(empty.text)
    outside = client.get("/sweeps", params={"dir": os.path.join(os.pardir, os.pardir)})
    assert outside.status_code == 422
    assert "is outside the sweeps folder" in unescape(outside.text)
    plain = client.get("/sweeps", params={"dir": "notes"})
    assert plain.status_code == 422
    assert "'notes' is not a sweep folder" in unescape(plain.text)
