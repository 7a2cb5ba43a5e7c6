"""Pinning plugin tasks (workflow apply, statemill run): version and sha256 into the payload, literal
inputs checked against the action's schema, expressions left to the plugin host."""

import pytest

from statemachine_compiler import CompileError
from statemachine_compiler.compiler import compile_source
from statemill.control.plugin_pins import literal_schema_problems, pin_plugins, plugin_payloads
from statemill.plugins.store import PluginRecord

MANIFEST = """
name: community/slack
version: 1.2.0
author: test
actions:
  send:
    inputs:
      type: object
      required: [channel, message]
      properties: {channel: {type: string}, message: {type: string}}
      additionalProperties: false
permissions:
  config:
    token: {secret: SLACK_TOKEN}
"""
SCHEMA = {"type": "object", "required": ["channel", "message"], "additionalProperties": False,
          "properties": {"channel": {"type": "string"}, "message": {"type": "string"}}}


class FakeStore:
    def __init__(self, *records: PluginRecord):
        self.records = records

    def versions(self, name: str) -> list[PluginRecord]:
        return [r for r in self.records if r.name == name]


SLACK = FakeStore(PluginRecord("community/slack", "1.2.0", "ab" * 32, MANIFEST, "2026-01-01T00:00:00+00:00"))


def workflow(inputs: str, secrets: str = "secrets: [SLACK_TOKEN]") -> str:
    return f"""
id: notify
{secrets}
inputs:
  who: {{type: string, default: ops}}
tasks:
  each:
    type: core/foreach
    inputs: {{items: [1, 2]}}
    tasks:
      post:
        type: community/slack.send
        inputs: {inputs}
"""


def test_every_plugin_task_is_pinned_and_its_warning_dropped():
    compiled = compile_source(workflow("{channel: alerts, message: hi}"))
    assert any("is not installed here" in w.message for w in compiled.warnings)

    pinned = pin_plugins(compiled, lambda: SLACK)

    assert [p["plugin"] for p in plugin_payloads(pinned.asl)] == [
        {"name": "community/slack", "action": "send", "version": "1.2.0", "sha256": "ab" * 32}]
    assert not any("is not installed here" in w.message for w in pinned.warnings)
    assert [p["plugin"] for p in plugin_payloads(compiled.asl)] == [{"name": "community/slack", "action": "send"}]


def test_a_workflow_without_plugin_tasks_opens_no_store():
    compiled = compile_source("id: plain\ntasks:\n  t: {type: core/transform, inputs: {value: 1}}\n")
    assert pin_plugins(compiled, lambda: pytest.fail("the store was opened")) is compiled


@pytest.mark.parametrize("inputs, secrets, message", [
    ("{channel: alerts, message: hi}", "", "plugin community/slack reads the secret SLACK_TOKEN: declare it"),
    ("{channel: 5, message: hi}", "secrets: [SLACK_TOKEN]",
     "inputs of community/slack.send (task 'post') do not match its schema: channel: 5 is not of type 'string'"),
    ("{channel: alerts}", "secrets: [SLACK_TOKEN]", "(the whole inputs): 'message' is a required property"),
])
def test_problems_are_errors_at_the_task_type(inputs, secrets, message):
    with pytest.raises(CompileError) as error:
        pin_plugins(compile_source(workflow(inputs, secrets), file="notify.yaml"), lambda: SLACK)
    first = error.value.diagnostics[0]
    assert message in first.message
    assert (first.file, first.field) == ("notify.yaml", "tasks.each.tasks.post.type")


def test_a_plugin_that_is_not_installed_says_how_to_install_it():
    with pytest.raises(CompileError, match="plugin 'community/slack' is not installed: statemill plugin "
                                           "install plugins/slack"):
        pin_plugins(compile_source(workflow("{channel: alerts, message: hi}")), FakeStore)


def test_expressions_are_not_checked_but_the_literals_beside_them_are():
    assert literal_schema_problems(SCHEMA, "{% $inputs %}") == []
    assert literal_schema_problems(SCHEMA, {"channel": "{% $states.input.n %}", "message": "hi"}) == []
    assert literal_schema_problems(SCHEMA, {"channel": "{% $x %}", "message": 3, "extra": 1}) == [
        "(the whole inputs): Additional properties are not allowed ('extra' was unexpected)",
        "message: 3 is not of type 'string'"]
