"""Load the Ukrainian Air Force's daily attack reports and aggregate them for calibration.

Reads the CSV of Petro Ivaniuk's dataset "Massive Missile Attacks on Ukraine" (Kaggle user piterfm),
compiled from the reports of the Air Force of the Armed Forces of Ukraine: one row per weapon model per
attack window. schild ships no copy of that file; the user names it.

Rules (reasons and measured counts in ``docs/data-ukraine.md``):

- Every model name is mapped to a schild threat type and class by :mod:`schild.data.ukraine_models`.
  Names the table does not know get class ``unknown``; they are listed in a warning and in
  ``df.attrs["unknown_models"]``, never dropped.
- Lumped rows ("X-101/X-555 and Kalibr") are split into one row per part. Launched counts are shared
  so that each named part gets at least one (when there are enough), the rest in proportion to each
  part's launches in single-model national rows within +-90 days (falling back to the whole file, then
  to equal shares; equal shares too when a part is unknown), rounded by largest remainder so the parts
  add up exactly to the row. Destroyed follows the launched split, lost
  (``not_reach_goal``) follows what is left after destroyed, so no part gets more than it launched.
- National reports (source ``kpszsu``, General Staff, Commander-in-Chief) are kept. A regional or other
  row is dropped as a duplicate when a national row of the same threat type, with national scope
  (target "Ukraine" or empty) or the same target, overlaps its time window (a date-only end means the
  whole day).
- ``destroyed`` and ``lost`` (``not_reach_goal``) are separate outcomes; ``defeated = destroyed + lost``
  is the outcome that stays comparable across the 2024-07 change in reporting practice. An empty
  ``not_reach_goal`` means "not reported separately": ``lost`` = 0 with ``lost_reported`` False.
  An empty ``destroyed`` stays NaN (``destroyed_missing``): such rows count in ``launched`` but are
  left out of defeat rates (``launched_rated``). When destroyed + lost exceeds launched, lost is
  capped at launched - destroyed. A ``destroyed`` larger than ``launched`` (none in the release to
  2025-06; a transcription error) is read as missing, with a warning (``destroyed_over_launched_lines``).
- ``is_shahed`` (empty through 2025-06) is read as the number of Shahed-type attack drones among a
  row's launches. On a row that lumps drones with missiles it splits the launches (drone parts get
  ``is_shahed``, the others the rest). On a row of drones only, a value strictly between 0 and
  ``launched`` is the breakdown "... of them about N Shaheds", the rest being decoys: ``shahed_count``
  (shared over the drone parts like launches). A value equal to ``launched`` says nothing about decoys
  and is not used; one above ``launched`` is ignored with a warning. ``turbojet`` /
  ``turbojet_destroyed`` (jet-powered drones among the drones) are passed through, not simulated apart.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .ukraine_models import (
    CLASSES, MODEL_TABLE, UNKNOWN_CLASS, UNKNOWN_TYPE, build_lookup, normalise_name, split_lumped,
    split_slashed,
)
from .ukraine_tables import attack_table, monthly_table, reporting_practice  # noqa: F401  (re-exported)
from .validation import naive_forecast, score  # re-exported for convenience

__all__ = [
    "CLASSES", "UkraineDataError", "UnknownModelWarning", "load_attacks", "attack_table",
    "monthly_table", "reporting_practice", "naive_forecast", "score", "EXPECTED_COLUMNS",
    "REQUIRED_COLUMNS",
]

#: Columns of the dataset, in its order.
EXPECTED_COLUMNS: tuple[str, ...] = (
    "time_start", "time_end", "model", "launch_place", "target", "target_main", "launched",
    "destroyed", "not_reach_goal", "still_attacking", "border_crossing", "is_shahed",
    "num_hit_location", "num_fall_fragment_location", "carrier", "turbojet", "turbojet_destroyed",
    "affected region", "destroyed_details", "launched_details", "launch_place_details", "source",
)
#: Columns the loader cannot do without.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "time_start", "time_end", "model", "target", "launched", "destroyed", "not_reach_goal", "source",
)

SHARE_WINDOW_DAYS = 90
_NA_STRINGS = {"", "nan", "NaN", "NAN", "none", "None", "null", "NULL", "NA", "N/A", "n/a"}
_DATE_ONLY = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
#: Year-first dates only ("2025-07-01", "2025-07-01 21:00", ISO "T" and a zone offset allowed): a
#: day-first "01.07.2025" would be read month-first by a lenient parser, a silently wrong month.
_YEAR_FIRST = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                         r"(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
_NATIONAL_SOURCE = re.compile(r"(^|[/.])kpszsu([/.]|$)|^generalstaff|^cincafu", re.IGNORECASE)
_REGIONAL_SOURCE = re.compile(r"pvk", re.IGNORECASE)
_NATIONAL_TARGETS = {"", "ukraine"}

OUTPUT_COLUMNS: tuple[str, ...] = (
    "line", "window_start", "window_end", "date_only", "month", "model", "component", "threat_type",
    "class", "launched", "destroyed", "lost", "lost_reported", "destroyed_missing", "still_attacking",
    "split", "source_kind", "target", "source", "shahed_count", "turbojet", "turbojet_destroyed",
)


class UkraineDataError(ValueError):
    """A file that cannot be read as the Air Force attack dataset; names file, line, column, expectation."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 column: str | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.field = column  # same attribute name as schild.errors.InputError
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, f"column {self.column!r}" if self.column else None) if p]
        return f"{': '.join(parts)}: {self.message}" if parts else self.message


class UnknownModelWarning(UserWarning):
    """Model names the mapping does not know; their rows are kept with class ``unknown``."""


# ------------------------------------------------------------------------------------------------
# reading


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of each record, with the line where the record starts."""
    if not path.exists():
        raise UkraineDataError("file not found; expected the daily attacks CSV "
                               "(missile_attacks_daily*.csv)", file=path)
    if path.is_dir():
        raise UkraineDataError("is a directory; expected a CSV file", file=path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise UkraineDataError("file is empty; expected a header line with the columns "
                                       + ", ".join(EXPECTED_COLUMNS), file=path, line=1) from None
            records: list[tuple[int, list[str]]] = []
            start = reader.line_num + 1
            for fields in reader:
                if fields and any(f.strip() for f in fields):
                    records.append((start, fields))
                start = reader.line_num + 1
    except csv.Error as exc:
        raise UkraineDataError(f"not valid CSV ({exc})", file=path,
                               line=getattr(reader, "line_num", None)) from exc
    except UnicodeDecodeError as exc:
        raise UkraineDataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path) from exc
    return [h.strip() for h in header], records


def _check_header(header: list[str], path: Path, strict_columns: bool) -> None:
    dup = [c for c, n in Counter(header).items() if n > 1]
    if dup:
        raise UkraineDataError(f"duplicate column(s) {dup}", file=path, line=1, column=dup[0])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise UkraineDataError(
            f"missing required column(s) {missing}; expected a header with "
            + ", ".join(EXPECTED_COLUMNS), file=path, line=1, column=missing[0])
    extra = [c for c in header if c not in EXPECTED_COLUMNS]
    if extra:
        msg = (f"unknown column(s) {extra}; expected only " + ", ".join(EXPECTED_COLUMNS))
        if strict_columns:
            raise UkraineDataError(msg + " (pass strict_columns=False to ignore them)",
                                   file=path, line=1, column=extra[0])
        warnings.warn(f"{path}: {msg}; ignored", UserWarning, stacklevel=3)


def _count(value: str, path: Path, line: int, column: str) -> float:
    """A non-negative whole number, or NaN for an empty cell."""
    s = value.strip()
    if s in _NA_STRINGS:
        return float("nan")
    try:
        x = float(s)
    except ValueError:
        raise UkraineDataError(f"{s!r} is not a number; expected a non-negative whole number "
                               "or an empty cell", file=path, line=line, column=column) from None
    if not np.isfinite(x) or x < 0 or x != int(x):
        raise UkraineDataError(f"{s!r} is not a non-negative whole number", file=path, line=line,
                               column=column)
    return x


def _time(value: str, path: Path, line: int, column: str) -> tuple[pd.Timestamp, bool]:
    s = " ".join(value.split())
    ts = pd.NaT
    if _YEAR_FIRST.match(s):
        try:
            iso = re.sub(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", s)
            ts = pd.Timestamp(pd.to_datetime(iso, format="mixed"))
        except (ValueError, TypeError, OverflowError):
            ts = pd.NaT
    if pd.isna(ts):
        raise UkraineDataError(f"{value!r} is not a date; expected 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' (year "
                               "first: a day-first date such as 01.07.2025 is ambiguous)",
                               file=path, line=line, column=column)
    if ts.tzinfo is not None:  # the reports' clock (Kyiv time) as written; the offset is dropped
        ts = ts.tz_localize(None)
    return ts, bool(_DATE_ONLY.match(s))


def source_kind(source: str) -> str:
    """``national`` (Air Force, General Staff, Commander-in-Chief), ``regional`` (Air Commands), ``other``."""
    s = (source or "").strip()
    s = re.sub(r"^https?://(www\.)?(t\.me|facebook\.com)/", "", s, flags=re.IGNORECASE)
    if _NATIONAL_SOURCE.search(s):
        return "national"
    if _REGIONAL_SOURCE.search(s.split("/")[0]):
        return "regional"
    return "other"


def _load_models_file(models_path: str | Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Mapping overrides (``model, threat_type, class``) or the dataset's reference table (hints)."""
    p = Path(models_path)
    if not p.exists():
        raise UkraineDataError("models file not found", file=p)
    if p.suffix.lower() in (".yaml", ".yml"):
        from ..errors import InputError
        from ..scenario.yaml_lines import read_yaml_text, safe_load_limited

        try:  # the limits on size, aliases and depth of scenario files hold here too
            data = safe_load_limited(read_yaml_text(p), str(p)) or {}
        except InputError as exc:
            raise UkraineDataError(exc.message, file=p, line=exc.line) from None
        data = data.get("models", data) if isinstance(data, dict) else data
        if not isinstance(data, dict):
            raise UkraineDataError("expected a mapping 'model name: {threat_type: ..., class: ...}'",
                                   file=p)
        rows = [{"model": k, **(v or {})} for k, v in data.items()]
    else:
        try:
            rows = pd.read_csv(p, dtype=str, keep_default_na=False).to_dict("records")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise UkraineDataError(f"not a readable CSV ({exc})", file=p) from exc
    cols = set(rows[0]) if rows else set()
    overrides: dict[str, tuple[str, str]] = {}
    hints: dict[str, str] = {}
    if {"model", "threat_type", "class"} <= cols:
        for i, r in enumerate(rows, start=2):
            cls = str(r["class"]).strip()
            if cls not in CLASSES:
                raise UkraineDataError(f"class {cls!r} is not one of {list(CLASSES)}", file=p, line=i,
                                       column="class")
            overrides[normalise_name(r["model"])] = (str(r["threat_type"]).strip(), cls)
    elif {"model", "category"} <= cols:  # the dataset's own missiles_and_uavs.csv: hints only
        for r in rows:
            hint = " / ".join(x for x in (r.get("category", ""), r.get("type", "")) if x and str(x).strip())
            hints[normalise_name(r["model"])] = hint
    else:
        raise UkraineDataError("expected columns 'model, threat_type, class' (a mapping) or "
                               "'model, category' (the dataset's missiles_and_uavs.csv)", file=p, line=1)
    return overrides, hints


# ------------------------------------------------------------------------------------------------
# splitting and de-duplication


def _apportion(total: float, weights: list[float]) -> list[float]:
    """Integer parts of ``total`` proportional to ``weights``, largest remainder, exact sum."""
    if np.isnan(total):
        return [float("nan")] * len(weights)
    n = len(weights)
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        w = np.ones(n)
    total_i = int(round(total))
    quota = total_i * w / w.sum()
    base = np.floor(quota + 1e-9).astype(int)
    rest = total_i - int(base.sum())
    if rest > 0:
        frac = quota - base
        order = sorted(range(n), key=lambda i: (-round(frac[i], 12), -w[i], i))
        for i in order[:rest]:
            base[i] += 1
    return [float(b) for b in base]


def _split_shares(rec: dict[str, Any], parts: list[tuple[str, str, str]],
                  ref: pd.DataFrame) -> list[float]:
    """Weights of the parts of a lumped row: launches of each part's type near the row's date."""
    if any(cls == UNKNOWN_CLASS for _, _, cls in parts):
        return [1.0] * len(parts)
    near = ref[(ref["window_start"] - rec["window_start"]).abs() <= pd.Timedelta(days=SHARE_WINDOW_DAYS)]
    for pool in (near, ref):
        sums = pool.groupby("threat_type")["launched"].sum()
        w = [float(sums.get(tt, 0.0)) for _, tt, _ in parts]
        if sum(w) > 0:
            return w
    return [1.0] * len(parts)


def _effective_end(df: pd.DataFrame) -> pd.Series:
    end = df["window_end"].where(~df["date_only_end"], df["window_end"] + pd.Timedelta(days=1))
    return end.where(end > df["window_start"], df["window_start"] + pd.Timedelta(minutes=1))


def _regional_duplicates(df: pd.DataFrame) -> pd.Series:
    """True for non-national rows covered by a national row (same type, overlapping, same scope)."""
    dup = pd.Series(False, index=df.index)
    end = _effective_end(df)
    nat = df["source_kind"] == "national"
    tgt = df["target"].fillna("").str.strip().str.casefold()
    for tt, idx in df.groupby("threat_type").groups.items():
        if tt == UNKNOWN_TYPE:
            continue
        sub_nat = [i for i in idx if nat[i]]
        if not sub_nat:
            continue
        ns = df.loc[sub_nat, "window_start"].to_numpy()
        ne = end[sub_nat].to_numpy()
        nt = tgt[sub_nat].to_numpy()
        national_scope = np.isin(nt, list(_NATIONAL_TARGETS))
        for i in idx:
            if nat[i]:
                continue
            overlap = (ns < end[i].to_datetime64()) & (ne > df.at[i, "window_start"].to_datetime64())
            if np.any(overlap & (national_scope | (nt == tgt[i]))):
                dup[i] = True
    return dup


# ------------------------------------------------------------------------------------------------
# public API


def load_attacks(path: str | Path, *, models_path: str | Path | None = None,
                 drop_regional_duplicates: bool = True, strict_columns: bool = True,
                 until: Any = None) -> pd.DataFrame:
    """Parse the daily attacks CSV into one row per weapon type per report row.

    ``models_path`` (optional) is either a mapping file that extends or overrides the built-in table
    (CSV with columns ``model, threat_type, class``, or YAML ``name: {threat_type, class}``), or the
    dataset's own ``missiles_and_uavs.csv``, whose category/type is then shown as a hint for unknown
    names (their class stays ``unknown``).

    Returns a DataFrame with columns :data:`OUTPUT_COLUMNS`: ``line`` (line of the record in the file),
    ``window_start``, ``window_end`` (Timestamps), ``date_only`` (end given without a time),
    ``month`` ("YYYY-MM" of window_start), ``model`` (name as written), ``component`` (the part of a
    lumped name), ``threat_type``, ``class``, ``launched``, ``destroyed`` (NaN when not reported),
    ``lost`` (``not_reach_goal``, 0 when empty), ``lost_reported``, ``destroyed_missing``,
    ``still_attacking``, ``split`` (row comes from a lumped name), ``source_kind``
    (national/regional/other), ``target``, ``source``, ``shahed_count`` (``is_shahed``: Shahed-type
    drones among the row's launches, NaN when not given), ``turbojet``, ``turbojet_destroyed``.

    ``df.attrs`` holds: ``file``, ``file_rows``, ``rows_after_until``, ``unknown_models`` ({name: rows}),
    ``unknown_model_hints``, ``lumped_rows``, ``regional_duplicates_dropped``,
    ``regional_duplicate_lines``, ``destroyed_missing_lines``, ``launched_missing_lines``,
    ``lost_capped_lines``, ``window_end_fixed_lines`` (time_end before time_start: an end time on the
    same date is read as the next morning, otherwise the window collapses to time_start; warned),
    ``shahed_count_rows`` (rows with a usable ``is_shahed``), ``shahed_breakdown_rows`` (of them, rows of
    drones only that it splits into Shahed-type and decoys), ``shahed_split_rows`` (lumps of drones and
    missiles that it splits), ``shahed_count_ignored_lines``, ``destroyed_over_launched_lines``,
    ``turbojet_rows``.

    ``until`` (a date): records that start after that day are left out before anything else, so that
    nothing later (not even the shares that split lumped rows) reaches a fit to that date.

    Raises :class:`UkraineDataError` for a missing or malformed file, missing/unknown columns, or a
    bad value (naming the line and column).
    """
    path = Path(path)
    header, records = _read_rows(path)
    _check_header(header, path, strict_columns)
    col = {c: header.index(c) for c in header}
    lookup = build_lookup(MODEL_TABLE)
    hints: dict[str, str] = {}
    if models_path is not None:
        overrides, hints = _load_models_file(models_path)
        lookup.update(overrides)

    base: list[dict[str, Any]] = []
    end_fixed: list[int] = []
    shahed_ignored: list[int] = []
    destroyed_over: list[int] = []
    hint_unreadable: list[tuple[int, str]] = []
    cutoff = None if until is None else pd.Timestamp(until).normalize() + pd.Timedelta(days=1)
    after_until = 0
    width = len(header)
    for line, f in records:
        if len(f) != width:
            raise UkraineDataError(f"{len(f)} fields; expected {width} as in the header",
                                   file=path, line=line)
        get = lambda c: f[col[c]] if c in col else ""  # noqa: E731
        start, _ = _time(get("time_start"), path, line, "time_start")
        if cutoff is not None and start >= cutoff:
            after_until += 1
            continue
        end_s = get("time_end")
        if end_s.strip() in _NA_STRINGS:
            end, date_only_end = start, bool(_DATE_ONLY.match(get("time_start").strip()))
        else:
            end, date_only_end = _time(end_s, path, line, "time_end")
        launched = _count(get("launched"), path, line, "launched")
        destroyed = _count(get("destroyed"), path, line, "destroyed")
        lost_raw = _count(get("not_reach_goal"), path, line, "not_reach_goal")
        if not np.isnan(destroyed) and not np.isnan(launched) and destroyed > launched:
            destroyed_over.append(line)  # more shot down than launched: a transcription error
            destroyed = float("nan")  # left out of defeat rates like an unreported outcome
        still = _count(get("still_attacking"), path, line, "still_attacking") if "still_attacking" in col \
            else float("nan")
        extra = {}
        for c in ("is_shahed", "turbojet", "turbojet_destroyed"):  # optional hints: a bad value is skipped
            try:
                extra[c] = _count(get(c), path, line, c) if c in col else float("nan")
            except UkraineDataError:
                extra[c] = float("nan")
                hint_unreadable.append((line, c))
        if not np.isnan(extra["is_shahed"]) and not np.isnan(launched) and extra["is_shahed"] > launched:
            shahed_ignored.append(line)  # more Shahed-type drones than launches: inconsistent
            extra["is_shahed"] = float("nan")
        if end < start:  # a typo in the report transcription: overnight end on the same date
            fixed = end + pd.Timedelta(days=1)
            end = fixed if (fixed >= start and end.normalize() == start.normalize()) else start
            end_fixed.append(line)
        src = get("source").strip()
        base.append(dict(
            line=line, window_start=start, window_end=end, date_only=bool(date_only_end),
            date_only_end=bool(date_only_end), model=" ".join(get("model").split()),
            launched=launched, destroyed=destroyed, lost_raw=lost_raw, still_attacking=still,
            source_kind=source_kind(src), target=" ".join(get("target").split()) or None,
            source=src, shahed_raw=extra["is_shahed"], turbojet_raw=extra["turbojet"],
            turbojet_destroyed_raw=extra["turbojet_destroyed"],
        ))

    # map names; collect unknown ones
    unknown: Counter[str] = Counter()
    lumped_rows = 0
    parts_of: list[list[tuple[str, str, str]]] = []
    for rec in base:
        name = rec["model"]
        whole = lookup.get(normalise_name(name))
        if whole is not None:
            parts = [(name, whole[0], whole[1])]
        else:
            parts = []
            for p in split_lumped(name) if name else [""]:
                hit = lookup.get(normalise_name(p))
                sub = split_slashed(p, lookup) if hit is None else None
                if sub is not None:
                    parts.extend((q, *lookup[normalise_name(q)]) for q in sub)
                    continue
                if hit is None:
                    unknown[p or "<empty>"] += 1
                    parts.append((p or "<empty>", UNKNOWN_TYPE, UNKNOWN_CLASS))
                else:
                    parts.append((p, hit[0], hit[1]))
        lumped_rows += len(parts) > 1
        parts_of.append(parts)

    # reference launches for splitting: national single-model rows of known type
    ref = pd.DataFrame(
        [dict(window_start=r["window_start"], threat_type=p[0][1], launched=r["launched"])
         for r, p in zip(base, parts_of)
         if len(p) == 1 and p[0][2] != UNKNOWN_CLASS and r["source_kind"] == "national"],
        columns=["window_start", "threat_type", "launched"])
    ref["window_start"] = pd.to_datetime(ref["window_start"])
    ref["launched"] = ref["launched"].astype(float)

    out: list[dict[str, Any]] = []
    lost_capped: list[int] = []
    shahed_split_rows = 0
    shahed_breakdown_rows = 0
    for rec, parts in zip(base, parts_of):
        L, D, N_raw, S = rec["launched"], rec["destroyed"], rec["lost_raw"], rec["still_attacking"]
        N = 0.0 if np.isnan(N_raw) else N_raw
        if not np.isnan(L) and not np.isnan(D) and D + N > L:
            N = max(L - D, 0.0)
            lost_capped.append(rec["line"])
        drone_parts = [cls == "drone" for _, _, cls in parts]
        Sh = rec["shahed_raw"]
        has_sh = not np.isnan(Sh) and not np.isnan(L)
        mixed = any(drone_parts) and not all(drone_parts)
        if len(parts) == 1:
            ls, ds, ns, ss = [L], [D], [N], [S]
        else:
            w = _split_shares(rec, parts, ref)
            k = len(parts)
            if has_sh and mixed:  # the row's own count of Shahed-type drones splits drones from the rest
                ls = [0.0] * k
                for grp, total in ((True, Sh), (False, L - Sh)):
                    idx = [j for j in range(k) if drone_parts[j] == grp]
                    for j, x in zip(idx, _apportion(total, [w[j] for j in idx] if sum(w[j] for j in idx) > 0
                                                    else [1.0] * len(idx))):
                        ls[j] = x
                shahed_split_rows += 1
            elif not np.isnan(L) and L >= k:  # every part the report names launched at least one
                ls = [1.0 + x for x in _apportion(L - k, w)]
            else:
                ls = _apportion(L, w)
            ds = _apportion(D, ls if not np.isnan(L) else w)
            room = [l_ - (0.0 if np.isnan(d_) else d_) for l_, d_ in zip(ls, ds)] if not np.isnan(L) else w
            ns = _apportion(N, room if sum(room) > 0 else (ls if not np.isnan(L) else w))
            ss = _apportion(S, ls if not np.isnan(L) else w)
        # is_shahed / turbojet: counts within the row's drones, shared over its drone parts. is_shahed
        # tells the decoy share only on an all-drone row and only strictly between 0 and the launches
        dl = [l_ if is_d else 0.0 for l_, is_d in zip(ls, drone_parts)]
        extras = {}
        breakdown = has_sh and not mixed and 0 < Sh < L
        shahed_breakdown_rows += bool(breakdown)
        for key in ("shahed_raw", "turbojet_raw", "turbojet_destroyed_raw"):
            v = rec[key] if (key != "shahed_raw" or breakdown) else float("nan")
            if np.isnan(v) or not any(drone_parts):
                extras[key] = [float("nan")] * len(parts)
            elif len(parts) == 1:
                extras[key] = [v]
            else:
                a = _apportion(v, dl if sum(dl) > 0 else [float(x) for x in drone_parts])
                extras[key] = [x if is_d else float("nan") for x, is_d in zip(a, drone_parts)]
        for j, ((pname, tt, cls), l_, d_, n_, s_) in enumerate(zip(parts, ls, ds, ns, ss)):
            out.append(dict(
                line=rec["line"], window_start=rec["window_start"], window_end=rec["window_end"],
                date_only=rec["date_only"], date_only_end=rec["date_only_end"],
                month=rec["window_start"].strftime("%Y-%m"), model=rec["model"], component=pname,
                threat_type=tt, **{"class": cls}, launched=l_, destroyed=d_, lost=n_,
                lost_reported=not np.isnan(N_raw), destroyed_missing=bool(np.isnan(D)),
                still_attacking=s_, split=len(parts) > 1, source_kind=rec["source_kind"],
                target=rec["target"], source=rec["source"], shahed_count=extras["shahed_raw"][j],
                turbojet=extras["turbojet_raw"][j], turbojet_destroyed=extras["turbojet_destroyed_raw"][j],
            ))

    df = pd.DataFrame(out, columns=list(OUTPUT_COLUMNS) + ["date_only_end"])
    if df.empty:
        df = df.astype({"launched": float, "destroyed": float, "lost": float})
    df["window_start"] = pd.to_datetime(df["window_start"])
    df["window_end"] = pd.to_datetime(df["window_end"])
    dup = _regional_duplicates(df) if (drop_regional_duplicates and not df.empty) else \
        pd.Series(False, index=df.index)
    dup_lines = sorted(set(df.loc[dup, "line"].tolist()))
    df = df.loc[~dup, list(OUTPUT_COLUMNS)].reset_index(drop=True)

    df.attrs.update({
        "file": str(path),
        "file_rows": len(records),
        "rows_after_until": after_until,
        "unknown_models": dict(unknown.most_common()),
        "unknown_model_hints": {k: hints.get(normalise_name(k), "") for k in unknown},
        "lumped_rows": int(lumped_rows),
        "regional_duplicates_dropped": int(dup.sum()),
        "regional_duplicate_lines": [int(x) for x in dup_lines],
        "destroyed_missing_lines": [int(r["line"]) for r in base if np.isnan(r["destroyed"])],
        "launched_missing_lines": [int(r["line"]) for r in base if np.isnan(r["launched"])],
        "lost_capped_lines": [int(x) for x in lost_capped],
        "window_end_fixed_lines": end_fixed,
        "shahed_count_rows": int(sum(not np.isnan(r["shahed_raw"]) for r in base)),
        "shahed_split_rows": shahed_split_rows,
        "shahed_breakdown_rows": shahed_breakdown_rows,
        "shahed_count_ignored_lines": shahed_ignored,
        "destroyed_over_launched_lines": destroyed_over,
        "hint_unreadable_lines": sorted({ln for ln, _ in hint_unreadable}),
        "turbojet_rows": int(sum(not np.isnan(r["turbojet_raw"]) for r in base)),
    })
    if hint_unreadable:
        warnings.warn(f"{path}: values that are not non-negative whole numbers in "
                      f"{sorted({c for _, c in hint_unreadable})} on line(s) "
                      f"{sorted({ln for ln, _ in hint_unreadable})[:20]}; read as empty", UserWarning, stacklevel=2)
    if destroyed_over:
        warnings.warn(f"{path}: destroyed is larger than launched on line(s) {destroyed_over[:20]}; those rows "
                      "count in launched but are left out of defeat rates", UserWarning, stacklevel=2)
    if shahed_ignored:
        warnings.warn(f"{path}: is_shahed on line(s) {shahed_ignored[:20]} is larger than the row's launched; "
                      "ignored", UserWarning, stacklevel=2)
    if end_fixed:
        warnings.warn(f"{path}: time_end before time_start on line(s) {end_fixed[:20]}: read as the "
                      "next day's time (same date given) or as time_start", UserWarning, stacklevel=2)
    if unknown:
        listing = ", ".join(
            f"{k!r} ({v} row{'s' if v != 1 else ''}"
            + (f"; dataset says: {hints[normalise_name(k)]}" if hints.get(normalise_name(k)) else "")
            + ")" for k, v in unknown.most_common())
        warnings.warn(f"{path}: {len(unknown)} model name(s) not in schild's mapping, kept with class "
                      f"'unknown': {listing}. Add them to schild/data/ukraine_models.py or pass "
                      "models_path.", UnknownModelWarning, stacklevel=2)
    return df
