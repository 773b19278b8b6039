"""The `dozor` command: subcommands come from the modules in jobs/commands."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

import jobs.commands
from crawler.errors import DozorError
from jobs.logs import configure_logging, log_format_of_environment, say


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress to standard error.")
def dozor(verbose: bool) -> None:
    """Dozor: Kazakhstan's law-enforcement news on fraud and organized crime.

    Exit codes: 0 all went well; 1 some sources failed (or `status` warns); 2 a usage error or
    the store (PostgreSQL) unavailable; 128+N when stopped by signal N (143: SIGTERM).
    """
    # One line per event, JSON when DOZOR_LOG_FORMAT=json: -v included.
    configure_logging(logging.INFO if verbose else logging.WARNING, log_format_of_environment())


def _register_commands() -> None:
    # Each module in jobs/commands lists its click commands in COMMANDS: adding a command
    # means adding a module, not editing this file.
    for info in sorted(pkgutil.iter_modules(jobs.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"jobs.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            dozor.add_command(command)


_register_commands()


def main() -> None:
    """Entry point: Dozor's own errors print as one line, never a traceback."""
    try:
        dozor.main(standalone_mode=False)
    except click.exceptions.Abort:
        say("aborted", log_format_of_environment(), level="ERROR")
        sys.exit(130)
    except click.ClickException as exc:
        if log_format_of_environment() == "json":
            say(exc.format_message(), "json", level="ERROR")
        else:
            exc.show()
        sys.exit(exc.exit_code)
    except DozorError as exc:
        say(str(exc), log_format_of_environment(), level="ERROR", prefix="dozor: ")
        sys.exit(2)


if __name__ == "__main__":
    main()
