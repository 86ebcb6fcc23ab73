"""Checks that an output path can be written, made before the work whose results go there.

Why: a simulation or a calibration can take minutes; a path that turns out to be a directory (or to lie
under a file) must stop the command at once with a clear error, not end it in a traceback that loses
the results.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

__all__ = ["check_output_file", "check_output_dir"]


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
