"""The CDK app: `cdk synth -c stage=dev` (one PlatformStack per stage). Synth needs no credentials.

Run from the repository root (cdk.json: `python -m infra.app`), after `make layers`.
"""

from pathlib import Path

from aws_cdk import App, Environment

from infra.platform_stack import PlatformStack
from infra.runtime_layer import BUILT_LAYERS

DEFAULT_STAGE = "dev"


def build_app(stage: str | None = None, built_layers: Path = BUILT_LAYERS, outdir: str | None = None) -> App:
    app = App(outdir=outdir) if outdir else App()
    stage = stage or app.node.try_get_context("stage") or DEFAULT_STAGE
    PlatformStack(app, f"statemill-{stage}", stage=stage, built_layers=built_layers,
                  # Account and region come from the deploying credentials (none needed to synth).
                  env=Environment(account=None, region=None))
    return app


if __name__ == "__main__":
    build_app().synth()
