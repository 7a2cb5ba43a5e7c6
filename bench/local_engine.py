"""Local engine figures: per-execution overhead, per-task latency, concurrent throughput.

    .venv/bin/python bench/local_engine.py
"""

import time
from concurrent.futures import ThreadPoolExecutor

from statemachine_compiler import placeholders
from statemill.local.engine import LocalEngine

RUNS = 30


def task(next_state=None, variables=0):
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Arguments": {"FunctionName": placeholders.function_arn("noop"),
                           "Payload": {"x": "{% $states.input.x %}"}},
             "Assign": {"last": "{% $states.result.Payload %}"},
             "Output": "{% $states.input %}"}
    return state | ({"Next": next_state} if next_state else {"End": True})


def chain(tasks):
    names = [f"t{i}" for i in range(tasks)]
    states = {name: task(names[i + 1] if i + 1 < tasks else None) for i, name in enumerate(names)}
    return {"QueryLanguage": "JSONata", "StartAt": names[0], "States": states}


def mean_run_seconds(engine, arn, payload):
    engine.run(arn, payload)  # warm: parse cache, imports
    started = time.perf_counter()
    for _ in range(RUNS):
        assert engine.run(arn, payload).status == "SUCCEEDED"
    return (time.perf_counter() - started) / RUNS


def main():
    with LocalEngine(time_scale=0, functions={"noop": lambda event, context: event}) as engine:
        empty = engine.deploy("empty", {"QueryLanguage": "JSONata", "StartAt": "p",
                                        "States": {"p": {"Type": "Pass", "End": True}}})
        one, ten = engine.deploy("one", chain(1)), engine.deploy("ten", chain(10))
        payload = {"x": 1}
        big = {"x": [{"id": i, "name": "n" * 40} for i in range(1000)]}  # ~60 KB
        overhead = mean_run_seconds(engine, empty, payload)
        per_task = (mean_run_seconds(engine, ten, payload) - mean_run_seconds(engine, one, payload)) / 9
        per_task_big = (mean_run_seconds(engine, ten, big) - mean_run_seconds(engine, one, big)) / 9
        print(f"execution overhead (start + 1 Pass + wait): {overhead * 1000:.1f} ms")
        print(f"per Lambda task (Arguments+Assign+Output):   {per_task * 1000:.1f} ms")
        print(f"per Lambda task, ~60 KB input:             {per_task_big * 1000:.1f} ms")
        for count in (50, 200):
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=32) as pool:
                arns = list(pool.map(lambda n: engine.start_execution(ten, {"x": n}), range(count)))
            results = [engine.wait(arn, timeout=600) for arn in arns]
            elapsed = time.perf_counter() - started
            ok = sum(r.status == "SUCCEEDED" for r in results)
            print(f"{count} concurrent 10-task executions: {elapsed:.1f} s, {ok}/{count} succeeded")


if __name__ == "__main__":
    main()
