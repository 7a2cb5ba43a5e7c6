"""Cron and webhook triggers on the local server, end to end: one server for the module, on a
free port, STATEMILL_HOME in a temporary folder, its scheduler on a fake clock moved through
POST /statemill/test/clock."""

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from statemill.cli.main import main
from statemill.control.webhook_auth import sign
from statemill.local import server_process
from statemill.local.fake_clock_route import ENV_FAKE_CLOCK, ROUTE

from .test_local_server import as_json

CLOCK_START = datetime(2025, 3, 3, 0, 0, 30, tzinfo=UTC)  # a Monday
NIGHTLY = """
id: nightly
inputs:
  size: {type: integer, default: 1}
trigger:
  cron: "*/15 1 * * *"
  inputs: {size: 5}
tasks:
  note:
    type: core/log
    inputs: {message: "at {{ trigger.scheduled_time }} size {{ inputs.size }}"}
"""
INGEST = """
id: ingest
inputs:
  count: {type: integer, minimum: 1}
trigger:
  webhook: {path: /orders, method: POST}
tasks:
  shape:
    type: core/transform
    inputs: {value: "{{ trigger.body }}"}
outputs:
  count: "{{ inputs.count }}"
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("statemill_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATEMILL_HOME", str(home))
        patch.setenv(ENV_FAKE_CLOCK, CLOCK_START.isoformat())
        patch.delenv("STATEMILL_TARGET", raising=False)
        record = server_process.start_detached(server_process.free_port(), home)
        try:
            yield record
        finally:
            if server_process.status(home) is not None:
                server_process.stop(home)


@pytest.fixture(scope="module")
def applied(home, tmp_path_factory):
    folder = tmp_path_factory.mktemp("workflows")
    for name, text in (("nightly", NIGHTLY), ("ingest", INGEST)):
        (folder / f"{name}.yaml").write_text(text)
    assert main(["workflow", "apply", str(folder / "nightly.yaml"), str(folder / "ingest.yaml")]) == 0
    return folder


def post(url: str, body: bytes = b"", headers: dict | None = None, method: str = "POST") -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def move_clock(home, moment: datetime) -> list[dict]:
    _, answer = post(home.endpoint_url + ROUTE, json.dumps({"now": moment.isoformat()}).encode())
    return answer["fired"]


def executions(capsys, workflow: str) -> list[dict]:
    return as_json(capsys, "execution", "list", "--workflow", workflow, "--limit", "1000")


class TestCron:
    def test_describe_shows_the_next_five_fire_times(self, capsys, applied):
        details = as_json(capsys, "workflow", "describe", "nightly")
        (trigger,) = details["triggers"]
        assert trigger["schedules"] == ["default--nightly--0-0"]
        assert len(trigger["next"]) == 5
        assert all(":00+00:00" in moment and "T01:" in moment for moment in trigger["next"])

    def test_fires_exactly_once_per_slot(self, capsys, applied, home):
        # GIVEN the fake clock before 01:00; WHEN it moves minute by minute through 01:00-01:31
        fired = []
        for minute in range(55, 60):
            fired += move_clock(home, datetime(2025, 3, 3, 0, minute, 10, tzinfo=UTC))
        for minute in range(32):
            fired += move_clock(home, datetime(2025, 3, 3, 1, minute, 10, tzinfo=UTC))
            fired += move_clock(home, datetime(2025, 3, 3, 1, minute, 40, tzinfo=UTC))
        # THEN the slots 01:00, 01:15 and 01:30 each started one execution, named from the slot
        assert [f["execution"] for f in fired if f["started"]] == [
            "nightly-cron0-20250303T0100Z", "nightly-cron0-20250303T0115Z", "nightly-cron0-20250303T0130Z"]
        assert len(executions(capsys, "nightly")) == 3
        run = as_json(capsys, "execution", "inspect", "nightly-cron0-20250303T0100Z")
        assert run["inputs"] == {"size": 5}

    def test_a_gap_catches_up_one_missed_run(self, capsys, applied, home):
        # 01:45 of this day and 01:00..01:45 of the next are missed: only 01:45 of the next day runs.
        fired = move_clock(home, datetime(2025, 3, 4, 2, 0, 0, tzinfo=UTC))
        assert [f["execution"] for f in fired] == ["nightly-cron0-20250304T0145Z"]

    def test_a_disabled_workflow_does_not_fire(self, capsys, applied, home):
        assert main(["workflow", "disable", "nightly"]) == 0
        try:
            assert move_clock(home, datetime(2025, 3, 5, 1, 16, tzinfo=UTC)) == []
        finally:
            assert main(["workflow", "enable", "nightly"]) == 0
        assert move_clock(home, datetime(2025, 3, 5, 1, 17, tzinfo=UTC)) == []  # seen afresh: no catch-up
        assert [f["execution"] for f in move_clock(home, datetime(2025, 3, 5, 1, 31, tzinfo=UTC))] == [
            "nightly-cron0-20250305T0130Z"]


@pytest.fixture(scope="module")
def hook(applied):
    """`webhook show --json` (capsys is per test: stdout is redirected here instead)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--json", "webhook", "show", "ingest"]) == 0
    return json.loads(out.getvalue())


def signed(hook: dict, body: bytes, delivery: str | None = None, at: float | None = None) -> dict:
    timestamp = str(int(time.time() if at is None else at))
    headers = {"Content-Type": "application/json", "X-Statemill-Timestamp": timestamp,
               "X-Statemill-Signature": sign(hook["secret"], timestamp, body)}
    if delivery:
        headers["X-Statemill-Delivery"] = delivery
    return headers


class TestWebhook:
    def test_show_gives_url_method_auth_and_secret(self, hook, home):
        assert hook["url"] == f"{home.endpoint_url}/hooks/default/ingest/orders"
        assert (hook["method"], hook["auth"]) == ("POST", "hmac")
        assert len(hook["secret"]) == 64

    def test_a_good_signature_starts_one_execution(self, capsys, hook):
        body = json.dumps({"count": 3, "order": "A-1"}).encode()
        status, answer = post(hook["url"] + "?source=shop", body, signed(hook, body, "delivery-good"))
        assert status == 202, answer
        found = [e for e in executions(capsys, "ingest") if e["id"] == answer["execution"]]
        assert len(found) == 1

    def test_the_same_delivery_three_times_starts_one(self, capsys, hook):
        body = json.dumps({"count": 2}).encode()
        before = len(executions(capsys, "ingest"))
        answers = [post(hook["url"], body, signed(hook, body, "delivery-repeated")) for _ in range(3)]
        assert {status for status, _ in answers} == {202}
        assert len({answer["execution"] for _, answer in answers}) == 1
        assert len(executions(capsys, "ingest")) == before + 1

    @pytest.mark.parametrize(("case", "status"), [
        ("bad signature", 403), ("old timestamp", 403), ("no signature", 401), ("wrong method", 405),
        ("oversized body", 413), ("not json", 415), ("invalid inputs", 422), ("unknown path", 404),
    ])
    def test_refused_deliveries_start_nothing(self, capsys, hook, case, status):
        body = json.dumps({"count": 1, "case": case}).encode()
        url, method, headers = hook["url"], "POST", signed(hook, body, f"refused-{case}")
        if case == "bad signature":
            headers["X-Statemill-Signature"] = sign("not the secret", headers["X-Statemill-Timestamp"], body)
        elif case == "old timestamp":
            headers = signed(hook, body, at=time.time() - 301)
        elif case == "no signature":
            del headers["X-Statemill-Signature"]
        elif case == "wrong method":
            method = "PUT"
        elif case == "oversized body":
            body = json.dumps({"count": 1, "pad": "x" * 200_000}).encode()
            headers = signed(hook, body)
        elif case == "not json":
            body = b"count=1"
            headers = {**signed(hook, body), "Content-Type": "application/x-www-form-urlencoded"}
        elif case == "invalid inputs":
            body = json.dumps({"count": 0}).encode()
            headers = signed(hook, body)
        elif case == "unknown path":
            url = url.replace("/orders", "/nowhere")
        before = len(executions(capsys, "ingest"))
        answered, answer = post(url, body, headers, method)
        assert answered == status, answer
        assert answer["error"]["message"]
        assert len(executions(capsys, "ingest")) == before
