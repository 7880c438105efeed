"""Web and e-mail addresses (`[speech] addresses`): dropped by default, named where the
sentence needs them as an object (`tại trang thông tin điện tử`), or read out.
"""

from __future__ import annotations

import re

from phatthanh.clean.numbers import digit_words

ADDRESS = re.compile(
    r"(?i)\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:https?://|www\.)[^\s,;)]+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov)(?:/[^\s,;)]*)?\b"
)


# `Xem chi tiết tại www.…`, `truy cập https://…`: a web address the sentence needs as its
# object is named, not dropped (`tại trang thông tin điện tử`); elsewhere it is dropped.
_WEB_VERB = re.compile(r"(?<!\w)(?i:tại|trên|vào|truy cập|qua)\s+$")
_MAIL_VERB = re.compile(r"(?<!\w)(?i:về|tới|đến|qua|vào|tại)\s+$")
# `Email: …` with its address dropped leaves a label a voice would read alone.
ADDRESS_LABEL = re.compile(
    r"(?i)[,;]?\s*\b(?:e-?mail|website|trang web|thư điện tử)\s*:\s*(?=[,.;)]|$)"
)
_ADDRESS_HINT = re.compile(r"@|://|www\.|\.(?:vn|com|net|org|gov)\b", re.I)


def addresses(text: str, setting: str) -> str:
    """Web and e-mail addresses: dropped (or named where the sentence needs them), or read."""
    if not _ADDRESS_HINT.search(text):
        return text
    if setting == "drop":
        return ADDRESS_LABEL.sub("", ADDRESS.sub(_named_or_dropped, text))

    def read(m: re.Match[str]) -> str:
        value = re.sub(r"^https?://", "", m.group(0))
        value = value.replace("@", " a còng ").replace(".", " chấm ").replace("/", " gạch ")
        return re.sub(r"\d+", lambda d: digit_words(d.group(0)), value)

    return ADDRESS.sub(read, text)


def _named_or_dropped(m: re.Match[str]) -> str:
    """A web or mail address is dropped, unless the sentence needs it as the object of
    `tại`, `truy cập`, `gửi về`…: then it is named (`trang thông tin điện tử`)."""
    before = m.string[max(0, m.start() - 12) : m.start()]
    value = m.group(0)
    end = "." if value.endswith(".") else ""  # the sentence's own full stop
    if "@" in value:
        return "hộp thư điện tử" + end if _MAIL_VERB.search(before) else end
    return "trang thông tin điện tử" + end if _WEB_VERB.search(before) else end
