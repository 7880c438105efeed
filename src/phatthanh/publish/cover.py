"""Cover art: the station's image, or one drawn with the station and program names.

Apple: JPEG or PNG, square, 1400-3000 px, RGB (standards.md C3); PRX: at most 512 KB (C4).
The drawn cover uses Roboto (from the font-roboto wheel), which has Vietnamese glyphs.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from phatthanh.errors import ConfigError
from phatthanh.i18n import _

SIZE_PX = 1400
BACKGROUND = (18, 74, 128)
ACCENT = (240, 180, 41)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    import font_roboto

    return ImageFont.truetype(font_roboto.RobotoBold if bold else font_roboto.Roboto, size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


@lru_cache(maxsize=4)  # drawn for the tags and again for the feed in one build
def draw_cover(station: str, program: str) -> bytes:
    """A 1400 px square JPEG with the program and station names."""
    image = Image.new("RGB", (SIZE_PX, SIZE_PX), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, SIZE_PX - 180, SIZE_PX, SIZE_PX), fill=ACCENT)
    for radius in (120, 200, 280):  # a loudspeaker's sound waves
        draw.arc((700 - radius, 330 - radius, 700 + radius, 330 + radius), 300, 60,
                 fill=ACCENT, width=18)  # fmt: skip
    draw.ellipse((640, 270, 760, 390), fill=ACCENT)
    y = 700
    for text, size, bold in ((program, 110, True), (station, 64, False)):
        font = _font(size, bold)
        for line in _wrap(draw, text, font, SIZE_PX - 160):
            width = draw.textlength(line, font=font)
            draw.text(((SIZE_PX - width) / 2, y), line, font=font, fill="white")
            y += int(size * 1.25)
        y += 30
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def station_cover(path: Path) -> tuple[bytes, str]:
    """The station's own image, checked against Apple's rules; (bytes, 'jpg' or 'png')."""
    try:
        with Image.open(path) as image:
            image.load()
            kind, size, mode = image.format, image.size, image.mode
    except (OSError, ValueError):
        raise ConfigError(
            _("{path}: the cover is not an image Pillow can read").format(path=path)
        ) from None
    if kind not in ("JPEG", "PNG"):
        raise ConfigError(
            _("{path}: the cover must be JPEG or PNG, not {kind}").format(path=path, kind=kind)
        )
    if size[0] != size[1] or not 1400 <= size[0] <= 3000:
        raise ConfigError(
            _("{path}: the cover must be square, 1400 to 3000 px (it is {size})").format(
                path=path, size=size
            )
        )
    if mode != "RGB":
        raise ConfigError(
            _("{path}: the cover must be RGB without transparency (it is {mode})").format(
                path=path, mode=mode
            )
        )
    return path.read_bytes(), "jpg" if kind == "JPEG" else "png"


def small_cover(data: bytes, max_bytes: int) -> bytes:
    """A JPEG of the cover for ID3 APIC, at most `max_bytes` and 800 px."""
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
        for side, quality in ((800, 85), (600, 80), (500, 70), (400, 60), (300, 50)):
            resized = image.resize((side, side))
            out = io.BytesIO()
            resized.save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= max_bytes:
                return out.getvalue()
    return out.getvalue()


def cover_name(data: bytes, ext: str) -> str:
    """A file name that changes when the artwork changes (Apple caches by URL)."""
    return f"cover-{hashlib.sha256(data).hexdigest()[:12]}.{ext}"
