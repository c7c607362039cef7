"""Write output files atomically, and say plainly when a path cannot be written.

Every file marsplan writes (charts, OEM files, CSV sections, the report) goes
through :func:`write_atomic`: readers see the old file or the new one, never
half of one, and a path that cannot be written raises one
:class:`~marsplan.errors.OutputPathError` line, ``PATH: cannot write: REASON``,
which the CLI prints as ``marsplan: PATH: cannot write: REASON`` with exit 2.

:func:`check_writable` runs the same checks before a long computation, so a
typo in ``--out`` costs a second, not the minutes of a search.
:func:`atomic_folder` builds a folder beside its target and swaps it in.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat

from marsplan.errors import OutputPathError

__all__ = ["atomic_folder", "check_folder", "check_writable", "write_atomic"]


def _reason(error: OSError) -> str:
    """A short, stable wording of an OS error (no errno numbers, no Python names)."""
    reasons = {
        errno.ENOENT: "its folder does not exist",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EISDIR: "it is a folder",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EXDEV: "the folder is on another device",
    }
    return reasons.get(error.errno) or error.strerror or str(error) or type(error).__name__


def _create_reason(error: OSError, folder: str) -> str:
    """Why a new file cannot be made in ``folder`` (ENOENT in an existing /proc is no 'missing')."""
    if error.errno == errno.ENOENT and os.path.isdir(folder):
        return "its folder does not accept new files (a special file system)"
    return _reason(error)


def _error(path: str, reason: str) -> OutputPathError:
    return OutputPathError(f"{path}: cannot write: {reason}")


def _check_target(path) -> str:
    """``path`` as a str, refused if it is empty, a folder or a special file."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path.strip():
        raise OutputPathError(f"{path!r}: cannot write: the path is empty")
    if "\x00" in path:
        raise _error(path.replace("\x00", "\\x00"), "the path holds a NUL character")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as error:
        raise _error(path, _reason(error)) from None
    if stat.S_ISDIR(mode):
        raise _error(path, "it is a folder")
    if not stat.S_ISREG(mode):
        # Replacing /dev/null or a pipe by a chart would break it for every reader.
        raise _error(path, "it is not a regular file (a device, pipe or socket)")
    return path


def check_writable(path: str | os.PathLike) -> str:
    """Check that a file can be created or replaced at ``path``, without writing it.

    The path must not be a folder or a special file (a device, a pipe, a socket),
    and its folder must exist and accept a new file: the check creates and
    removes a temporary file there, so it sees read-only mounts too.

    Returns
    -------
    str
        ``path`` as a string.

    Raises
    ------
    OutputPathError
        ``PATH: cannot write: REASON``.
    """
    path = _check_target(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _error(path, "its folder does not exist" if not os.path.lexists(folder)
                     else "a part of the path is not a folder")
    probe = os.path.join(folder, f".marsplan-probe.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise _error(path, _create_reason(error, folder)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return path


def check_folder(path: str | os.PathLike) -> str:
    """Check that a folder can be created, or replaced whole, at ``path``.

    ``path`` must be a folder or not exist, and its parent must be an existing
    folder that accepts new entries (the same probe as :func:`check_writable`).

    Raises
    ------
    OutputPathError
        ``PATH: cannot write: REASON``.
    """
    path = _check_target(path) if not os.path.isdir(path) else os.fspath(path)
    if os.path.lexists(path) and not os.path.isdir(path):
        raise _error(path, "it exists and is not a folder")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise _error(path, "its folder does not exist" if not os.path.lexists(parent)
                     else "a part of the path is not a folder")
    probe = os.path.join(parent, f".marsplan-probe.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        os.mkdir(probe)
    except OSError as error:
        raise _error(path, _create_reason(error, parent)) from None
    with contextlib.suppress(OSError):
        os.rmdir(probe)
    return path


def write_atomic(path: str | os.PathLike, data: bytes | str, encoding: str = "utf-8", *,
                 make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The data go to a temporary file in the same folder (``os.replace`` is atomic
    only within one file system), are flushed and fsync'ed, and the temporary file
    then replaces ``path``. A new file gets the usual permissions (0o666 less the
    umask); an existing file keeps its mode. On any error the temporary file is
    removed and ``path`` is untouched.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; its folder must exist. An existing folder, device, pipe or
        socket at ``path`` is refused, never replaced.
    data : bytes or str
        Contents; ``str`` is encoded with ``encoding``.
    make_parents : bool
        Create the missing folders above ``path`` first (as ``mkdir -p``).

    Raises
    ------
    OutputPathError
        ``PATH: cannot write: REASON`` (missing or read-only folder, a folder or
        special file at ``path``, a full disk, ...).
    """
    path = _check_target(path)
    if make_parents:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        except OSError as error:
            raise _error(path, _reason(error) if error.errno != errno.EEXIST
                         else "a part of the path is not a folder") from None
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    directory, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with mode 0o666 applies the umask, as open(path, "w") would;
        # tempfile.mkstemp would leave an export readable by its owner only.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as error:
        raise _error(path, _create_reason(error, directory)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise _error(path, _reason(error)) from None
        raise
    _fsync_directory(directory)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike):
    """Build a folder beside ``path`` and swap it in whole when the block succeeds.

    Yields the temporary folder (same parent, so the renames stay on one file
    system). On success the previous folder at ``path``, if any, is renamed
    aside, the new one renamed to ``path``, and the old one removed; if the block
    fails, the temporary folder is removed and ``path`` is untouched. So an
    interrupted or failed run leaves the previous folder whole, and two runs
    never mix their files.

    Raises
    ------
    OutputPathError
        ``path`` is a file, or its parent cannot hold a new folder.
    """
    path = os.path.abspath(os.fspath(path))
    if os.path.lexists(path) and not os.path.isdir(path):
        raise _error(path, "it exists and is not a folder")
    parent, name = os.path.split(path)
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = os.path.join(parent, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        os.mkdir(tmp)
    except OSError as error:
        raise _error(path, _reason(error)) from None
    try:
        yield tmp
        old = None
        if os.path.isdir(path):
            old = os.path.join(parent, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.old")
            os.rename(path, old)
        try:
            os.rename(tmp, path)
        except BaseException:
            if old is not None:
                os.rename(old, path)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        _fsync_directory(parent)
    except BaseException as error:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(error, OSError) and not isinstance(error, OutputPathError):
            raise _error(path, _reason(error)) from None
        raise


def _fsync_directory(directory: str) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
