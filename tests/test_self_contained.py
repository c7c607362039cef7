"""A clone stands alone: nothing under src/ or tests/ reads outside the repository.

A user who clones marsplan has no sibling folders beside it, so every table
the tests compare against lives in ``tests/reference/`` and every document the
code points at lives in ``docs/``. This test scans the sources for the ways a
path can leave the clone; the fresh-clone run of ``make test`` (README) is the
end-to-end check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for p in [*ROOT.joinpath("src").rglob("*.py"),
                             *ROOT.joinpath("src").rglob("*.toml"),
                             *ROOT.joinpath("tests").rglob("*.py")]
                 if p != Path(__file__).resolve())  # this file names the patterns

# Ways out of the clone: a parent-relative path, a sibling folder by name, or
# climbing more parents from a file than the file is deep in the repository.
PARENT_PATH = re.compile(r"""["'`(\s]\.\./""")
SIBLING = re.compile(r"""["']shared["']|/work/|\bshared/(reference|DESIGN|STYLE)""")
PARENTS = re.compile(r"parents\[(\d+)\]")
# Documents a message or docstring may cite: they must exist in the clone.
CITED_DOC = re.compile(r"\b(docs/[\w./-]+\.md|tests/reference/[\w./-]+)")


def _depth(path: Path) -> int:
    return len(path.relative_to(ROOT).parts) - 1


def test_the_scan_sees_the_sources():
    # Guards the guard: a wrong ROOT would scan nothing and pass.
    assert len(SOURCES) > 100
    assert ROOT.joinpath("tests", "reference", "README.md").is_file()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_reads_outside_the_clone(path):
    text = path.read_text(encoding="utf-8")
    assert not PARENT_PATH.search(text), f"{path}: a '../' path leaves the clone"
    assert not SIBLING.search(text), f"{path}: names a folder outside the clone"
    for match in PARENTS.finditer(text):
        # parents[k] of a file d folders deep is inside the clone for k <= d.
        assert int(match.group(1)) <= _depth(path), f"{path}: {match.group(0)} climbs out"
    for doc in CITED_DOC.findall(text):
        assert ROOT.joinpath(doc.rstrip(".")).exists(), f"{path}: cites {doc}, not in the clone"
