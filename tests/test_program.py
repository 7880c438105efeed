"""The program stage: station jingles checked and converted, station templates and their
weekday variants read aloud in the running order."""

from __future__ import annotations

import wave
from datetime import date, datetime, time
from pathlib import Path

import pytest

from phatthanh.config import Config
from phatthanh.errors import ConfigError
from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.model import Program, Segment
from phatthanh.program.jingles import check_station_audio


def test_station_jingles_are_checked(tmp_path: Path) -> None:
    good = tmp_path / "nhac-hieu.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "2", str(good)])
    wav = check_station_audio(good, tmp_path / "assets", "opening_jingle")
    with wave.open(str(wav)) as w:
        assert w.getnchannels() == 1 and w.getframerate() == 44100
        assert abs(w.getnframes() / 44100 - 3.0) < 0.1
    not_audio = tmp_path / "nhac.mp3"
    not_audio.write_text("không phải âm thanh", "utf-8")
    with pytest.raises(ConfigError, match="is not audio ffmpeg can read"):
        check_station_audio(not_audio, tmp_path / "assets", "opening_jingle")
    short = tmp_path / "ngan.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.2", str(short)])
    with pytest.raises(ConfigError, match=r"lasts 0\.2 s"):
        check_station_audio(short, tmp_path / "assets", "stinger")
    with pytest.raises(ConfigError, match="file not found"):
        check_station_audio(tmp_path / "khong-co.wav", tmp_path / "assets", "stinger")


def test_station_templates_and_weekday_variants(tmp_path: Path) -> None:
    from phatthanh.clean import Normalizer
    from phatthanh.model import Article, Lineup, Script
    from phatthanh.prepare import prepare_station
    from phatthanh.program import arrange

    (tmp_path / "mau").mkdir()
    (tmp_path / "mau" / "opening.t3.j2").write_text("Hôm nay thứ Ba, ngày {{ date }}.\n", "utf-8")
    config = Config(root=tmp_path)
    from dataclasses import replace

    config = replace(config, program=replace(config.program, templates="mau"))
    article = Article("a.txt", "Tin một", ("Nội dung.",))
    scripts = [Script(article, (Segment("title", "Tin một", "Tin một"),))]
    normalizer = Normalizer(config.speech)
    kit = prepare_station(config)

    def arrange_on(day: date) -> Program:
        when = datetime.combine(day, time(6), config.site.tz)
        return arrange(scripts, Lineup(()), None, when, config.program, kit, normalizer)

    tuesday = arrange_on(date(2026, 11, 24))
    opening = [s for p in tuesday.parts[:3] for s in p.segments]
    assert opening[0].display == "Hôm nay thứ Ba, ngày 24/11/2026."
    assert opening[0].spoken == (
        "Hôm nay thứ Ba, ngày hai mươi tư tháng mười một năm hai nghìn không trăm hai mươi sáu."
    )
    wednesday = arrange_on(date(2026, 11, 25))
    assert wednesday.parts[1].segments[0].display.startswith("Đây là Đài Truyền thanh")


def test_no_module_reaches_into_another_packages_private_names() -> None:
    """A name with a leading underscore is imported only inside its own package, unless its
    module lists it in __all__ (i18n's `_l`): bulletin.py uses program's public
    `template_environment` and `announcement`, not `_environment` and `_announcement`."""
    import ast
    import importlib

    def private(name: str, source: str) -> bool:
        public = getattr(importlib.import_module(source), "__all__", ())
        return name.startswith("_") and not name.startswith("__") and name not in public

    src = Path(__file__).resolve().parents[1] / "src"
    reached = []
    for path in sorted((src / "phatthanh").rglob("*.py")):
        module = ".".join(path.relative_to(src).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            source = getattr(node, "module", None) or ""
            if not isinstance(node, ast.ImportFrom) or not source.startswith("phatthanh."):
                continue
            home = source if source.count(".") == 1 else source.rsplit(".", 1)[0]
            inside = module == home or module.startswith(home + ".")
            reached += [f"{module}: from {source} import {alias.name}" for alias in node.names
                        if private(alias.name, source) and not inside]  # fmt: skip
    assert reached == []
    from phatthanh import program

    for name in ("template_environment", "announcement"):
        assert getattr(program, name).__doc__, name
