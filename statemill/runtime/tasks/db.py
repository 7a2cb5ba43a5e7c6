"""core/db.insert|get|query|delete: rows in the platform's data table.

Row layout (platform.DATA_TABLE): pk = "<namespace>#<table>", sk = the row's key, data = the
row's JSON text (JSON text keeps floats and nesting exactly, which DynamoDB types would not).
"""

import json
import re
import time
import uuid
from typing import Any

from statemill.runtime.errors import InputError
from statemill.runtime.inputs import field
from statemill.runtime.invocation import Invocation

TABLE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
MAX_ROW_BYTES = 350 * 1024  # DynamoDB's item limit is 400 KB, keys and attributes included.
DEFAULT_QUERY_LIMIT = 100
MAX_QUERY_LIMIT = 1000


def insert(call: Invocation) -> dict[str, Any]:
    """Write `data` under `key` (a new time-ordered key when none is given); an existing row
    with that key is replaced, so a retried insert is harmless."""
    data = call.inputs.get("data")
    key = _key(call.inputs, required=False) or _new_key()
    text = json.dumps(data, separators=(",", ":"))
    if len(text.encode()) > MAX_ROW_BYTES:
        raise InputError(
            f"input 'data' is too large for one row ({len(text)} bytes, at most {MAX_ROW_BYTES})"
        )
    call.services.dynamodb.put_item(
        TableName=_table(call),
        Item={**_row_key(call, key), "data": {"S": text}, "written_at": {"S": _now()}},
    )
    return {"key": key, "data": data}


def get(call: Invocation) -> dict[str, Any] | None:
    """The row {key, data}, or null when there is none."""
    key = _key(call.inputs, required=True)
    item = call.services.dynamodb.get_item(
        TableName=_table(call), Key=_row_key(call, key), ConsistentRead=True
    ).get("Item")
    return _row(item) if item else None


def query(call: Invocation) -> dict[str, Any]:
    """Rows of the table in key order: those whose key starts with `prefix`, and whose data has
    every field of `where` with an equal value (a filter applied here, not by DynamoDB)."""
    prefix = field(call.inputs, "prefix", str, "")
    where = field(call.inputs, "where", dict, {})
    limit = field(call.inputs, "limit", int, DEFAULT_QUERY_LIMIT)
    if not 1 <= limit <= MAX_QUERY_LIMIT:
        raise InputError(f"input 'limit' must be between 1 and {MAX_QUERY_LIMIT}, got {limit}")
    condition, values = "pk = :pk", {":pk": {"S": _partition(call)}}
    if prefix:
        condition += " AND begins_with(sk, :prefix)"
        values[":prefix"] = {"S": prefix}
    request = {
        "TableName": _table(call),
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
    }
    rows: list[dict] = []
    while len(rows) < limit:
        # With a filter, a page of `limit` rows may hold fewer matches: read whole pages then.
        page_limit = {} if where else {"Limit": limit - len(rows)}
        page = call.services.dynamodb.query(**request, **page_limit)
        rows += [row for row in map(_row, page.get("Items", [])) if _matches(row["data"], where)]
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    rows = rows[:limit]
    return {"items": rows, "count": len(rows)}


def _matches(data: Any, where: dict) -> bool:
    return all(isinstance(data, dict) and data.get(k) == v for k, v in where.items())


def delete(call: Invocation) -> dict[str, Any]:
    """Remove the row; `deleted` says whether there was one."""
    key = _key(call.inputs, required=True)
    old = call.services.dynamodb.delete_item(
        TableName=_table(call), Key=_row_key(call, key), ReturnValues="ALL_OLD"
    ).get("Attributes")
    return {"key": key, "deleted": bool(old)}


def _table(call: Invocation) -> str:
    return call.services.settings.require("data_table")


def _partition(call: Invocation) -> str:
    table = field(call.inputs, "table", str)
    if not TABLE_NAME.match(table):
        raise InputError(
            f"input 'table' must be a lowercase name (letters, digits, _ and -), got {table!r}"
        )
    return f"{call.event.namespace}#{table}"


def _row_key(call: Invocation, key: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": _partition(call)}, "sk": {"S": key}}


def _key(inputs: dict, *, required: bool) -> str | None:
    key = field(inputs, "key", (str, int)) if required else field(inputs, "key", (str, int), None)
    if key is None:
        return None
    key = str(key)
    if not key:
        raise InputError("input 'key' must not be empty")
    return key


def _new_key() -> str:
    # Time first, so db.query lists rows inserted without a key in insertion order.
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _row(item: dict) -> dict[str, Any]:
    return {"key": item["sk"]["S"], "data": json.loads(item["data"]["S"])}
