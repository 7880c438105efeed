"""Abbreviations joined by `&`, a hyphen or a dot that no lexicon key holds whole
(`ANTT&ATGT`, `HĐND-UBND`, `PCT.UBND`, `TT.HĐND`): the lexicon reads each part and the joint
is said, `&` as `và`, a hyphen as a pause (` - `), a dot as a space. A dot between a known
part and a word in lower case after its capital (`UBND.Ông`) is a full stop that lost its
space. A token the lexicon knows whole (`TT&TT`, `KT-XH`, `TP.HCM`) is left to it. A hyphen
or dot beside a part the lexicon does not know stays (`B2-3`, `TX.Hương`); `&` is always
`và` (the residue check spells an unknown part, `VTTT&TH`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from phatthanh.clean.caps import UPPER

# (the left boundary is checked after the first capital, so the engine skips ahead to capitals)
JOINED = re.compile(
    rf"[{UPPER}](?<![\w/&.,-][{UPPER}])\w*(?:[-&.][{UPPER}]\w*)+(?![\w/&]|[-.&]\w|,[{UPPER}])"
)
_HINT = re.compile(rf"[-&.](?<=\w[-&.])[{UPPER}]")  # what JOINED needs: a quick first look
_JOINT = re.compile(r"([-&.])")
_SAID = {"&": " và ", "-": " - ", ".": " "}


def split_joined(text: str, known: Callable[[str], bool]) -> str:
    """Say the joints of joined abbreviations; `known(token)` says whether the lexicon reads
    the token as a whole word."""
    if not _HINT.search(text):
        return text

    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if known(token):
            return token
        pieces = _JOINT.split(token)
        words, joints = _segment(pieces, known)
        out = [words[0]]
        for joint, left, right in zip(joints, words[:-1], words[1:], strict=True):
            said = joint == "&" or (known(left) and known(right))
            if joint == "." and known(left) and right[1:].islower():
                out += [". ", right]  # `UBND.Ông A nói`: a full stop typed without its space
                continue
            out += [_SAID[joint] if said else joint, right]
        return "".join(out)

    return JOINED.sub(sub, text)


def _segment(pieces: list[str], known: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """Group the parts (`pieces` alternates parts and joints) into the fewest unknown words,
    then the fewest words: `VH-TT&TT` is `VH` + `TT&TT`, `KT-XH&QP-AN` two keys."""
    n = len(pieces)
    # best[i]: (unknown words, words, end index of each word) for the parts from i on
    best: dict[int, tuple[int, int, tuple[int, ...]]] = {n + 1: (0, 0, ())}
    for i in range(n - 1, -1, -2):
        options = []
        for j in range(i, n, 2):
            rest = best[j + 2]
            unknown = 0 if known("".join(pieces[i : j + 1])) else 1
            if unknown and j > i:
                continue  # only a known word spans a joint
            options.append((rest[0] + unknown, rest[1] + 1, (j, *rest[2])))
        best[i] = min(options)
    words, joints, i = [], [], 0
    for j in best[0][2]:
        words.append("".join(pieces[i : j + 1]))
        if j + 1 < n:
            joints.append(pieces[j + 1])
        i = j + 2
    return words, joints
