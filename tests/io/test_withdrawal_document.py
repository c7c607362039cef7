"""The withdrawal document (marsplan.io.document.withdrawal_document) against its
published JSON Schema (docs/withdrawal.schema.json, which refers to the plan's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def document():
    from marsplan.io.document import withdrawal_document
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan
    from marsplan.joint.withdraw import plan_without

    sc, cat = load_scenario(ROOT / "examples" / "us_russia_2033.toml")
    baseline = plan(sc, cat)
    results = [plan_without(sc, cat, g, baseline=baseline)
               for g in (["roscosmos"], ["spacex"])]
    return results, withdrawal_document(results, ephemeris_name="de440.bsp")


def _validator():
    import jsonschema
    from referencing import Registry, Resource

    schemas = {name: json.loads((ROOT / "docs" / name).read_text())
               for name in ("plan.schema.json", "withdrawal.schema.json")}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    schema = schemas["withdrawal.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_withdrawal_document_validates_against_its_schema(document):
    _, doc = document
    _validator().validate(doc)
    # The document is plain JSON, as printed.
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def test_withdrawal_document_entries(document):
    import jsonschema

    results, doc = document
    with_plan, without_transit = doc["withdrawals"]
    assert [w["partners"] for w in doc["withdrawals"]] == [["roscosmos"], ["spacex"]]
    # A re-plan's verdict is its plan's; the figures are the plan's own.
    assert with_plan["verdict"] == with_plan["plan"]["verdict"]
    assert with_plan["plan"]["summary"]["launches"] == \
        doc["baseline"]["summary"]["launches"] - 1
    assert with_plan["slip_days"] == pytest.approx(results[0].slip_days)
    # Nothing replaces Starship: no plan, a cannot_fly verdict that says why.
    assert without_transit["plan"] is None and without_transit["slip_days"] is None
    assert without_transit["verdict"]["status"] == "cannot_fly"
    assert without_transit["verdict"]["binding_limit"].startswith(
        "nothing in the catalog replaces the transit vehicle")
    # The schema catches a blank verdict, the old bug.
    broken = json.loads(json.dumps(doc))
    broken["withdrawals"][1]["verdict"]["status"] = None
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(broken)
