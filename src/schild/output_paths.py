"""Where an output file goes, and checks that it can be written, made before the work whose results go there.

Why: a simulation or a calibration can take minutes; a path that turns out to be a directory (or to lie
under a file) must stop the command at once with a clear error, not end it in a traceback that loses
the results.

Results are written atomically (a temporary file beside the target, then a rename), except where the
path names something that is not a regular file: a FIFO or a device (``/dev/null``, ``/dev/stdout``,
``/dev/fd/N``) is written straight into, never replaced; a symbolic link is followed on purpose, so the
file it points to is replaced atomically and the link stays.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from .errors import InputError

__all__ = ["check_output_file", "check_output_dir", "output_target", "write_error"]


def output_target(path: str | Path) -> tuple[Path, bool]:
    """``(where to write, write straight into it)``: a FIFO or device is written into as named; a symbolic
    link resolves to the file it points to (which a rename then replaces, keeping the link)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # follows links: /dev/stdout -> /proc/self/fd/1 -> a pipe
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return path, True
    if path.is_symlink():
        return Path(os.path.realpath(path)), False
    return path, False


def write_error(what: str, path: str | Path, exc: OSError) -> InputError:
    """The ``InputError`` for an output that could not be written (a full disk, a broken pipe, ...)."""
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    return InputError(f"cannot write {what}: {reason}", file=str(path))


def _nearest_existing_ancestor(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


def _probe_writable(option: str, folder: Path, path: Path) -> None:
    """Create and delete a file in ``folder``: the one sure test that the results can be written there
    (permissions, read-only mounts, immutable folders, /proc and /sys all answer it truthfully)."""
    probe = folder / f".schild-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno == errno.ENOENT:  # /proc: the folder exists but takes no new files
            reason = "this folder takes no new files"
        raise InputError(f"{option}: cannot create a file in {folder} ({reason})", file=str(path)) from None
    os.close(fd)
    os.unlink(probe)


def _stat_or_none(option: str, path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # a loop of symbolic links, a folder on the way that cannot be searched
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise InputError(f"{option}: cannot use this path ({reason})", file=str(path)) from None


def check_output_file(option: str, path: Path) -> None:
    """``path`` can be written as a file: not a directory, and a file can be created where it goes (the
    folder of a symbolic link's target); a FIFO or device must be writable."""
    st = _stat_or_none(option, path)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"is a directory; {option} names the file to write", file=str(path))
    target, straight = output_target(path)
    if straight:
        if stat.S_ISSOCK(st.st_mode):
            raise InputError(f"is a socket; {option} names a file, FIFO or device to write", file=str(path))
        if not os.access(path, os.W_OK):
            raise InputError(f"{option}: cannot write into it (permission denied)", file=str(path))
        return
    anc = _nearest_existing_ancestor(target)
    if not anc.is_dir():
        raise InputError(f"{option}: {anc} is a file, not a directory", file=str(path))
    _probe_writable(option, anc, path)


def check_output_dir(option: str, path: Path) -> None:
    """``path`` is a directory or can be made one, and files can be created in it."""
    st = _stat_or_none(option, path)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise InputError(f"is a file; {option} names a directory to write into", file=str(path))
    anc = path if st is not None else _nearest_existing_ancestor(path)
    if not anc.is_dir():
        raise InputError(f"{option}: {anc} is a file, not a directory", file=str(path))
    _probe_writable(option, anc, path)
