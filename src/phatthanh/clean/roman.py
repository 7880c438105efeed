"""Roman numerals (rule 4 of ../shared/specs/vietnamese-speech.md): only after trigger words
(`khóa XII`, `cấp IV`, `khu vực I, II và III`) or as a line-initial heading (`II.`).
"""

from __future__ import annotations

import re

from phatthanh.clean.numbers import Say, ordinal_words, roman_value

ROMAN_TRIGGER = re.compile(
    r"((?<!\w)(?i:khóa|khoá|nhiệm kỳ|nhiệm kì|kỳ họp thứ|kì họp thứ|đại hội|hội nghị lần thứ"
    r"|lần thứ|quý|phần|học kỳ|học kì"
    r"|chương|thế kỷ|thế kỉ|mục|điều|thứ|cấp|đợt|giai đoạn|vòng|tập|ấp|thôn|tổ|khu|xóm|bản"
    r"|báo động|khu vực|vùng))"
    r"(\s*)([IVXLC]+(?:(?:\s*,\s*|\s+và\s+|\s*[-–]\s*)[IVXLC]+(?!\w))*)(?!\w)"
)  # `khu vực I, II và III`: a list of numerals after one trigger
_ROMAN_SEP = re.compile(r"(\s*,\s*|\s+và\s+|\s*[-–]\s*)")
# a section number at the start of a line; it may stand alone (`II.` on its own line, the heading
# text on the next line), so the dot may end the text
ROMAN_HEADING = re.compile(r"(?m)^([IVX]{1,4})\.(?=\s|$)")
_ROMAN_END = re.compile(r"[IVXLC](?!\w)")
_ROMAN_DOT = re.compile(r"[IVX]\.")


def roman(text: str, say: Say) -> str:
    """Roman numerals after trigger words (`khóa XII`, `cấp IV`, glued `khóaXII` too) and as
    line-initial headings (`II.`); `thứ` + numeral is an ordinal (`thứ tư`)."""

    def sub(m: re.Match[str]) -> str:
        trigger = m.group(1)
        parts = _ROMAN_SEP.split(m.group(3))
        values = [roman_value(p) for p in parts[::2]]
        # a lone C or L is a letter (`khu C`), and only `khóa` is found glued (`khóaXII`)
        glued = not m.group(2) and trigger.lower() not in ("khóa", "khoá")
        if None in values or parts[0] in ("C", "L") or glued:
            return m.group(0)
        ordinal = trigger.lower().endswith("thứ")
        said = [ordinal_words(v) if ordinal else say.num(v) for v in values if v is not None]
        joints = [" đến " if j.strip() in "-–" else j for j in parts[1::2]]
        words = said[0] + "".join(j + w for j, w in zip(joints, said[1:], strict=True))
        return f"{trigger} {words}"

    if _ROMAN_END.search(text):
        text = ROMAN_TRIGGER.sub(sub, text)
    if not _ROMAN_DOT.search(text):
        return text
    return ROMAN_HEADING.sub(
        lambda m: f"{say.num(v)}." if (v := roman_value(m.group(1))) else m.group(0), text
    )
