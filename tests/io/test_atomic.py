"""marsplan.io.atomic: atomic writes, and one clear line for a path that cannot be written."""

from __future__ import annotations

import os
import stat

import pytest

from marsplan.errors import MarsplanError, OutputPathError
from marsplan.io.atomic import atomic_folder, check_writable, write_atomic

_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_write_atomic_writes_and_replaces(tmp_path):
    path = tmp_path / "out.json"
    write_atomic(path, "first")
    assert path.read_text() == "first"
    os.chmod(path, 0o640)
    write_atomic(path, b"second \xe2\x9c\x93")
    assert path.read_bytes() == b"second \xe2\x9c\x93"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640  # an existing file keeps its mode
    assert sorted(os.listdir(tmp_path)) == ["out.json"]  # no temporary file left


def test_write_atomic_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.csv", "a,b\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644


def test_write_atomic_failure_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputPathError, match="out.json: cannot write: disk full"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def _bad_paths(tmp_path):
    """(id, path, words of the reason): every class of unwritable output path."""
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x")
    cases = [
        ("missing-folder", tmp_path / "missing" / "out.png", "folder does not exist"),
        ("deep-missing-folder", tmp_path / "a" / "b" / "c" / "out.png", "folder does not exist"),
        ("is-a-folder", tmp_path, "it is a folder"),
        ("under-a-file", a_file / "out.png", "not a folder"),
        ("device", "/dev/null", "not a regular file"),
        ("special-folder-proc", "/proc/marsplan-out.png", ""),
        ("nul-character", str(tmp_path / "a\x00b.png"), "NUL"),
        ("empty", "", "empty"),
    ]
    fifo = tmp_path / "pipe"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append(("named-pipe", fifo, "not a regular file"))
    if not _ROOT:  # root writes into read-only folders anyway
        ro = tmp_path / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        cases.append(("read-only-folder", ro / "out.png", "permission denied"))
    return cases


@pytest.mark.parametrize("writer", ["check_writable", "write_atomic"])
def test_unwritable_paths_raise_one_line_naming_the_path(tmp_path, writer):
    before = {p: os.stat(p).st_mode for p in ("/dev/null",)}
    for case, path, words in _bad_paths(tmp_path):
        with pytest.raises(OutputPathError) as caught:
            if writer == "check_writable":
                check_writable(path)
            else:
                write_atomic(path, b"data")
        message = str(caught.value)
        assert isinstance(caught.value, MarsplanError), case
        assert "\n" not in message, case
        assert ": cannot write: " in message, case
        assert words in message, (case, message)
        if case != "nul-character" and case != "empty":
            assert message.startswith(os.fspath(path)), (case, message)
    # Nothing was created and /dev/null is still a device.
    assert not (tmp_path / "missing").exists()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and before
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


def test_check_writable_leaves_no_file(tmp_path):
    target = tmp_path / "chart.png"
    assert check_writable(target) == str(target)
    assert os.listdir(tmp_path) == []


def test_atomic_folder_swaps_whole_or_not_at_all(tmp_path):
    out = tmp_path / "report"
    with atomic_folder(out) as build:
        for name in ("a.txt", "b.txt"):
            write_atomic(os.path.join(build, name), name)
    assert sorted(os.listdir(out)) == ["a.txt", "b.txt"]
    # A second run with other files replaces the folder: no file of the first run stays.
    with atomic_folder(out) as build:
        write_atomic(os.path.join(build, "c.txt"), "c")
    assert os.listdir(out) == ["c.txt"]
    # A failed run leaves the previous folder whole and no temporary folder.
    with pytest.raises(RuntimeError), atomic_folder(out) as build:
        write_atomic(os.path.join(build, "d.txt"), "d")
        raise RuntimeError("interrupted")
    assert os.listdir(out) == ["c.txt"]
    assert os.listdir(tmp_path) == ["report"]


def test_atomic_folder_refuses_a_file(tmp_path):
    target = tmp_path / "report"
    target.write_text("not a folder")
    with pytest.raises(OutputPathError, match="cannot write: it exists and is not a folder"):
        with atomic_folder(target):
            pass
    assert target.read_text() == "not a folder"
