"""Live per-task progress of an execution: a table in a terminal, a line per task elsewhere."""

from rich.live import Live
from rich.table import Table

from statemill.control.executions import ICONS, Execution

_STYLE = {"SUCCEEDED": "green", "FAILED": "red", "RUNNING": "cyan", "WAITING": "yellow", "SKIPPED": "dim",
          "PENDING": "dim", "CANCELLED": "red"}
FINAL = {"SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED"}


def task_table(execution: Execution) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    for task in execution.tasks:
        style = _STYLE.get(task.status, "")
        seconds = f"{task.seconds:.2f}s" if task.seconds is not None else ""
        attempts = f"{task.attempts} runs" if task.attempts > 1 else ""
        error = task.error["message"] if task.error else ""
        table.add_row(f"[{style}]{ICONS.get(task.status, '?')}[/]", task.id, f"[{style}]{task.status.lower()}[/]",
                      seconds, attempts, f"[red]{error}[/]" if error else "")
    return table


class LiveProgress:
    """A table redrawn in place (terminals)."""

    shows_progress = True

    def __init__(self, console):
        self._live = Live(console=console, auto_refresh=False, transient=False)

    def __enter__(self):
        self._live.start()
        return self

    def __exit__(self, *exc_info):
        self._live.stop()

    def show(self, execution: Execution) -> None:
        self._live.update(task_table(execution), refresh=True)

    def pause(self) -> None:
        self._live.stop()

    def resume(self) -> None:
        self._live.start()


class LineProgress:
    """One line per task as it finishes (logs, pipes, CI)."""

    shows_progress = True

    def __init__(self, console):
        self._console = console
        self._printed: set[str] = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def show(self, execution: Execution) -> None:
        for task in execution.tasks:
            if task.status in FINAL and task.id not in self._printed:
                self._printed.add(task.id)
                seconds = f" {task.seconds:.2f}s" if task.seconds is not None else ""
                error = f" — {task.error['message']}" if task.error else ""
                self._console.print(f"{ICONS[task.status]} {task.id} {task.status.lower()}{seconds}{error}",
                                    markup=False, highlight=False)

    def pause(self) -> None:
        """Nothing to pause."""

    def resume(self) -> None:
        """Nothing to resume."""


class NoProgress(LineProgress):
    """Shows nothing (--no-watch, --json): the run is only watched for its end."""

    shows_progress = False
