"""README's tour shows what the commands print (issue 9), by tools/readme_tour.py.

Every run checks the tool itself, the console blocks whose commands take a few
seconds (the plan summary among them; ~35 s on 2 cores at load 10), and that
every ``marsplan`` name the Python tour uses exists. The blocks that draw or
search (porkchop charts, round trips with charts, withdrawals: 6-20 s each, ~70 s
together) and the execution of the Python
tour (~40 s of CPU) and the check of the figures README's sentences quote
(three plans, ~30 s) run when ``MARSPLAN_README_FULL=1``, as ``make
readme-check`` sets it; README's contributor notes say so.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import textwrap
from pathlib import Path

import pytest

from tools import readme_tour as tour

TEXT = tour.README.read_text(encoding="utf-8")
FULL = os.environ.get("MARSPLAN_README_FULL") == "1"
# Commands that draw a porkchop, search round trips with their charts, or plan twice
# (measured with tools/readme_tour.py on 2 cores at load 10: porkchop 9-19 s,
# missions --plot 9-15 s, plan --without 6-8 s); a block with one is checked by
# `make readme-check`. The plan summary (8 s) and the missions error (5 s) run every
# time: the plan document and the mission search are what change most.
SLOW_COMMANDS = re.compile(r"^marsplan porkchop|^marsplan missions .*--plot|--without")
# What a console block may run in the tour's temporary folder.
ALLOWED_COMMANDS = ("marsplan", "mkdir", "sed", "echo")


def _is_slow(block: tour.Block) -> bool:
    return any(SLOW_COMMANDS.search(step.command) for step in block.steps())


def _blocks(slow: bool):
    return [pytest.param(block, id=f"{block.number}-{block.steps()[-1].command[:40]}")
            for block in tour.console_blocks(TEXT)
            if not block.skip_reason and _is_slow(block) == slow]


def _check(block: tour.Block) -> None:
    results = tour.run_tour(TEXT, {block.number})
    assert results, f"console block {block.number} ran no command"
    drifted = [r for r in results if not r.matches]
    assert not drifted, (
        "README drifted from what the commands print; run `make readme`, then read the diff:\n"
        + "\n".join(f"$ {r.step.command}\n{r.diff()}" for r in drifted))


# --- the tool, on a README of its own -------------------------------------------------------

SESSION = textwrap.dedent("""\
    # A tour

    ```console
    $ echo one
    one

    $ false
    $ echo $?
    1
    ```

    <!-- tour: skip: shows what a slow machine prints -->

    ```console
    $ echo never run
    something else
    ```

    ```console
    $ printf 'a  \\nb\\nc\\n'
    a
    b   
    ... and more
    ```

    ```console
    $ echo drifted
    old text
    old line two
    $ echo a \\
        continued line
    a continued line
    ```
    """)


@pytest.fixture()
def session_root(tmp_path):
    (tmp_path / "examples").mkdir()  # the tool copies the repository's examples/
    return tmp_path


def test_the_tour_checks_commands_in_order_and_keeps_the_exit_status(session_root):
    results = tour.run_tour(SESSION, root=session_root)
    commands = [r.step.command for r in results]
    assert "echo never run" not in commands  # the skipped block
    assert commands == ["echo one", "false", "echo $?", r"printf 'a  \nb\nc\n'", "echo drifted",
                        "echo a \\\n    continued line"]  # a backslash continues a command
    by_command = {r.step.command: r for r in results}
    assert by_command["echo $?"].printed == ("1",)  # `false`'s status reaches `echo $?`
    # Trailing spaces and the cut line are not compared; the head before "..." is.
    assert by_command[r"printf 'a  \nb\nc\n'"].matches
    assert [r.matches for r in results] == [True, True, True, True, False, True]
    assert "-old text" in by_command["echo drifted"].diff()
    assert "+drifted" in by_command["echo drifted"].diff()


def test_the_update_rewrites_only_the_output_and_then_checks_clean(session_root):
    results = tour.run_tour(SESSION, root=session_root)
    new = tour.updated(SESSION, results)
    expected = SESSION.replace("old text\nold line two\n", "drifted\n").replace("b   \n", "b\n")
    assert new == expected  # the blank line, the skipped block and the cut line stay
    assert all(r.matches for r in tour.run_tour(new, root=session_root))
    assert tour.updated(new, tour.run_tour(new, root=session_root)) == new  # idempotent


def test_the_command_line_updates_a_readme_atomically(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(SESSION, encoding="utf-8")
    readme.chmod(0o640)
    assert tour.main(["--check", "--readme", str(readme)]) == 1
    assert "echo drifted" in capsys.readouterr().out
    assert tour.main(["--update", "--readme", str(readme)]) == 0
    assert tour.main(["--check", "--readme", str(readme)]) == 0
    assert "$ echo drifted\ndrifted\n$ echo a" in readme.read_text(encoding="utf-8")
    assert readme.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]  # no temporary file left


def test_a_block_run_alone_replays_the_earlier_shell_commands(session_root):
    text = ("```console\n$ mkdir -p out\n$ echo slow\nslow\n```\n\n"
            "```console\n$ ls\nexamples\nout\n```\n")
    results = tour.run_tour(text, {2}, root=session_root)
    assert [(r.step.command, r.matches) for r in results] == [("ls", True)]


# --- README itself -------------------------------------------------------------------------

def test_every_console_block_is_a_session_the_tour_can_run():
    blocks = tour.console_blocks(TEXT)
    assert len(blocks) >= 8
    for block in blocks:
        for step in block.steps():  # raises if a block does not start with "$ "
            assert step.command.split()[0] in ALLOWED_COMMANDS, (block.number, step.command)
        if block.skip_reason:
            assert len(block.skip_reason) > 10, f"say why block {block.number} is skipped"
    # Few skipped blocks, each with its reason (tools/readme_tour.py).
    assert sum(bool(b.skip_reason) for b in blocks) <= 2


@pytest.mark.parametrize("block", _blocks(slow=False))
def test_readme_console_block_matches_what_it_prints(block):
    _check(block)


@pytest.mark.skipif(not FULL, reason="draws or searches, 6-20 s a block: `make readme-check`")
@pytest.mark.parametrize("block", _blocks(slow=True))
def test_readme_console_block_that_searches_matches_what_it_prints(block):
    _check(block)


def _python_tour() -> str:
    blocks = tour.python_blocks(TEXT)
    assert len(blocks) == 1, "README has one Python tour"
    return "\n".join(blocks[0].body)


def test_every_marsplan_name_of_the_python_tour_exists():
    # Cheap, every run: the names moved in this issue (transfer_leg, plan,
    # load_scenario, write_report, Orbits); the full run below executes it all.
    tree = ast.parse(_python_tour())
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "marsplan":
            used += [(node.module, alias.name) for alias in node.names]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "marsplan"):
            used.append(("marsplan", node.attr))
    assert len(used) > 15
    for module, name in used:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"


# What the Python tour's comments claim, checked after it runs.
_CLAIMS = """
assert found_windows.years[:4] == [2026, 2028, 2031, 2033], found_windows.years
assert found_windows.by_year(2033) is found_windows[3]
assert best.type == "II"
assert pc.c3_km2s2.shape == (244, 366), pc.c3_km2s2.shape
assert round(pc.optimum("min_c3", "I").c3_km2s2, 3) == 8.397
assert list(status) == [0, 2], status
assert r_km.shape == (2, 3)
assert p.verdict.status == "flies_with_waiver", p.verdict.status
assert p.verdict.limits[0].kind == "crew_dose"
import os
assert os.path.isfile("out/plan/report.html") and os.path.isfile("porkchop.pdf")
print("claims hold")
"""


@pytest.mark.skipif(not FULL, reason="runs the whole Python tour (~40 s): `make readme-check`")
def test_the_python_tour_runs_and_its_comments_hold():
    code = _python_tour()
    # The tour reuses `found` for missions; keep the windows for the claims.
    code = code.replace("\nfound = marsplan.missions(",
                        "\nfound_windows = found\nfound = marsplan.missions(", 1)
    assert "found_windows = found" in code
    # The Curtis 5.2 velocity the comment quotes, to the book's five printed digits.
    quoted = re.search(r"# v1 = (\[[^\]]+\]) km/s \(Curtis", code)
    assert quoted, "the tour quotes Curtis Example 5.2"
    curtis = ("import numpy\n"
              "v1, _ = marsplan.lambert([5000, 10000, 2100], [-14600, 2500, 7000], 3600, 398600)\n"
              f"numpy.testing.assert_allclose(v1, {quoted.group(1)}, rtol=1e-4)\n")
    result = tour.run_python_blocks("```python\n" + code + "\n```\n", epilogue=curtis + _CLAIMS)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "claims hold" in result.stdout


def test_readme_names_the_tour_targets():
    makefile = (Path(tour.ROOT) / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^readme:", makefile, re.M) and re.search(r"^readme-check:", makefile, re.M)
    prose = " ".join(TEXT.split())  # a phrase may wrap across lines
    assert "`make readme`" in prose and "`make readme-check`" in prose


# --- figures that README's sentences quote --------------------------------------------------

def _quoted(pattern: str) -> re.Match:
    """The match of ``pattern`` in README's text, lines joined by single spaces."""
    found = re.search(pattern, " ".join(TEXT.split()))
    assert found, f"README no longer says {pattern!r}: update this test with the prose"
    return found


def _plan_json(work: tour.Workdir, *args: str) -> dict:
    command = "marsplan plan " + " ".join(args) + " --format json 2>/dev/null"
    lines, _ = work.run(command)
    assert work.status == 0, command
    return json.loads("\n".join(lines))


@pytest.mark.skipif(not FULL, reason="plans three scenarios (~30 s): `make readme-check`")
def test_the_figures_readme_quotes_in_sentences_hold():
    with tour.Workdir() as work:
        # "... --without roscosmos ... (IMLEO 1033.5 -> 1021.4 t, launches 12 -> 11,
        # cost 1620 -> 1420 M$": one decimal, whole launches and M$ as printed.
        quoted = _quoted(r"IMLEO ([\d.]+) -> ([\d.]+) t, launches (\d+) -> (\d+), "
                         r"cost (\d+) -> (\d+) M\$")
        doc = _plan_json(work, "examples/us_russia_2033.toml", "--without", "roscosmos")
        before = doc["baseline"]["summary"]
        after = doc["withdrawals"][0]["plan"]["summary"]
        assert [float(x) for x in quoted.groups()] == [
            round(before["imleo_t"], 1), round(after["imleo_t"], 1),
            before["launches"], after["launches"],
            round(before["cost_musd"]), round(after["cost_musd"])]
        # "(examples/us_russia_2033_landing.toml: 580 t of propellant made on Mars for
        # the way home, IMLEO 768 t, 9 launches)": whole tonnes, so within 1 t.
        isru_t, imleo_t, launches = _quoted(
            r"us_russia_2033_landing\.toml`: (\d+) t of propellant made on Mars "
            r"for the way home, IMLEO (\d+) t, (\d+) launches").groups()
        landing = _plan_json(work, "examples/us_russia_2033_landing.toml")
        made_t = sum(burn["isru_propellant_t"] for burn in landing["burns"])
        assert abs(made_t - int(isru_t)) < 1, made_t
        assert abs(landing["summary"]["imleo_t"] - int(imleo_t)) < 1
        assert landing["summary"]["launches"] == int(launches)
        # "a DRA 5.0-like chemical crew vehicle: 430 t against DRA's 486 t", within 1 t.
        quoted = _quoted(r"DRA 5\.0-like chemical crew vehicle: (\d+) t")
        dra = _plan_json(work, "examples/dra5_chemical_2037.toml")
        assert abs(dra["summary"]["imleo_t"] - int(quoted.group(1))) < 1
        # "`windows --from 2026 --to 2045` lists 9 opportunities and 2046 is the tenth"
        quoted = _quoted(r"`windows --from 2026 --to 2045` lists (\d+) opportunities")
        lines, _ = work.run("marsplan windows --from 2026 --to 2046 --format json")
        labels = sorted({row["opportunity"] for row in json.loads("\n".join(lines))})
        assert len([year for year in labels if year <= 2045]) == int(quoted.group(1))
        assert labels[-1] == 2046


# --- the outline of the plan document ---------------------------------------------------------

def _plan_outline() -> list[str]:
    """The lines of the ```text block after "Its outline:" (the plan document's keys)."""
    lines = TEXT.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith("`marsplan plan SCENARIO --format json` prints one document"))
    fence = next(i for i in range(start, len(lines)) if lines[i] == "```text")
    end = lines.index("```", fence + 1)
    return lines[fence + 1:end]


def _outline_entries() -> dict[str, str]:
    """Each top-level key of the outline and the text that describes it (its
    line and the indented lines after it). A line may name several keys:
    ``blackouts, timeline [...], notes``."""
    entries: dict[str, str] = {}
    keys: list[str] = []
    for line in _plan_outline():
        if line.startswith(" "):
            for key in keys:
                entries[key] += "\n" + line
            continue
        head = line
        while re.search(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}", head):  # drop what brackets hold
            head = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}", "", head)
        keys = [k.strip() for k in re.split(r" {2,}", head.strip())[0].split(",") if k.strip()]
        for key in keys:
            entries[key] = line
    return entries


def _schema_names(node) -> set[str]:
    """Every property name anywhere under a JSON Schema node."""
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for value in node.values():
            names |= _schema_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _schema_names(value)
    return names


def test_the_plan_outline_names_the_documents_keys():
    # docs/plan.schema.json is checked against what `plan --format json` prints
    # (tests/io/test_document.py); the outline must name its top-level keys in its
    # order, every key of a partner's ledger line and of the agreement, and no key
    # the schema does not have (the ledger once listed crew_seats and cost_musd).
    schema = json.loads((Path(tour.ROOT) / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
    entries = _outline_entries()
    assert list(entries) == list(schema["properties"]) == schema["required"]
    identifier = re.compile(r"(?<![\w.])[a-z][a-z0-9]*_[a-z0-9_]+")  # keys with a unit or a part
    for key in ("partners", "cash_flows", "agreement"):
        node = schema["properties"][key]
        node = node.get("items", node)
        named = set(re.findall(r"(?<![\w.])[a-z][a-z0-9_]*", entries[key]))
        missing = [k for k in node["required"] if k not in named]
        assert not missing, f"README's plan outline: {key} does not name {missing}"
        unknown = set(identifier.findall(entries[key])) - _schema_names(node) - {key}
        assert not unknown, f"README's plan outline: {key} names {sorted(unknown)}: not in schema"
