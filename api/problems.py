"""The pages a problem's `type` points at: one listing every rule, one per rule.

Generated from `ledger.errors`: each class that defines a `rule` slug is one
problem type, its docstring is the rule in a sentence, and its subclasses are the
particular cases (e.g. `not-found` covers a budget, an item and a RAS scheme).
The HTTP layer's own problems (401, 405, 413, 415, 500) are listed beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from api.errors import HTTP_PROBLEMS, PROBLEMS_PATH, rule_title, status_of
from api.pages import html_page, root
from ledger import errors

#: what a person does next, by status
ADVICE = {
    401: "Send a valid API key in the header Authorization: Bearer <api key>. Keys are made with "
    "`ledger keys create` and can be revoked.",
    403: "The key's role, or the organisation or family it is bound to, does not allow this. Ask for a "
    "key with the right role, or for the budget to be assigned to your organisation.",
    404: "Check the id or the address. Nothing was changed.",
    405: "The address exists but does not answer this method; the Allow header lists the ones it does.",
    409: "The budget's current state refuses the command, and nothing was recorded. Change the state "
    "first (for example release funds, accept a return, or resume the budget), then try again.",
    413: "Send a smaller body.",
    415: "Send the body as JSON with the header Content-Type: application/json.",
    422: "Correct the fields named in `detail` and listed in `errors`, then send again. Nothing was "
    "recorded.",
    500: "The ledger failed; the operators have the details in the log. Nothing you sent was at fault.",
    503: "Wait the seconds the Retry-After header gives, then ask again. If the read models are behind "
    "(read-model-behind), the write is safely recorded and they are catching up with it; if the store "
    "cannot be reached or the ledger is not ready, nothing was recorded: send the same request again, "
    "with the same Idempotency-Key.",
}


@dataclass(frozen=True)
class Rule:
    slug: str
    status: int
    title: str
    cases: tuple[str, ...]  # the docstrings of the classes that raise it, beyond the defining one


def _subclasses(kind: type[errors.LedgerError]) -> list[type[errors.LedgerError]]:
    found: list[type[errors.LedgerError]] = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def catalogue() -> list[Rule]:
    """Every problem type the ledger answers with, ordered by status then slug."""
    rules: list[Rule] = []
    kinds: list[type[errors.LedgerError]] = [errors.LedgerError, *_subclasses(errors.LedgerError)]
    for kind in kinds:
        status = status_of(kind)
        if status is None or "rule" not in vars(kind):
            continue
        cases = tuple(
            " ".join((sub.__doc__ or "").split())
            for sub in _subclasses(kind)
            if "rule" not in vars(sub) and sub.__doc__
        )
        rules.append(Rule(kind.rule, status, rule_title(kind), cases))
    rules += [Rule(slug, status, title, ()) for slug, (status, title) in HTTP_PROBLEMS.items()]
    return sorted({r.slug: r for r in rules}.values(), key=lambda r: (r.status, r.slug))


router = APIRouter(prefix=PROBLEMS_PATH.rstrip("/"), include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def all_problems(request: Request) -> HTMLResponse:
    """Every rule, with its status and a link to its page."""
    base = root(request) + PROBLEMS_PATH
    items = "\n".join(
        f'<dt><span class="status">{r.status}</span> <a href="{base}{r.slug}">{r.slug}</a></dt>'
        f"<dd>{escape(r.title)}</dd>"
        for r in catalogue()
    )
    body = f"""<h1>Problems the ledger answers with</h1>
<p>Every error is an <code>application/problem+json</code> answer (RFC 9457) whose <code>type</code> is
the address of one of these pages. The <code>title</code> is the rule; the <code>detail</code> says what
happened this time.</p>
<dl class="rules">
{items}
</dl>
<p><a href="{root(request)}/">Back to the ledger</a></p>"""
    return html_page(request, "Problems", body)


@router.get("/{slug}", response_class=HTMLResponse)
def one_problem(request: Request, slug: str) -> HTMLResponse:
    """One rule: what it means and what to do."""
    rule = next((r for r in catalogue() if r.slug == slug), None)
    if rule is None:
        raise HTTPException(404)
    cases = "".join(f"<li>{escape(c)}</li>" for c in rule.cases)
    body = f"""<h1>{escape(rule.slug)}</h1>
<p><span class="status">{rule.status}</span> {escape(rule.title)}</p>
{f"<h2>Cases</h2><ul>{cases}</ul>" if cases else ""}
<h2>What to do</h2>
<p>{escape(ADVICE.get(rule.status, "See the detail of the answer."))}</p>
<p><a href="{root(request)}{PROBLEMS_PATH.rstrip("/")}">All problems</a> ·
<a href="{root(request)}/">The ledger</a></p>"""
    return html_page(request, rule.slug, body)
