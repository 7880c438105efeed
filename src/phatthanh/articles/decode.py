"""Bytes of a page -> text: binary detection, BOMs, UTF-16, Windows-1258,
charset detection and repair of UTF-8 mis-decoded as Windows-1252 (mojibake).
"""

from __future__ import annotations

import codecs
import unicodedata

from phatthanh.errors import ArticleError
from phatthanh.i18n import _

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MOJIBAKE_SIGNS = ("Ã", "Ä", "Æ", "áº", "á»", "Ä‘", "Æ°")


def decode_page(data: bytes, source: str) -> str:
    """The text of a page, NFC, or ArticleError saying why it cannot be read."""
    if not data.strip():
        raise ArticleError(
            _("{source}: the file is empty; give a page with an article in it").format(
                source=source
            )
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _finish(data.decode(encoding, errors="replace"))
    if _looks_utf16(data):
        return _finish(data.decode("utf-16-le" if data[1] == 0 else "utf-16-be", "replace"))
    if _looks_binary(data):
        raise ArticleError(
            _(
                "{source}: this is a binary file, not a text or HTML page; give the "
                "article as text or HTML"
            ).format(source=source)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        lenient = data.decode("utf-8", errors="replace")
        # UTF-8 with a few broken bytes (a truncated copy, a bad paste): drop those bytes
        if lenient.count("\ufffd") <= 0.005 * len(lenient):
            text = lenient.replace("\ufffd", "")
        else:
            text = _detect(data, source)
    return _finish(repair_mojibake(text))


def _looks_utf16(data: bytes) -> bool:
    sample = data[:400]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return control > 0.02 * len(sample)


def _detect(data: bytes, source: str) -> str:
    # Vietnamese legacy pages are Windows-1258 far more often than anything else.
    for encoding in ("cp1258",):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _vietnamese_score(text) > 0.02:
            return text
    from charset_normalizer import from_bytes  # here: most pages say their encoding (3 MB)

    best = from_bytes(data).best()
    if best is None:
        raise ArticleError(
            _("{source}: cannot tell which text encoding this page uses; save it as UTF-8").format(
                source=source
            )
        )
    return str(best)


def _vietnamese_score(text: str) -> float:
    letters = [ch for ch in unicodedata.normalize("NFD", text) if ch.isalpha()]
    marks = sum(1 for ch in unicodedata.normalize("NFD", text) if unicodedata.combining(ch))
    return marks / max(1, len(letters))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252/Latin-1 (`Ä‘Æ°á»ng` -> `đường`), when it is that."""
    if not any(sign in text for sign in _MOJIBAKE_SIGNS):
        return text
    for wrong in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _vietnamese_score(fixed) >= _vietnamese_score(text):
            return fixed
    return text


def _finish(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
