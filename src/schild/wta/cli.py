"""``schild wta`` command line: solve a benchmark-format instance, write JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Weapon-target assignment (WTA) solvers.", no_args_is_help=True)


@app.callback()
def _main() -> None:
    """Weapon-target assignment tools (keeps ``solve`` a named sub-command)."""


@app.command("solve")
def solve_cmd(
    instance: Path = typer.Argument(..., help="Instance file in the Andersen-Pavlikov-Toffolo format."),
    method: str = typer.Option("heuristic", "--method", help="exact or heuristic."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Time limit in seconds."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the result as JSON here."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for the heuristic's randomness."),
) -> None:
    """Solve INSTANCE and print objective, bound, gap and time."""
    from . import WTAFormatError, read_instance, solve
    from .solve import warm_up

    err = Console(stderr=True)
    if method not in ("exact", "heuristic"):
        err.print(f"error: --method must be 'exact' or 'heuristic', got {method!r}", markup=False)
        raise typer.Exit(code=2)
    if not time_limit > 0:
        err.print(f"error: --time-limit must be > 0, got {time_limit}", markup=False)
        raise typer.Exit(code=2)
    if seed is not None and seed < 0:
        err.print(f"error: --seed must be a non-negative integer, got {seed}", markup=False)
        raise typer.Exit(code=2)
    if json_out is not None:  # checked before the solve, so that a wrong path does not cost its result
        from ..errors import InputError
        from ..output_paths import check_output_file

        try:
            check_output_file("--json", json_out)
        except InputError as exc:
            err.print(f"error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(code=2) from None
    try:
        problem = read_instance(instance)
    except WTAFormatError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    warm_up(method)  # kernel loading (or compiling, on a fresh install) must not eat into the time limit
    sol = solve(problem, method=method, time_limit_s=time_limit, seed=seed)
    result = {
        "objective": sol.objective,
        "lower_bound": sol.lower_bound,
        "gap": sol.gap,
        "proven_optimal": bool(sol.proven_optimal),
        "time_s": sol.time_s,
        "method": sol.method,
        "status": sol.status,
        "assignment": sol.assignment_triples(),
    }
    table = Table(title=f"WTA {instance.name}")
    for col in ("method", "objective", "lower bound", "gap", "optimal", "time [s]"):
        table.add_column(col)
    table.add_row(sol.method, f"{sol.objective:.6f}", f"{sol.lower_bound:.6f}",
                  f"{sol.gap:.2e}", str(sol.proven_optimal), f"{sol.time_s:.2f}")
    Console().print(table)
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            err.print(f"error: cannot write {json_out}: {exc}", markup=False)
            raise typer.Exit(code=2) from None
