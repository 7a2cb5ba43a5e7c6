"""The CDK app, synthesized once per test session with cdk-nag's AwsSolutions checks on."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# jsii warns on every start that Node 20 is past its end of life; the synth works the same.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

STAGE = "test"


@dataclass(frozen=True)
class Synthesized:
    template: object  # aws_cdk.assertions.Template
    nag_violations: list[dict]  # cdk-nag findings left unacknowledged
    seconds: float


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> Synthesized:
    import time

    from aws_cdk import Validations
    from aws_cdk.assertions import Template
    from cdk_nag import AwsSolutionsChecks

    from infra.app import build_app

    # Synth only references the built layer: an empty stand-in is enough here.
    built_layers = tmp_path_factory.mktemp("layers")
    (built_layers / "runtime" / "python").mkdir(parents=True)
    outdir = tmp_path_factory.mktemp("cdk.out")
    started = time.monotonic()
    app = build_app(STAGE, built_layers=built_layers, outdir=str(outdir))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    try:
        app.synth()
    except RuntimeError as exc:  # findings fail the synth; the report and template are written first
        if "ValidationFailed" not in str(exc):
            raise
    report_file = outdir / "validation-report.json"
    violations = []
    if report_file.exists():
        report = json.loads(report_file.read_text())
        violations = [v for plugin in report["pluginReports"] for v in plugin["violations"]]
    template = json.loads((outdir / f"statemill-{STAGE}.template.json").read_text())
    return Synthesized(Template.from_json(template), violations, time.monotonic() - started)


@pytest.fixture(scope="session")
def template(synthesized):
    return synthesized.template


def repository() -> Path:
    return Path(__file__).resolve().parents[2]
