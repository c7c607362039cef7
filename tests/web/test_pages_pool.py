"""The pages compute in the API's worker pool: the same jobs, time limits and cache.

FastAPI's TestClient with the app's lifespan (one worker process): a page past its
job's time limit answers with the page's error view and HTTP 504 rather than
hanging, and a page's numbers are the API's for the same query (the same job's
answer, so equal exactly; the page rounds only what it says it rounds).
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import re

import pytest
from fastapi.testclient import TestClient

from marsplan.web import limits
from marsplan.web.app import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(workers=1), raise_server_exceptions=False) as c:
        yield c


def error_line(page: str) -> str:
    found = re.search(r'<p class="error" role="alert" id="error">(.*?)</p>', page, re.S)
    assert found, "the page shows no error line"
    return html.unescape(found.group(1))


def test_a_page_past_its_time_limit_is_its_error_view_with_504(client, monkeypatch):
    monkeypatch.setitem(limits.TIME_LIMIT_S, "missions", 0.05)
    response = client.get("/round-trips", params={"from": 2035, "to": 2035,
                                                  "class": "opposition"})
    assert response.status_code == 504
    assert response.headers["content-type"].startswith("text/html")
    assert error_line(response.text).startswith("the computation took longer than its limit "
                                                "of 0.05 s")
    assert "Traceback" not in response.text
    # The CSV of the same query is refused the same way, as JSON.
    response = client.get("/round-trips.csv", params={"from": 2035, "to": 2035,
                                                      "class": "opposition"})
    assert response.status_code == 504
    # The stopped worker was replaced: the next page computes (its table kept for later).
    response = client.get("/opportunities", params={"year": 2037, "step": 5})
    assert response.status_code == 200, error_line(response.text)
    monkeypatch.setitem(limits.TIME_LIMIT_S, "porkchop", 0.05)
    response = client.get("/opportunities", params={"year": 2035, "step": 5})
    assert response.status_code == 504
    assert "its limit of 0.05 s" in error_line(response.text)
    # A refusal is not kept: with the limit back, the same page computes.
    monkeypatch.undo()
    response = client.get("/opportunities", params={"year": 2035, "step": 5})
    assert response.status_code == 200, error_line(response.text)
    assert 'id="porkchop-data"' in response.text


def test_a_busy_pool_is_the_page_with_503(client, monkeypatch):
    monkeypatch.setattr(client.app.state.service.pool, "max_waiting", 0)
    response = client.get("/round-trips", params={"from": 2039, "to": 2039})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert error_line(response.text).startswith("the server is busy")


def test_the_porkchop_page_shows_the_api_grid(client):
    page = client.get("/opportunities", params={"year": 2033, "step": 5})
    assert page.status_code == 200
    data = json.loads(html.unescape(re.search(
        r'<script type="application/json" id="porkchop-data">(.*?)</script>', page.text,
        re.S).group(1)))
    api = client.get("/api/porkchop", params={"year": 2033, "step": 5}).json()
    layer = api["layers"][0]
    assert data["launch"] == [d[:10] for d in api["launch"]]
    assert data["arrival"] == [d[:10] for d in api["arrival"]]
    for key, digits in (("c3_km2s2", 2), ("vinf_arrival_kms", 3), ("dla_deg", 1),
                        ("tof_days", 0)):
        for j, row in enumerate(data[key]):  # the page's rows are the API's columns
            for i, value in enumerate(row):
                want = layer[key][i][j]
                if want is None or not math.isfinite(want):
                    assert value is None
                else:  # rounded for the page, nothing else
                    assert value == round(want, digits), (key, i, j)
    cells = sum(v is not None for row in data["c3_km2s2"] for v in row)
    assert cells > 100  # the comparison covered a real grid


def test_the_round_trips_page_shows_the_api_missions(client):
    query = {"from": 2033, "to": 2035, "class": "conjunction"}
    api = client.get("/api/missions", params={**query, "front": "true"}).json()
    rows = list(csv.DictReader(io.StringIO(client.get("/round-trips.csv",
                                                      params=query).text)))
    assert [int(r["opportunity"]) for r in rows] == [m["opportunity"] for m in api["missions"]]
    for row, mission in zip(rows, api["missions"]):
        assert set(row) == set(mission)
        for key in ("dv_total_kms", "duration_days", "c3_km2s2", "stay_days"):
            assert float(row[key]) == mission[key]  # the same answer, full precision
        assert row["earth_departure"] == mission["earth_departure"]
    page = client.get("/round-trips", params=query)
    assert page.status_code == 200
    front = json.loads(html.unescape(re.search(
        r'<script type="application/json" id="front-data">(.*?)</script>', page.text,
        re.S).group(1)))
    assert len(front) == len(api["front"]) > 0
    for shown, point in zip(front, api["front"]):
        assert shown["dv_total_kms"] == round(point["dv_total_kms"], 3)
        assert shown["duration_days"] == round(point["duration_days"], 1)
    for mission in api["missions"]:  # the table's cells: the API's numbers, 3 decimals
        assert f'<td class="num">{mission["dv_total_kms"]:.3f}</td>' in page.text
