"""The task runtime behind a compiled workflow on the local engine: http.get -> code -> db.insert,
with a 1 MiB result offloaded between tasks and a refused request reported by its Statemill name."""


import pytest

from statemachine_compiler import placeholders
from statemachine_compiler.compiler import compile_source
from statemill.local.engine import LocalEngine
from tests.json_server import json_server

ROWS = 1100  # ~1.1 MB of JSON: over the offload threshold and Step Functions' 256 KiB


@pytest.fixture
def data_server():
    with json_server(lambda *request: {"rows": ["x" * 1000] * ROWS}) as url:
        yield url


WORKFLOW = """
id: runtime_e2e
tasks:
  fetch:
    type: core/http.get
    inputs:
      url: {url}/data
  count:
    type: core/code
    needs: [fetch]
    language: python
    source: |
      def main(input):
          return {{"n": len(input["fetched"]["body"]["rows"])}}
    inputs:
      fetched: "{{{{ tasks.fetch.output }}}}"
  save:
    type: core/db.insert
    needs: [count]
    inputs:
      table: counts
      key: latest
      data: "{{{{ tasks.count.output }}}}"
  metadata:
    type: core/http.get
    on_error: continue
    inputs:
      url: http://169.254.169.254/latest/meta-data/
outputs:
  saved: "{{{{ tasks.save.output }}}}"
  refused: "{{{{ tasks.metadata.error.type }}}}"
"""


def test_a_compiled_workflow_runs_on_the_runtime(data_server):
    asl = compile_source(WORKFLOW.format(url=data_server)).asl
    allow_the_test_server = {"STATEMILL_ALLOW_PRIVATE_NETWORKS": "127.0.0.1/32"}

    with LocalEngine(time_scale=0, environment=allow_the_test_server) as engine:
        arn = engine.deploy("runtime_e2e", asl, substitutions={placeholders.WORKFLOW_VERSION: "v1"})
        result = engine.run(arn, {"inputs": {}}, timeout=60)

    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert result.output == {
        "saved": {"key": "latest", "data": {"n": ROWS}},
        "refused": "Statemill.PermissionDenied",
    }
