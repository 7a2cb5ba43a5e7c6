"""The table of bad workflows: each small file and every error it must give, exactly.

An error is (line, column, field, message). Line and column are 1-based and point at the
offending key (or, for a missing key, at the mapping that lacks it); the field is the dotted
path of DSL.md. Every case lists all of its errors, so a change in wording, place or count
shows up here as a reviewed diff.
"""

from textwrap import dedent

import pytest

from statemachine_compiler import CompileError, compile_source

FILE = "workflow.yaml"


def case(name: str, text: str, *errors: tuple[int, int, str, str]):
    return pytest.param(dedent(text).lstrip("\n"), list(errors), id=name)


ID_HINT = "use lowercase letters, digits, '_' and '-', starting with a letter (at most 63)"
ROOTS = "inputs, tasks, trigger, execution, item, index, error, attempt, secrets"
LANGUAGES = "python, javascript, typescript or bash"

BAD_WORKFLOWS = [
    # --- the file itself -------------------------------------------------------------------
    case("invalid yaml", """
        id: wf
        tasks: [a, b
        """,
        (3, 1, "", "invalid YAML: did not find expected ',' or ']' "
                   "(while parsing a flow sequence that starts on line 2)")),
    case("tab indentation", """
        id: wf
        tasks:
        \ta: 1
        """,
        (3, 1, "", "invalid YAML: a tab cannot indent YAML: use spaces")),
    case("empty file", "",
        (1, 1, "", "the file is empty: a workflow needs at least 'id' and 'tasks'")),
    case("only comments", """
        # nothing here yet
        """,
        (1, 1, "", "the file is empty: a workflow needs at least 'id' and 'tasks'")),
    case("not a mapping", """
        - fetch
        - save
        """,
        (1, 1, "", "the file holds a list: a workflow is a mapping with at least 'id' and 'tasks'")),
    case("duplicate key", """
        id: wf
        id: wf2
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (2, 1, "id", "duplicate key 'id', already set on line 1: "
                     "YAML would silently keep only the last one; remove or rename one")),
    case("duplicate task", """
        id: wf
        tasks:
          a: {type: core/log, inputs: {message: hi}}
          a: {type: core/log, inputs: {message: bye}}
        """,
        (4, 3, "tasks.a", "duplicate key 'a', already set on line 3: "
                          "YAML would silently keep only the last one; remove or rename one")),

    # --- the workflow's own keys -----------------------------------------------------------
    case("missing id", """
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (1, 1, "id", "missing required key 'id': add one such as 'id: daily_sync'")),
    case("bad id pattern", """
        id: Daily Sync
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (1, 1, "id", f"'Daily Sync' is not valid: {ID_HINT}")),
    case("id not text", """
        id: 5
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (1, 1, "id", "expected text, got the number 5")),
    case("missing tasks", """
        id: wf
        """,
        (1, 1, "tasks", "missing required key 'tasks': add 'tasks:', a mapping from each task id to its task")),
    case("empty tasks", """
        id: wf
        tasks: {}
        """,
        (2, 1, "tasks", "a workflow needs at least one task")),
    case("tasks is a list", """
        id: wf
        tasks: [fetch, save]
        """,
        (2, 1, "tasks", "expected a mapping, got a list")),
    case("unknown top-level key", """
        id: wf
        taks: {}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (2, 1, "taks", "unknown key 'taks' — did you mean 'tasks'?")),
    case("both trigger and triggers", """
        id: wf
        trigger:
          cron: "0 2 * * *"
        triggers:
          - cron: "0 3 * * *"
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (4, 1, "triggers", "use either 'trigger' or 'triggers', not both")),

    # --- tasks -----------------------------------------------------------------------------
    case("task id pattern", """
        id: wf
        tasks:
          Fetch: {type: core/log, inputs: {message: hi}}
        """,
        (3, 3, "tasks.Fetch", f"task id 'Fetch' is not valid: {ID_HINT}")),
    case("task is empty", """
        id: wf
        tasks:
          a:
        """,
        (3, 3, "tasks.a", "expected a mapping, got nothing")),
    case("unknown task key", """
        id: wf
        tasks:
          a:
            type: core/log
            need: [b]
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.need", "unknown key 'need' — did you mean 'needs'?")),
    case("missing type", """
        id: wf
        tasks:
          a:
            inputs: {message: hi}
        """,
        (3, 3, "tasks.a.type", "missing required key 'type': add one such as 'type: core/http.get' "
                               "or 'type: <namespace>/<plugin>.<action>'")),
    case("unknown core type", """
        id: wf
        tasks:
          a:
            type: core/http.gte
            inputs: {url: https://example.com}
        """,
        (4, 5, "tasks.a.type", "unknown task type 'core/http.gte' — did you mean 'core/http.get'?")),
    case("plugin type malformed", """
        id: wf
        tasks:
          a:
            type: Slack.send
        """,
        (4, 5, "tasks.a.type", "unknown task type 'Slack.send': "
                               "use core/<name> or <namespace>/<plugin>.<action>")),
    case("task input not accepted", """
        id: wf
        tasks:
          a:
            type: core/http.get
            inputs: {url: https://example.com, header: {}}
        """,
        (5, 40, "tasks.a.inputs.header", "core/http.get takes no input 'header' — did you mean 'headers'?")),
    case("required input missing", """
        id: wf
        tasks:
          a:
            type: core/db.insert
            inputs: {table: items}
        """,
        (5, 5, "tasks.a.inputs.data", "core/db.insert needs input 'data': add it under inputs")),
    case("task inputs not a mapping", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs: hello
        """,
        (5, 5, "tasks.a.inputs", "expected a mapping, got the text 'hello'")),
    case("on_error bad value", """
        id: wf
        tasks:
          a:
            type: core/log
            on_error: ignore
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.on_error", "'ignore' is not allowed: expected 'fail' or 'continue'")),
    case("retry max not a number", """
        id: wf
        tasks:
          a:
            type: core/log
            retry: {max: lots}
            inputs: {message: hi}
        """,
        (5, 13, "tasks.a.retry.max", "expected a whole number, got the text 'lots'")),
    case("duplicate id in a foreach body", """
        id: wf
        tasks:
          each:
            type: core/foreach
            inputs: {items: [1, 2]}
            tasks:
              b: {type: core/log, inputs: {message: hi}}
          b: {type: core/log, inputs: {message: hi}}
        """,
        (8, 3, "tasks.b", "task id 'b' is already used at tasks.each.tasks.b: "
                          "task ids are unique in a workflow, foreach bodies included; rename one")),
    case("ids differ only by - and _", """
        id: wf
        tasks:
          load-data: {type: core/log, inputs: {message: hi}}
          load_data: {type: core/log, inputs: {message: hi}}
        """,
        (4, 3, "tasks.load_data", "task ids 'load-data' and 'load_data' differ only by '-' and '_': rename one")),
    case("several errors", """
        id: wf
        tasks:
          a:
            type: core/lgo
            inputs: {message: hi}
          b:
            type: core/log
            needs: [c]
            inputs: {message: hi}
        """,
        (4, 5, "tasks.a.type", "unknown task type 'core/lgo' — did you mean 'core/log'?"),
        (8, 13, "tasks.b.needs[0]", "unknown task 'c' in needs of 'b'")),

    # --- needs and the DAG -----------------------------------------------------------------
    case("unknown need", """
        id: wf
        tasks:
          fetch: {type: core/log, inputs: {message: hi}}
          save:
            type: core/log
            needs: [fetc]
            inputs: {message: hi}
        """,
        (6, 13, "tasks.save.needs[0]", "unknown task 'fetc' in needs of 'save' — did you mean 'fetch'?")),
    case("needs not a list", """
        id: wf
        tasks:
          a:
            type: core/log
            needs: 5
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.needs", "expected a list, got the number 5")),
    case("self need", """
        id: wf
        tasks:
          a:
            type: core/log
            needs: [a]
            inputs: {message: hi}
        """,
        (5, 13, "tasks.a.needs[0]", "task 'a' cannot need itself: remove 'a' from its needs")),
    case("need listed twice", """
        id: wf
        tasks:
          a: {type: core/log, inputs: {message: hi}}
          b:
            type: core/log
            needs: [a, a]
            inputs: {message: hi}
        """,
        (6, 16, "tasks.b.needs[1]", "'a' is listed twice in needs of 'b': remove one")),
    case("cycle", """
        id: wf
        tasks:
          a:
            type: core/log
            needs: [c]
            inputs: {message: hi}
          b:
            type: core/log
            needs: [a]
            inputs: {message: hi}
          c:
            type: core/log
            needs: [b]
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.needs", "the tasks form a cycle: a → b → c → a "
                                "(each task needs the one before it): remove one of these needs")),

    # --- expressions -----------------------------------------------------------------------
    case("expression syntax error", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ 1 + }}"
        """,
        (6, 7, "tasks.a.inputs.message", "invalid expression '1 +' at character 4: Unexpected end of expression")),
    case("expression never closed", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs: {message: "{{ inputs.x"}
        """,
        (5, 14, "tasks.a.inputs.message", "'{{' is never closed by '}}'")),
    case("reads a task that is not an ancestor", """
        id: wf
        tasks:
          a: {type: core/log, inputs: {message: hi}}
          b:
            type: core/log
            inputs:
              message: "{{ tasks.a.output }}"
        """,
        (7, 7, "tasks.b.inputs.message", "task 'a' is not guaranteed to have run yet: "
                                         "add it to needs (directly or through another task)")),
    case("reads an unknown task", """
        id: wf
        tasks:
          fetch: {type: core/log, inputs: {message: hi}}
          b:
            type: core/log
            needs: [fetch]
            inputs:
              message: "{{ tasks.fetc.output }}"
        """,
        (8, 7, "tasks.b.inputs.message", "unknown task 'fetc' — did you mean 'fetch'?")),
    case("tasks without an id", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ tasks }}"
        """,
        (6, 7, "tasks.a.inputs.message", "'tasks' must be followed by a task id, as in tasks.fetch.output")),
    case("unknown task field", """
        id: wf
        tasks:
          a: {type: core/log, inputs: {message: hi}}
          b:
            type: core/log
            needs: [a]
            inputs:
              message: "{{ tasks.a.bogus }}"
        """,
        (8, 7, "tasks.b.inputs.message", "tasks.a has no field 'bogus': use output, status or error")),
    case("foreach body reads its own foreach", """
        id: wf
        tasks:
          each:
            type: core/foreach
            inputs: {items: [1, 2]}
            tasks:
              b:
                type: core/log
                inputs: {message: "{{ tasks.each.output }}"}
        """,
        (9, 18, "tasks.each.tasks.b.inputs.message",
         "'each' is the core/foreach these tasks run in: its output exists only once every item is done; "
         "read item and index here")),
    case("undeclared input", """
        id: wf
        inputs:
          region: {type: string}
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ inputs.regoin }}"
        """,
        (8, 7, "tasks.a.inputs.message", "no input 'regoin' is declared in inputs — did you mean 'region'?")),
    case("item outside foreach", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ item }}"
        """,
        (6, 7, "tasks.a.inputs.message", "'item' is only defined inside the tasks of a core/foreach")),
    case("error outside errors", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ error.message }}"
        """,
        (6, 7, "tasks.a.inputs.message", "'error' is only defined in the tasks of errors:")),
    case("unknown execution field", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ execution.bogus }}"
        """,
        (6, 7, "tasks.a.inputs.message", "execution has no field 'bogus': use id, name, start_time, workflow, version")),
    case("unknown root name", """
        id: wf
        tasks:
          a:
            type: core/log
            inputs:
              message: "{{ input.x }}"
        """,
        (6, 7, "tasks.a.inputs.message", f"unknown name 'input' in '{{{{ input.x }}}}': expressions read {ROOTS}"
                                         " — did you mean 'inputs'?")),
    case("when is not an expression", """
        id: wf
        tasks:
          a:
            type: core/log
            when: "inputs.region = 'eu'"
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.when", "when is true, false or one expression such as \"{{ inputs.region = 'eu' }}\"")),
    case("when is a number", """
        id: wf
        tasks:
          a:
            type: core/log
            when: 5
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.when", "expected text or true or false, got the number 5")),

    # --- secrets ---------------------------------------------------------------------------
    case("secret not declared", """
        id: wf
        tasks:
          a:
            type: core/http.get
            inputs:
              url: https://example.com
              headers: {Authorization: "{{ secrets.TOKEN }}"}
        """,
        (7, 17, "tasks.a.inputs.headers.Authorization",
         "secret 'TOKEN' is not declared: add it to secrets: at the top of the workflow")),
    case("secret inside an expression", """
        id: wf
        secrets: [TOKEN]
        tasks:
          a:
            type: core/http.get
            inputs:
              url: https://example.com
              headers: {Authorization: "{{ 'Bearer ' & secrets.TOKEN }}"}
        """,
        (8, 17, "tasks.a.inputs.headers.Authorization",
         "a secret is used whole, as '{{ secrets.NAME }}': Step Functions never sees its value, "
         "so it cannot be part of an expression")),
    case("secret passed to core/transform", """
        id: wf
        secrets: [TOKEN]
        tasks:
          a:
            type: core/transform
            inputs:
              value: "{{ secrets.TOKEN }}"
        """,
        (7, 7, "tasks.a.inputs.value", "secrets can only be passed to tasks that run in a Lambda function "
                                       "(http, db, code, notify, plugins)")),

    # --- durations, timeouts, retries ------------------------------------------------------
    case("bad duration", """
        id: wf
        tasks:
          a:
            type: core/log
            timeout: 5 minutes
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.timeout", "'5 minutes' is not a duration: "
                                  "write a duration such as 500ms, 30s, 5m, 2h, 1d or PT5M")),
    case("sub-second retry interval", """
        id: wf
        tasks:
          a:
            type: core/log
            retry: {max: 2, interval: 500ms}
            inputs: {message: hi}
        """,
        (5, 21, "tasks.a.retry.interval", "500ms is not a whole number of seconds, which Step Functions needs here: "
                                          "write e.g. 1s or 30s")),
    case("zero duration", """
        id: wf
        tasks:
          a:
            type: core/log
            timeout: 0s
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.timeout", "'0s' must be longer than zero")),
    case("negative duration", """
        id: wf
        tasks:
          a:
            type: core/log
            timeout: -5s
            inputs: {message: hi}
        """,
        (5, 5, "tasks.a.timeout", "'-5s' is negative: a duration must be longer than zero")),
    case("timeout on core/transform", """
        id: wf
        tasks:
          a:
            type: core/transform
            timeout: 5s
            inputs: {value: 1}
        """,
        (5, 5, "tasks.a.timeout", "core/transform cannot have a timeout: "
                                  "it runs as a Pass state, which finishes at once; remove 'timeout'")),
    case("retry on core/sleep", """
        id: wf
        tasks:
          a:
            type: core/sleep
            retry: {max: 1}
            inputs: {duration: 5s}
        """,
        (5, 5, "tasks.a.retry", "core/sleep cannot be retried: it cannot fail; remove 'retry'")),

    # --- task types ------------------------------------------------------------------------
    case("code language missing", """
        id: wf
        tasks:
          a:
            type: core/code
            source: "def main(input): return 1"
        """,
        (3, 3, "tasks.a.language", f"core/code needs 'language': add {LANGUAGES}")),
    case("code language unknown", """
        id: wf
        tasks:
          a:
            type: core/code
            language: pyhton
            source: "def main(input): return 1"
        """,
        (5, 5, "tasks.a.language", f"unknown language 'pyhton': use {LANGUAGES} — did you mean 'python'?")),
    case("code with source and file", """
        id: wf
        tasks:
          a:
            type: core/code
            language: python
            source: "def main(input): return 1"
            file: main.py
        """,
        (7, 5, "tasks.a.file", "core/code takes 'source' or 'file', not both: remove one")),
    case("code with neither source nor file", """
        id: wf
        tasks:
          a:
            type: core/code
            language: python
        """,
        (3, 3, "tasks.a.source", "core/code needs its code: add 'source' (the code itself) "
                                 "or 'file' (a path relative to the workflow)")),
    case("code file does not exist", """
        id: wf
        tasks:
          a:
            type: core/code
            language: python
            file: nope.py
        """,
        (6, 5, "tasks.a.file", "cannot read code file 'nope.py': No such file or directory")),
    case("foreach without tasks", """
        id: wf
        tasks:
          a:
            type: core/foreach
            inputs: {items: [1, 2]}
        """,
        (3, 3, "tasks.a.tasks", "core/foreach needs 'tasks': add the tasks to run for each item "
                                "(they read item and index)")),
    case("foreach items not a list", """
        id: wf
        tasks:
          a:
            type: core/foreach
            inputs: {items: 3}
            tasks:
              b: {type: core/log, inputs: {message: hi}}
        """,
        (5, 14, "tasks.a.inputs.items", "items is the number 3: "
                                        "write a list or one expression such as '{{ tasks.list.output }}'")),
    case("sleep with duration and until", """
        id: wf
        tasks:
          a:
            type: core/sleep
            inputs: {duration: 5s, until: "2030-01-01T00:00:00Z"}
        """,
        (5, 28, "tasks.a.inputs.until", "core/sleep takes 'duration' or 'until', not both: remove one")),
    case("sleep with neither", """
        id: wf
        tasks:
          a:
            type: core/sleep
        """,
        (3, 3, "tasks.a.inputs.duration", "core/sleep needs 'duration' (e.g. 30s) or 'until' (a timestamp) under inputs")),
    case("subflow bad workflow ref", """
        id: wf
        tasks:
          a:
            type: core/subflow
            inputs: {workflow: Other Flow}
        """,
        (5, 14, "tasks.a.inputs.workflow", "the text 'Other Flow' is not a workflow id: "
                                           "write the id of another workflow, optionally as 'namespace/id'")),

    # --- triggers ----------------------------------------------------------------------------
    case("invalid cron", """
        id: wf
        trigger:
          cron: "0 25 * * *"
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (3, 3, "trigger.cron", "'0 25 * * *' is not a valid cron expression: write 5 fields, "
                               "minute hour day-of-month month day-of-week, e.g. '0 2 * * *'")),
    case("unknown timezone", """
        id: wf
        trigger:
          cron: "0 2 * * *"
          timezone: Europe/Pariss
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (4, 3, "trigger.timezone", "unknown timezone 'Europe/Pariss': use an IANA name such as Europe/Paris"
                                   " — did you mean 'Europe/Paris'?")),
    case("webhook with timezone", """
        id: wf
        trigger:
          webhook: {path: /ingest}
          timezone: Europe/Paris
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (4, 3, "trigger.timezone", "'timezone' only applies to cron triggers: remove it")),
    case("empty trigger", """
        id: wf
        trigger: {}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (2, 1, "trigger", "a trigger has exactly one of 'cron' or 'webhook'")),
    case("trigger input not declared", """
        id: wf
        inputs:
          region: {type: string, default: eu}
        trigger:
          cron: "0 2 * * *"
          inputs: {regoin: eu}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (6, 12, "trigger.inputs.regoin", "no input 'regoin' is declared in inputs — did you mean 'region'?")),

    # --- express mode ------------------------------------------------------------------------
    case("express with approval", """
        id: wf
        mode: express
        tasks:
          a:
            type: core/approval
            inputs: {message: approve}
        """,
        (5, 5, "tasks.a.type", "express workflows cannot wait for an approval: use mode standard")),
    case("express with long sleep", """
        id: wf
        mode: express
        tasks:
          a:
            type: core/sleep
            inputs: {duration: 10m}
        """,
        (6, 14, "tasks.a.inputs.duration", "express workflows cannot sleep longer than 5m: "
                                           "shorten it, or use mode standard")),
    case("express sleeping until a time", """
        id: wf
        mode: express
        inputs:
          at: {type: string, format: date-time}
        tasks:
          a:
            type: core/sleep
            inputs: {until: "{{ inputs.at }}"}
        """,
        (8, 14, "tasks.a.inputs.until", "express workflows cannot sleep until a time (a run lasts at most 5m): "
                                        "use a duration of at most 5m, or mode standard")),

    # --- inputs: ---------------------------------------------------------------------------
    case("input default not in enum", """
        id: wf
        inputs:
          region: {type: string, enum: [eu, us], default: asia}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (3, 42, "inputs.region.default", "default 'asia' is not one of enum ['eu', 'us']: "
                                         "change the default or add it to enum")),
    case("input name pattern", """
        id: wf
        inputs:
          my-input: {type: string}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (3, 3, "inputs.my-input", "input name 'my-input' is not valid: "
                                  "an input name uses letters, digits and '_', not starting with a digit")),
    case("secret name pattern", """
        id: wf
        secrets: [my-token]
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (2, 11, "secrets[0]", "'my-token' is not valid: a secret name uses letters, digits and '_'")),
    case("input type unknown", """
        id: wf
        inputs:
          n: {type: int}
        tasks:
          a: {type: core/log, inputs: {message: hi}}
        """,
        (3, 7, "inputs.n.type", "'int' is not allowed: "
                                "expected 'string', 'integer', 'number', 'boolean', 'object' or 'array'")),
]


def errors_of(text: str, base_dir) -> list[tuple[int, int, str, str]]:
    with pytest.raises(CompileError) as caught:
        compile_source(text, file=FILE, base_dir=base_dir)
    return [(d.position.line, d.position.column, d.field, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize("text, expected", BAD_WORKFLOWS)
def test_bad_workflow_gives_exactly_these_errors(text, expected, tmp_path):
    assert errors_of(text, tmp_path) == expected


@pytest.mark.parametrize("text, expected", BAD_WORKFLOWS)
def test_every_error_names_its_file_and_says_what_is_wrong(text, expected, tmp_path):
    with pytest.raises(CompileError) as caught:
        compile_source(text, file=FILE, base_dir=tmp_path)
    for diagnostic in caught.value.diagnostics:
        assert diagnostic.file == FILE
        assert diagnostic.severity == "error"
        assert str(diagnostic).startswith(f"{FILE}:{diagnostic.position.line}:{diagnostic.position.column}: ")


def test_the_table_is_large_and_its_ids_are_unique():
    ids = [param.id for param in BAD_WORKFLOWS]
    assert len(ids) >= 45
    assert len(set(ids)) == len(ids)
