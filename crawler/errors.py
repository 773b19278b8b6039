"""Dozor's own exceptions; each says when it is raised and from where."""


class DozorError(Exception):
    """Base of every error Dozor raises on purpose."""


class UnknownSourceError(DozorError, KeyError):
    """Raised when a source id is not in the registry, from `crawler.sources.get_source`."""

    def __str__(self) -> str:
        return str(self.args[0])


class RejectedInputError(DozorError):
    """Raised when a fetched document is refused (bomb, oversize, unparsable), from discovery."""


class DatabaseUnavailableError(DozorError):
    """Raised when PostgreSQL cannot be reached or started, from `storage.db`."""


class ConfigError(DozorError):
    """Raised when the environment holds an invalid setting, from `crawler.config`."""


class SearchQueryError(DozorError):
    """Raised when a search text, filter or date is invalid, from `serve.search`."""


class SchedulerError(DozorError):
    """Raised when the scheduler cannot run (bad cron, second scheduler), from `jobs.scheduler`."""


class LeaseLostError(DozorError):
    """Raised when a run no longer holds its lease (expired and taken, or broken), from
    `storage.leases`; the run must stop writing."""


class DateWindowError(DozorError):
    """Raised when --since/--until give an empty or future window, from `jobs.runner`."""


def first_line(exc: BaseException) -> str:
    """An exception's first message line, or its type name when it has none: for one-line logs."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class LabelledSetError(DozorError):
    """Raised when a labelled file's line is not a labelled row (not JSON, or without id, text
    or a topic label), from `crawler.tagging.evaluate.read_labelled`."""
