"""Rule 2: typing repair (../shared/specs/vietnamese-speech.md). Every change is reported.

In this order:
- known slips from a curated list, with context (`cũng cố` -> `củng cố`, but `cũng cố gắng`
  stays; `đợi IV` -> `đợt IV` only before a Roman numeral);
- Telex residue and doubled onsets (`nhhieemj` -> `nhiệm`), in `telex.py`;
- near-miss spellings (`đạo đúc` -> `đạo đức`), decided by a real word list and news-text
  evidence, in `nearmiss.py` and `wordlist.py`.
"""

from __future__ import annotations

import re

from phatthanh.clean.repair.model import Repair
from phatthanh.clean.repair.nearmiss import repair_near_misses
from phatthanh.clean.repair.syllable import is_syllable
from phatthanh.clean.repair.telex import repair_telex, telex_decode
from phatthanh.clean.repair.wordlist import load_wordlist

__all__ = ["Repair", "is_syllable", "repair_typing", "telex_decode"]

# (slip, right context that must follow, right context that means it is NOT a slip, fix)
_SLIPS: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("cũng cố", None, r"\s+gắng", "củng cố"),
    ("Cũng cố", None, r"\s+gắng", "Củng cố"),
    ("Cán bô", None, None, "Cán bộ"),
    ("cán bô", None, None, "cán bộ"),
    ("xữ lý", None, None, "xử lý"),
    ("sữ dụng", None, None, "sử dụng"),
    ("chử trương", None, None, "chủ trương"),
    ("củng như", None, None, "cũng như"),
    ("nghành", None, None, "ngành"),
    ("ngiêm", None, None, "nghiêm"),
    # an ordinal in Roman numerals follows đợt (round), never đợi (to wait)
    ("đợi", r"\s+[IVX]+(?![\w])", None, "đợt"),
    ("Đợi", r"\s+[IVX]+(?![\w])", None, "Đợt"),
)
_SLIP_PATTERNS = tuple(
    (
        re.compile(
            r"(?<!\w)"
            + re.escape(slip)
            + r"(?!\w)"
            + (f"(?={must})" if must else "")
            + (f"(?!{never})" if never else "")
        ),
        fix,
    )
    for slip, must, never, fix in _SLIPS
)
_ANY_SLIP = re.compile("|".join(re.escape(slip) for slip, _, _, _ in _SLIPS))  # a quick first look


def repair_typing(text: str) -> tuple[str, tuple[Repair, ...]]:
    """Fix known slips, Telex residue and near misses; return the text and the repairs."""
    repairs: list[Repair] = []
    for pattern, fix in _SLIP_PATTERNS if _ANY_SLIP.search(text) else ():

        def slip(m: re.Match[str], fix: str = fix) -> str:
            repairs.append(Repair(m.group(0), fix, "known slip"))
            return fix

        text = pattern.sub(slip, text)
    words = load_wordlist()
    text = repair_telex(text, repairs, (lambda s: s in words.syllables) if words else _any)
    text = repair_near_misses(text, repairs)
    return text, tuple(repairs)


def _any(_: str) -> bool:
    return True
