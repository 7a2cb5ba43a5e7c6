"""Terminal output: rich for people, plain JSON for scripts (`--json`)."""

import json
import sys

from rich.console import Console
from rich.markup import escape

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def print_error(line: str, details: list[str] = ()) -> None:
    stderr.print(f"[bold red]error:[/bold red] {escape(line)}")
    for detail in details:
        stderr.print(escape(detail))


def print_warning(line: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {escape(line)}")
