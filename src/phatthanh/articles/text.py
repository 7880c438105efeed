"""Text dumps of portal pages -> title, published time, author and body paragraphs.

Every line gets a decision (kept or dropped, and the rule that decided it) so an editor can
see why (`phatthanh script --explain`). Rules are stated by shape: position on the page,
length, punctuation, keywords and repetition; never by one page's literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from phatthanh.model import LineDecision

# Lines that are page furniture wherever they stand (../shared/specs/vietnamese-speech.md,
# "What must never be read aloud").
_WIDGET = re.compile(
    r"(?i)^(tổng số điểm|click để đánh giá|ý kiến bạn đọc|video clips?|thống kê( lượt)? truy cập|"
    r"đang truy cập|máy chủ tìm kiếm|khách viếng thăm|hôm nay\s*[\d.,]+|tháng hiện tại|"
    r"tổng lượt truy cập|chương trình phát thanh$|các tin khác|tin liên quan|tin cùng chuyên mục|"
    r"những tin (mới|cũ) hơn|tin (mới|cũ) hơn|xem thêm|chia sẻ|in bài|in trang|gửi email|"
    r"gửi bình luận|bình luận|viết bình luận|họ và tên|họ tên|địa chỉ email|mã bảo mật|"
    r"nội dung bình luận|gửi ý kiến|leave a (comment|reply)|post comment|your (name|email)|"
    r"comments?$|share|print|facebook|twitter|zalo|tweet|lên đầu trang|về trang trước|"
    r"đánh giá bài viết|bạn đọc đánh giá|từ khóa|tags?:)"
)
_BULLET = re.compile(r"^[•·▪◦●■\-*]\s*\S")
_HEADER = re.compile(
    r"(?i)^(chi tiết tin( tức)?|trang chủ|tin tức - sự kiện)\b|"
    r"^[^.!?]{0,60}\s[-–|»>]\s(huyện|xã|thị xã|thị trấn|thành phố|tỉnh|phường|ubnd)\b"
)
_CAPTION = re.compile(
    r"(?i)^\(?\s*(ảnh|ảnh minh họa|ảnh minh hoạ|nguồn ảnh|photo)\s*:|"
    r"\.(jpe?g|png|gif|webp)\)?$|^\[/?caption\b|^\(ảnh[^)]*\)$"
)
_SOURCE = re.compile(r"(?i)^(nguồn|theo)\s*:\s*(.+)$")
_COUNTER = re.compile(r"(?i)^(lượt xem|số lượt xem|lượt đọc|views?)\s*:?\s*\d*$|^\d[\d.,\s]*$")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[:h]\s*(\d{1,2})(?::(\d{1,2}))?(?!\d)")
_END_MARKER = re.compile(r"\s*\./\.\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"”)]$")


@dataclass
class ParsedPage:
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    source_line: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    decisions: list[LineDecision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_offset(offset: str) -> timezone:
    """'+07:00' -> a timezone."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", offset.strip())
    if not match:
        return timezone(timedelta(hours=7))
    sign = 1 if match.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def find_datetime(line: str, tz: timezone) -> datetime | None:
    """The date (and time, if any) written on a timestamp line."""
    date_match = _DATE.search(line)
    if not date_match:
        return None
    day, month, year = (int(g) for g in date_match.groups())
    rest = line[: date_match.start()] + " " + line[date_match.end() :]
    hour = minute = second = 0
    time_match = _TIME.search(rest)
    if time_match and int(time_match.group(1)) < 24 and int(time_match.group(2)) < 60:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0) % 60
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def is_timestamp_line(line: str) -> bool:
    """A short line that carries a date, e.g. '15:4, Thứ Sáu, 15-9-2023 387 0'."""
    return bool(_DATE.search(line)) and len(line) <= 120 and len(line.split()) <= 14


_USERNAME = re.compile(r"[a-z][a-z0-9_.]{2,24}")
_SOURCE_NAME = re.compile(r"(Báo|Tạp chí|Đài|Cổng|Trang|Thông tấn)\s.{2,60}\s[–-]\s\S+\.\S+")


def looks_like_author(line: str) -> bool:
    """A name alone on its line: a few capitalized words, no digits, at most a final dot;
    or a portal username; or a source line ('Báo X – baox.vn')."""
    if _USERNAME.fullmatch(line.strip()) or _SOURCE_NAME.fullmatch(line.strip()):
        return True
    text = line.strip().rstrip(".")
    words = text.replace("–", " ").replace("-", " ").split()
    if not 1 <= len(words) <= 6 or len(text) > 50 or any(ch.isdigit() for ch in text):
        return False
    if _SENTENCE_END.search(text) or "," in text:
        return False
    initials = re.fullmatch(r"([A-ZĐ]\.)+[A-ZĐ]?\.?", line.strip())
    return bool(initials) or all(w[0].isupper() for w in words if w[0].isalpha())


def _is_furniture(line: str) -> str | None:
    """The rule name if this line is page furniture, else None."""
    if _WIDGET.match(line):
        return "widget"
    if _COUNTER.match(line):
        return "view counter"
    if _CAPTION.search(line):
        return "photo caption"
    if _BULLET.match(line) and len(line) < 60:
        return "statistics/navigation"
    return None


def parse_text_page(text: str, tz: timezone) -> ParsedPage:
    """Apply the shape rules to a text dump of a portal page."""
    page = ParsedPage()
    lines = text.split("\n")
    decide: dict[int, tuple[bool, str]] = {}
    content: list[int] = []  # indexes of lines that may be title/body/author
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            decide[i] = (False, "blank")
        elif i <= 3 and not content and _HEADER.search(line):
            decide[i] = (False, "portal header")
        elif is_timestamp_line(line) and not _DATE.sub("", line).rstrip("0123456789 :|-").endswith(
            (".", "!", "?")
        ):
            decide[i] = (False, "timestamp line")
        elif (rule := _is_furniture(line)) is not None:
            decide[i] = (False, rule)
        elif (m := _SOURCE.match(line)) and len(line) < 120:
            decide[i] = (False, "source line")
            page.source_line = m.group(2).strip()
        else:
            content.append(i)
    _pick_published(page, lines, decide, content, tz)
    _pick_title_body_author(page, lines, decide, content)
    page.decisions = [
        LineDecision(i + 1, lines[i].strip(), *decide.get(i, (False, "unclassified")))
        for i in range(len(lines))
    ]
    return page


def _pick_published(
    page: ParsedPage,
    lines: list[str],
    decide: dict[int, tuple[bool, str]],
    content: list[int],
    tz: timezone,
) -> None:
    stamps = [i for i, (_, rule) in decide.items() if rule == "timestamp line"]
    if not stamps:
        return
    first_content = content[0] if content else len(lines)
    # A site header may show today's date above the article: prefer the timestamp nearest
    # the title (the first content line), below or above it.
    best = min(stamps, key=lambda i: (abs(i - first_content), i < first_content))
    page.published = find_datetime(lines[best].strip(), tz)


def _pick_title_body_author(
    page: ParsedPage, lines: list[str], decide: dict[int, tuple[bool, str]], content: list[int]
) -> None:
    widgets_start = min(
        (i for i, (_, r) in decide.items() if r in ("widget", "statistics/navigation")
         and content and i > content[0]),
        default=len(lines),
    )  # fmt: skip
    trailing = [i for i in content if i > widgets_start]
    for i in trailing:
        decide[i] = (False, "after trailing widgets")
    body = [i for i in content if i <= widgets_start]
    if not body:
        return
    first = lines[body[0]].strip()
    if first.endswith((".", "…")) and (len(first) > 100 or len(first.split()) > 20):
        page.title = None  # the page starts with its body: no title line
    else:
        page.title = first
        decide[body[0]] = (True, "title")
        body = body[1:]
    _pick_author(page, lines, decide, body)
    _drop_captions(lines, decide, body)
    seen: set[str] = set()
    for i in body:
        if i in decide and not decide[i][0]:
            continue
        paragraph = _END_MARKER.sub(".", re.sub(r"\s+", " ", lines[i].strip()))
        key = paragraph.casefold()
        if key in seen or (page.title and key == page.title.casefold()):
            decide[i] = (False, "repeated paragraph")
            continue
        seen.add(key)
        if not paragraph:
            decide[i] = (False, "end marker")
            continue
        page.paragraphs.append(paragraph)
        decide[i] = (True, "body")


def _is_short_line(line: str) -> bool:
    """A line too short and unpunctuated to be a paragraph: a caption or a unit's name."""
    text = line.strip()
    return len(text.split()) <= 15 and len(text) <= 100 and not _SENTENCE_END.search(text)


def _pick_author(
    page: ParsedPage, lines: list[str], decide: dict[int, tuple[bool, str]], body: list[int]
) -> None:
    """The author alone on the last line, or a person then their unit on the next line."""
    if body and looks_like_author(lines[body[-1]]):
        index = body.pop()
        page.author = lines[index].strip().rstrip(".")
        decide[index] = (True, "author")
    elif len(body) > 2 and _is_short_line(lines[body[-1]]) and looks_like_author(lines[body[-2]]):
        unit = body.pop()
        index = body.pop()
        page.author = lines[index].strip().rstrip(".")
        decide[index] = (True, "author")
        decide[unit] = (False, "author's unit")


def _drop_captions(lines: list[str], decide: dict[int, tuple[bool, str]], body: list[int]) -> None:
    """Photo captions between paragraphs: short unpunctuated lines, and a line printed twice
    in a row (a caption under a photo and again in the gallery)."""
    for position, i in enumerate(body):
        text = lines[i].strip()
        following = lines[body[position + 1]].strip() if position + 1 < len(body) else None
        previous = lines[body[position - 1]].strip() if position > 0 else None
        if text in (following, previous) and len(text.split()) <= 20:
            decide[i] = (False, "caption printed twice")
        elif 0 < position < len(body) - 1 and _is_short_line(text):
            decide[i] = (False, "short caption line")
