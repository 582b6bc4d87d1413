"""The scheme book: every published budget scheme, kept in the ledger's own event store.

One aggregate with a fixed id (like the key ring), so publishing is itself on the
record (who, when, which fingerprint) and the book is rebuilt like any budget.
A version, once published, never changes: publishing the same id and version
again with the same rules changes nothing, and with other rules is refused
(`SchemeVersionPublished`). The shipped schemes count as published, so a file
cannot quietly redefine one of them either.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import errors
from ledger.schemes.builtin import builtin_schemes
from ledger.schemes.scheme import BudgetScheme, parse

SCHEME_BOOK_ID: UUID = uuid5(NAMESPACE_URL, "https://ledger.invalid/scheme-book")


class SchemeBook(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return SCHEME_BOOK_ID

    @event("Created")
    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    def publish(self, scheme: BudgetScheme, by: str) -> bool:
        """Publish `scheme`; False if exactly this version was published already."""
        existing = self.documents.get(scheme.key) or _builtin_document(scheme.key)
        if existing is not None:
            if parse(existing).fingerprint == scheme.fingerprint:
                return False
            raise errors.SchemeVersionPublished(
                f"{scheme.id} version {scheme.version} is published with other rules; "
                "publish the change as a new version"
            )
        self._published(scheme.key, scheme.document(), scheme.fingerprint, by)
        return True

    @event("SchemePublished")
    def _published(self, key: str, document: dict[str, Any], fingerprint: str, by: str) -> None:
        self.documents[key] = document


def _builtin_document(key: str) -> dict[str, Any] | None:
    scheme = builtin_schemes().get(key)
    return scheme.document() if scheme else None


def all_schemes(book: SchemeBook | None) -> list[BudgetScheme]:
    """The shipped schemes and the published ones, by id then version."""
    published = {k: parse(d) for k, d in (book.documents if book else {}).items()}
    every = {**builtin_schemes(), **published}
    return sorted(every.values(), key=lambda s: (s.id, s.version))


def find(book: SchemeBook | None, scheme_id: str, version: int | None = None) -> BudgetScheme:
    """One scheme; without `version`, its latest."""
    versions = [s for s in all_schemes(book) if s.id == scheme_id]
    if version is not None:
        versions = [s for s in versions if s.version == version]
    if not versions:
        which = f" version {version}" if version is not None else ""
        raise errors.BudgetSchemeNotFound(f"no published budget scheme {scheme_id!r}{which}")
    return versions[-1]
