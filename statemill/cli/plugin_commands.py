"""`statemill plugin init NAME | build [DIR] | install PATH [--sha256 H] | list | remove NAME[@VERSION]`."""

import re
import shutil
from pathlib import Path

import click

from .control_context import reports_control_errors, target_of
from .errors import INVALID, CliError
from .output import print_json, stdout


@click.group()
def plugin() -> None:
    """WASM plugins: tasks of type <namespace>/<plugin>.<action>."""


@plugin.command()
@click.argument("name")
@click.option("--author", default="", help="Author written into plugin.yaml.")
@click.pass_obj
def init(obj: dict, name: str, author: str) -> None:
    """Create ./PLUGIN: an AssemblyScript project (plugin.yaml, assembly/index.ts, a test)."""
    from statemill.plugins.build import REPO_ROOT, SDK_DIR
    from statemill.plugins.manifest import NAME

    if not NAME.match(name):
        raise CliError(f"'{name}' is not a plugin name: use namespace/plugin, such as acme/greeter", INVALID, "invalid")
    directory = Path(name.split("/")[1])
    if directory.exists():
        raise CliError(f"{directory} already exists: choose another name or remove it", INVALID, "invalid")
    shutil.copytree(REPO_ROOT / "plugins" / "template", directory)
    for sdk_file in SDK_DIR.glob("*.ts"):
        shutil.copy(sdk_file, directory / "assembly" / sdk_file.name)
    manifest = directory / "plugin.yaml"
    text = manifest.read_text().replace("NAMESPACE/PLUGIN", name).replace("AUTHOR", author or "unknown")
    manifest.write_text(text)
    _report(obj, {"directory": str(directory)}, f"created {directory}: edit it, then statemill plugin build {directory}")


@plugin.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, exists=True))
@click.pass_obj
def build(obj: dict, directory: str) -> None:
    """Compile DIR's assembly/index.ts to plugin.wasm and check it against plugin.yaml."""
    from statemill.plugins.build import BuildError
    from statemill.plugins.build import build as build_plugin
    from statemill.plugins.manifest import ManifestError

    try:
        artifact = build_plugin(Path(directory))
    except (BuildError, ManifestError) as error:
        raise CliError(str(error), INVALID, "build_failed") from None
    _report(obj, {"name": artifact.manifest.name, "version": artifact.manifest.version, "sha256": artifact.digest},
            f"{artifact.manifest.reference} sha256 {artifact.digest}")


@plugin.command()
@click.argument("path", type=click.Path(file_okay=False, exists=True))
@click.option("--sha256", help="Refuse the artifact unless it has this sha256 (from plugin build).")
@click.pass_obj
@reports_control_errors
def install(obj: dict, path: str, sha256: str | None) -> None:
    """Install the built plugin in PATH (plugin.yaml, plugin.wasm, optional plugin.sig)."""
    from statemill.control import plugins

    if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise CliError("--sha256 takes 64 hex digits", INVALID, "invalid")
    record, new = plugins.install(target_of(obj), path, sha256)
    _report(obj, {**record.to_dict(), "change": "installed" if new else "unchanged"}, None)


@plugin.command(name="list")
@click.pass_obj
@reports_control_errors
def list_command(obj: dict) -> None:
    """Installed plugins and versions."""
    from statemill.control import plugins

    records = plugins.list_plugins(target_of(obj))
    if obj["json"]:
        print_json([record.to_dict() for record in records])
        return
    for record in records:
        actions = ", ".join(sorted(record.manifest.actions))
        stdout.print(f"{record.reference}  {record.sha256[:12]}  {actions}", highlight=False)


@plugin.command()
@click.argument("reference", metavar="NAME[@VERSION]")
@click.pass_obj
@reports_control_errors
def remove(obj: dict, reference: str) -> None:
    """Remove one version, or every version; a removed version can never be reused with other bytes."""
    from statemill.control import plugins

    removed = plugins.remove(target_of(obj), reference)
    if obj["json"]:
        print_json([record.to_dict() for record in removed])


def _report(obj: dict, data: dict, line: str | None) -> None:
    if obj["json"]:
        print_json(data)
    elif line:
        stdout.print(line, highlight=False)
