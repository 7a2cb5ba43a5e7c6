from datetime import UTC, datetime

from statemill.control.history import state_events

T = datetime(2026, 1, 1, tzinfo=UTC)


def event(id, type, previous, **details):
    return {"id": id, "type": type, "previousEventId": previous, "timestamp": T, **details}


def test_events_are_attributed_to_the_state_that_entered_before_them():
    history = [
        event(1, "ExecutionStarted", 0),
        event(2, "TaskStateEntered", 0, stateEnteredEventDetails={"name": "fetch"}),
        event(3, "TaskScheduled", 2),
        event(4, "TaskFailed", 3, taskFailedEventDetails={"error": "HttpError", "cause": "503"}),
        event(5, "TaskScheduled", 4),
        event(6, "TaskSucceeded", 5),
        event(7, "TaskStateExited", 6, stateExitedEventDetails={"name": "fetch"}),
        event(8, "ExecutionSucceeded", 7),
    ]
    assert [(e.id, e.state) for e in state_events(reversed(history))] == [
        (1, None), (2, "fetch"), (3, "fetch"), (4, "fetch"), (5, "fetch"), (6, "fetch"),
        (7, "fetch"), (8, None)]
    failed = state_events(history)[3]
    assert (failed.type, failed.error, failed.cause) == ("TaskFailed", "HttpError", "503")


def test_parallel_branches_keep_their_own_states():
    history = [
        event(1, "ParallelStateEntered", 0, stateEnteredEventDetails={"name": "fork"}),
        event(2, "ParallelStateStarted", 1),
        event(3, "TaskStateEntered", 2, stateEnteredEventDetails={"name": "b"}),
        event(4, "TaskStateEntered", 2, stateEnteredEventDetails={"name": "c"}),
        event(5, "TaskScheduled", 4),
        event(6, "TaskScheduled", 3),
    ]
    states = {e.id: e.state for e in state_events(history)}
    assert (states[2], states[5], states[6]) == ("fork", "c", "b")
