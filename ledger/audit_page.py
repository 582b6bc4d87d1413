"""The dispute pack as a printable page: jinja2, autoescaped, plain words, no script.

Rendered here (not in the web layer) so the API and `ledger dispute-pack --out FILE.html`
print the same page. `base` prefixes the stylesheet links (the API's mount point; empty
for a file, which then shows unstyled but complete).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ledger.audit_pack import DisputePack, Who
from ledger.audit_words import pounds, words

templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def _who(who: Who) -> str:
    return f"{who.name} ({who.role})" if who.name else f"a {who.role} ({who.id})"


def _money(amount: Any) -> str:
    return pounds(amount) if isinstance(amount, Decimal) else "-"


templates.globals.update(
    money=_money,
    words=words,
    who=_who,
    day=lambda at: at.strftime("%-d %B %Y"),
    when=lambda at: at.strftime("%-d %b %Y %H:%M"),
)


def render(pack: DisputePack, base: str = "") -> str:
    return templates.get_template("dispute_pack.html").render(pack=pack, base=base)
