"""Reader, writer and generator for the Andersen-Pavlikov-Toffolo WTA text format.

Layout: line 1 ``m n mu``; then ``n`` target values, one per line; then
``m * n`` lines ``i j p_ij`` (0-based indices).  Every weapon type has ``mu``
identical units.  Errors name the file and the 1-based line number, because
these files are edited by hand and produced by other tools.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from .problem import WTAProblem


class WTAFormatError(ValueError):
    """A WTA instance file is missing, truncated or malformed."""


def _fail(path, line_no: int | None, msg: str) -> WTAFormatError:
    where = f"{path}" if line_no is None else f"{path}:{line_no}"
    return WTAFormatError(f"{where}: {msg}")


def _parse_int(tok: str, path, line_no: int, what: str) -> int:
    try:
        return int(tok)
    except ValueError:
        try:
            f = float(tok)
        except ValueError:
            raise _fail(path, line_no, f"expected integer {what}, got {tok!r}") from None
        if not math.isfinite(f) or f != round(f):
            raise _fail(path, line_no, f"expected integer {what}, got {tok!r}") from None
        return int(f)


def _parse_float(tok: str, path, line_no: int, what: str) -> float:
    try:
        f = float(tok)
    except ValueError:
        raise _fail(path, line_no, f"expected a number for {what}, got {tok!r}") from None
    if not math.isfinite(f):
        raise _fail(path, line_no, f"expected a finite number for {what}, got {tok!r}")
    return f


def read_instance(path: str | os.PathLike) -> WTAProblem:
    """Parse a benchmark file into a :class:`WTAProblem` (strict, with line numbers)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(path, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, None, f"cannot read file ({exc})") from None
    # Keep original line numbers; blank lines are skipped, not renumbered.
    lines = [(k + 1, ln.split()) for k, ln in enumerate(text.splitlines())]
    rows = [(k, toks) for k, toks in lines if toks]
    last_line = len(lines)
    if not rows:
        raise _fail(path, 1, "expected header 'm n mu', file is empty")
    k, toks = rows[0]
    if len(toks) != 3:
        raise _fail(path, k, f"expected header 'm n mu' (3 integers), got {len(toks)} fields")
    m = _parse_int(toks[0], path, k, "m (weapon types)")
    n = _parse_int(toks[1], path, k, "n (targets)")
    mu = _parse_int(toks[2], path, k, "mu (units per weapon type)")
    if m < 0 or n < 0:
        raise _fail(path, k, f"expected m, n >= 0, got m={m}, n={n}")
    if mu < 0:
        raise _fail(path, k, f"expected units per weapon mu >= 0, got {mu} (negative units)")
    expected_rows = 1 + n + m * n
    if len(rows) < expected_rows:
        have = len(rows) - 1
        if have < n:
            what = f"target value {have + 1} of {n}"
        else:
            what = f"probability line {have - n + 1} of {m * n} ('i j p_ij')"
        raise _fail(path, last_line + 1, f"truncated file: expected {what}, got end of file")
    if len(rows) > expected_rows:
        k, _ = rows[expected_rows]
        raise _fail(path, k, f"unexpected extra data after {m * n} probability lines")
    values = np.empty(n)
    for t in range(n):
        k, toks = rows[1 + t]
        if len(toks) != 1:
            raise _fail(path, k, f"expected one target value (target {t}), got {len(toks)} fields")
        v = _parse_float(toks[0], path, k, f"value of target {t}")
        if v < 0:
            raise _fail(path, k, f"expected target value >= 0 (target {t}), got {v}")
        values[t] = v
    p = np.full((m, n), np.nan)
    for r in range(m * n):
        k, toks = rows[1 + n + r]
        if len(toks) != 3:
            raise _fail(path, k, f"expected 'i j p_ij' (3 fields), got {len(toks)} fields")
        i = _parse_int(toks[0], path, k, "weapon index i")
        j = _parse_int(toks[1], path, k, "target index j")
        if not (0 <= i < m and 0 <= j < n):
            raise _fail(path, k, f"expected 0 <= i < {m} and 0 <= j < {n}, got i={i}, j={j}")
        pij = _parse_float(toks[2], path, k, "p_ij")
        if not (0.0 <= pij <= 1.0):
            raise _fail(path, k, f"expected probability in [0, 1], got p[{i},{j}]={pij}")
        if not np.isnan(p[i, j]):
            raise _fail(path, k, f"duplicate probability for pair i={i}, j={j}")
        p[i, j] = pij
    # m*n distinct in-range pairs fill the matrix, so no entry can be missing here.
    return WTAProblem(units=np.full(m, mu, dtype=np.int64), values=values, p=p,
                      name=path.stem)


def write_instance(problem: WTAProblem, path: str | os.PathLike) -> None:
    """Write a problem in the benchmark format (needs equal units, no mask/caps/costs)."""
    units = problem.units
    if units.size and np.any(units != units[0]):
        raise ValueError("write_instance: the format needs the same unit count for every weapon")
    if problem.mask is not None or problem.target_caps is not None or \
            (problem.costs_usd_per_unit is not None and problem.cost_weight != 0.0):
        raise ValueError("write_instance: mask, target caps and costs are not in the format")
    m, n = problem.p.shape
    mu = int(units[0]) if units.size else 0
    out = [f"{m} {n} {mu}"]
    for v in problem.values:
        out.append(str(int(v)) if float(v).is_integer() else repr(float(v)))
    for i in range(m):
        for j in range(n):
            out.append(f"{i} {j} {float(problem.p[i, j])!r}")
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")


def generate_instance(m: int, n: int, mu: int, seed: int | None = None) -> WTAProblem:
    """Random instance shaped like the benchmark: values U{1..100}, p_ij ~ U(0, 1).

    The published files use integer values spread over 1..100 and kill
    probabilities spread over the whole open unit interval; we mimic both.
    """
    if m < 0 or n < 0 or mu < 0:
        raise ValueError("generate_instance: m, n and mu must be >= 0")
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 101, size=n).astype(np.float64)
    p = np.round(rng.uniform(0.0, 1.0, size=(m, n)), 12)
    return WTAProblem(units=np.full(m, mu, dtype=np.int64), values=values, p=p,
                      name=f"gen_{m}x{n}x{mu}_s{seed}")
