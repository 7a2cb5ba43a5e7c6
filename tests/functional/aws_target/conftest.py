"""The AWS target against moto: the platform's registry table exists, nothing else is deployed."""

import pytest

from statemill import platform
from statemill.control.target import TargetSettings

REGION = "eu-west-1"
STAGE = "dev"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        target = TargetSettings("aws", REGION, STAGE, None, tmp_path)
        table = platform.REGISTRY_TABLE
        target.client("dynamodb").create_table(
            TableName=target.resource(table.logical_name), BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": table.partition_key, "KeyType": "HASH"},
                       {"AttributeName": table.sort_key, "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": table.partition_key, "AttributeType": "S"},
                                  {"AttributeName": table.sort_key, "AttributeType": "S"}])
        yield target


GREETING = """\
id: greet
description: {description}
inputs:
  name: {{type: string, default: world}}
tasks:
  greet:
    type: core/transform
    inputs: {{value: "Hello {{{{ inputs.name }}}}"}}
outputs:
  greeting: "{{{{ tasks.greet.output }}}}"
"""


@pytest.fixture
def workflow_file(tmp_path):
    def write(description: str = "Say hello"):
        path = tmp_path / "greet.yaml"
        path.write_text(GREETING.format(description=description))
        return path
    return write
