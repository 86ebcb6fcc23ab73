"""Validation report: predicted vs observed monthly defeat rates, as a PNG and an offline HTML page.

Rows are those of :mod:`schild.data.validation` (``class, month, observed_launched,
observed_defeated, predicted_defeated_mean, predicted_defeated_p05, predicted_defeated_p95``). The
HTML page needs no network: the figure is embedded as base64 and there is no script.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

import numpy as np
import pandas as pd

from ..data.ukraine_models import CLASSES
from ..data.validation import ROW_COLUMNS, score

__all__ = ["ReportPaths", "write_validation_report"]

ATTRIBUTION = ("Data: Petro Ivaniuk (piterfm), Massive Missile Attacks on Ukraine (Kaggle), compiled "
               "from Air Force of the Armed Forces of Ukraine reports.")


class ReportPaths(NamedTuple):
    png: Path
    html: Path


def _rows_frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]] | None, what: str) -> pd.DataFrame:
    if rows is None:
        df = pd.DataFrame({c: pd.Series(dtype=float) for c in ROW_COLUMNS})
    else:
        df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    missing = [c for c in ROW_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing field(s) {missing}; each row needs {list(ROW_COLUMNS)}")
    for c in ROW_COLUMNS[2:]:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["class"] = df["class"].astype(str)
    df["month"] = df["month"].astype(str).str[:7]
    n = df["observed_launched"].where(df["observed_launched"] > 0)
    df["observed_rate"] = df["observed_defeated"] / n
    df["predicted_rate"] = df["predicted_defeated_mean"] / n
    df["predicted_rate_p05"] = df["predicted_defeated_p05"] / n
    df["predicted_rate_p95"] = df["predicted_defeated_p95"] / n
    df["_t"] = pd.to_datetime(df["month"] + "-15")
    return df.sort_values(["class", "_t"])


def _summary_frame(summary: Any) -> pd.DataFrame:
    if summary is None:
        return pd.DataFrame(columns=["class"])
    if isinstance(summary, pd.DataFrame):
        df = summary.copy()
        if "class" not in df.columns:
            df = df.rename_axis("class").reset_index()
        return df
    if isinstance(summary, Mapping):
        if all(isinstance(v, Mapping) for v in summary.values()):
            return pd.DataFrame([{"class": k, **dict(v)} for k, v in summary.items()])
        return pd.DataFrame([{"class": "all", **dict(summary)}])
    return pd.DataFrame(list(summary))


def _month_end(value: Any) -> pd.Timestamp:
    p = pd.Period(pd.Timestamp(str(value)) if len(str(value)) > 7 else str(value), freq="M")
    return p.end_time.normalize() + pd.Timedelta(days=1)


def _plot(ours: pd.DataFrame, naive: pd.DataFrame, history: pd.DataFrame | None, fit_end: pd.Timestamp,
          png: Path, title: str, fitted: pd.DataFrame | None = None) -> None:
    # Agg canvas on a bare Figure: no pyplot, no global backend switch, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # the report classes in their usual order (drones and cruise first), anything else after
    rank = {c: i for i, c in enumerate(CLASSES)}
    classes = sorted(set(ours["class"]) | set(naive["class"]), key=lambda c: (rank.get(c, len(rank)), c))
    if not classes:
        classes = ["(no rows)"]
    ncols = 2 if len(classes) > 1 else 1
    nrows = int(np.ceil(len(classes) / ncols))
    fig = Figure(figsize=(6.4 * ncols, 3.0 * nrows))
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    starts = [t for t in (ours["_t"].min(), naive["_t"].min()) if pd.notna(t)]
    hist_fit = None
    if history is not None and len(history):
        hist_fit = history[history["_t"] <= fit_end]
        if len(hist_fit):
            starts.append(hist_fit["_t"].min())
    left = min(starts, default=fit_end - pd.Timedelta(days=180)) - pd.Timedelta(days=20)
    left = min(left, fit_end - pd.Timedelta(days=45))
    for ax, cls in zip(axes.flat, classes):
        o = ours[ours["class"] == cls]
        nv = naive[naive["class"] == cls]
        if hist_fit is not None:
            h = hist_fit[hist_fit["class"] == cls]
            if len(h):
                ax.plot(h["_t"], h["defeat_rate"] * 100, "o", color="0.55", ms=3,
                        label="observed (fit period)")
        if fitted is not None and len(fitted):
            fv = fitted[(fitted["class"] == cls) & (fitted["_t"] <= fit_end)]
            if len(fv):
                ax.plot(fv["_t"], fv["fitted_rate_level"] * 100, "-", color="tab:green", lw=1.2,
                        label="fitted (level path, fit period)")
        ax.axvspan(left, fit_end, color="0.9", zorder=0, label="fit period")
        if len(o) > 1:
            ax.fill_between(o["_t"], o["predicted_rate_p05"] * 100, o["predicted_rate_p95"] * 100,
                            color="tab:blue", alpha=0.25, label="90% band")
        elif len(o) == 1:
            mid = o["predicted_rate"] * 100
            ax.errorbar(o["_t"], mid, yerr=[mid - o["predicted_rate_p05"] * 100,
                                            o["predicted_rate_p95"] * 100 - mid],
                        fmt="none", ecolor="tab:blue", alpha=0.5, capsize=4, label="90% band")
        if len(o):
            ax.plot(o["_t"], o["predicted_rate"] * 100, "-", marker="_", color="tab:blue",
                    label="predicted")
            ax.plot(o["_t"], o["observed_rate"] * 100, "o", color="black", ms=4, label="observed")
        if len(nv):
            ax.plot(nv["_t"], nv["predicted_rate"] * 100, "--", color="tab:orange",
                    marker="x" if len(nv) == 1 else None, label="naive (last rate held)")
            if not len(o):
                ax.plot(nv["_t"], nv["observed_rate"] * 100, "o", color="black", ms=4, label="observed")
        ax.set_title(cls)
        ax.set_ylabel("defeat rate, %")
        ax.set_ylim(-3, 103)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(classes):]:
        ax.set_visible(False)
    seen: dict[str, Any] = {}
    for a in axes.flat:
        for hd, lb in zip(*a.get_legend_handles_labels()):
            seen.setdefault(lb, hd)
    fig.legend(list(seen.values()), list(seen.keys()), loc="lower center", ncol=min(len(seen), 6),
               frameon=False, fontsize=8)
    fig.suptitle(title)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    fig.savefig(png, dpi=110)


_COUNT_COLUMNS = {"n_months", "launched", "observed_launched", "observed_defeated",
                  "predicted_defeated_p05", "predicted_defeated_p95"}


def _fmt_table(df: pd.DataFrame) -> str:
    def fmt(col: str, v: Any) -> str:
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return str(v)
        if isinstance(v, (float, np.floating)):
            if np.isnan(v):
                return "&ndash;"
            if col in _COUNT_COLUMNS and v == int(v):
                return f"{v:.0f}"
            return f"{v:.2f}"
        return html.escape(str(v))

    cols = [str(c) for c in df.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{fmt(c, v)}</td>" for c, v in zip(cols, r)) + "</tr>"
                   for r in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fit_section(fit_summary: Mapping[str, Any]) -> str:
    """How well the fit reproduces its own training months (in-sample), when the parameters say."""
    if not fit_summary:
        return ""
    tbl = pd.DataFrame([{"class": c, "n_months": v.get("n_months"), "in_sample_mae_pp_level": v.get("mae_pp_level"),
                         "in_sample_mae_pp": v.get("mae_pp")} for c, v in fit_summary.items()])
    return ("<h2>Training months reproduced</h2>\n<p>In-sample MAE of the monthly defeat rate (pp) at the "
            "fitted parameters: with the level path alone (the green line in the fit period) and with each "
            "month's effect at its posterior mean. Not a forecast check; the hold-out figures above are.</p>\n"
            + _fmt_table(tbl))


def _pk_section(effective: Mapping[str, Any] | None) -> str:
    """The fitted single-shot pk per class and layer (rounds the doctrine fires at the class)."""
    if not effective:
        return ""
    rows = [{"group": g, "layer": f"{r['unit_type']} / {r['interceptor']}", "catalogue_pk": r["catalogue_pk"],
             "fitted_pk": r["mean"], "p05": r["p05"], "p95": r["p95"]}
            for g, rs in effective.items() for r in rs if r.get("fires", True)]
    if not rows:
        return ""
    return ("<h2>Effective single-shot pk per layer</h2>\n<p>At the last fitted month, posterior mean and 90% "
            "interval. Effective values of the family (one generic oblast), not measured weapon performance: "
            "geography, cueing and coverage that the family leaves out land in them (docs/calibration.md).</p>\n"
            + _fmt_table(pd.DataFrame(rows)))


def write_validation_report(rows: pd.DataFrame | Iterable[Mapping[str, Any]], summary: Any,
                            out_dir: str | Path, fit_until: Any, naive: Any = None, *,
                            history: pd.DataFrame | None = None, fitted: Any = None,
                            effective_pk: Mapping[str, Any] | None = None,
                            title: str = "Monthly defeat rate: predicted vs observed",
                            stem: str = "validation", notes: Iterable[str] | None = None) -> ReportPaths:
    """Write ``<stem>.png`` and ``<stem>.html`` into ``out_dir``; return their paths.

    ``rows``: our predictions (score rows). ``summary``: our metrics, e.g. :func:`score` output (a
    DataFrame with a ``class`` column, or ``{class: {metric: value}}``). ``fit_until``: last date of the
    fit period (shaded). ``naive``: rows of the yardstick (:func:`naive_forecast`); when given its
    metrics are computed and shown beside ours (MAE and coverage). ``history``: optional
    ``monthly_table`` output to draw observed rates inside the fit period. ``fitted``: the parameters
    file's ``fit_check`` block (``rows`` and ``summary``) to draw the fitted level inside the fit period
    and list how well the training months are reproduced. ``effective_pk``: the parameters file's
    ``effective_pk`` block, listed as a table. ``notes``: lines listed under "Notes" (where the
    yardstick came from, classes not modelled, ...).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ours = _rows_frame(rows, "rows")
    nv = _rows_frame(naive, "naive") if naive is not None else _rows_frame(None, "naive")
    fit_end = _month_end(fit_until)
    hist = None
    if history is not None and len(history):
        hist = history.copy()
        hist["_t"] = pd.to_datetime(hist["month"].astype(str).str[:7] + "-15")
    fit_rows = pd.DataFrame((fitted or {}).get("rows", [])) if isinstance(fitted, Mapping) else None
    fit_summary = (fitted or {}).get("summary", {}) if isinstance(fitted, Mapping) else {}
    if fit_rows is not None and len(fit_rows):
        fit_rows = fit_rows.assign(
            _t=pd.to_datetime(fit_rows["month"].astype(str).str[:7] + "-15"),
            fitted_rate_level=fit_rows["fitted_defeated_level"] / fit_rows["observed_launched"])
    png = out / f"{stem}.png"
    html_path = out / f"{stem}.html"
    _plot(ours, nv, hist, fit_end, png, title, fit_rows)

    summ = _summary_frame(summary)
    if naive is not None and len(nv):
        ns = score(nv)[["class", "coverage_90", "mae_pp"]].rename(
            columns={"coverage_90": "naive_coverage_90", "mae_pp": "naive_mae_pp"})
        summ = summ.merge(ns, on="class", how="outer") if "class" in summ.columns else ns
        if "mae_pp" in summ.columns:
            summ["mae_gain_pp"] = summ["naive_mae_pp"] - summ["mae_pp"]
    if "class" in summ.columns and len(summ):
        summ = summ.assign(_last=summ["class"].astype(str).eq("all")).sort_values(
            ["_last", "class"], kind="stable").drop(columns="_last").reset_index(drop=True)
    table_cols = [c for c in ("class", "month", "observed_launched", "observed_defeated",
                              "predicted_defeated_mean", "predicted_defeated_p05",
                              "predicted_defeated_p95", "observed_rate", "predicted_rate")]
    rows_tbl = ours[table_cols] if len(ours) else pd.DataFrame(columns=table_cols)
    if len(nv):
        rows_tbl = rows_tbl.merge(
            nv[["class", "month", "predicted_rate"]].rename(columns={"predicted_rate": "naive_rate"}),
            on=["class", "month"], how="outer")
    img = base64.b64encode(png.read_bytes()).decode("ascii")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
th {{ background: #f0f0f0; }}
.note {{ color: #555; font-size: 0.9em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Fit period ends {html.escape(str(fit_until))} (shaded in the figure). Rates are defeated / launched,
defeated = destroyed + lost (locally lost, <code>not_reach_goal</code>). Coverage is the share of
months whose observed count lies in the 90% interval; MAE is in percentage points.
<code>floor_mae_pp</code> is the MAE of each class's median observed rate held over the predicted months:
not a forecast (it knows those months), but the least error any forecast of one steady level can reach,
i.e. the month-to-month scatter (a forecast that moves with each month's raids can go below it).</p>
<h2>Summary</h2>
{_fmt_table(summ)}
<h2>Figure</h2>
<img alt="predicted vs observed monthly defeat rate per class" src="data:image/png;base64,{img}"
 style="max-width:100%">
<h2>Rows</h2>
{_fmt_table(rows_tbl)}
{_fit_section(fit_summary)}
{_pk_section(effective_pk)}
{_notes_section(notes)}
<p class="note">{html.escape(ATTRIBUTION)}</p>
</body></html>
"""
    html_path.write_text(page, encoding="utf-8")
    return ReportPaths(png=png, html=html_path)


def _notes_section(notes: Iterable[str] | None) -> str:
    items = [str(n) for n in (notes or []) if str(n).strip()]
    if not items:
        return ""
    return "<h2>Notes</h2>\n<ul>\n" + "\n".join(f"<li>{html.escape(n)}</li>" for n in items) + "\n</ul>"
