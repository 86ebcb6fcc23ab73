"""Render one catalogue entry with the provenance of every number."""

from __future__ import annotations

from pydantic import BaseModel
from rich.table import Table

from ..scenario.catalog_models import Catalog
from ..scenario.values import SourcedValue


def _rows(prefix: str, model: BaseModel):
    for name in type(model).model_fields:
        value = getattr(model, name)
        label = f"{prefix}{name}"
        if isinstance(value, SourcedValue):
            yield label, value
        elif isinstance(value, BaseModel):
            yield from _rows(label + ".", value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, BaseModel):
                    yield from _rows(f"{label}.{k}.", v)
        elif value is not None and name not in ("notes",):
            yield label, value


def describe(type_id: str, section: str, entry: BaseModel, catalog: Catalog) -> Table:
    title = f"{section[:-1]} {type_id}" + (f": {entry.name}" if getattr(entry, "name", None) else "")
    table = Table(title=title, caption="basis 'assumption' = team placeholder, tunable in a scenario's catalog:")
    for col in ("field", "value", "range", "unit", "confidence", "basis", "sources"):
        table.add_column(col, overflow="fold")  # a narrow terminal wraps a field name, never cuts it
    for label, v in _rows("", entry):
        if isinstance(v, SourcedValue):
            basis = f"[yellow]{v.basis}[/]" if v.is_assumption else v.basis
            rng = f"{v.range[0]:g} .. {v.range[1]:g}" if v.range else ""
            table.add_row(label, f"{v.value:g}", rng, v.unit or "", v.confidence, basis, ", ".join(v.sources))
        elif label != "name":
            table.add_row(label, str(v), "", "", "", "", "")
    return table
