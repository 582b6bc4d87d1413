"""Logs as one JSON object a line, each carrying the request id of the request it belongs to.

The API's middleware (`api.observability`) sets `request_id` for the duration of a
request; FastAPI runs plain `def` routes in worker threads with a copy of the
context, so every line logged while serving a request, in whichever thread and
module, carries that id. Lines logged outside a request (start-up, the read side)
carry none. `LOG_CONFIG` is the `logging.config.dictConfig` uvicorn is given, so
its own lines come out in the same shape.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
#: LogRecord attributes that are not extra fields someone passed in
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "color_message"}


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request's id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "request_id", ...extra, "exc"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A `dictConfig` sending the ledger's, uvicorn's and the library's lines to stderr as JSON."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
