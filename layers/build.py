"""Build a Lambda layer without Docker: `python layers/build.py runtime` -> layers/build/runtime/python.

Third-party wheels are downloaded for the Lambda platform (manylinux2014 x86_64, the functions'
Python); statemill itself is pure Python and installed from this repository. CDK synth only
references the result (infra/runtime_layer.py).
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

LAYERS = Path(__file__).resolve().parent
REPOSITORY = LAYERS.parent
PLATFORM = "manylinux2014_x86_64"
PYTHON_VERSION = "3.14"  # infra/runtime_layer.py RUNTIME


def build(name: str, output: Path) -> Path:
    target = output / name / "python"
    shutil.rmtree(target.parent, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(target)]
    subprocess.run([*pip, "--platform", PLATFORM, "--implementation", "cp", "--python-version", PYTHON_VERSION,
                    "--only-binary=:all:", "-r", str(LAYERS / name / "requirements.txt")], check=True)
    subprocess.run([*pip, "--no-deps", str(REPOSITORY)], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a folder of layers/ holding requirements.txt (e.g. runtime)")
    parser.add_argument("--output", type=Path, default=LAYERS / "build")
    arguments = parser.parse_args()
    print(build(arguments.name, arguments.output))


if __name__ == "__main__":
    main()
