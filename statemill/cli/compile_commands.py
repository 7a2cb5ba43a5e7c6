"""Commands that work on workflow files alone: validate, compile, graph, schema."""

import json
from pathlib import Path

import click

from statemachine_compiler import CompileError, compile_file, diagram, schema, stats
from statemachine_compiler.limits import DEFINITION_BYTES

from .errors import INVALID, CliError
from .output import print_error, print_json, print_warning, stderr, stdout


def compile_or_fail(file: str):
    """Compile one file; a CompileError becomes a CliError listing every problem."""
    try:
        compiled = compile_file(file)
    except CompileError as exc:
        raise invalid_workflow(exc) from None
    return compiled


def invalid_workflow(exc: CompileError) -> CliError:
    first = exc.diagnostics[0]
    return CliError(str(first), INVALID, "invalid_workflow", where=_where(first),
                    details=[f"error: {d}" for d in exc.diagnostics[1:]],  # as validate prints them
                    data={"diagnostics": [d.to_dict() for d in exc.diagnostics]})


def _where(diagnostic) -> str:
    return f"{diagnostic.file}:{diagnostic.position}" if diagnostic.position else diagnostic.file


def _warn(compiled, as_json: bool) -> None:
    if not as_json:
        for warning in compiled.warnings:
            print_warning(str(warning))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_obj
def validate(obj: dict, files: tuple[str, ...]) -> None:
    """Check workflows; print every problem with file:line:col."""
    results, invalid = [], 0
    for file in files:
        try:
            compiled = compile_file(file)
        except CompileError as exc:
            invalid += 1
            results.append({"file": file, "valid": False, "diagnostics": [d.to_dict() for d in exc.diagnostics]})
            if not obj["json"]:
                for diagnostic in exc.diagnostics:
                    print_error(str(diagnostic))
            continue
        results.append({"file": file, "valid": True, "diagnostics": [w.to_dict() for w in compiled.warnings]})
        _warn(compiled, obj["json"])
    if obj["json"]:
        print_json(results)
    elif not invalid:
        stderr.print(f"[green]✓[/green] {len(files)} workflow{'s' if len(files) > 1 else ''} valid")
    if invalid:
        raise CliError(f"{invalid} of {len(files)} workflows are invalid", INVALID, "invalid_workflow", quiet=True)


@click.command(name="compile")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the ASL to this file.")
@click.option("--stats", "show_stats", is_flag=True, help="States, transitions per run and price per 1M runs.")
@click.pass_obj
def compile_command(obj: dict, file: str, out: str | None, show_stats: bool) -> None:
    """Print the ASL (JSON) of one workflow."""
    compiled = compile_or_fail(file)
    _warn(compiled, obj["json"])
    asl_text = json.dumps(compiled.asl, indent=2) + "\n"
    if out:
        Path(out).write_text(asl_text, encoding="utf-8")
    if show_stats:
        estimates = {tid: t.estimate or 1000 for tid, t in compiled.workflow.tasks.items()}
        figures = stats.compute(compiled.asl, compiled.main, estimates)
        if obj["json"]:
            print_json(figures.to_dict())
        else:
            _print_stats(figures)
    elif not out:
        stdout.out(asl_text, end="")


def _print_stats(figures: stats.Stats) -> None:
    from rich.table import Table
    table = Table(show_header=False, box=None)
    table.add_row("tasks", str(figures.tasks))
    table.add_row("states", str(figures.states))
    table.add_row("billed transitions per run", str(figures.transitions_per_run))
    for task_id, count in figures.transitions_per_item.items():
        table.add_row(f"  + per item of {task_id}", str(count))
    table.add_row("estimated duration", f"{figures.estimated_seconds:g}s")
    table.add_row("definition size", f"{figures.definition_bytes:,} bytes "
                  f"({figures.definition_bytes / DEFINITION_BYTES:.1%} of Step Functions' 1 MiB)")
    table.add_row("Standard, per 1M runs", f"${figures.standard_price:,.2f}")
    table.add_row("Express, per 1M runs", f"${figures.express_price:,.2f} (64 MB, estimated duration)")
    stdout.print(table)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(sorted(diagram.FORMATS)), default="mermaid", show_default=True)
@click.pass_obj
def graph(obj: dict, file: str, fmt: str) -> None:
    """The task DAG as a diagram."""
    compiled = compile_or_fail(file)
    text = diagram.FORMATS[fmt](compiled.workflow)
    if obj["json"]:
        print_json({"format": fmt, "diagram": text})
    else:
        stdout.out(text, end="")


@click.command(name="schema")
def schema_command() -> None:
    """The DSL's JSON Schema (for editors)."""
    print_json(schema.dsl_schema())
