"""Log lines for the scheduler and the crawls: one line per event, text or JSON, with the run id."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

# The crawl run a thread is working on; the scheduler runs several crawls at once, one per
# worker thread, and each thread's lines must name its own run.
CURRENT_RUN_ID: ContextVar[int | None] = ContextVar("dozor_run_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [run %(run_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(run_id)s %(message)s"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class RunIdFilter(logging.Filter):
    """Adds `run_id` to every record: the process's fixed run, else the thread's current one."""

    def __init__(self, fixed_run_id: int | None = None) -> None:
        super().__init__()
        self.fixed_run_id = fixed_run_id

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "run_id", None) is None:
            record.run_id = self.fixed_run_id or CURRENT_RUN_ID.get()
        return True


class OneLineFormatter(logging.Formatter):
    """Text lines with newlines escaped, so a stats dump or a traceback stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "run_id", None) is None:
            record.run_id = "-"
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


def log_formatter(log_format: str) -> logging.Formatter:
    """The formatter for DOZOR_LOG_FORMAT: 'json' (one object per line) or 'text'."""
    if log_format == "json":
        return JsonFormatter(
            JSON_FIELDS, datefmt=TIME_FORMAT,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return OneLineFormatter(TEXT_FORMAT, datefmt=TIME_FORMAT)


def configure_logging(
    level: int | str, log_format: str, *, run_id: int | None = None, stream: TextIO | None = None,
) -> None:
    """Send every log record to standard error, one line each, tagged with the run id."""
    handler = logging.StreamHandler(stream or sys.stderr)
    # The level goes on the handler too: Scrapy sets its own loggers to DEBUG, and records
    # from those propagate to the root's handlers whatever the root logger's level.
    handler.setLevel(level)
    handler.addFilter(RunIdFilter(run_id))
    handler.setFormatter(log_formatter(log_format))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Python warnings and uncaught exceptions as log records too: with JSON logs, every line
    # on standard error is one JSON object.
    logging.captureWarnings(True)
    if log_format == "json":
        sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], value: BaseException, tb: Any) -> None:
    logging.getLogger("dozor").critical("uncaught %s: %s", kind.__name__, value,
                                        exc_info=(kind, value, tb))


def log_format_of_environment() -> str:
    """DOZOR_LOG_FORMAT, or 'text' when unset or invalid (the error says so elsewhere)."""
    value = os.environ.get("DOZOR_LOG_FORMAT", "text")
    return value if value in ("text", "json") else "text"


def say(message: str, log_format: str, *, level: str = "INFO", prefix: str = "",
        stream: TextIO | None = None) -> None:
    """A line for the operator on standard error: `prefix + message` as text, or one JSON
    object (progress of a backfill, the one-line error of a failed command)."""
    out = stream or sys.stderr
    out.write((_json_line(message, level, "dozor") if log_format == "json" else prefix + message)
              + "\n")
    out.flush()


def _json_line(message: str, level: str, logger: str, run_id: int | None = None) -> str:
    """One log record as the JSON formatter writes it (same fields, same time format)."""
    return json.dumps({"time": datetime.now(UTC).astimezone().strftime(TIME_FORMAT),
                       "level": level, "logger": logger, "run_id": run_id, "message": message},
                      ensure_ascii=False)


@contextmanager
def bound_run_id(run_id: int) -> Iterator[None]:
    """Tag this thread's log lines with `run_id` while the block runs."""
    token = CURRENT_RUN_ID.set(run_id)
    try:
        yield
    finally:
        CURRENT_RUN_ID.reset(token)


def forward_line(
    line: str, log_format: str, run_id: int | None = None, stream: TextIO | None = None,
) -> None:
    """Pass a line a crawl wrote on to our standard error; with JSON logs, a line that is not a
    JSON object (a traceback, a library's print) is wrapped into one, so every line parses."""
    out = stream or sys.stderr
    text = line.rstrip("\r\n")
    if log_format == "json" and text and not _is_json_object(text):
        text = _json_line(text, "INFO", "crawl.stderr", run_id)
    out.write(text + "\n")
    out.flush()


def _is_json_object(text: str) -> bool:
    if not text.startswith("{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
