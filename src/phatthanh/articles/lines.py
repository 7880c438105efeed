"""The shape of one line of a portal page: furniture, timestamp, byline, caption, heading.

Rules are stated by shape (keywords, length, punctuation, letters), never by one page's
literal text; ../shared/specs/vietnamese-speech.md ("What must never be read aloud") lists
what they must catch. `articles/text.py` applies them to a whole page.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

# Lines that are page furniture when they are short (a widget is a few words): rating,
# comments, share and print, related news, statistics, menus, font-size and contrast
# controls, login and attachment widgets, placeholders a portal prints for empty fields.
_WIDGET = re.compile(
    r"(?i)^\W*(tổng số điểm|click để đánh giá|ý kiến bạn đọc|video clips?|"
    r"thống kê( lượt)? truy cập|đang truy cập|máy chủ tìm kiếm|khách viếng thăm|"
    r"hôm nay\s*[\d.,]+|tháng hiện tại|"
    r"tổng lượt truy cập|chương trình phát thanh$|các tin khác|tin liên quan|tin cùng chuyên mục|"
    r"những tin (mới|cũ) hơn|tin (mới|cũ) hơn|xem thêm|chia sẻ\W*$|chia sẻ (bài|lên|qua)|in bài|"
    r"in trang|gửi email|gửi bình luận|bình luận\W*(\(\d+\))?$|viết bình luận|"
    r"họ và tên|họ tên|địa chỉ email|mã bảo mật|"
    r"nội dung bình luận|gửi ý kiến|leave a (comment|reply)|post comment|your (name|email)|"
    r"comments?$|share|print|facebook|twitter|zalo|tweet|lên đầu trang|về trang trước|về đầu trang|"
    r"đánh giá bài viết|bạn đọc đánh giá|từ khóa|tags?:|xem với cỡ chữ|cỡ chữ|a-\s+a\s+a\+|"
    r"tăng tương phản|giảm tương phản|copy link|sao chép liên kết|xem tiếp|đọc tiếp|"
    r"bài viết liên quan|tin tức liên quan|bài viết cùng chuyên mục|cùng chuyên mục|"
    r"tin bài liên quan|bài viết khác|các bài viết khác|tin khác$|"
    r"tin nổi bật|tin mới nhất|tin đọc nhiều|"
    r"thông tin mới nhất|văn bản mới|bài đã đăng|no title|xuất bản thông tin|"
    r"(null|none|undefined)$|"
    r"(tệp |file )?đính kèm|(tải về|download|quay lại|trở về)\W*$|trang chủ|chi tiết bài viết|"
    r"chi tiết thông báo|đăng nhập$|đăng ký$|tin tức$|tin hoạt động$|bản in|lượt tải)"
)
_WIDGET_MAX_WORDS = 12
# Widgets that glue the next item's headline to themselves: furniture whatever their length.
_LONG_WIDGET = re.compile(
    r"(?i)^(bài trước|bài tiếp theo|bài sau|tin trước|tin sau)\s*:?\s*\S|"
    r"^bạn đã không sử dụng site|thời gian chờ\s*:\s*\d+\s*giây"
)
_COUNTER = re.compile(
    r"(?i)^\W*((số )?lượt (xem|đọc|truy cập|tải)|truy cập (hôm nay|trong|tháng|năm)|"
    r"đang (online|trực tuyến|truy cập)|tổng (số )?lượt|trong tuần|tất cả\s*:|views?\b)|"
    r"^\d[\d.,\s]*$"
)
_COUNTER_MAX_WORDS = 15
_BULLET_STAT = re.compile(r"^[•·▪◦●■]\s*\S")
_HASHTAGS = re.compile(r"^(#[\w-]+[\s,;]*)+$")
_TABLE_ROW = re.compile(r"^(\d{1,3}[A-ZĐÀ-Ỹ]\w|STT[A-ZĐÀ-Ỹ])")
_HEADER = re.compile(
    r"(?i)^(chi tiết tin( tức)?|trang chủ|tin tức - sự kiện|đường dây nóng)\b|"
    r"^[^.!?]{0,60}\s[-–|»>]\s(huyện|xã|thị xã|thị trấn|thành phố|tỉnh|phường|ubnd)\b"
)
_CAPTION = re.compile(
    r"(?i)^\(?\s*(ảnh|ảnh minh họa|ảnh minh hoạ|hình ảnh|hình|nguồn ảnh|photo)\s*:|"
    r"^\(?\s*(ảnh minh họa|ảnh minh hoạ|ảnh tư liệu|ảnh internet)\s*\)?\.?$|"
    r"\.(jpe?g|png|gif|webp)\)?$|^\[/?caption\b|^\(ảnh[^)]*\)$"
)
_GALLERY = re.compile(r"(?i)^(một số|một vài|những|các) hình ảnh\b")
_SCENE = re.compile(r"(?i)^(quang cảnh|toàn cảnh)\b")
_FILE_NAME = re.compile(r"^[a-z0-9_-]+(\s+[a-z0-9_-]+)+$")
_BYLINE = re.compile(
    r"(?i)^(tác giả|tin,? ảnh|tin và ảnh|bài,? ảnh|bài và ảnh|người viết|thực hiện)\s*:\s*(.+)$"
)
_SOURCE = re.compile(r"(?i)^(nguồn|theo)\s*:\s*(.+)$")
_WIDGET_TAIL = re.compile(r"(?i)\s*(copy link|sao chép liên kết|chia sẻ|in bài)\s*$")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[:h]\s*(\d{1,2})(?::(\d{1,2}))?(?!\d)")
# Words a timestamp line may carry besides its date, time and counters.
_STAMP_WORDS = frozenset(
    "thứ hai ba tư năm sáu bảy chủ nhật cn ngày đăng cập nhật lúc thời gian giờ phút lượt xem "
    "đọc bình luận tải am pm sa ch false true monday tuesday wednesday thursday friday saturday "
    "sunday posted updated on at".split()
)
_HEADING_NUMBER = re.compile(r"^([IVXLC]+|\d{1,2}|[a-zđ])(/?\.|\))\s+\S")
_SENTENCE_END = re.compile(r"[.!?…:;\"”)]$")
_USERNAME = re.compile(r"[a-z][a-z0-9_.]{2,24}")
_SOURCE_NAME = re.compile(r"(Báo|Tạp chí|Đài|Cổng|Trang|Thông tấn)\s.{2,60}\s[–-]\s\S+\.\S+")
_UNIT_WORDS = re.compile(
    r"^(Trung tâm|Ban|Phòng|Văn phòng|Đài|Báo|UBND|Ủy ban|Uỷ ban|Hội|Đoàn|Công an|Huyện ủy|"
    r"Đảng ủy|Tỉnh đoàn|Huyện đoàn|Chi cục|Sở|Bộ Chỉ huy|Ban Chỉ huy)\b"
)
_NAME_WITH_UNIT = re.compile(r"^(?P<name>[^()]{2,40}?)\s*\((?P<unit>[^()]{1,40})\)\.?$")
_METADATA_PREFIX = re.compile(
    r"(?i)^\s*((null|none|undefined)\b|date\s*:?\s*\d{4}-\d{2}(-\d{2})?(t[\d:]+)?)[\s:|,-]*"
)
_STRAY_LETTER = re.compile(r"^[a-zà-ỹđ]\s+(?=[A-ZĐÀ-Ỹ]{2})")
_PORTAL_SUFFIX = re.compile(
    r"\s+[-–|»]\s+(?=[^-–|»]{0,80}$)[^-–|»]*\b([Cc]ổng|[Tt]rang) thông tin[^-–|»]*$|"
    r"\s+[-–|»]\s+(UBND|Huyện|Xã|Phường|Tỉnh|Thành phố|Thị xã)\s[^-–|»,;]{1,40}$"
)


def words(line: str) -> list[str]:
    return line.split()


def widget_rule(line: str) -> str | None:
    """The rule name if this line is page furniture wherever it stands, else None."""
    count = len(words(line))
    if _LONG_WIDGET.search(line):
        return "widget"
    if _WIDGET.match(line) and count <= _WIDGET_MAX_WORDS:
        return "widget"
    counted = any(ch.isdigit() for ch in line) or line.rstrip().endswith(":")
    if _COUNTER.match(line) and count <= _COUNTER_MAX_WORDS and counted:
        return "view counter"
    if _HASHTAGS.match(line):
        return "hashtags"
    if _CAPTION.search(line):
        return "photo caption"
    if _FILE_NAME.match(line) and any(ch.isdigit() for ch in line) and count <= 6:
        return "image file name"
    if _TABLE_ROW.match(line):
        return "flattened table row"
    if _BULLET_STAT.match(line) and len(line) < 60:
        return "statistics/navigation"
    if not any(ch.isalpha() for ch in line):
        return "stray punctuation"
    return None


def is_header(line: str) -> bool:
    """A portal's header line: site name, breadcrumb, hotline (short, not a sentence)."""
    return bool(_HEADER.search(line)) and len(line) <= 90 and not line.endswith(".")


def is_gallery_line(line: str) -> bool:
    """'Một số hình ảnh …': announces photos a listener cannot see."""
    return bool(_GALLERY.match(line)) and len(words(line)) <= 30


def is_scene_caption(line: str) -> bool:
    """'Quang cảnh hội nghị.', 'Toàn cảnh buổi lễ': a short line naming what a photo shows."""
    return bool(_SCENE.match(line)) and len(words(line)) <= 15


def byline(line: str) -> str | None:
    """The author named on a 'Tác giả: …' / 'Tin, ảnh: …' line, else None."""
    match = _BYLINE.match(line)
    if not match or len(line) > 120:
        return None
    name = re.split(r"\s+[-–|]\s+(?i:nguồn)\s*:", match.group(2))[0]
    return clean_author(name)


def source_line(line: str) -> str | None:
    """What a 'Nguồn: …' line names (widget words glued to its end removed), else None."""
    match = _SOURCE.match(line)
    if not match or len(line) >= 120:
        return None
    return _WIDGET_TAIL.sub("", match.group(2)).strip() or None


def clean_author(name: str) -> str:
    """An author as printed: no trailing dot or widget words; a doubled username once."""
    name = _WIDGET_TAIL.sub("", name).strip().rstrip(".").strip()
    parts = name.split()
    if len(parts) == 2 and parts[0] == parts[1]:
        name = parts[0]
    return name


def is_username(name: str) -> bool:
    """A portal account name (bientap01), not a person: kept as metadata, never read."""
    return bool(_USERNAME.fullmatch(name)) and name.isascii()


def split_unit(line: str) -> tuple[str, str] | None:
    """'Khánh Hồng (Ban Dân vận)' -> ('Khánh Hồng', 'Ban Dân vận') when the name is a name."""
    match = _NAME_WITH_UNIT.match(line.strip())
    if match and looks_like_author(match.group("name")):
        return match.group("name").strip(), match.group("unit").strip()
    return None


def is_unit_name(line: str) -> bool:
    """An organisation's name alone on a line (signing the article): 'Trung tâm … huyện X'."""
    text = line.strip().rstrip(".")
    return bool(_UNIT_WORDS.match(text)) and len(words(text)) <= 10 and not ends_sentence(text)


def is_heading(line: str) -> bool:
    """A sub-heading inside the body: a short ALL-CAPS line or a numbered section title."""
    text = line.strip()
    letters = [ch for ch in text if ch.isalpha()]
    if len(words(text)) > 15 or ends_sentence(text.rstrip(".")):
        return False
    if len(letters) >= 4 and all(ch.isupper() for ch in letters) and len(words(text)) >= 2:
        return True
    return bool(_HEADING_NUMBER.match(text)) and not text.endswith(".")


# A sentence-case sub-heading without a full stop looks like a photo caption by its shape.
# Captions name people, places and things (`Lãnh đạo xã trao quà …`, `Quang cảnh hội nghị`);
# a section title names a part of the report. These openings were never seen on a caption.
_TOPIC_HEADING = re.compile(
    r"(?i)(?:kết quả|nhiệm vụ|giải pháp|mục tiêu|mục đích|phương hướng|tình hình|nội dung"
    r"|đối tượng|phạm vi|yêu cầu|ý nghĩa|tổ chức thực hiện|những việc cần làm"
    r"|những kết quả|một số (?:kết quả|giải pháp|nhiệm vụ|lưu ý|khuyến cáo))(?!\w)"
)


def is_topic_heading(line: str) -> bool:
    """A sentence-case sub-heading: a short unpunctuated line opening with a section noun."""
    text = line.strip()
    return bool(_TOPIC_HEADING.match(text)) and len(words(text)) <= 12 and not ends_sentence(text)


# A line that opens a new sentence, not the rest of a wrapped one: after a short unpunctuated
# line it shows that line was a caption (`Quang cảnh buổi lễ` / `Dịp này, xã …`). Wrapped
# lines seen on real pages continue a name or a noun (`xã` / `Trà Tân`, `của` / `UBND`).
_SENTENCE_OPENER = re.compile(
    r"(?:Qua đó|Dịp này|Nhân dịp|Tham gia|Tham dự|Tới dự|Đến dự|Ngoài ra|Bên cạnh|Đồng thời"
    r"|Hiện nay|Được biết|Phát biểu|Cũng trong|Trước đó|Sau đó|Kết thúc|Theo đó|Tiếp đó"
    r"|Như vậy|Tuy nhiên|Thời gian qua|Tại buổi|Tại hội|Tại lễ|Tại lớp|Tại đây|Dự kiến|Nhằm"
    r"|Theo kế hoạch|Theo báo cáo|Theo thống kê|Theo ông|Theo bà|Theo đồng chí|Sau khi"
    r"|Trong năm|Trong thời gian|Trong đợt|Từ đầu năm|Sáng ngày|Chiều ngày|Sáng nay"
    r"|Chiều nay|Vừa qua|Đặc biệt|Với mục tiêu|Để)"
    r"(?!\w)"
)
_OPEN_ENDINGS = frozenset(
    "của và với tại cho vào các những ở là được có để từ đến về trong theo cùng do bởi như".split()
)


def caption_before(before: str, line: str) -> bool:
    """`before` is a caption line, not the start of a sentence wrapped onto `line`."""
    last = before.split()[-1] if before.split() else ""
    return bool(_SENTENCE_OPENER.match(line)) and len(before) <= 120 and last not in _OPEN_ENDINGS


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.strip()))


def clean_title(text: str) -> str:
    """A title without metadata glued before it ('null ', 'date 2024-01 ') or a stray letter
    before an ALL-CAPS headline; first letter capitalized."""
    text = " ".join(text.split())
    while (stripped := _METADATA_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    text = _STRAY_LETTER.sub("", text).strip(" -–|")
    return text[:1].upper() + text[1:]


def strip_portal_name(title: str) -> str:
    """An HTML <title> without the portal's name after it ('… - Cổng thông tin …')."""
    return _PORTAL_SUFFIX.sub("", title).strip(" -–|»")


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
        if re.search(r"(?i)\bpm\b", rest) and hour < 12:
            hour += 12
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def is_timestamp_line(line: str) -> bool:
    """A line that is a date and nothing else a listener needs: '15:4, Thứ Sáu, 15-9-2023
    387 0', 'Ngày đăng: 06/01/2021 - Lượt xem: 99'. A sentence that mentions a date is not."""
    if not _DATE.search(line) or len(line) > 120 or line.endswith((".", "!", "?", ";")):
        return False
    if _HEADING_NUMBER.match(line) or line[0].islower():
        return False
    rest = _TIME.sub(" ", _DATE.sub(" ", line))
    extra = [w for w in re.findall(r"[^\W\d_]+", rest.lower()) if w not in _STAMP_WORDS]
    return len(extra) <= 1


def looks_like_author(line: str) -> bool:
    """A name alone on its line: a few capitalized words, no digits, at most a final dot;
    or a portal username; or a source line ('Báo X – baox.vn')."""
    if _USERNAME.fullmatch(line.strip()) or _SOURCE_NAME.fullmatch(line.strip()):
        return True
    text = line.strip().rstrip(".")
    parts = text.replace("–", " ").replace("-", " ").split()
    if not 1 <= len(parts) <= 6 or len(text) > 50 or any(ch.isdigit() for ch in text):
        return False
    if _SENTENCE_END.search(text) or "," in text:
        return False
    initials = re.fullmatch(r"([A-ZĐ]\.)+[A-ZĐ]?\.?", line.strip())
    return bool(initials) or all(w[0].isupper() for w in parts if w[0].isalpha())


def looks_like_name(line: str) -> bool:
    """A short line of name words where one may be lower-case ('Mai viết Tăng'): a byline
    after the article's './.' end marker."""
    text = line.strip().rstrip(".")
    parts = text.split()
    if not 2 <= len(parts) <= 5 or ends_sentence(text) or any(ch.isdigit() for ch in text):
        return False
    return parts[0][0].isupper() and parts[-1][0].isupper()
