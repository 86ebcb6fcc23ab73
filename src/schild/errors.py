"""User-facing errors: they name the file, the line, the field and what is allowed.

The CLI turns an ``InputError`` into one clear message and exit code 2; a traceback means a bug in
schild, never a user's mistake.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a user: a wrong field, an unknown type, an impossible value, a corrupt file."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class ScenarioError(InputError):
    """A scenario that cannot be simulated as written; may carry several problems at once."""

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
