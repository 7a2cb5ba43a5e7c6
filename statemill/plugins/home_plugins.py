"""Plugins installed on the local target, kept in STATEMILL_HOME so every local engine has them.

`statemill run` starts an empty engine and the local server a fresh one: each loads these into
its plugin store at start (statemill.local.provision). Layout:
STATEMILL_HOME/plugins/<namespace>/<plugin>/<version>/plugin.yaml, plugin.wasm and record.json
({sha256, installed_at, signer, removed}). As in the store, a version is written once: removing
it deletes plugin.wasm and keeps the record, so the version is never reused with other bytes.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from statemill.plugins.artifact import Artifact
from statemill.plugins.manifest import MANIFEST_FILE, MODULE_FILE
from statemill.plugins.store import PluginNotFound, PluginRecord, replacement_refused, version_order

FOLDER = "plugins"
RECORD_FILE = "record.json"


class HomePlugins:
    """The same publish / list / remove as statemill.plugins.store.PluginStore, on local files."""

    def __init__(self, home: Path):
        self.root = Path(home) / FOLDER

    def publish(self, artifact: Artifact, signer: str | None = None) -> tuple[PluginRecord, bool]:
        """Keep a new version; (record, False) when these very bytes are already installed."""
        manifest = artifact.manifest
        directory = self.root / manifest.name / manifest.version
        existing = _read_record(directory)
        if existing is not None and existing.sha256 != artifact.digest:
            raise replacement_refused(existing, artifact)
        if existing is not None and not existing.removed:
            return existing, False
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MANIFEST_FILE).write_bytes(artifact.manifest_bytes)
        (directory / MODULE_FILE).write_bytes(artifact.module)
        record = PluginRecord(manifest.name, manifest.version, artifact.digest, artifact.manifest_bytes.decode(),
                              datetime.now(UTC).isoformat(timespec="seconds"), signer)
        _write_record(directory, record)  # last: a half-written version is never listed
        return record, True

    def list(self) -> list[PluginRecord]:
        records = (_read_record(path.parent) for path in self.root.glob(f"*/*/*/{RECORD_FILE}"))
        return sorted((r for r in records if r is not None and not r.removed),
                      key=lambda r: (r.name, version_order(r.version)))

    def remove(self, name: str, version: str | None = None) -> list[PluginRecord]:
        """Remove one version, or all; each record stays as a tombstone."""
        records = [r for r in self.list() if r.name == name and version in (None, r.version)]
        if not records:
            raise PluginNotFound(f"plugin '{name}{'@' + version if version else ''}' is not installed: "
                                 "see statemill plugin list")
        for record in records:
            directory = self.root / record.name / record.version
            (directory / MODULE_FILE).unlink(missing_ok=True)
            _write_record(directory, dataclasses.replace(record, removed=True))
        return records

    def artifacts(self) -> list[tuple[Artifact, str | None]]:
        """Every installed artifact with its signer, to load into an engine's store."""
        installed = []
        for record in self.list():
            directory = self.root / record.name / record.version
            artifact = Artifact((directory / MANIFEST_FILE).read_bytes(), (directory / MODULE_FILE).read_bytes())
            installed.append((artifact, record.signer))
        return installed


def _read_record(directory: Path) -> PluginRecord | None:
    try:
        data = json.loads((directory / RECORD_FILE).read_text(encoding="utf-8"))
        manifest_text = (directory / MANIFEST_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    name = f"{directory.parent.parent.name}/{directory.parent.name}"
    return PluginRecord(name, directory.name, data["sha256"], manifest_text, data["installed_at"],
                        data.get("signer"), data.get("removed", False))


def _write_record(directory: Path, record: PluginRecord) -> None:
    temporary = directory / f".{RECORD_FILE}.tmp"
    temporary.write_text(json.dumps({"sha256": record.sha256, "installed_at": record.installed_at,
                                     "signer": record.signer, "removed": record.removed}), encoding="utf-8")
    os.replace(temporary, directory / RECORD_FILE)  # atomic: a reader sees the old record or the new
