"""The command line: the only place that prints, exits or catches PhatthanhError.

Each command group lives in its own module and registers itself on the `cli` group.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

import click

from phatthanh import __version__
from phatthanh.cli.click_words import speak_our_language
from phatthanh.config import configured_language
from phatthanh.errors import PhatthanhError
from phatthanh.i18n import _, _l, use_language


class _Context:
    verbose: bool = False


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
    help=_l("Turn district portal news articles into a radio program and a podcast feed."),
)
@click.version_option(__version__, prog_name="phatthanh", help=_l("Show the version and exit."))
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help=_l("Show ffmpeg command lines, debug logs and tracebacks."),
)
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    ctx.ensure_object(_Context)
    ctx.obj.verbose = verbose
    _setup_logging(verbose)


def _setup_logging(verbose: bool) -> None:
    root = logging.getLogger("phatthanh")
    root.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(levelname)s: %(message)s" if verbose else "%(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.propagate = False


def _register() -> None:
    from phatthanh.cli import build, queue, review, scale, serve, studio, text, voices

    for module in (build, text, review, voices, serve, studio, scale, queue):
        module.register(cli)
    import_module("phatthanh.cli.publish").register(cli)  # publish --due (air times)
    import_module("phatthanh.cli.station").register(cli)  # the loudspeaker station agent
    import_module("phatthanh.cli.bulletin").register(cli)  # emergency bulletins


def _config_arg(args: list[str]) -> Path | None:
    """The --config PATH this run will read, if given (else ./phatthanh.toml is)."""
    for i, arg in enumerate(args):
        if arg == "--config" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--config="):
            return Path(arg.removeprefix("--config="))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI, turn PhatthanhError into one line and an exit code."""
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    use_language(configured_language(_config_arg(args)))  # before help or any message
    speak_our_language()  # click's own words too
    verbose = "-v" in args or "--verbose" in args
    try:
        cli.main(args=args, prog_name="phatthanh", standalone_mode=False)
    except PhatthanhError as exc:
        if verbose:
            traceback.print_exc()
        click.echo(_("error: {exc}").format(exc=exc), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo(_("aborted"), err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(_("interrupted"), err=True)
        return 130
    return 0
