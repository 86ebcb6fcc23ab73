"""The ``schild`` command line: a thin layer over the Python API.

A user's mistake (bad file, unknown type, impossible value) prints one clear message and exits with
code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from .errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="schild: simulate and plan integrated air and missile defence.")
catalog_app = typer.Typer(no_args_is_help=True, help="Browse the built-in catalogue of types.")
app.add_typer(catalog_app, name="catalog")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("schild")
        except PackageNotFoundError:  # run from a source tree that was never installed
            from . import __version__ as number
        typer.echo(f"schild {number}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="Print the installed version and exit."),
) -> None:
    # options that belong to `schild` itself, before any command
    pass


class _LazyConsole:
    """Create the rich console on first use, so the terminal width is read when a command runs."""

    def __init__(self, **kw):
        self._kw = kw
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            self._console = Console(**self._kw)
        return self._console

    def __getattr__(self, name):
        return getattr(self.get(), name)


console = _LazyConsole()
err_console = _LazyConsole(stderr=True)


def fail(exc: Exception) -> None:
    # the message is the user's own text (paths, field values, "[start, end]"): never read as markup
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def _check_run_options(runs: int, workers: int | None, outputs: dict[str, Path | None]) -> None:
    """Counts and output paths, checked before any simulation, so a wrong path does not cost the results."""
    from .output_paths import check_output_file

    if runs < 1:
        raise InputError(f"--runs must be at least 1, got {runs}")
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    for option, path in outputs.items():
        if path is not None:
            check_output_file(option, path)


def _progress_bar() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err_console.get(), transient=True)


def warn(messages: tuple[str, ...]) -> None:
    """What is valid but almost surely not meant (e.g. no sensors), in yellow on stderr."""
    for message in messages:
        err_console.print(f"[bold yellow]warning:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)


def _fmt(x: float) -> str:
    if x != x:  # NaN
        return "-"
    if abs(x) >= 1e6:
        return f"{x:,.3g}" if abs(x) >= 1e12 else f"{x / 1e6:,.2f} M"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.1f}"
    return f"{x:,.3f}"


def _summary_table(result) -> Table:
    runs = f"{result.runs} run" + ("s" if result.runs != 1 else "")
    table = Table(title=f"{escape(result.world.name)}: {runs}, seed {result.seed}")
    for col in ("figure", "mean", "95% CI"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for row in result.summary().itertuples(index=False):
        if row.figure.startswith(("layer.", "kill_distance_km.")):  # in the compact tables below
            continue
        ci = "n/a (1 run)" if result.runs < 2 else f"{_fmt(row.ci95_low)} .. {_fmt(row.ci95_high)}"
        table.add_row(escape(row.figure), _fmt(row.mean), ci)
    return table


def _short(x: float | None) -> str:
    """Three significant figures for compact tables: 48.6, 1,155, 0.505 M, 45.6 M."""
    if x is None or x != x:
        return "-"
    if abs(x) >= 1e5:
        return f"{x / 1e6:,.3g} M" if abs(x) < 1e12 else f"{x:.3g}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _cell(stat, runs: int, unit: str = "") -> str:
    """A mean with its 95% interval in one cell; the mean alone from one run or where the runs agree."""
    mean, (lo, hi) = stat["mean"], stat["ci95"]
    if mean is None:
        return "-"
    if runs < 2 or lo is None or hi is None or _short(lo) == _short(hi):
        return f"{_short(mean)}{unit}"
    return f"{_short(mean)}{unit} ({_short(lo)}-{_short(hi)})"


def _layer_table(result) -> tuple[Table, list[str]]:
    """Shots, kills, cost and cost per kill per layer (mean and 95% CI), with notes on undefined costs."""
    table = Table(title="per layer: mean (95% CI)")
    for col in ("layer", "shots", "kills", "cost", "cost per kill"):
        table.add_column(col, justify="left" if col == "layer" else "right")
    notes = []
    for layer, d in result.to_dict()["per_layer"].items():
        per_kill = d["cost_per_kill_usd"]
        cell = "no kills" if per_kill["mean"] is None else _cell(per_kill, result.runs)
        if per_kill["mean"] is not None and per_kill["runs_without_kills"]:
            cell += " *"
            notes.append(f"* {layer}: {per_kill['note']}")
        table.add_row(escape(layer), _cell(d["shots"], result.runs), _cell(d["kills"], result.runs),
                      _cell(d["cost_usd"], result.runs), cell)
    return table, notes


def _kill_distance_table(result) -> Table:
    """Kills per band of ground distance from the target asset and the mean kill distance, per class: means
    only, to stay one line per class (the intervals are in the JSON and ``result.summary()``)."""
    from .results import kill_band_labels

    labels = kill_band_labels(result.world.arrays.kill_band_lo_km)
    table = Table(title="kills by distance from the target asset (km): mean per run")
    for col in ("class", *labels, "mean km"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for cname, d in result.to_dict()["by_class"].items():
        if not d["killed"]["mean"]:
            continue
        bands = d["kills_by_distance_km"]
        table.add_row(cname, *(_short(bands[label]["mean"]) for label in labels),
                      _short(d["mean_kill_distance_km"]["mean"]))
    return table


def _summary_notes(result) -> list[str]:
    """The lines printed under the summary table: how to read it."""
    from .results import EXCHANGE_RATIO_LEGEND

    notes = [EXCHANGE_RATIO_LEGEND]
    if result.runs < 2:
        notes.append("one run gives no 95% confidence interval; use --runs 2 or more")
    return notes


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    runs: int = typer.Option(200, "--runs", "-n", help="Monte Carlo replications."),
    seed: int = typer.Option(0, "--seed", "-s", help="Seed; same seed, same numbers."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Threads (default: all cores)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write results as JSON."),
    events: Optional[Path] = typer.Option(None, "--events", help="Write one row per event (Parquet)."),
    assignment: Optional[str] = typer.Option(None, "--assignment", help="heuristic, exact or doctrine (overrides the scenario)."),
) -> None:
    """Simulate a raid scenario with Monte Carlo replications."""
    from .output_paths import output_target, write_error
    from .simulate import load_scenario, simulate

    try:
        if events is not None and events.suffix != ".parquet" and not output_target(events)[1]:
            raise InputError(f"--events must name a .parquet file (or a FIFO or device), got {events}")
        _check_run_options(runs, workers, {"--json": json_out, "--events": events})
        world = load_scenario(scenario)
        warn(world.spec.warnings)
        with _progress_bar() as bar:
            task = bar.add_task(f"simulating {escape(world.name)}", total=runs)
            result = simulate(world, runs=runs, seed=seed, workers=workers, events_path=events,
                              assignment=assignment,
                              progress=lambda done, total: bar.update(task, completed=done))
    except InputError as exc:
        fail(exc)
    console.print(_summary_table(result))
    for note in _summary_notes(result):
        console.print(note, markup=False, highlight=False)
    layers, layer_notes = _layer_table(result)
    if layers.row_count:
        console.print(layers)
    for note in layer_notes:
        console.print(note, markup=False, highlight=False)
    distances = _kill_distance_table(result)
    if distances.row_count:
        console.print(distances)
    if json_out is not None:
        try:
            result.write_json(json_out)
        except OSError as exc:  # the table above still holds the figures
            fail(write_error("the results", json_out, exc))
        console.print(f"results: {json_out}", markup=False, highlight=False)
    if events is not None:
        console.print(f"events: {events}", markup=False, highlight=False)


def _share_cell(stat, runs: int) -> str:
    pct = lambda x: None if x is None else 100.0 * x  # noqa: E731
    return _cell({"mean": pct(stat["mean"]), "ci95": [pct(x) for x in stat["ci95"]]}, runs, unit="%")


def _curve_table(curve) -> Table:
    """One row per scale: threats launched, leakers, each class's leak share, interceptor cost."""
    d = curve.to_dict()
    runs = f"{curve.runs} run" + ("s" if curve.runs != 1 else "")
    table = Table(title=f"{escape(curve.scenario)}: leakers against raid size, {runs} per scale, seed {curve.seed}; "
                        "mean (95% CI)")
    classes = list(d["points"][0]["leak_share"]) if d["points"] else []
    for col in ("scale", "launched", "leaked", "leaked lethal", *(f"{c} leak share" for c in classes),
                "interceptor cost"):
        table.add_column(escape(col), justify="right")
    for p in d["points"]:
        table.add_row(f"x{p['scale']:g}", _cell(p["launched"], curve.runs), _cell(p["leaked"], curve.runs),
                      _cell(p["leaked_lethal"], curve.runs),
                      *(_share_cell(p["leak_share"][c], curve.runs) for c in classes),
                      _cell(p["cost_usd"]["interceptors"], curve.runs))
    return table


@app.command()
def curve(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    scale: str = typer.Option("0.25,0.5,1,2,4", "--scale", help="Factors for every raid's count, comma-separated."),
    runs: int = typer.Option(200, "--runs", "-n", help="Monte Carlo replications per scale."),
    seed: int = typer.Option(0, "--seed", "-s", help="Seed, the same at every scale; same seed, same numbers."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Threads (default: all cores)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the curve as JSON."),
    png: Optional[Path] = typer.Option(None, "--png", help="Draw the curve (PNG)."),
) -> None:
    """Leakers against raid size: the same raids scaled (counts x scale, rounded), so saturation shows."""
    from .curve import parse_scales, raid_curve
    from .output_paths import write_error
    from .simulate import load_scenario

    try:
        scales = parse_scales(scale)
        _check_run_options(runs, workers, {"--json": json_out, "--png": png})
        world = load_scenario(scenario)
        warn(world.spec.warnings)
        with _progress_bar() as bar:
            task = bar.add_task(f"simulating {escape(world.name)} at {len(scales)} scales", total=runs * len(scales))
            result = raid_curve(world, scales, runs=runs, seed=seed, workers=workers,
                                progress=lambda done, total: bar.update(task, completed=done))
    except InputError as exc:
        fail(exc)
    console.print(_curve_table(result))
    if runs < 2:
        console.print("one run gives no 95% confidence interval; use --runs 2 or more", markup=False, highlight=False)
    from .report.curve_plot import write_curve_png

    for label, what, path, write in (("curve", "the curve", json_out, result.write_json),
                                     ("plot", "the picture", png, lambda out: write_curve_png(result, out))):
        if path is None:
            continue
        try:
            write(path)
        except OSError as exc:  # the table above still holds the figures
            fail(write_error(what, path, exc))
        console.print(f"{label}: {path}", markup=False, highlight=False)


_SEED_HELP_SCORE = "Seed of the predicted months' simulations; same seed, same scores."
_PREDICT_WITH_HELP = ("auto: the fit's simulator tables inside their grid, fresh simulation outside; "
                      "simulate: fresh simulation for every window.")
_MODELS_HELP = "Model-name mapping that extends schild's (CSV 'model,threat_type,class' or YAML)."
_EXTRA_COLUMNS_HELP = "Ignore (and name) CSV columns the loader does not know."


@app.command()
def validate(
    scenario: Optional[Path] = typer.Argument(None, help="Scenario YAML file to check."),
    # the forecast-scoring options of `schild score`, still accepted here (deprecated, hidden)
    data: Optional[Path] = typer.Option(None, "--data", hidden=True),
    params: Optional[Path] = typer.Option(None, "--params", hidden=True),
    from_date: Optional[str] = typer.Option(None, "--from", hidden=True),
    until: Optional[str] = typer.Option(None, "--until", hidden=True),
    json_out: Optional[Path] = typer.Option(None, "--json", hidden=True),
    report: Optional[Path] = typer.Option(None, "--report", hidden=True),
    runs: int = typer.Option(200, "--runs", hidden=True),
    seed: int = typer.Option(0, "--seed", hidden=True, help=_SEED_HELP_SCORE),
    allow_extra_columns: bool = typer.Option(False, "--allow-extra-columns", hidden=True),
    models: Optional[Path] = typer.Option(None, "--models", hidden=True),
    predict_with: str = typer.Option("auto", "--predict-with", hidden=True),
) -> None:
    """Check a scenario file and point at the line of every mistake."""
    try:
        if data is not None or params is not None:
            err_console.print("note: `schild validate --data ...` is deprecated; use `schild score --data ...` "
                              "(same options)", markup=False, highlight=False, soft_wrap=True)
            if data is None or params is None or from_date is None:
                raise InputError("hold-out validation needs --data CSV, --params PARAMS.json and --from DATE")
            _score(data=data, params=params, from_date=from_date, until=until, json_out=json_out, report=report,
                   runs=runs, seed=seed, allow_extra_columns=allow_extra_columns, models=models,
                   predict_with=predict_with)
            return
        if scenario is None:
            raise InputError("give a scenario file to check (forecasts are scored by `schild score`)")
        from .scenario.loading import read_scenario

        spec = read_scenario(scenario)
        from .resources import check_compile

        check_compile(spec)  # a scenario `run` would refuse for memory or time is not "ok"
    except InputError as exc:
        fail(exc)
    sc = spec.scenario
    n = sum(r.count for r in sc.raids)
    console.print(f"[green]ok[/]: {escape(str(scenario))}: scenario {escape(repr(sc.name))}: "
                  f"{len(sc.assets)} assets, {len(sc.sensors)} sensors, {len(sc.fire_units)} fire units, "
                  f"{len(sc.raids)} raids ({n} threats)")
    warn(spec.warnings)


@app.command()
def score(
    data: Path = typer.Option(..., "--data", help="Ukrainian Air Force attacks CSV (the months to predict)."),
    params: Path = typer.Option(..., "--params", help="Calibrated parameters JSON (from `schild calibrate`)."),
    from_date: str = typer.Option(..., "--from", help="First month to predict (YYYY-MM-DD), after the fit."),
    until: Optional[str] = typer.Option(None, "--until", help="Last day to predict (YYYY-MM-DD)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the scores and rows as JSON."),
    report: Optional[Path] = typer.Option(None, "--report", help="Folder for the HTML and PNG report."),
    runs: int = typer.Option(200, "--runs", help="Replications per predicted month."),
    seed: int = typer.Option(0, "--seed", help=_SEED_HELP_SCORE),
    allow_extra_columns: bool = typer.Option(False, "--allow-extra-columns", help=_EXTRA_COLUMNS_HELP),
    models: Optional[Path] = typer.Option(None, "--models", help=_MODELS_HELP),
    predict_with: str = typer.Option("auto", "--predict-with", help=_PREDICT_WITH_HELP),
) -> None:
    """Score a calibration's forecasts: predict months it never saw, beside the naive yardstick."""
    try:
        _score(data=data, params=params, from_date=from_date, until=until, json_out=json_out, report=report,
               runs=runs, seed=seed, allow_extra_columns=allow_extra_columns, models=models,
               predict_with=predict_with)
    except InputError as exc:
        fail(exc)


def _score(*, predict_with: str, **options) -> None:
    from .calibration.cli_support import run_validation

    run_validation(console=console.get(), method=predict_with, **options)


@app.command()
def calibrate(
    data: Path = typer.Option(..., "--data", help="Ukrainian Air Force attacks CSV (the file you downloaded)."),
    until: str = typer.Option(..., "--until", help="Last day of the training period (YYYY-MM-DD)."),
    out: Path = typer.Option(..., "--out", help="Where to write the fitted parameters (JSON)."),
    since: Optional[str] = typer.Option(None, "--since", help="First day of the training period."),
    runs: int = typer.Option(40, "--runs", help="Replications per simulated raid during the fit."),
    seed: int = typer.Option(0, "--seed", help="Seed of the fit's simulations; same seed, same parameters."),
    allow_extra_columns: bool = typer.Option(False, "--allow-extra-columns", help=_EXTRA_COLUMNS_HELP),
    models: Optional[Path] = typer.Option(None, "--models", help=_MODELS_HELP),
) -> None:
    """Fit the Ukraine scenario family's uncertain parameters to reported outcomes up to a date."""
    try:
        from .calibration.cli_support import run_calibration

        run_calibration(data=data, until=until, since=since, out=out, runs=runs, seed=seed, console=console.get(),
                        allow_extra_columns=allow_extra_columns, models=models)
    except InputError as exc:
        fail(exc)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    from .scenario.schema import Scenario

    sys.stdout.write(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2) + "\n")


@catalog_app.command("list")
def catalog_list() -> None:
    """List the built-in types by section."""
    from .catalog import builtin_catalog

    cat = builtin_catalog()
    table = Table(title="schild built-in catalogue")
    for col in ("section", "id", "name", "class / kind"):
        table.add_column(col)
    for tid, t in cat.threats.items():
        table.add_row("threat", tid, t.name or "", t.threat_class)
    for iid, i in cat.interceptors.items():
        table.add_row("interceptor", iid, i.name or "", "")
    for sid, s in cat.sensors.items():
        table.add_row("sensor", sid, s.name or "", s.kind)
    for eid, e in cat.effectors.items():
        table.add_row("effector", eid, e.name or "", ", ".join(e.envelope))
    console.print(table)


@catalog_app.command("show")
def catalog_show(type_id: str = typer.Argument(..., help="A type id, e.g. patriot_pac3_mse.")) -> None:
    """Show every figure of one type with its sources, confidence and basis."""
    from .catalog import builtin_catalog
    from .catalog.show import describe

    cat = builtin_catalog()
    found = cat.find(type_id)
    if found is None:
        all_ids = sorted(k for sec in cat.SECTIONS for k in getattr(cat, sec))
        fail(InputError(f"unknown type {type_id!r}; known: {', '.join(all_ids)}"))
    section, entry = found
    Console().print(describe(type_id, section, entry, cat))


def _mount_optional() -> None:
    """Mount sub-commands whose modules may be absent in a partial install."""
    try:
        from .wta.cli import app as wta_app
    except ImportError:  # pragma: no cover
        return
    app.add_typer(wta_app, name="wta", help="Weapon-target assignment: solve benchmark instances.")


_mount_optional()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
