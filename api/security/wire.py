"""Malformed HTTP answered as a problem: uvicorn's h11 protocol with a JSON 400.

A header holding NUL, a bare CR or another byte HTTP forbids never reaches the
app: uvicorn's parser refuses it and writes `text/plain` "Invalid HTTP request
received.". Clients of this API read `application/problem+json` for every error,
so `ledger serve` runs uvicorn with this protocol, whose 400 is a problem. The
request was not parsed, so the problem's `type` is relative to the server.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.errors import HTTP_PROBLEMS, PROBLEM_JSON, PROBLEMS_PATH

SLUG = "malformed-request"
BODY = json.dumps(
    {
        "type": PROBLEMS_PATH + SLUG,
        "title": HTTP_PROBLEMS[SLUG][1],
        "status": 400,
        "detail": "The request is not valid HTTP: a header holds a character HTTP forbids "
        "(such as NUL or a bare CR), or the request line is broken.",
    }
).encode()


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a request it cannot parse with a problem."""

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(BODY)).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers),
            h11.Data(data=BODY),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()
