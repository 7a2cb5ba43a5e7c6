"""A plugin artifact: its manifest and WASM module, the digest that pins both, and its exports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from statemill.plugins.manifest import (
    MANIFEST_FILE,
    MODULE_FILE,
    SIGNATURE_FILE,
    Manifest,
    ManifestError,
    parse_manifest,
)

WASM_MAGIC = b"\0asm"
_EXPORT_SECTION = 7
_FUNCTION_EXPORT = 0


@dataclass(frozen=True)
class Artifact:
    manifest_bytes: bytes
    module: bytes
    signature: str | None = None  # base64 ed25519 signature of `digest`

    @cached_property
    def manifest(self) -> Manifest:
        return parse_manifest(self.manifest_bytes)

    @cached_property
    def digest(self) -> str:
        """The sha256 pinned in workflows: it covers the manifest (permissions) and the module."""
        return artifact_digest(self.manifest_bytes, self.module)


def artifact_digest(manifest_bytes: bytes, module: bytes) -> str:
    digest = hashlib.sha256()
    # Length-prefixed, so no byte can move from one part to the other unnoticed.
    for part in (manifest_bytes, module):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def read_artifact(directory: Path) -> Artifact:
    """plugin.yaml, plugin.wasm (from statemill plugin build) and, when present, plugin.sig."""
    directory = Path(directory)
    if not (directory / MANIFEST_FILE).is_file():
        raise ManifestError(f"no {MANIFEST_FILE} in {directory}")
    if not (directory / MODULE_FILE).is_file():
        raise ManifestError(f"no {MODULE_FILE} in {directory}: run statemill plugin build {directory}")
    signature_path = directory / SIGNATURE_FILE
    signature = signature_path.read_text(encoding="ascii").strip() if signature_path.is_file() else None
    return Artifact((directory / MANIFEST_FILE).read_bytes(), (directory / MODULE_FILE).read_bytes(), signature)


def check_exports(artifact: Artifact) -> None:
    """Every declared action must be a function the module exports."""
    exported = exported_functions(artifact.module)
    missing = sorted(set(artifact.manifest.actions) - exported)
    if missing:
        raise ManifestError(
            f"{artifact.manifest.name}: action(s) {', '.join(missing)} declared in {MANIFEST_FILE} "
            f"but not exported by the module (it exports: {', '.join(sorted(exported)) or 'nothing'})")


def exported_functions(module: bytes) -> set[str]:
    """The names of the functions a WASM module exports (its export section, read directly)."""
    if module[:4] != WASM_MAGIC:
        raise ManifestError("the module is not WebAssembly (no \\0asm header)")
    position, names = 8, set()
    while position < len(module):
        section, position = module[position], position + 1
        size, position = _leb128(module, position)
        if section == _EXPORT_SECTION:
            count, cursor = _leb128(module, position)
            for _ in range(count):
                length, cursor = _leb128(module, cursor)
                name = module[cursor:cursor + length].decode()
                kind = module[cursor + length]
                _, cursor = _leb128(module, cursor + length + 1)
                if kind == _FUNCTION_EXPORT:
                    names.add(name)
        position += size
    return names


def _leb128(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position
