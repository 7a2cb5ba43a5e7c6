"""Create the platform's tables and bucket in the local engine, from statemill.platform.

The CDK app builds the same resources from the same spec, so local and cloud cannot drift.
"""

from __future__ import annotations

from typing import Any

from statemill import platform

_TABLE_ENV = {
    platform.REGISTRY_TABLE: platform.ENV_REGISTRY_TABLE,
    platform.DATA_TABLE: platform.ENV_DATA_TABLE,
    platform.IDEMPOTENCY_TABLE: platform.ENV_IDEMPOTENCY_TABLE,
}


def platform_environment(stage: str) -> dict[str, str]:
    """The environment variables through which a platform Lambda finds its resources."""
    environment = {platform.ENV_STAGE: stage,
                   platform.ENV_BUCKET: platform.resource_name(stage, platform.BUCKET)}
    for table in platform.TABLES:
        environment[_TABLE_ENV[table]] = platform.resource_name(stage, table.logical_name)
    return environment


def _create_table(dynamodb: Any, name: str, table: platform.Table) -> None:
    keys = [(table.partition_key, "HASH")]
    if table.sort_key:
        keys.append((table.sort_key, "RANGE"))
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys],
        BillingMode="PAY_PER_REQUEST",
    )
    if table.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )


def provision_platform(session: Any, stage: str) -> None:
    """Create every platform table and the bucket (in an empty moto account)."""
    dynamodb = session.client("dynamodb")
    for table in platform.TABLES:
        _create_table(dynamodb, platform.resource_name(stage, table.logical_name), table)
    s3 = session.client("s3")
    bucket = platform.resource_name(stage, platform.BUCKET)
    if session.region_name == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": session.region_name})
