"""Problems found in a workflow, each tied to a place in its file."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    message: str
    position: Position | None = None
    field: str = ""  # dotted path of the offending key, e.g. "tasks.save.needs[0]"
    severity: str = "error"  # "error" | "warning"
    file: str = ""

    def __str__(self) -> str:
        where = self.file or "<workflow>"
        if self.position:
            where += f":{self.position}"
        subject = f"{self.field}: " if self.field else ""
        return f"{where}: {subject}{self.message}"

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.position.line if self.position else None,
            "column": self.position.column if self.position else None,
            "field": self.field,
        }


class CompileError(Exception):
    """The workflow does not compile; `diagnostics` holds every error found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(
            diagnostics, key=lambda d: (d.position or Position(0, 0), d.field, d.message)
        )
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass
class Reporter:
    """Collects diagnostics during one compilation; positions come from the loaded document."""

    file: str = ""
    positions: dict[tuple, Position] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, path: tuple, message: str) -> None:
        self._add(path, message, "error")

    def warning(self, path: tuple, message: str) -> None:
        self._add(path, message, "warning")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise CompileError(self.errors)

    def position_of(self, path: tuple) -> Position | None:
        # The nearest enclosing node that has a position (a missing key has none of its own).
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return None

    def _add(self, path: tuple, message: str, severity: str) -> None:
        self.diagnostics.append(
            Diagnostic(message, self.position_of(path), format_path(path), severity, self.file)
        )


def format_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' — did you mean 'x'?' when a close match exists, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def describe(value: object) -> str:
    """A YAML value as a message names it: "a list", "the number 5", "the text 'x'"."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text '{value}'"
