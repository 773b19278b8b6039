"""The `dozor` command: subcommands come from the modules in jobs/commands."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

import jobs.commands
from crawler.errors import DozorError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress to standard error.")
def dozor(verbose: bool) -> None:
    """Dozor: Kazakhstan's law-enforcement news on fraud and organized crime."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


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
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DozorError as exc:
        click.echo(f"dozor: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
