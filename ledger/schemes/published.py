"""Reading and publishing budget schemes through the ledger's event store.

The book is one aggregate, so two publishers racing for it meet the store's
optimistic concurrency; the loser reloads and checks again (and so finds the
winner's version, refusing a different one as `SchemeVersionPublished`).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from ledger import errors
from ledger.schemes.book import SCHEME_BOOK_ID, SchemeBook, all_schemes, find
from ledger.schemes.scheme import BudgetScheme, parse

ATTEMPTS = 5


def load_book(app: Application[Any]) -> SchemeBook | None:
    try:
        book: Any = app.repository.get(SCHEME_BOOK_ID)
    except AggregateNotFoundError:
        return None
    return book if isinstance(book, SchemeBook) else None


def published_schemes(app: Application[Any]) -> list[BudgetScheme]:
    return all_schemes(load_book(app))


def find_scheme(app: Application[Any], scheme_id: str, version: int | None = None) -> BudgetScheme:
    return find(load_book(app), scheme_id, version)


def publish_scheme(app: Application[Any], document: object, by: str) -> tuple[BudgetScheme, bool]:
    """Publish a scheme document; (the scheme, whether this call published it)."""
    scheme = parse(document)
    for _ in range(ATTEMPTS):
        book = load_book(app) or SchemeBook()
        if not book.publish(scheme, by):
            return scheme, False
        try:
            app.save(book)
        except IntegrityError:
            continue
        return scheme, True
    raise errors.ConcurrentUpdate("the scheme book kept changing; try again")
