"""The local engine runs tasks of many executions on threads of one process: each task's log
lines must carry its own ids and be masked with its own secrets."""

import threading

from statemill.runtime.code.runner import handle_python

from .conftest import make_event, make_services

SECRETS = {"run-a": "alpha-secret-value", "run-b": "beta-secret-value"}
PRINT_SLOWLY = """
import time
def main(input):
    for _ in range(5):
        print("token", input["token"], flush=True)
        time.sleep(0.05)
    return "done"
"""


class PerExecutionStore:
    def __init__(self, execution: str):
        self.execution = execution

    def get(self, namespace: str, name: str) -> str:
        return SECRETS[self.execution]


def test_concurrent_tasks_keep_their_own_ids_and_masks(aws, log_lines):
    failures = []

    def run(execution: str) -> None:
        event = make_event(
            "core/code",
            {"token": "{{ secrets.TOKEN }}"},
            execution=f"arn:aws:states:us-east-1:123456789012:execution:wf:{execution}",
            code={"language": "python", "source": PRINT_SLOWLY},
            secrets={"TOKEN": [["token"]]},
        )
        try:
            handle_python(event, services=make_services(secrets=PerExecutionStore(execution)))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(execution,)) for execution in SECRETS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    printed = [line for line in log_lines() if line.get("stream") == "stdout"]
    assert (
        sorted(line["execution"].rsplit(":", 1)[1] for line in printed)
        == ["run-a"] * 5 + ["run-b"] * 5
    )
    assert all(line["message"] == "token ***" for line in printed)
    assert not any(secret in str(log_lines()) for secret in SECRETS.values())
