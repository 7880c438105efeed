"""The language of the messages staff read: Vietnamese or English, from gettext catalogs.

The English text in the code is the message id; the Vietnamese translations live in
`locale/vi/LC_MESSAGES/phatthanh.po`, compiled to the `phatthanh.mo` shipped beside it
(Babel extracts and compiles them; see README's "Language of messages"). The language is
the one `use_language` chose (the CLI passes `[station] ui_language`), else the locale's:
Vietnamese when LANGUAGE, LC_ALL, LC_MESSAGES or LANG (the first one set) is vi or vi_*,
English otherwise. Debug logs and code comments stay English and are not marked.

Messages are formatted with named placeholders after translation, so a translation can
move them: `_("{path}: not found").format(path=path)`.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Collection, Iterator, Mapping
from gettext import NullTranslations, translation
from pathlib import Path
from typing import Any, BinaryIO, Final, cast

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "_l",
    "active_language",
    "extract_settings",
    "gettext",
    "locale_language",
    "ngettext",
    "use_language",
]  # fmt: skip

LANGUAGES: Final = ("vi", "en")
DOMAIN: Final = "phatthanh"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
_LOCALE_VARS: Final = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """ "vi" when the first locale variable set names Vietnamese, else "en"."""
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            first = value.split(":")[0].lower()
            return "vi" if first == "vi" or first.startswith(("vi_", "vi.", "vi@")) else "en"
    return "en"


def use_language(language: str | None) -> None:
    """Speak `language` ("vi" or "en") from now on; None or "" follows the locale again."""
    global _chosen
    if language and language not in LANGUAGES:
        raise ValueError(f"unknown message language {language!r}; use one of {LANGUAGES}")
    _chosen = language or None


def active_language() -> str:
    """The language messages are given in right now."""
    return _chosen or locale_language()


@functools.cache
def _catalog(language: str) -> NullTranslations:
    if language == "en":  # the message ids are the English text
        return NullTranslations()
    return translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """`message` in the active language."""
    return _catalog(active_language()).gettext(message)


gettext = _  # the same, for modules where `_` is already a throwaway loop variable


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the active language."""
    return _catalog(active_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction only; it is translated where it is shown."""
    return message


def _l(message: str) -> str:
    """`message` translated each time it is read as text: for strings made at import time
    (command-line help), before the CLI has chosen a language."""
    from babel.support import LazyProxy  # imported when first needed: the CLI's help

    # A LazyProxy behaves as the str it evaluates to; typed as str for click's signatures.
    return cast(str, LazyProxy(_, message, enable_cache=False))


def extract_settings(
    fileobj: BinaryIO, keywords: Mapping[str, Any], comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """Babel extractor for the settings modules (babel.cfg): the marked messages, plus the
    first line of each class docstring, which `phatthanh init` writes as the section's
    comment and translates."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    fileobj.seek(0)
    for node in ast.walk(ast.parse(fileobj.read())):
        if isinstance(node, ast.ClassDef) and (doc := ast.get_docstring(node)):
            yield node.lineno, "", doc.strip().splitlines()[0], []
