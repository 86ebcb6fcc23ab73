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

import os
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


def check_output_file(option: str, path: Path) -> None:
    """``path`` can be written as a file: it is not a directory, and its nearest existing ancestor is one."""
    if path.is_dir():
        raise InputError(f"is a directory; {option} names the file to write", file=str(path))
    anc = _nearest_existing_ancestor(path)
    if not anc.is_dir():
        raise InputError(f"{option}: {anc} is a file, not a directory", file=str(path))


def check_output_dir(option: str, path: Path) -> None:
    """``path`` is a directory or can be made one."""
    if path.exists() and not path.is_dir():
        raise InputError(f"is a file; {option} names a directory to write into", file=str(path))
    anc = _nearest_existing_ancestor(path)
    if not anc.is_dir():
        raise InputError(f"{option}: {anc} is a file, not a directory", file=str(path))
