"""`POST /v1/spends:batch`: a month-end file of spends across many budgets, one report back.

The body is the file itself: CSV with a header (`Content-Type: text/csv`) or JSON
lines (`application/x-ndjson`). Each row is checked by its budget's own rules;
the answer is 200 with a per-row report even when some rows are refused, because
the file as a whole was accepted and every row's fate is in the report. Rows
name a `row_id`, so sending the same file again records nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import KnownQuery, ServiceDep, allowed
from api.errors import UnsupportedMediaType
from api.openapi import operation_id, problem_responses
from ledger import errors
from ledger.access import Action
from ledger.aggregates.actor import Actor
from ledger.ingest import FORMATS, IngestReport, ingest, read_rows
from ledger.ingest.rows import Format

MEDIA: dict[str, Format] = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
}
PATH = "/spends:batch"


def file_format(request: Request) -> Format:
    """The file's format from its Content-Type; anything else is 415."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in MEDIA:
        raise BatchMediaType(media)
    return MEDIA[media]


class BatchMediaType(UnsupportedMediaType):
    def __init__(self, content_type: str) -> None:
        super().__init__(content_type)
        sent = f"as {content_type}" if content_type else "without a Content-Type"
        self.detail = f"The file was sent {sent}; send text/csv or application/x-ndjson."


router = APIRouter(dependencies=[KnownQuery], generate_unique_id_function=operation_id, tags=["spends"])
Spender = Annotated[Actor, allowed(Action.SPEND)]


class RowAnswer(BaseModel):
    line: int = Field(description="the row's line in the file (a CSV's header is line 1)")
    row_id: str | None
    budget: str | None = Field(description="the budget's id or reference, as the row gave it")
    result: Literal["recorded", "already_recorded", "refused"]
    spend_id: str | None = None
    rule: str | None = Field(None, description="why a row was refused: the rule's name, as in a 409's type")
    detail: str | None = None


class BatchSummary(BaseModel):
    rows: int
    recorded: int
    already_recorded: int
    refused: int


class BatchAnswer(BaseModel):
    summary: BatchSummary
    rows: list[RowAnswer]

    @classmethod
    def of(cls, report: IngestReport) -> BatchAnswer:
        return cls(
            summary=BatchSummary(**report.summary),
            rows=[RowAnswer(**vars(row)) for row in report.rows],
        )


@router.post(
    PATH,
    responses=problem_responses(401, 403, 413, 415, 422, 500),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in MEDIA},
        }
    },
)
async def record_spend_batch(
    request: Request,
    response: Response,
    actor: Spender,
    service: ServiceDep,
    fmt: Annotated[Format, Depends(file_format)],
) -> BatchAnswer:
    """Record a month-end file of spends (caseworker; broker for its own budgets): a report per row."""
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise errors.InvalidInput("The file is not UTF-8 text.") from None
    rows = read_rows(text, fmt)
    report = await run_in_threadpool(ingest, service, actor, rows)
    if report.position is not None:
        response.headers["X-Ledger-Position"] = str(report.position)
    return BatchAnswer.of(report)


__all__ = ["FORMATS", "PATH", "router"]
