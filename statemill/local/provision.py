"""Create the platform's tables and bucket in the local engine, from statemill.platform, and
load the plugins installed on the local target (STATEMILL_HOME) into its plugin store.

The CDK app builds the same resources from the same spec, so local and cloud cannot drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from statemill import platform


def _create_table(dynamodb: Any, name: str, table: platform.Table) -> None:
    keys = [(table.partition_key, "HASH")]
    if table.sort_key:
        keys.append((table.sort_key, "RANGE"))
    dynamodb.create_table(
        name, schema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys], throughput=None,
        attr=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys], global_indexes=None,
        indexes=None, streams=None, billing_mode="PAY_PER_REQUEST", sse_specification=None, tags=[],
        deletion_protection_enabled=None, warm_throughput=None,
    )
    if table.ttl_attribute:
        dynamodb.update_time_to_live(name, {"Enabled": True, "AttributeName": table.ttl_attribute})


def provision_platform(session: Any, stage: str, account: str = "123456789012") -> None:
    """Create every platform table and the bucket (in an empty moto account).

    Through moto's backends, not boto3 clients: building the DynamoDB and S3 clients costs
    ~0.5 s at every start, which tasks that use neither should not pay.
    """
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    dynamodb = dynamodb_backends[account][session.region_name]
    for table in platform.TABLES:
        _create_table(dynamodb, platform.resource_name(stage, table.logical_name), table)
    bucket = platform.resource_name(stage, platform.BUCKET)
    # moto keeps every bucket of the aws partition under the "global" region.
    s3_backends[account]["global"].create_bucket(bucket, session.region_name)


def plugin_store(session: Any, stage: str):
    """The plugin store of a local engine (boto3 clients of `session`)."""
    from statemill.plugins.store import PluginStore

    return PluginStore(session.client("s3"), session.client("dynamodb"), platform.resource_name(stage, platform.BUCKET),
                       platform.resource_name(stage, platform.REGISTRY_TABLE.logical_name))


def provision_plugins(session: Any, stage: str, home: Path) -> None:
    """Publish every plugin installed in `home` (statemill plugin install on the local target)."""
    from statemill.plugins.home_plugins import HomePlugins

    installed = HomePlugins(home).artifacts()
    if not installed:
        return  # building the clients costs ~0.5 s: only for engines that have plugins to load
    store = plugin_store(session, stage)
    for artifact, signer in installed:
        store.publish(artifact, signer)
