"""click's own words (Usage, Options, its usage errors) in the staff's language.

click translates its strings with the standard `gettext` through a `_` (and `ngettext`)
bound in each of its modules; pointing those at phatthanh.i18n makes them follow
`[station] ui_language` like every other message. The strings below are click's message
ids, marked here so that `make messages` extracts them (tests/test_i18n.py checks each one
against the installed click's own catalog of strings, so a click upgrade cannot silently
leave one untranslated).
"""

from __future__ import annotations

from importlib import import_module

from phatthanh.i18n import N_, _, ngettext

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")

WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing command."),
    N_("Missing parameter: {param_name}"),
    N_("Missing {param_type}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("Aborted!"),
)


def speak_our_language() -> None:
    """Route click's translations through phatthanh's catalog (idempotent)."""
    for name in CLICK_MODULES:
        module = import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
