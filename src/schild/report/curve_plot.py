"""The picture of a raid-size curve (``schild curve --png``): where the defence saturates.

Left: lethal leakers against threats launched, with 95% intervals, beside the line a defence that never
saturates would follow (leakers proportional to the raid, through the reference scale: 1 if simulated,
else the smallest). Points above that line mean each extra threat leaks more often than the first ones.
Right: the share of each threat class that leaks, against threats launched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..output_paths import output_target
from ..results import temp_file_beside

__all__ = ["write_curve_png"]


def _errors(table: Any, name: str) -> np.ndarray:
    """Error-bar lengths below and above the mean (0 where the interval is unknown, e.g. one run)."""
    mean = table[name].to_numpy(float)
    lo = np.nan_to_num(mean - table[f"{name}_lo"].to_numpy(float), nan=0.0)
    hi = np.nan_to_num(table[f"{name}_hi"].to_numpy(float) - mean, nan=0.0)
    return np.vstack([np.maximum(lo, 0.0), np.maximum(hi, 0.0)])


def _figure(curve: Any):
    # Agg canvas on a bare Figure: no pyplot, no global backend switch, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    table = curve.table().sort_values("scale")
    launched = table["launched"].to_numpy(float)
    fig = Figure(figsize=(11.0, 4.2))
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    left.errorbar(launched, table["leaked_lethal"], yerr=_errors(table, "leaked_lethal"), fmt="o-", capsize=3,
                  color="tab:red", label="leaked lethal (mean, 95% CI)")
    scales = table["scale"].to_numpy(float)
    ref = int(np.argmin(np.abs(scales - 1.0))) if np.any(scales == 1.0) else 0
    if launched[ref] > 0:
        per_threat = table["leaked_lethal"].to_numpy(float)[ref] / launched[ref]
        xs = np.array([0.0, launched.max()])
        left.plot(xs, per_threat * xs, "--", color="0.5",
                  label=f"proportional to x{scales[ref]:g} (no saturation)")
    left.set_xlabel("threats launched")
    left.set_ylabel("lethal threats leaked")
    left.grid(alpha=0.3)
    left.legend(fontsize=8, frameon=False)
    shares = [c for c in table.columns if c.startswith("leak_share.") and not c.endswith(("_lo", "_hi"))]
    for name in shares:
        pct = table[name].to_numpy(float) * 100
        right.errorbar(launched, pct, yerr=_errors(table, name) * 100, fmt="o-", capsize=3, ms=4,
                       label=name.split(".", 1)[1])
    right.set_xlabel("threats launched")
    right.set_ylabel("share leaked, %")
    right.set_ylim(-3, 103)
    right.grid(alpha=0.3)
    if shares:
        right.legend(fontsize=8, frameon=False, title="class", title_fontsize=8)
    runs = f"{curve.runs} run" + ("s" if curve.runs != 1 else "")
    fig.suptitle(f"{curve.scenario}: leakers against raid size ({runs} per scale, seed {curve.seed})")
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig


def write_curve_png(curve: Any, path: str | Path) -> None:
    """Write the picture as PNG atomically (a temporary file, then a rename); a FIFO or device is written
    straight into (see ``output_paths``)."""
    fig = _figure(curve)
    target, straight = output_target(path)
    if straight:
        with open(target, "wb") as fh:
            fig.savefig(fh, format="png", dpi=110)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format="png", dpi=110)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
