"""The Lambda layer every platform function runs with: statemill and its dependencies.

Synth only references the folder `python layers/build.py runtime` produced; it never builds.
"""

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

REPOSITORY = Path(__file__).resolve().parent.parent
BUILT_LAYERS = REPOSITORY / "layers" / "build"
# The layer's wheels are built for this Python (see layers/build.py); functions use the same.
RUNTIME = lambda_.Runtime.PYTHON_3_14


class LayerNotBuilt(FileNotFoundError):
    """The layer folder is missing: the build script was not run."""


class RuntimeLayer(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, built_layers: Path = BUILT_LAYERS) -> None:
        super().__init__(scope, construct_id)
        folder = built_layers / "runtime"
        if not (folder / "python").is_dir():
            raise LayerNotBuilt(f"{folder / 'python'} does not exist: run `make layers` "
                                "(python layers/build.py runtime) before cdk synth or deploy")
        self.layer = lambda_.LayerVersion(
            self, "Layer", code=lambda_.Code.from_asset(str(folder)),
            compatible_runtimes=[RUNTIME], compatible_architectures=[lambda_.Architecture.X86_64],
            description="statemill runtime and its dependencies (layers/runtime)")
