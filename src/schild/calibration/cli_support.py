"""The ``schild calibrate`` and ``schild score`` commands."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..output_paths import check_output_dir, check_output_file, write_error
from ..results import atomic_write_text
from .pipeline import calibrate, read_params
from .data import load, parse_date
from .validate import validate

__all__ = ["run_calibration", "run_validation"]


def _check_runs(runs: int, seed: int) -> None:
    if runs < 1:
        raise InputError(f"--runs must be at least 1, got {runs}")
    if seed < 0:
        raise InputError(f"--seed must be a non-negative integer, got {seed}")


def _json_default(x: Any) -> Any:
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(type(x))


def _clean(obj: Any) -> Any:
    """NaN/inf -> None so the file is strict JSON."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return None if not math.isfinite(float(obj)) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def run_calibration(*, data: Path, until: str, since: str | None, out: Path, runs: int, seed: int,
                    console: Console, allow_extra_columns: bool = False,
                    models: Path | None = None) -> dict[str, Any]:
    """Fit the family to the reports from ``since`` (default: the start) to ``until``; write ``out``."""
    _check_runs(runs, seed)
    until_ts = parse_date(until, "until")
    since_ts = parse_date(since, "since")
    if since_ts is not None and since_ts > until_ts:
        raise InputError(f"--since {since} is after --until {until}")
    check_output_file("--out", out)
    t0 = time.perf_counter()
    df = load(data, allow_extra_columns=allow_extra_columns, models=models, until=until_ts,
              report=lambda line: console.print(f"[yellow]{escape(line)}[/]", highlight=False))
    console.print(f"[bold]calibrating[/] on {escape(data.name)}: "
                  f"{since_ts.date() if since_ts is not None else 'start'} .. {until_ts.date()}", highlight=False)
    doc = calibrate(df, until=until_ts, since=since_ts, runs=runs, seed=seed, data_file=data,
                    progress=lambda msg: console.print(f"  {msg}", highlight=False))
    doc["timing_s"]["wall"] = round(time.perf_counter() - t0, 1)
    try:
        atomic_write_text(out, json.dumps(_clean(doc), indent=1, default=_json_default))
    except OSError as exc:
        raise write_error("the parameters", out, exc) from None
    table = Table(title=f"fitted to {doc['fit_until']}: posterior mean ± sd at {doc['last_month']}")
    reverting = any("phi" in rep["posterior"] for rep in doc["groups"].values())
    sized = {g: rep["map"]["size_ref_launches"] for g, rep in doc["groups"].items()
             if "beta" in rep["posterior"] and "size_ref_launches" in rep["map"]}
    cols = (("group", "windows", "level a", "drift tau", "month sd", "rho") + (("size beta",) if sized else ())
            + (("mu", "phi") if reverting else ()))
    for col in cols:
        table.add_column(col, justify="left" if col == "group" else "right")
    for g, rep in doc["groups"].items():
        ps = rep["posterior"]
        f = lambda k, d=2: f"{ps[k]['mean']:.{d}f} ± {ps[k]['sd']:.{d}f}" if k in ps else "-"  # noqa: E731
        row = [g, str(rep["windows"]), f("level_last"), f("tau"), f("sigma"), f("rho", 3)]
        table.add_row(*row, *((f("beta"),) if sized else ()), *((f("mu"), f("phi")) if reverting else ()))
    console.print(table)
    if "drone" in doc["groups"]:
        rep = doc["groups"]["drone"]
        ps = rep["posterior"]
        console.print(f"drone: EW defeat probability {ps['ew']['mean']:.2f} ± {ps['ew']['sd']:.2f}, oblast share of "
                      f"a raid {ps['share']['mean']:.2f} ± {ps['share']['sd']:.2f}, decoy share at "
                      f"{doc['last_month']} {rep['map'].get('delta_last', 0.0):.2f} (MAP)", highlight=False)
    console.print("level a: logit shift of every fire unit's single-shot pk against the class "
                  "(0 = catalogue); tau: drift per month; rho: over-dispersion of attack windows"
                  + ("; size beta: shift of the level per unit of log launches in the window, the level "
                     "being that of a window of " + ", ".join(f"{v:g} ({g})" for g, v in sized.items())
                     if sized else "")
                  + ("; mu, phi: long-run level and monthly persistence where the level reverts ('-': a "
                     "random walk)" if reverting else ""), highlight=False)
    eff = doc.get("effective_pk", {})
    if eff:
        t2 = Table(title=f"effective single-shot pk per layer at {doc['last_month']} (posterior mean, 90% interval)")
        for col in ("group", "layer (unit type / round)", "catalogue", "fitted"):
            t2.add_column(col, justify="left" if col in ("group", "layer (unit type / round)") else "right")
        for g, rows in eff.items():
            for r in rows:
                if not r.get("fires", True):
                    continue
                t2.add_row(g, f"{r['unit_type']} / {r['interceptor']}", f"{r['catalogue_pk']:.2f}",
                           f"{r['mean']:.2f} ({r['p05']:.2f}-{r['p95']:.2f})")
        console.print(t2)
        if sized:
            console.print("fitted pk of " + ", ".join(f"{g} at a window of {v:g}" for g, v in sized.items())
                          + " launches (bigger windows shift by size beta)", highlight=False)
    fc = doc.get("fit_check", {}).get("summary", {})
    if fc:
        console.print("training months reproduced (MAE of the monthly defeat rate, pp; level path alone / with "
                      "month effects): " + ", ".join(f"{c} {v['mae_pp_level']:.1f} / {v['mae_pp']:.1f}"
                                                     for c, v in fc.items()), highlight=False)
    if doc["unfitted_groups"]:
        console.print(f"no training data for: {', '.join(doc['unfitted_groups'])}", highlight=False)
    console.print(f"parameters: {out}  (tables {doc['timing_s']['tables']} s, fit {doc['timing_s']['fit']} s, "
                  f"wall {doc['timing_s']['wall']} s)", highlight=False)
    return doc


def run_validation(*, data: Path, params: Path, from_date: str, until: str | None, json_out: Path | None,
                   report: Path | None, runs: int, seed: int, console: Console,
                   allow_extra_columns: bool = False, models: Path | None = None,
                   method: str = "auto") -> dict[str, Any]:
    """Predict the months from ``from_date`` to ``until`` with the calibrated family; score vs the naive."""
    _check_runs(runs, seed)
    if method not in ("auto", "simulate"):
        raise InputError(f"--predict-with {method!r}: expected 'auto' or 'simulate'")
    doc = read_params(params)
    from_ts = parse_date(from_date, "from")
    until_ts = parse_date(until, "until")
    if until_ts is not None and until_ts < from_ts:
        raise InputError(f"--until {until} is before --from {from_date}")
    if json_out is not None:
        check_output_file("--json", json_out)
    if report is not None:
        check_output_dir("--report", report)
    t0 = time.perf_counter()
    df = load(data, allow_extra_columns=allow_extra_columns, models=models,
              report=lambda line: console.print(f"[yellow]{escape(line)}[/]", highlight=False))
    result = validate(df, doc, from_ts=from_ts, until_ts=until_ts, runs=runs, seed=seed, method=method,
                      progress=lambda msg: console.print(f"  {msg}", highlight=False))
    result["meta"]["seconds"] = round(time.perf_counter() - t0, 1)
    result["meta"]["params_file"] = params.name
    if json_out is not None:
        try:
            atomic_write_text(json_out, json.dumps(_clean(result), indent=1, default=_json_default))
        except OSError as exc:
            raise write_error("the validation table", json_out, exc) from None
    if report is not None:
        from ..data.ukraine import monthly_table
        from ..report.validation import write_validation_report

        rows = pd.DataFrame(result["rows"])
        naive_rows = pd.DataFrame(result["naive"]["rows"])
        summ = pd.DataFrame([{"class": c, "n_months": v["n_months"], "coverage_90": v["coverage90"],
                              "mae_pp": v["mae_pp"], "bias_pp": v["bias_pp"], "floor_mae_pp": v["floor_mae_pp"]}
                             for c, v in result["summary"].items()])
        hist = monthly_table(df)
        hist = hist[hist["class"].isin(set(rows["class"]) if len(rows) else set())
                    & (hist["month"] <= doc["last_month"])]
        fit_rows = pd.DataFrame((doc.get("fit_check") or {}).get("rows") or [])
        if hist.empty and len(fit_rows):  # a file of the new months only: the fit's own observed months
            hist = fit_rows.assign(defeat_rate=fit_rows["observed_defeated"] / fit_rows["observed_launched"])
        paths = write_validation_report(
            rows, summ, report, doc["fit_until"], naive=naive_rows[naive_rows["class"].isin(set(rows["class"]))]
            if len(naive_rows) else None, history=hist, fitted=doc.get("fit_check"),
            effective_pk=doc.get("effective_pk"),
            notes=[f"Naive yardstick: {result['naive']['description']}; taken from the "
                   f"{result['naive']['source']}."]
            + ([f"Naive yardstick: {result['naive']['note']}."] if result["naive"].get("note") else [])
            + [f"Not modelled: {k} ({v})." for k, v in result["not_modelled"].items()],
            title=f"schild hold-out check: fitted to {doc['fit_until']}, predicted "
                  f"{result['meta']['months'][0]}..{result['meta']['months'][-1]}")
        result["meta"]["report"] = {"png": str(paths.png), "html": str(paths.html)}
    table = Table(title=f"hold-out {result['meta']['months'][0]}..{result['meta']['months'][-1]} "
                        f"(fitted to {doc['fit_until']}; {runs} replications/month)")
    # short headers: the table must fit an 80-column terminal without cutting class names
    for col in ("class", "months", "MAE", "naive MAE", "floor", "cov90", "naive cov90", "bias"):
        table.add_column(col, justify="left" if col == "class" else "right", no_wrap=col == "class")
    def fmt(x: Any, d: int = 2) -> str:
        return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{d}f}"

    for cls, s in result["summary"].items():
        better = s["mae_pp"] is not None and s.get("naive_mae_pp") is not None and s["mae_pp"] < s["naive_mae_pp"]
        table.add_row(cls, str(s["n_months"]), ("[green]" if better else "") + fmt(s["mae_pp"]),
                      fmt(s.get("naive_mae_pp")), fmt(s.get("floor_mae_pp")), fmt(s["coverage90"]),
                      fmt(s.get("naive_coverage90")),
                      fmt(s.get("bias_pp"), 1))
    console.print(table)
    console.print("MAE, floor and bias in percentage points of the monthly defeat rate; floor: the MAE of each "
                  "class's median observed rate held over these months, the least any forecast of one steady "
                  "level can reach (one that moves with each month's raids can go below it)", highlight=False,
                  style="dim")
    if result["naive"].get("note"):
        console.print(f"[yellow]naive yardstick: {escape(str(result['naive']['note']))}[/]", highlight=False)
    if result["not_modelled"]:
        console.print("not modelled: " + "; ".join(f"{k} ({v})" for k, v in result["not_modelled"].items()),
                      highlight=False)
    if json_out is not None:
        console.print(f"validation: {json_out}", highlight=False)
    if report is not None:
        console.print(f"report: {result['meta']['report']['html']}", highlight=False)
    ev = result["meta"].get("evaluations") or {}
    if ev:
        console.print(f"simulator output per window: {ev.get('table', 0)} from the fit's tables, "
                      f"{ev.get('simulate', 0)} fresh simulations (--predict-with {result['meta']['method']})",
                      highlight=False)
    console.print(f"wall {result['meta']['seconds']} s", highlight=False)
    return result
