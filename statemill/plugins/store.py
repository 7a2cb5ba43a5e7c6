"""The plugin store: artifacts in the platform bucket, an index in the registry table.

Objects: plugins/<namespace>/<plugin>/<version>/plugin.yaml and plugin.wasm. Rows: pk
"PLUGIN#<name>", sk "VERSION#<version>" with the artifact's sha256. A version is written once:
publishing it again with other bytes is refused, even after it was removed (the row stays as a
tombstone), so a pinned sha256 always means the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from statemill import platform
from statemill.plugins.artifact import Artifact
from statemill.plugins.manifest import MANIFEST_FILE, MODULE_FILE, SEMVER, Manifest, parse_manifest

ROW_PREFIX = "PLUGIN#"
VERSION_PREFIX = "VERSION#"


class PluginStoreError(Exception):
    """The store refuses (immutable version, unknown plugin) or holds an altered artifact."""


class PluginNotFound(PluginStoreError):
    pass


class ArtifactTampered(PluginStoreError):
    pass


@dataclass(frozen=True)
class PluginRecord:
    name: str
    version: str
    sha256: str
    manifest_text: str
    installed_at: str
    signer: str | None = None
    removed: bool = False

    @property
    def manifest(self) -> Manifest:
        return parse_manifest(self.manifest_text)

    @property
    def reference(self) -> str:
        return f"{self.name}@{self.version}"

    def to_dict(self) -> dict:
        manifest = self.manifest
        return {"name": self.name, "version": self.version, "sha256": self.sha256,
                "signer": self.signer, "installed_at": self.installed_at,
                "actions": sorted(manifest.actions), "description": manifest.description}


def replacement_refused(existing: PluginRecord, artifact: Artifact) -> PluginStoreError:
    return PluginStoreError(
        f"{existing.reference} was already published with sha256 {existing.sha256[:12]}…; "
        f"this artifact is {artifact.digest[:12]}…: a version can never be replaced, "
        "give the plugin a new version in plugin.yaml")


def object_key(name: str, version: str, file: str) -> str:
    return f"{platform.PLUGIN_PREFIX}{name}/{version}/{file}"


def version_order(version: str) -> tuple:
    """Semantic-version order: 1.10.0 after 1.9.0, a pre-release before its release."""
    match = SEMVER.match(version)
    major, minor, patch, pre = match.groups()
    return int(major), int(minor), int(patch), pre is None, pre or ""


class PluginStore:
    def __init__(self, s3: Any, dynamodb: Any, bucket: str, table: str):
        self._s3 = s3
        self._dynamodb = dynamodb
        self._bucket = bucket
        self._table = table

    def publish(self, artifact: Artifact, signer: str | None = None) -> tuple[PluginRecord, bool]:
        """Store a new version; (record, False) when these very bytes are already installed."""
        manifest = artifact.manifest
        existing = self.get(manifest.name, manifest.version, include_removed=True)
        if existing is not None and existing.sha256 != artifact.digest:
            raise replacement_refused(existing, artifact)
        if existing is not None and not existing.removed:
            return existing, False
        for file, body in ((MANIFEST_FILE, artifact.manifest_bytes), (MODULE_FILE, artifact.module)):
            self._s3.put_object(Bucket=self._bucket, Key=object_key(manifest.name, manifest.version, file),
                                Body=body)
        record = PluginRecord(manifest.name, manifest.version, artifact.digest,
                              artifact.manifest_bytes.decode(), _now(), signer)
        condition = ("attribute_not_exists(pk)" if existing is None else "sha256 = :sha256")
        values = {} if existing is None else {"ExpressionAttributeValues": {":sha256": {"S": artifact.digest}}}
        try:
            self._dynamodb.put_item(TableName=self._table, Item=_item(record),
                                    ConditionExpression=condition, **values)
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            raise PluginStoreError(f"{manifest.reference} was published by someone else meanwhile; "
                                   "see statemill plugin list") from None
        return record, True

    def get(self, name: str, version: str, include_removed: bool = False) -> PluginRecord | None:
        item = self._dynamodb.get_item(TableName=self._table, Key=_key(name, version),
                                       ConsistentRead=True).get("Item")
        record = None if item is None else _record(item)
        return record if record is not None and (include_removed or not record.removed) else None

    def versions(self, name: str) -> list[PluginRecord]:
        """Installed versions of one plugin, newest first."""
        pages = self._dynamodb.get_paginator("query").paginate(
            TableName=self._table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": ROW_PREFIX + name}}, ConsistentRead=True)
        records = [_record(item) for page in pages for item in page["Items"]]
        return sorted((r for r in records if not r.removed), key=lambda r: version_order(r.version),
                      reverse=True)

    def installed(self, name: str) -> PluginRecord:
        """The newest installed version: what apply and run pin."""
        versions = self.versions(name)
        if not versions:
            raise PluginNotFound(f"plugin '{name}' is not installed: statemill plugin install PATH")
        return versions[0]

    def list(self) -> list[PluginRecord]:
        pages = self._dynamodb.get_paginator("scan").paginate(
            TableName=self._table, FilterExpression="begins_with(pk, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": ROW_PREFIX}})
        records = [_record(item) for page in pages for item in page["Items"]]
        return sorted((r for r in records if not r.removed),
                      key=lambda r: (r.name, version_order(r.version)))

    def remove(self, name: str, version: str | None = None) -> list[PluginRecord]:
        """Remove one version, or all; the rows stay as tombstones so no version is ever reused."""
        records = [self.get(name, version)] if version else self.versions(name)
        records = [r for r in records if r is not None]
        if not records:
            raise PluginNotFound(f"plugin '{name}{'@' + version if version else ''}' is not installed: "
                                 "see statemill plugin list")
        for record in records:
            for file in (MANIFEST_FILE, MODULE_FILE):
                self._s3.delete_object(Bucket=self._bucket, Key=object_key(record.name, record.version, file))
            self._dynamodb.update_item(TableName=self._table, Key=_key(record.name, record.version),
                                       UpdateExpression="SET removed = :true",
                                       ExpressionAttributeValues={":true": {"BOOL": True}})
        return records

    def load(self, name: str, version: str, sha256: str) -> Artifact:
        """The stored artifact, refused unless its bytes hash to the pinned sha256."""
        parts = []
        for file in (MANIFEST_FILE, MODULE_FILE):
            try:
                body = self._s3.get_object(Bucket=self._bucket, Key=object_key(name, version, file))["Body"]
            except self._s3.exceptions.NoSuchKey:
                raise PluginNotFound(f"plugin {name}@{version} is not installed on this platform: "
                                     "install it, then re-apply the workflow") from None
            parts.append(body.read())
        artifact = Artifact(*parts)
        if artifact.digest != sha256:
            raise ArtifactTampered(
                f"the stored artifact of {name}@{version} has sha256 {artifact.digest[:12]}…, but the "
                f"workflow pinned {sha256[:12]}…: it was altered after install; refusing to run it")
        return artifact


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _key(name: str, version: str) -> dict:
    return {"pk": {"S": ROW_PREFIX + name}, "sk": {"S": VERSION_PREFIX + version}}


def _item(record: PluginRecord) -> dict:
    item = {**_key(record.name, record.version), "name": {"S": record.name},
            "version": {"S": record.version}, "sha256": {"S": record.sha256},
            "manifest": {"S": record.manifest_text}, "installed_at": {"S": record.installed_at},
            "removed": {"BOOL": record.removed}}
    if record.signer:
        item["signer"] = {"S": record.signer}
    return item


def _record(item: dict) -> PluginRecord:
    return PluginRecord(name=item["name"]["S"], version=item["version"]["S"], sha256=item["sha256"]["S"],
                        manifest_text=item["manifest"]["S"], installed_at=item["installed_at"]["S"],
                        signer=item.get("signer", {}).get("S"), removed=item.get("removed", {}).get("BOOL", False))
