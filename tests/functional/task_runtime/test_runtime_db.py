"""core/db.*: rows in the platform data table, scoped by namespace and table."""

import boto3
import pytest

from statemill.runtime.errors import InputError
from statemill.runtime.task_runner import handle

from .conftest import DATA_TABLE, make_event


def db(services, action, namespace="default", **inputs):
    return handle(make_event(f"core/db.{action}", inputs, namespace=namespace), services=services)


def test_insert_then_get_round_trips_json(services):
    data = {"name": "widget", "price": 9.95, "tags": ["a", "b"], "nested": {"n": None}}

    inserted = db(services, "insert", table="items", key="w1", data=data)

    assert inserted == {"key": "w1", "data": data}
    assert db(services, "get", table="items", key="w1") == {"key": "w1", "data": data}


def test_rows_live_under_namespace_and_table(services):
    db(services, "insert", namespace="team.a", table="items", key="k", data=1)

    stored = boto3.client("dynamodb").scan(TableName=DATA_TABLE)["Items"]
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in stored] == [("team.a#items", "k")]
    assert db(services, "get", namespace="team.b", table="items", key="k") is None
    assert db(services, "get", namespace="team.a", table="other", key="k") is None


def test_insert_without_key_makes_ordered_keys(services):
    keys = [db(services, "insert", table="log", data=i)["key"] for i in range(3)]

    rows = db(services, "query", table="log")

    assert [r["key"] for r in rows["items"]] == keys
    assert [r["data"] for r in rows["items"]] == [0, 1, 2]


def test_query_by_prefix_with_limit_in_key_order(services):
    for key in ("a1", "a2", "a3", "b1"):
        db(services, "insert", table="t", key=key, data=key)

    assert db(services, "query", table="t", prefix="a", limit=2) == {
        "items": [{"key": "a1", "data": "a1"}, {"key": "a2", "data": "a2"}],
        "count": 2,
    }


def test_query_where_filters_on_data_fields(services):
    for key, colour in (("1", "red"), ("2", "blue"), ("3", "red"), ("4", "red")):
        db(services, "insert", table="t", key=key, data={"colour": colour, "n": int(key)})
    db(services, "insert", table="t", key="5", data="not an object")

    reds = db(services, "query", table="t", where={"colour": "red"}, limit=2)

    assert [r["data"]["n"] for r in reds["items"]] == [1, 3]
    assert db(services, "query", table="t", where={"colour": "red", "n": 4})["count"] == 1


def test_delete_reports_whether_a_row_was_there(services):
    db(services, "insert", table="t", key="k", data={})

    assert db(services, "delete", table="t", key="k") == {"key": "k", "deleted": True}
    assert db(services, "delete", table="t", key="k") == {"key": "k", "deleted": False}
    assert db(services, "get", table="t", key="k") is None


@pytest.mark.parametrize(
    "action, inputs, message",
    [
        ("get", {"table": "t"}, "input 'key' is required"),
        ("insert", {"table": "Bad#Name", "data": 1}, "input 'table' must be a lowercase name"),
        ("query", {"table": "t", "limit": 0}, "input 'limit' must be between 1 and 1000"),
        ("insert", {"table": "t", "data": "x" * 400_000}, "too large for one row"),
    ],
)
def test_bad_inputs(services, action, inputs, message):
    with pytest.raises(InputError, match=message):
        db(services, action, **inputs)
