"""IR → Amazon States Language (JSONata query language).

One Task, Pass, Wait or Map state per task, named by the task id; a Parallel state only where
independent branches run side by side; a Choice only in front of a task with `when`. Task
records ({status, output, error}) live in variables `$t_<id>`, assigned only when a later
expression reads them. Parallel branches and Map iterations cannot assign outer variables, so
a branch's last state outputs the records its branch assigned and the Parallel re-assigns
them from `$states.result`.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from . import placeholders, task_types
from .durations import parse_ms
from .expressions import parse_template
from .ir import ParallelStep, Sequence, Step, TaskStep
from .model import Task, Workflow
from .render import Resolver, item_variables, jsonata, secret_name, task_variable, value, value_text

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
LAMBDA_INVOKE_WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken"
START_EXECUTION = "arn:aws:states:::states:startExecution"
START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2"
# The retries AWS recommends for transient Lambda service errors (as the CDK's LambdaInvoke).
LAMBDA_SERVICE_RETRY = {
    "ErrorEquals": ["Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
                    "Lambda.AWSLambdaException", "Lambda.SdkClientException"],
    "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2.0, "JitterStrategy": "FULL",
}
# Errors a retry cannot fix: bad inputs, a refused permission, a missing secret.
PERMANENT_ERRORS = ["Statemill.InputError", "Statemill.PermissionDenied", "Statemill.SecretError"]
ITEM_SELECTOR = {"item": "{% $states.context.Map.Item.Value %}", "index": "{% $states.context.Map.Item.Index %}"}
SKIPPED = '{"status": "SKIPPED", "output": null}'
MAX_NAME = 80


def error_record(task_id: str | None) -> str:
    """JSONata for {type, message, task} of the error being caught.

    A Lambda's Cause is its JSON error payload (errorMessage); a branch's failure funnel
    passes {type, message, task}; anything else is plain text.
    """
    task = f'$p.task ? $p.task : "{task_id}"' if task_id else "$p.task"
    return ("($c := $states.errorOutput.Cause; "
            '$p := $type($c) = "string" and $substring($c, 0, 1) = "{" ? $parse($c) : {}; '
            '{"type": $states.errorOutput.Error, '
            '"message": $p.errorMessage ? $p.errorMessage : ($p.message ? $p.message : $c), '
            f'"task": {task}}})')


@dataclass(frozen=True)
class Scope:
    """Where a sequence is being emitted."""

    end: Callable[[dict[str, str]], object]  # Output of the scope's last state, given its Assign
    path: tuple = ()  # the branches and iterations around it: its variable scope (depth = len)
    top_level: bool = False
    entry: bool = False  # the state begins a Map iteration: item/index come from its input
    item_depth: int | None = None  # whose item/index variables it reads; None: not in a foreach
    funnel: "Funnel | None" = None  # where this branch's failures go (workflows with errors:)

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def assigns_item(self) -> bool:
        return self.entry and self.item_depth is not None

    def entry_assign(self) -> dict[str, str]:
        item, index = item_variables(self.depth)
        return {item: "$states.input.item", index: "$states.input.index"}


class Funnel:
    """A branch's Fail state, created on first use, that re-raises with the failing task's id."""

    def __init__(self, emitter: "Emitter", branch: Sequence, states: dict):
        self.emitter, self.branch, self.states, self._name = emitter, branch, states, None

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = self.emitter.unique(f"Failed in branch {self.branch.first_task()}")
            self.states[self._name] = {"Type": "Fail", "Error": "{% $states.input.type %}",
                                       "Cause": "{% $string($states.input) %}"}
        return self._name


class Emitter:
    def __init__(self, workflow: Workflow, needed: frozenset[str]):
        self.workflow = workflow
        self.needed = needed  # task ids whose record some expression reads
        self.homes: dict[str, tuple] = {}  # task id -> the scope path where it runs
        self.names: set[str] = set()
        self.error_target: str | None = None
        # An optional input left out reads as its default, or null: Step Functions fails on nothing.
        defaults = {k: spec.default for k, spec in workflow.inputs.items()
                    if spec.default is not None or spec.required is False}
        self.base_resolver = Resolver(workflow.id, input_defaults=defaults)

    def emit(self, main: Sequence, errors: Sequence | None) -> dict:
        for sequence in (main, errors):
            if sequence is not None:
                self._find_homes(sequence, ())
        states: dict = {}
        if errors is not None:
            failed = self.unique("Workflow failed")
            # The Cause keeps the whole {type, message, task}: inspect and the console show it.
            states[failed] = {"Type": "Fail", "Error": "{% $error.type %}", "Cause": "{% $string($error) %}"}
            self.error_target = self.sequence(errors, states, failed, Scope(end=self.outputs))
        start = self.sequence(main, states, None, Scope(end=self.outputs, top_level=True))
        asl = {"Comment": self.workflow.description or f"Statemill workflow {self.workflow.namespace}/{self.workflow.id}",
               "QueryLanguage": "JSONata", "StartAt": start, "States": _in_order(states)}
        if self.workflow.timeout:
            asl["TimeoutSeconds"] = self.workflow.timeout // 1000
        return asl

    def _find_homes(self, seq: Sequence, path: tuple) -> None:
        for step in seq.steps:
            if isinstance(step, ParallelStep):
                for index, branch in enumerate(step.branches):
                    self._find_homes(branch, (*path, (id(step), index)))
                continue
            self.homes[step.id] = path
            if step.body is not None:
                self._find_homes(step.body, (*path, (id(step),)))

    def resolver(self, scope: Scope, entry: bool = False, same_state: dict[str, str] | None = None) -> Resolver:
        """How a state in `scope` reads names: each task's variable as seen from there."""
        def variable(task_id: str) -> str:
            home = self.homes[task_id]
            common = 0
            while common < min(len(home), len(scope.path)) and home[common] == scope.path[common]:
                common += 1
            return task_variable(task_id, common)
        return replace(self.base_resolver, entry=entry, variable=variable,
                       item_depth=scope.item_depth or 0, same_state=same_state or {})

    # -- sequences and steps -------------------------------------------------------------

    def sequence(self, seq: Sequence, states: dict, after: str | None, scope: Scope) -> str:
        """Emit `seq` into `states`; returns its first state. `after` None: the scope ends."""
        following = after
        for position in reversed(range(len(seq.steps))):
            step_scope = replace(scope, entry=scope.entry and position == 0)
            following = self.step(seq.steps[position], states, following, step_scope)
        return following

    def step(self, step: Step, states: dict, after: str | None, scope: Scope) -> str:
        if isinstance(step, ParallelStep):
            return self.parallel(step, states, after, scope)
        return self.task(step, states, after, scope)

    def task(self, step: TaskStep, states: dict, after: str | None, scope: Scope) -> str:
        task = step.task
        guarded = task.when is not None and task.when is not True
        entry = scope.entry and not guarded  # behind a Choice, the Choice starts the iteration
        resolve = self.resolver(scope, entry=entry)
        state, record = KIND_EMITTERS[step.type.kind](self, step, states, scope, resolve)
        assign = {task_variable(step.id, scope.depth): record} if step.id in self.needed else {}
        if entry and scope.assigns_item:
            assign.update(scope.entry_assign())
        exit_name = lambda: after or self.terminal(step.id, states, scope)
        catch = self.catch(step, exit_name, scope, entry)
        if catch:
            state["Catch"] = [catch]
        self.finish(state, assign, after, scope)
        self.add(states, step.id, state)
        if not guarded:
            return step.id
        return self.choice(step, states, exit_name(), scope)

    def choice(self, step: TaskStep, states: dict, skip_to: str, scope: Scope) -> str:
        """A Choice in front of a task with `when`: false skips it and records SKIPPED."""
        when = step.task.when
        resolve = self.resolver(scope, entry=scope.entry)
        condition = "false" if when is False else value_text(when, resolve)
        skip_assign = {task_variable(step.id, scope.depth): SKIPPED} if step.id in self.needed else {}
        run_assign = scope.entry_assign() if scope.assigns_item else {}
        skip_assign.update(run_assign)
        rules = [{"Condition": jsonata(f"$not({condition})"), "Next": skip_to, **_assign(skip_assign)}]
        if run_assign:  # the run path needs its own rule: a Choice's Default cannot assign
            rules.append({"Condition": "{% true %}", "Next": step.id, "Assign": _jsonata_values(run_assign)})
        name = self.unique(f"Run {step.id}?")
        self.add(states, name, {"Type": "Choice", "Choices": rules, "Default": step.id})
        return name

    def catch(self, step: TaskStep, exit_name: Callable[[], str], scope: Scope, entry: bool) -> dict | None:
        if not (step.type.is_task_state or step.type.kind == "foreach"):
            return None  # Pass and Wait states cannot catch
        caught = {"ErrorEquals": ["States.ALL"]}
        if step.task.on_error == "continue":
            assign = {}
            if step.id in self.needed:
                assign[task_variable(step.id, scope.depth)] = f'{{"status": "FAILED", "output": null, "error": {error_record(step.id)}}}'
            if entry and scope.assigns_item:
                assign.update(scope.entry_assign())
            return {**caught, "Next": exit_name(), **_assign(assign)}
        if scope.top_level and self.error_target:
            return {**caught, "Next": self.error_target, "Assign": {"error": jsonata(error_record(step.id))}}
        if scope.funnel:
            return {**caught, "Next": scope.funnel.name, "Output": jsonata(error_record(step.id))}
        return None

    def parallel(self, step: ParallelStep, states: dict, after: str | None, scope: Scope) -> str:
        branches, assign = [], {}
        for index, branch in enumerate(step.branches):
            path = (*scope.path, (id(step), index))
            exported = [t for t in branch.task_ids if t in self.needed]
            branch_states: dict = {}
            funnel = Funnel(self, branch, branch_states) if self.workflow.errors else None
            # An entry Parallel's branches start the iteration too: they read item from input.
            item_depth = len(path) if scope.assigns_item else scope.item_depth
            branch_scope = Scope(end=_exporter([task_variable(t, len(path)) for t in exported]), path=path,
                                 entry=scope.entry, item_depth=item_depth, funnel=funnel)
            start = self.sequence(branch, branch_states, None, branch_scope)
            branches.append({"StartAt": start, "States": _in_order(branch_states)})
            assign.update({task_variable(t, scope.depth): f"$states.result[{index}].{task_variable(t, len(path))}"
                           for t in exported})
        if scope.assigns_item:
            assign.update(scope.entry_assign())
        state: dict = {"Type": "Parallel", "Branches": branches}
        if scope.top_level and self.error_target:
            state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": self.error_target,
                               "Assign": {"error": jsonata(error_record(None))}}]
        self.finish(state, assign, after, scope)
        firsts = ", ".join(b.first_task() for b in step.branches)
        name = self.unique(f"Parallel: {firsts}")
        self.add(states, name, state)
        return name

    def finish(self, state: dict, assign: dict[str, str], after: str | None, scope: Scope) -> None:
        """Assign and Next; or, where the scope ends, End with the scope's Output."""
        if after:
            state.update(_assign(assign))
            state["Next"] = after
        else:
            # The Output carries whatever outlives the scope: assigning it too would be waste.
            state["Output"] = scope.end(assign)
            state["End"] = True

    def terminal(self, task_id: str, states: dict, scope: Scope) -> str:
        """The end of a scope reached by skipping or tolerating its last task."""
        name = f"After {task_id}"
        if name not in states:
            self.add(states, self.unique(name), {"Type": "Succeed", "Output": scope.end({})})
        return name

    def outputs(self, same_state: dict[str, str]) -> object:
        if not self.workflow.outputs:
            return {}
        return value(self.workflow.outputs, self.resolver(Scope(end=self.outputs), same_state=same_state))

    # -- names -----------------------------------------------------------------------------

    def unique(self, base: str) -> str:
        name, counter = base[:MAX_NAME], 1
        while name in self.names:
            counter += 1
            suffix = f" ({counter})"
            name = base[: MAX_NAME - len(suffix)] + suffix
        self.names.add(name)
        return name

    def add(self, states: dict, name: str, state: dict) -> None:
        self.names.add(name)
        states[name] = state


# -- one emitter per task kind -------------------------------------------------------------


def _lambda(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    task = step.task
    payload = _event(emitter, step, resolve)
    function = task_types.function_for(step.type, task.language)
    if task.type == "core/code":
        payload["code"] = {"language": task_types.CODE_LANGUAGES[task.language], "source": task.source}
    elif function == task_types.PLUGIN_HOST:
        match = task_types.PLUGIN_TYPE.match(task.type)
        payload["plugin"] = {"name": f"{match['namespace']}/{match['plugin']}", "action": match["action"]}
    state = {"Type": "Task", "Resource": LAMBDA_INVOKE,
             "Arguments": {"FunctionName": placeholders.function_arn(function), "Payload": payload},
             "Output": "{% $states.result.Payload %}"}
    _limits(state, task, invokes_lambda=True)
    return state, '{"status": "SUCCEEDED", "output": $states.result.Payload}'


def _approval(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    payload = _event(emitter, step, resolve)
    payload["task_token"] = "{% $states.context.Task.Token %}"
    state = {"Type": "Task", "Resource": LAMBDA_INVOKE_WAIT,
             "Arguments": {"FunctionName": placeholders.function_arn(task_types.TASK_RUNNER), "Payload": payload}}
    _limits(state, step.task, invokes_lambda=True)
    if "timeout" in step.task.inputs:
        state["TimeoutSeconds"] = parse_ms(step.task.inputs["timeout"]) // 1000
    return state, '{"status": "SUCCEEDED", "output": $states.result}'


def _subflow(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    inputs = step.task.inputs
    namespace, _, workflow = inputs["workflow"].rpartition("/")
    wait = inputs.get("wait", True)
    child_input = {
        "inputs": value(inputs.get("inputs", {}), resolve),
        "trigger": {"type": "subflow", "parent": "{% $states.context.Execution.Id %}"},
        # Links the child to its parent in the Step Functions console.
        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": "{% $states.context.Execution.Id %}",
    }
    state = {"Type": "Task", "Resource": START_EXECUTION_SYNC if wait else START_EXECUTION,
             "Arguments": {"StateMachineArn": placeholders.workflow_arn(namespace or emitter.workflow.namespace, workflow),
                           "Input": child_input}}
    _limits(state, step.task, invokes_lambda=False)
    if wait:
        state["Output"] = "{% $states.result.Output %}"
        return state, '{"status": "SUCCEEDED", "output": $states.result.Output}'
    state["Output"] = '{% {"execution_arn": $states.result.ExecutionArn} %}'
    return state, '{"status": "SUCCEEDED", "output": {"execution_arn": $states.result.ExecutionArn}}'


def _transform(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    result = step.task.inputs["value"]
    state = {"Type": "Pass", "Output": value(result, resolve)}
    return state, f'{{"status": "SUCCEEDED", "output": {value_text(result, resolve)}}}'


def _sleep(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    inputs = step.task.inputs
    if "until" in inputs:
        state = {"Type": "Wait", "Timestamp": value(inputs["until"], resolve)}
    elif isinstance(inputs["duration"], str) and parse_ms(inputs["duration"]) is not None:
        state = {"Type": "Wait", "Seconds": parse_ms(inputs["duration"]) // 1000}
    else:
        state = {"Type": "Wait", "Seconds": value(inputs["duration"], resolve)}
    return state, '{"status": "SUCCEEDED", "output": {}}'


def _foreach(emitter: Emitter, step: TaskStep, states: dict, scope: Scope, resolve: Resolver):
    body = step.body
    body_states: dict = {}
    funnel = Funnel(emitter, body, body_states) if emitter.workflow.errors else None
    path = (*scope.path, (id(step),))
    iteration = Scope(end=_iteration_output(body.task_ids, len(path)), path=path, entry=True,
                      item_depth=len(path), funnel=funnel)
    start = emitter.sequence(body, body_states, None, iteration)
    state = {"Type": "Map", "Items": value(step.task.inputs["items"], resolve), "ItemSelector": ITEM_SELECTOR,
             "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": start, "States": _in_order(body_states)}}
    if step.task.inputs.get("concurrency"):
        state["MaxConcurrency"] = step.task.inputs["concurrency"]
    if step.task.retry and step.task.retry.max > 0:
        state["Retry"] = [_user_retry(step.task)]
    return state, '{"status": "SUCCEEDED", "output": $states.result}'


KIND_EMITTERS = {"lambda": _lambda, "approval": _approval, "subflow": _subflow,
                 "transform": _transform, "sleep": _sleep, "foreach": _foreach}


# -- helpers -------------------------------------------------------------------------------


def _event(emitter: Emitter, step: TaskStep, resolve: Resolver) -> dict:
    """The task event of docs/task-event.md."""
    workflow, task = emitter.workflow, step.task
    event = {"v": 1, "workflow": workflow.id, "namespace": workflow.namespace,
             "version": placeholders.WORKFLOW_VERSION, "execution": "{% $states.context.Execution.Id %}",
             "task": step.id, "type": task.type, "attempt": "{% $states.context.State.RetryCount + 1 %}",
             "inputs": value(task.inputs, resolve)}
    if secrets := _secret_paths(task.inputs):
        event["secrets"] = secrets
    if task.timeout:
        event["timeout_seconds"] = task.timeout // 1000
    return event


def _secret_paths(data: object, path: tuple = ()) -> dict[str, list[list]]:
    """Each secret name -> the input paths whose strings hold its reference: the Lambda resolves
    references only there, so text that arrives as data can never pull a secret in."""
    if isinstance(data, str) and "{{" in data:
        names = {name for part in parse_template(data).expressions if (name := secret_name(part))}
        return {name: [list(path)] for name in sorted(names)}
    if isinstance(data, dict):
        children = [(str(key), item) for key, item in data.items()]
    elif isinstance(data, list):
        children = list(enumerate(data))
    else:
        return {}
    found: dict[str, list[list]] = {}
    for key, item in children:
        for name, paths in _secret_paths(item, (*path, key)).items():
            found.setdefault(name, []).extend(paths)
    return dict(sorted(found.items()))


def _limits(state: dict, task: Task, invokes_lambda: bool) -> None:
    if task.timeout:
        state["TimeoutSeconds"] = task.timeout // 1000
    retriers = []
    wants_retry = task.retry is not None and task.retry.max > 0
    if wants_retry and invokes_lambda:
        retriers.append({"ErrorEquals": PERMANENT_ERRORS, "MaxAttempts": 0})
    if invokes_lambda:
        retriers.append(LAMBDA_SERVICE_RETRY)
    if wants_retry:
        retriers.append(_user_retry(task))
    if retriers:
        state["Retry"] = retriers


def _user_retry(task: Task) -> dict:
    retry = task.retry
    rule = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": retry.interval // 1000,
            "MaxAttempts": retry.max, "BackoffRate": 2.0 if retry.backoff == "exponential" else 1.0}
    if retry.max_interval:
        rule["MaxDelaySeconds"] = retry.max_interval // 1000
    if retry.jitter == "full":
        rule["JitterStrategy"] = "FULL"
    return rule


def _assign(assign: dict[str, str]) -> dict:
    return {"Assign": _jsonata_values(assign)} if assign else {}


def _jsonata_values(assign: dict[str, str]) -> dict[str, str]:
    return {name: jsonata(text) for name, text in assign.items()}


def _exporter(variables: list[str]) -> Callable[[dict[str, str]], object]:
    """A branch's last Output: the records it assigned, for the Parallel to re-assign."""
    def output(same_state: dict[str, str]) -> object:
        fields = ", ".join(f'"{v}": {_read(v, same_state)}' for v in variables)
        return jsonata("{" + fields + "}")
    return output


def _iteration_output(task_ids: list[str], depth: int) -> Callable[[dict[str, str]], object]:
    """A Map iteration's Output: each nested task's output, by task id."""
    def output(same_state: dict[str, str]) -> object:
        fields = ", ".join(f'"{t}": {_read(task_variable(t, depth), same_state)}.output' for t in task_ids)
        return jsonata("{" + fields + "}")
    return output


def _read(variable: str, same_state: dict[str, str]) -> str:
    return f"({same_state[variable]})" if variable in same_state else "$" + variable


def _in_order(states: dict) -> dict:
    """States were added last-first: list them in the order a run meets them."""
    return dict(reversed(list(states.items())))
