"""`statemill plugin build`: compile a plugin's AssemblyScript to plugin.wasm and check it
against its manifest (every declared action must be an exported function)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from statemill.plugins.artifact import Artifact, check_exports, read_artifact
from statemill.plugins.manifest import MANIFEST_FILE, MODULE_FILE, load_manifest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The official plugins import the SDK from here; `plugin init` copies it into each new project.
SDK_DIR = REPO_ROOT / "plugins" / "sdk"
ENTRY = Path("assembly") / "index.ts"
ENV_NODE_MODULES = "STATEMILL_NODE_MODULES"
BUILD_TIMEOUT_SECONDS = 300


class BuildError(Exception):
    """The compiler is missing or the plugin does not compile; the message has its output."""


def node_modules() -> Path:
    """Where assemblyscript and @extism/as-pdk are (Statemill's own node_modules, from npm ci)."""
    return Path(os.environ.get(ENV_NODE_MODULES) or REPO_ROOT / "node_modules")


def build(directory: Path, *, output: Path | None = None, optimize: bool = True) -> Artifact:
    """Compile `directory`; plugin.wasm (and a copy of plugin.yaml) go to `output`, else beside it."""
    directory = Path(directory).resolve()
    output = Path(output or directory).resolve()
    load_manifest(directory)  # a broken manifest fails before a slow compile
    if not (directory / ENTRY).is_file():
        raise BuildError(f"no {ENTRY} in {directory}: a plugin's entry point exports one function per action")
    modules = node_modules()
    asc = modules / ".bin" / "asc"
    if not asc.exists():
        raise BuildError(f"the AssemblyScript compiler is not installed ({asc} is missing): run npm ci "
                         f"in {REPO_ROOT}, or set {ENV_NODE_MODULES}")
    sdk = directory / "assembly" / "statemill.ts"
    sdk = sdk if sdk.is_file() else SDK_DIR / "statemill.ts"
    # asc names modules by their path from the working directory, without the extension.
    abort = os.path.relpath(sdk.with_suffix(""), directory)
    command = [str(asc), str(ENTRY), "--outFile", str(output / MODULE_FILE), "--use", f"abort={abort}/statemillAbort",
               "--path", str(modules), *(["--optimize"] if optimize else [])]
    try:
        result = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False,
                                timeout=BUILD_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise BuildError(f"asc took longer than {BUILD_TIMEOUT_SECONDS}s on {directory}") from None
    if result.returncode != 0:
        errors = "\n".join(line for line in (result.stdout + result.stderr).splitlines()
                           if line.strip() and not line.startswith("INFO"))
        raise BuildError(f"{directory / ENTRY} does not compile:\n{errors}")
    if output != directory:
        shutil.copyfile(directory / MANIFEST_FILE, output / MANIFEST_FILE)
    artifact = read_artifact(output)
    check_exports(artifact)
    return artifact
