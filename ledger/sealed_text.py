"""A family's free text, sealed with its budget's key so that erasure destroys a key, not an event.

Events are never rewritten and the hash chain covers their stored bytes, so text
that may hold personal data (a spend's description, a return's notes, a dispute's
grounds and resolution, a review's summary, and every reason and rationale) is
stored as a *sealed string*:

    sealed:v1:<key id>:<AES-SIV ciphertext, base64url without padding>

The application seals it before the command reaches the aggregate, so the domain,
the chain, the whole-ledger proof, snapshots, the aggregate cache, idempotency
records and read models only ever hold ciphertext. Destroying the key
(`ledger.text_keys`) makes the text unreadable everywhere at once while every
stored byte, and so every hash, stays as it was.

AES-SIV is deterministic: the same key and text give the same sealed string, so a
retried request seals to what the first try stored and the spend's idempotency
fingerprint still matches. Its only leak is equality of two texts under one key.

Adding a text field to a command (for the coordinator): seal each free-text
parameter in the use case, after the budget is loaded, with one call,

    lambda b: b.plan(actor, self.seal(b, "notes", notes), ...)

and nothing else: answers are revealed (`reveal`) in one place per output format.
Empty or blank text is passed on as it is, so the domain refuses it as before.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pydantic import BaseModel

PREFIX = "sealed:v1:"
#: a sealed string anywhere inside a string (a page may join several reasons in one sentence)
TOKEN = re.compile(r"sealed:v1:([0-9a-f]{32}):([A-Za-z0-9_-]+)")
KEY_BYTES = 64  # AES-256-SIV takes two 256-bit keys
ERASED = "[erased]"


@dataclass(frozen=True)
class Erased:
    """A key destroyed by an erasure (or one this store never held): its text reads as erased."""

    at: datetime | None

    @property
    def marker(self) -> str:
        return f"[erased {self.at.date().isoformat()}]" if self.at else ERASED


Key = bytes | Erased
#: key ids -> their keys (or `Erased`); given every id found in one answer, asked once per answer
Lookup = Callable[[set[str]], Mapping[str, Key]]


def new_key() -> bytes:
    return AESSIV.generate_key(KEY_BYTES * 8)


def seal(key_id: str, key: bytes, text: str) -> str:
    """`text` sealed under `key`; the key id is bound in as associated data."""
    return Sealer(key_id, key).seal(text)


class Sealer:
    """One budget's key, looked up and set up once, for sealing many texts (a month-end file's rows).

    AES-SIV is deterministic, so a text met again (a card file's "card transaction" on
    every row) is answered from what it sealed to the first time.
    """

    def __init__(self, key_id: str, key: bytes) -> None:
        self.key_id, self._cipher, self._data = key_id, AESSIV(key), [key_id.encode()]
        self._sealed: dict[str, str] = {}

    def seal(self, text: str) -> str:
        if text not in self._sealed:
            sealed = self._cipher.encrypt(text.encode(), self._data)
            body = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
            self._sealed[text] = f"{PREFIX}{self.key_id}:{body}"
        return self._sealed[text]


def open_token(key_id: str, key: Key | AESSIV, body: str) -> str:
    """The plaintext of one sealed string, or the erasure marker if its key is gone."""
    if isinstance(key, Erased):
        return key.marker
    cipher = AESSIV(key) if isinstance(key, bytes) else key
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return cipher.decrypt(raw, [key_id.encode()]).decode()
    except (InvalidTag, ValueError):
        return ERASED  # not made by this key: show nothing rather than guess


def key_ids(value: Any) -> set[str]:
    """Every key id named by a sealed string anywhere inside `value`."""
    return {m.group(1) for text in _strings(value) for m in TOKEN.finditer(text)}


def reveal(value: Any, lookup: Lookup) -> Any:
    """`value` with every sealed string replaced by its text, or by a marker if it was erased.

    Walks dicts, lists, tuples, dataclasses and pydantic models; returns a copy,
    and `value` itself when it holds nothing sealed (the common, cheap case).
    """
    ids = key_ids(value)
    if not ids:
        return value
    found = lookup(ids)
    keys = {i: AESSIV(k) if isinstance(k, bytes) else k for i, k in found.items()}
    keys.update({i: Erased(None) for i in ids - found.keys()})
    return _map(
        value, lambda text: TOKEN.sub(lambda m: open_token(m.group(1), keys[m.group(1)], m.group(2)), text)
    )


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        if PREFIX in value:
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))


def _map(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value) if PREFIX in value else value
    if isinstance(value, Mapping):
        return {k: _map(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map(v, change) for v in value]
    if isinstance(value, tuple):
        return tuple(_map(v, change) for v in value)
    if isinstance(value, BaseModel):
        return value.model_copy(update={n: _map(getattr(value, n), change) for n in type(value).model_fields})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _map(getattr(value, f.name), change) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **fields)
    return value
