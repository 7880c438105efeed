"""What an editor must look at before a page goes on air (`phatthanh review`, `script
--residue`): per segment, what a voice would still misread, and the lines the page rules
dropped that may have been body text.

The normalizer's own residue (../shared/specs/vietnamese-speech.md, rule 5) lists what no
rule explained; this module adds what is left in the spoken text whatever the rules
decided: digits, `%`, `/`, `&`, ALL-CAPS tokens (a voice spells them letter by letter) and
tokens that are not a Vietnamese syllable (slugs, glued words, foreign words), plus every
typing repair and every unknown abbreviation spelled out, so that nothing is changed or
guessed silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from phatthanh.clean import Normalizer
from phatthanh.i18n import _
from phatthanh.model import LineDecision, Script, Segment

_WORD = re.compile(r"\w+")
_SYMBOL = re.compile(r"[%/&]|\d+")
# One Vietnamese syllable with its tone marks removed (đ -> d): onset, vowels, final.
_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(uye|uya|ươ|uô|iê|yê|oa|oă|oe|uâ|uy|ưa|ua|ia|[aăâeêioôơuưy])[aăâeêioôơuưy]{0,2}"
    r"(ch|ng|nh|[cmnpt])?"
)
_KEEP_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: letters, not tones
# Dropped lines an editor should glance at: a rule that can take a body line for furniture.
_DOUBTFUL_DROPS = (
    "short caption line",
    "caption under a photo",
    "flattened table row",
    "menu crumb",
    "photo gallery line",
)


@dataclass(frozen=True)
class Risk:
    """One thing in a segment a listener may hear wrong, and the token to look at."""

    token: str
    reason: str
    in_spoken: bool  # the token is in the spoken text (else in the display text)
    position: int | None = None  # where the normalizer found it, for its own residue


@dataclass(frozen=True)
class SegmentReview:
    number: int  # 1-based, as `script` numbers segments
    segment: Segment
    risks: tuple[Risk, ...]


@dataclass(frozen=True)
class PageReview:
    script: Script
    segments: tuple[SegmentReview, ...]  # only the segments with a risk
    dropped: tuple[LineDecision, ...]  # dropped lines that may have been body text

    @property
    def clean(self) -> bool:
        return not self.segments and not self.dropped and bool(self.script.article.title)


def is_syllable(token: str) -> bool:
    """True for one Vietnamese syllable (any case, any tone): 'Nghiêng', 'đường', 'ủy'."""
    plain = unicodedata.normalize("NFD", token.lower().replace("đ", "d"))
    kept = "".join(c for c in plain if not unicodedata.combining(c) or c in _KEEP_MARKS)
    return bool(_SYLLABLE.fullmatch(unicodedata.normalize("NFC", kept)))


def spoken_risks(spoken: str) -> list[Risk]:
    """What is left in a spoken text that a voice reads wrong, whatever the rules decided."""
    risks = [
        Risk(m.group(), _("digit or symbol left in speech"), True) for m in _SYMBOL.finditer(spoken)
    ]
    for match in _WORD.finditer(spoken):
        token = match.group()
        if not token.isalpha():
            continue
        if len(token) >= 2 and token.isupper():
            risks.append(Risk(token, _("ALL CAPS: a voice spells it letter by letter"), True))
        elif not is_syllable(token):
            risks.append(Risk(token, _("not a Vietnamese word: check how it is read"), True))
    return risks


def segment_risks(segment: Segment, normalizer: Normalizer) -> list[Risk]:
    """The normalizer's residue, its typing repairs, and what is left in the spoken text."""
    risks = [Risk(r.text, r.reason, False, r.position) for r in segment.residue]
    for repair in normalizer.normalize(segment.display).repairs:
        risks.append(
            Risk(
                repair.split(" ", 1)[0].strip("'\""),
                _("typing repair: {repair}").format(repair=repair),
                False,
            )
        )
    known = {r.token for r in risks}
    risks.extend(r for r in spoken_risks(segment.spoken) if r.token not in known)
    return risks


def review_script(script: Script, normalizer: Normalizer) -> PageReview:
    """The segments of one article that carry a risk, and its doubtful dropped lines."""
    segments = tuple(
        SegmentReview(number, seg, tuple(risks))
        for number, seg in enumerate(script.segments, start=1)
        if (risks := segment_risks(seg, normalizer))
    )
    dropped = tuple(
        d
        for d in script.article.decisions
        if not d.kept and d.rule in _DOUBTFUL_DROPS and len(d.text.split()) >= 6
    )
    return PageReview(script, segments, dropped)


def split_marked(text: str, tokens: set[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_a_risky_token) pieces, whole words only."""
    if not tokens:
        return [(text, False)]
    alternation = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in re.finditer(rf"(?<!\w)({alternation})(?!\w)", text):
        pieces.append((text[last : match.start()], False))
        pieces.append((match.group(), True))
        last = match.end()
    pieces.append((text[last:], False))
    return [p for p in pieces if p[0]]
