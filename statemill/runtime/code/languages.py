"""How each language's code is laid out, started and its result read (DSL.md, "Code tasks").

python and javascript code runs under a small bootstrap that calls the user's entry point and
writes {"ok": value} or {"error": {type, message, trace}} to result.json; bash code writes its
output on stdout.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from statemill.runtime.errors import CodeError, InternalError

# The project's own node_modules (npm ci), for a development checkout and the local engine.
PROJECT_ESBUILD = Path(__file__).resolve().parents[3] / "node_modules" / ".bin" / "esbuild"
ESBUILD_TIMEOUT_SECONDS = 30
# V8 reserves virtual memory up front (its code range); the heap is bounded by a flag instead.
NODE_RESERVED_MB = 1024

JAVASCRIPT_BOOTSTRAP = r"""
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const dir = process.argv[2];
const userFrame = (line) => line.includes("task.mjs");
let result;
try {
  const mod = await import(pathToFileURL(`${dir}/task.mjs`).href);
  if (typeof mod.default !== "function") {
    throw new TypeError("the code must `export default (input) => value`");
  }
  const input = JSON.parse(readFileSync(`${dir}/input.json`, "utf8"));
  const value = await mod.default(input);
  result = JSON.stringify({ ok: value === undefined ? null : value });
} catch (error) {
  const stack = String(error?.stack ?? "").split("\n").slice(1);
  result = JSON.stringify({ error: {
    type: error?.name ?? "Error",
    message: String(error?.message ?? error),
    trace: stack.filter(userFrame).map((line) => line.replace(/file:\/\/\S*\/task\.mjs/, "task.mjs")),
  } });
}
writeFileSync(`${dir}/result.json`, result);
"""


@dataclass(frozen=True)
class Launch:
    """A prepared run: the command, its stdin, and where its output comes from."""

    argv: list[str]  # empty when forked
    stdin: bytes | None
    output_on_stdout: bool
    extra_address_space_mb: int = 0
    forked: bool = False  # python: a child of the fork server, not a new interpreter


def prepare(
    language: str,
    source: str,
    payload: object,
    runner_dir: Path,
    memory_mb: int,
    esbuild: str | None,
) -> Launch:
    """Write the code's files into `runner_dir` and say how to run it."""
    input_json = json.dumps(payload)
    if language == "python":
        (runner_dir / "task.py").write_text(source)
        (runner_dir / "input.json").write_text(input_json)
        # Forked from an interpreter started `-I -S`: isolated, standard library only (the
        # host's packages are not the code's).
        return Launch([], None, False, forked=True)
    if language in ("javascript", "typescript"):
        script = transpile_typescript(source, esbuild) if language == "typescript" else source
        (runner_dir / "task.mjs").write_text(script)
        (runner_dir / "bootstrap.mjs").write_text(JAVASCRIPT_BOOTSTRAP)
        (runner_dir / "input.json").write_text(input_json)
        argv = [
            _program("node"),
            f"--max-old-space-size={memory_mb}",
            str(runner_dir / "bootstrap.mjs"),
            str(runner_dir),
        ]
        return Launch(argv, None, False, NODE_RESERVED_MB)
    if language == "bash":
        (runner_dir / "task.sh").write_text(source)
        return Launch([_program("bash"), str(runner_dir / "task.sh")], input_json.encode(), True)
    raise InternalError(f"no launcher for language {language!r}")


def transpile_typescript(source: str, esbuild: str | None) -> str:
    command = [
        esbuild or _esbuild(),
        "--loader=ts",
        "--format=esm",
        "--sourcefile=task.ts",
        "--log-level=error",
    ]
    done = subprocess.run(
        command,
        check=False,
        input=source.encode(),
        capture_output=True,
        timeout=ESBUILD_TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        raise CodeError(f"the TypeScript code does not compile:\n{done.stderr.decode().strip()}")
    return done.stdout.decode()


def read_result(runner_dir: Path) -> dict | None:
    """The bootstrap's {"ok": …} or {"error": {type, message, trace}}; None when there is no
    readable one (the process died first, or the code overwrote the file)."""
    try:
        result = json.loads((runner_dir / "result.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict):
        return None
    if "ok" in result:
        return result
    error = result.get("error")
    if (
        isinstance(error, dict)
        and isinstance(error.get("type"), str)
        and isinstance(error.get("message"), str)
        and isinstance(error.get("trace"), list)
        and all(isinstance(line, str) for line in error["trace"])
    ):
        return result
    return None


def _esbuild() -> str:
    found = shutil.which("esbuild") or (str(PROJECT_ESBUILD) if PROJECT_ESBUILD.exists() else None)
    if not found:
        raise InternalError("esbuild is not installed in this function: TypeScript cannot run")
    return found


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise InternalError(f"{name} is not installed in this function")
    return found
