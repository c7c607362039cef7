"""Run README.md's tour and check (or rewrite) the output it shows.

Every ```console block of README.md is a short shell session: a line that
starts with ``$ `` is a command, the lines after it (up to the next command)
are what it prints, stdout and stderr together as a terminal shows them. This
script runs every command, in README order, in a temporary folder that holds a
copy of the repository's ``examples/``, with a fixed environment (below), and

- ``--check`` (the default) compares what each command prints with what README
  shows, ignoring trailing spaces and trailing blank lines only; it prints a
  diff per command that drifted and exits 1;
- ``--update`` writes the printed output into README.md's blocks (atomically:
  a temporary file beside README.md, then a rename), keeping the commands and
  the blank lines that separate them.

A long output may be cut: a line that starts with ``...`` ends what is
compared, and it and the lines after it (say what was left out) are kept as
they are; only as many lines as README shows before it are checked (and
rewritten). A block preceded by ``<!-- tour: skip: REASON -->`` (blank lines may come
between) is shown but not run: keep that for output that cannot be reproduced
here, and say why in REASON.

``--python`` also executes README's ```python blocks, in order, in one fresh
interpreter in the same folder and environment; it fails if they raise.

The environment is that of a terminal 160 columns wide (README says the tables
are shown "at 160 columns"): ``COLUMNS=160``, ``TZ=UTC``, ``NO_COLOR=1``,
``TERM=dumb``, ``LC_ALL=C.UTF-8``, ``PYTHONUNBUFFERED=1`` (so stdout and stderr
interleave as on a terminal), ``PYTHONPATH`` = this repository's ``src/``, and a
``marsplan`` on ``PATH`` that runs this repository's code with this Python.
The exit status of the previous command is kept, so ``$ echo $?`` works.

Usage: ``python tools/readme_tour.py [--check | --update] [--python]
[--block N ...] [--readme PATH] [--list]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COLUMNS = 160  # README: "here at 160 columns"
COMMAND_TIMEOUT_S = 600

_FENCE = re.compile(r"^```(\w*)\s*$")
_SKIP = re.compile(r"^<!--\s*tour:\s*skip\b(.*?)-->\s*$")


@dataclasses.dataclass(frozen=True)
class Step:
    """One ``$ command`` of a console block and the output README shows for it."""

    command: str
    shown: tuple[str, ...]  # README's output lines, trailing blank lines removed
    blank_after: bool  # README leaves a blank line after the output
    cut: tuple[str, ...] = ()  # from a line starting with "...": README shows only a head


@dataclasses.dataclass(frozen=True)
class Block:
    """A fenced code block of README.md; ``first``/``end`` index its body lines."""

    number: int  # 1-based among console blocks (0 for other languages)
    language: str
    first: int  # index of the first body line
    end: int  # index of the closing fence
    body: tuple[str, ...]
    skip_reason: str | None

    def steps(self) -> list[Step]:
        """The block's commands with their shown output."""
        if self.body and not self.body[0].startswith("$ "):
            raise ValueError(f"README console block {self.number} (line {self.first}) "
                             f"does not start with a '$ ' command: {self.body[0]!r}")
        steps, command, lines = [], None, []
        for line in list(self.body) + ["$ "]:  # a sentinel closes the last step
            if line.startswith("$ "):
                if command is not None:
                    trimmed = _trim(lines)
                    blank_after = len(trimmed) < len(lines)
                    cut = next((i for i, text in enumerate(trimmed) if text.startswith("...")),
                               len(trimmed))
                    steps.append(Step(command, tuple(trimmed[:cut]), blank_after,
                                      tuple(trimmed[cut:])))
                command, lines = line[2:], []
            else:
                lines.append(line)
        return steps


def _trim(lines: list[str]) -> list[str]:
    """Lines without trailing spaces, and without the blank lines at the end."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def parse(text: str) -> list[Block]:
    """Every fenced block of a Markdown text, console blocks numbered from 1."""
    lines = text.split("\n")
    blocks, number, i, skip = [], 0, 0, None
    while i < len(lines):
        marker = _SKIP.match(lines[i].strip())
        if marker:
            skip = marker.group(1).strip(" :") or "no reason given"
        fence = _FENCE.match(lines[i])
        if fence:
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            if end == len(lines):
                raise ValueError(f"README: the code block opened at line {i + 1} is not closed")
            language = fence.group(1)
            if language == "console":
                number += 1
            blocks.append(Block(number if language == "console" else 0, language, i + 1, end,
                                tuple(lines[i + 1:end]), skip))
            skip, i = None, end + 1
            continue
        if lines[i].strip() and not marker:
            skip = None  # a skip marker applies only to the block right after it
        i += 1
    return blocks


def console_blocks(text: str) -> list[Block]:
    return [block for block in parse(text) if block.language == "console"]


def python_blocks(text: str) -> list[Block]:
    return [block for block in parse(text) if block.language == "python" and not block.skip_reason]


class Workdir:
    """A temporary folder with a copy of examples/ and a ``marsplan`` on PATH."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        self._tmp = tempfile.TemporaryDirectory(prefix="marsplan-tour-")
        self.path = Path(self._tmp.name) / "tour"
        shutil.copytree(root / "examples", self.path / "examples")
        bin_dir = Path(self._tmp.name) / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "marsplan"
        # This repository's code with this interpreter, whatever marsplan is installed.
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c '
                        f'"import sys; from marsplan.cli import main; main()" "$@"\n')
        shim.chmod(0o755)
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": str(root / "src"),
            "HOME": os.environ.get("HOME", str(self.path)),
            "COLUMNS": str(COLUMNS),
            "TZ": "UTC",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "LC_ALL": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "MPLBACKEND": "Agg",
        }
        for name in ("NUMBA_CACHE_DIR", "MPLCONFIGDIR", "TMPDIR"):
            if name in os.environ:
                self.env[name] = os.environ[name]
        self.status = 0  # exit status of the previous command, for `echo $?`

    def run(self, command: str) -> tuple[list[str], float]:
        """Run one shell command; its output lines (stdout and stderr) and seconds."""
        start = time.perf_counter()
        result = subprocess.run(["bash", "-c", f"(exit {self.status}); {command}"],
                                cwd=self.path, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=COMMAND_TIMEOUT_S)
        self.status = result.returncode
        return _trim(result.stdout.split("\n")), time.perf_counter() - start

    def run_python(self, code: str) -> subprocess.CompletedProcess:
        """Run Python code in a fresh interpreter here; output captured."""
        return subprocess.run([sys.executable, "-c", code], cwd=self.path, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=COMMAND_TIMEOUT_S)

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


@dataclasses.dataclass(frozen=True)
class Result:
    block: Block
    step: Step
    printed: tuple[str, ...]
    seconds: float

    @property
    def compared(self) -> tuple[str, ...]:
        """The printed lines README should show: all, or as many as its head when cut."""
        return self.printed[:len(self.step.shown)] if self.step.cut else self.printed

    @property
    def matches(self) -> bool:
        return self.compared == self.step.shown

    def diff(self) -> str:
        return "\n".join(difflib.unified_diff(
            list(self.step.shown), list(self.compared), "README", "printed", lineterm=""))


def run_tour(text: str, numbers: set[int] | None = None, root: Path = ROOT,
             log=None) -> list[Result]:
    """Run the console blocks (all, or those numbered in ``numbers``), in order."""
    results = []
    with Workdir(root) as work:
        for block in console_blocks(text):
            if block.skip_reason:
                continue
            if numbers is not None and block.number not in numbers:
                # A block run alone still finds the folders and files that the
                # earlier blocks' shell commands (mkdir, sed) make; their marsplan
                # commands are not replayed.
                for step in block.steps():
                    if not _is_marsplan(step.command):
                        work.run(step.command)
                continue
            for step in block.steps():
                printed, seconds = work.run(step.command)
                result = Result(block, step, tuple(printed), seconds)
                results.append(result)
                if log is not None:
                    mark = "ok" if result.matches else "DRIFT"
                    log(f"[{block.number}] {mark:5} {seconds:5.1f} s  $ {step.command}")
    return results


def _is_marsplan(command: str) -> bool:
    return command.split(maxsplit=1)[:1] == ["marsplan"]


def render(steps_output: list[tuple[Step, tuple[str, ...]]]) -> list[str]:
    """A console block's body from its commands and their output."""
    body = []
    for step, printed in steps_output:
        body.append("$ " + step.command)
        body.extend(printed)
        body.extend(step.cut)
        if step.blank_after:
            body.append("")
    while body and not body[-1]:
        body.pop()
    return body


def updated(text: str, results: list[Result]) -> str:
    """README text with each run block's output replaced by what was printed."""
    lines = text.split("\n")
    by_block: dict[int, list[Result]] = {}
    for result in results:
        by_block.setdefault(result.block.number, []).append(result)
    # From the last block up, so that earlier line indices stay valid.
    for number in sorted(by_block, reverse=True):
        block = by_block[number][0].block
        body = render([(r.step, r.compared) for r in by_block[number]])
        lines[block.first:block.end] = body
    return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one rename (a temporary file beside it)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def run_python_blocks(text: str, root: Path = ROOT,
                      epilogue: str = "") -> subprocess.CompletedProcess:
    """Execute README's python blocks (and ``epilogue``) in one fresh interpreter."""
    code = "\n\n".join("\n".join(block.body) for block in python_blocks(text))
    with Workdir(root) as work:
        (work.path / "out").mkdir()
        return work.run_python(code + "\n\n" + epilogue)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare (the default)")
    mode.add_argument("--update", action="store_true", help="rewrite README's output")
    parser.add_argument("--python", action="store_true", help="also run the python blocks")
    parser.add_argument("--block", type=int, action="append",
                        help="only console block N (1-based; repeatable)")
    parser.add_argument("--list", action="store_true", help="list the console blocks and exit")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)

    text = args.readme.read_text(encoding="utf-8")
    if args.list:
        for block in console_blocks(text):
            note = f"  (skipped: {block.skip_reason})" if block.skip_reason else ""
            print(f"[{block.number}] line {block.first}: "
                  f"{'; '.join(s.command for s in block.steps())}{note}")
        return 0

    numbers = set(args.block) if args.block else None
    started = time.perf_counter()
    results = run_tour(text, numbers, log=lambda line: print(line, file=sys.stderr))
    failed = 0
    if args.update:
        new_text = updated(text, results)
        if new_text != text:
            write_atomic(args.readme, new_text)
            print(f"updated {args.readme}", file=sys.stderr)
        else:
            print(f"{args.readme} is up to date", file=sys.stderr)
    else:
        for result in results:
            if not result.matches:
                failed += 1
                print(f"README console block {result.block.number} (line {result.block.first}): "
                      f"$ {result.step.command}\n{result.diff()}\n")
    if args.python:
        result = run_python_blocks(text)
        if result.returncode != 0:
            failed += 1
            print(f"README python blocks failed (exit {result.returncode}):\n{result.stdout}")
    print(f"{len(results)} commands in {time.perf_counter() - started:.1f} s"
          + (f"; {failed} drifted (run `make readme` to update)" if failed else ""),
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
