"""Attested evidence: records signed by a trusted runner, checked against committed public keys.

A trusted runner (CI, the dispatcher's own gate runs, a maintainer's machine) holds an Ed25519
private key outside every repository (`~/.config/tt-ws/runner-key.pem`, or the file
`$TT_WS_RUNNER_KEY` names; `TT_WS_RUNNER_KEY=` empty turns signing off). Every record it writes
carries an attestation: the key's id and its signature over the record's canonical JSON (every
field as written, sorted, without the attestation itself), after in-toto's signed test-result
statements.

A repository opts in by committing the public keys it trusts in `workstreams/trust/runners.yaml`
(a reviewed file: adding a key is adding a trusted machine). Verification needs only that file
and the record, never a secret, so status renders the same bytes on every machine. Without the
file nothing is required and every record counts as before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrator.atomic import create_atomic
from orchestrator.errors import TtWsError, display_path, validation_summary
from orchestrator.layout import REGISTRY_DIR

KEY_ENV = "TT_WS_RUNNER_KEY"
RUNNERS_FILE = f"{REGISTRY_DIR}/trust/runners.yaml"
_KEY_PREFIX = "ed25519:"


class Attestation(BaseModel):
    """Who vouches for a record: the runner key's id and its signature (base64)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    signature: str


class TrustedRunner(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    key: str = Field(pattern=rf"^{_KEY_PREFIX}[A-Za-z0-9+/=]{{44}}$")


class RunnersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    runners: tuple[TrustedRunner, ...] = ()


def payload(fields: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: the record's fields but the attestation, canonical JSON."""
    body = {k: v for k, v in fields.items() if k != "attestation"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _public_raw(text: str) -> bytes:
    return base64.b64decode(text.removeprefix(_KEY_PREFIX))


@dataclass(frozen=True)
class Signer:
    """A trusted runner's private key."""

    private: Any  # cryptography's Ed25519PrivateKey (imported only when signing)

    @cached_property
    def public_raw(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public(self) -> str:
        """The public key as written in the runners file."""
        return _KEY_PREFIX + base64.b64encode(self.public_raw).decode()

    def attest(self, fields: Mapping[str, Any]) -> Attestation:
        signature = self.private.sign(payload(fields))
        return Attestation(
            key=key_id(self.public_raw), signature=base64.b64encode(signature).decode()
        )


def key_path() -> Path | None:
    """Where this machine's runner key is (None: signing is turned off)."""
    named = os.environ.get(KEY_ENV)
    if named is not None:
        return Path(named) if named else None
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "tt-ws" / "runner-key.pem"


def load_signer(path: Path | None = None) -> Signer | None:
    """This machine's signer, or None when it has no runner key."""
    path = path or key_path()
    if path is None or not path.is_file():
        return None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        private = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise TtWsError(f"cannot read the runner key {display_path(path)}: {exc}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise TtWsError(f"the runner key {display_path(path)} is not an Ed25519 key")
    return Signer(private)


def create_signer(path: Path) -> Signer:
    """A new Ed25519 key written to `path` (readable by its owner only)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    create_atomic(path, pem.decode())
    path.chmod(0o600)
    return Signer(private)


@dataclass(frozen=True)
class TrustedKeys:
    """The public keys a repository trusts, by key id (empty when it has no runners file)."""

    keys: Mapping[str, tuple[str, bytes]]  # key id -> (runner name, raw public key)
    enabled: bool

    @classmethod
    def load(cls, root: Path) -> TrustedKeys:
        path = root / RUNNERS_FILE
        if not path.is_file():
            return cls({}, enabled=False)
        try:
            parsed = RunnersFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError) as exc:
            raise TtWsError(f"cannot read {display_path(path)}: {exc}") from None
        except ValidationError as exc:
            raise TtWsError(f"{display_path(path)}: {validation_summary(exc)}") from None
        keys = {}
        for runner in parsed.runners:
            raw = _public_raw(runner.key)
            keys[key_id(raw)] = (runner.name, raw)
        return cls(keys, enabled=True)

    def runner(self, fields: Mapping[str, Any], attestation: Attestation | None) -> str | None:
        """The trusted runner whose valid signature the record carries (None: none does)."""
        if attestation is None or attestation.key not in self.keys:
            return None
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        name, raw = self.keys[attestation.key]
        try:
            signature = base64.b64decode(attestation.signature, validate=True)
            Ed25519PublicKey.from_public_bytes(raw).verify(signature, payload(fields))
        except (InvalidSignature, ValueError):
            return None
        return name
