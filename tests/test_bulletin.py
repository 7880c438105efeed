"""Emergency bulletins: their own running order (attention signal, "Thông báo khẩn", the
text read twice, no greeting), published at once at the top of feed and manifest with their
own pubDate; the circuit breaker moves a failing online voice to the offline one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from phatthanh.bulletin import BulletinOptions, build_bulletin
from phatthanh.cli import main
from phatthanh.config import Config
from phatthanh.master.settings import ProfileName
from phatthanh.pipeline import BuildResult
from tests.conftest import decode
from tests.edge_server import EdgeServer
from tests.sitecheck import copy_station

NOTICE = (
    "Bão số 9 đang tiến vào vùng biển phía đông, dự kiến đổ bộ vào huyện trong đêm nay.\n"
    "Đề nghị bà con không ra khơi, chằng chống nhà cửa và chuẩn bị di dời khi có lệnh."
)
ONE: tuple[ProfileName, ...] = ("podcast",)  # one rendition keeps the tests lean
NOW = datetime(2026, 11, 26, 14, 5, 30, tzinfo=timezone(timedelta(hours=7)))


def script_lines(result: BuildResult) -> list[str]:
    text = (result.episode_dir / "script.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.startswith("[")]


def test_bulletin_running_order_and_top_of_the_feeds(
    first_build: BuildResult, tmp_path: Path
) -> None:
    config = copy_station(first_build, tmp_path)
    result = build_bulletin(NOTICE, config, BulletinOptions(engine="espeak", now=NOW, profiles=ONE))
    lines = script_lines(result)
    assert lines[:3] == ["[jingle]", "[announcement] Thông báo khẩn.",
                         "[announcement] Thông báo khẩn."]  # fmt: skip
    assert lines[-1] == "[jingle]"
    body = [line for line in lines if line.startswith("[body]")]
    assert len(body) == 4 and body[:2] == body[2:]  # the text, read twice
    assert body[0] == "[body] " + NOTICE.splitlines()[0]
    assert any(line.startswith("[announcement] Xin nhắc lại thông báo khẩn") for line in lines)
    spoken = " ".join(lines).lower()
    for greeting in ("kính chào", "hôm nay", "hằng ngày", "hẹn gặp lại", "gồm những nội dung"):
        assert greeting not in spoken
    record = result.record
    assert record.title == "Thông báo khẩn lúc 14 giờ 05"
    assert record.priority == "khan_cap" and record.published == "2026-11-26T14:05:30+07:00"
    assert [c.title for c in record.chapters] == [
        "Tín hiệu chú ý", "Thông báo", "Nhắc lại lần 1", "Kết thúc"
    ]  # fmt: skip

    manifest = json.loads((config.feeds_dir / "loudspeaker.json").read_text("utf-8"))
    top = manifest["episodes"][0]
    assert top["title"] == record.title and top["priority"] == "khẩn cấp"
    assert top["published"] == record.published == manifest["generated"]
    assert manifest["episodes"][1]["title"] == first_build.record.title
    items = etree.parse(str(config.feeds_dir / "podcast.xml")).findall("channel/item")
    assert items[0].findtext("title") == record.title
    assert parsedate_to_datetime(items[0].findtext("pubDate")) == NOW.replace(microsecond=0)
    assert items[1].findtext("title") == first_build.record.title
    assert (config.root / "site" / f"{record.slug}.html").is_file()


def test_the_attention_signal_opens_the_bulletin(first_build: BuildResult, tmp_path: Path) -> None:
    config = copy_station(first_build, tmp_path)
    options = BulletinOptions(engine="espeak", now=NOW, repeat=1, profiles=ONE)
    result = build_bulletin("Mất điện toàn huyện từ 8 giờ đến 10 giờ sáng mai.", config, options)
    samples = decode(result.episode_dir / result.record.audio.file, 44100)
    first = samples[: int(0.3 * 44100)]
    spectrum = np.abs(np.fft.rfft(first * np.hanning(len(first))))
    peak_hz = np.argmax(spectrum) * 44100 / len(first)
    assert abs(peak_hz - 880) < 15  # the two-tone call starts on 880 Hz
    body = [line for line in script_lines(result) if line.startswith("[body]")]
    assert len(body) == 1  # --repeat 1: read once
    assert not any("Xin nhắc lại" in line for line in script_lines(result))


def test_bulletin_command(first_build: BuildResult, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    config = copy_station(first_build, tmp_path)
    toml = config.root / "phatthanh.toml"
    toml.write_text('[voices]\nengine = "espeak"\n[master]\nrenditions = ["loudspeaker"]\n')
    notice = config.root / "thong-bao.txt"
    notice.write_text("Nước sông dâng cao, bà con vùng trũng di chuyển lên nơi cao.", "utf-8")
    code = main(["bulletin", str(notice), "--repeat", "3", "--title", "Lũ trên sông Xanh",
                 "--config", str(toml)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Bulletin: Lũ trên sông Xanh (") and "priority khan_cap" in out
    slug = next(p for p in config.episodes_dir.iterdir() if "lu-tren-song-xanh" in p.name)
    script = (slug / "script.txt").read_text("utf-8")
    assert script.count("[announcement] Xin nhắc lại thông báo khẩn: Lũ trên sông Xanh.") == 2
    assert script.count("[body] Nước sông dâng cao") == 3
    assert main(["bulletin", "x", "--repeat", "0", "--config", str(toml)]) == 2
    assert "--repeat 0: read the notice 1 to 5 times" in capsys.readouterr().err
    assert main(["bulletin", "   ", "--config", str(toml)]) == 3


def test_two_bulletins_in_one_minute_are_two_episodes(
    first_build: BuildResult,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import phatthanh.bulletin

    class Frozen(datetime):  # both bulletins are issued at 14:05 (NOW)
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Frozen:
            return cls.fromisoformat(NOW.astimezone(tz).isoformat())

    monkeypatch.setattr(phatthanh.bulletin, "datetime", Frozen)
    config = copy_station(first_build, tmp_path)
    toml = config.root / "phatthanh.toml"
    toml.write_text('[voices]\nengine = "espeak"\n[master]\nrenditions = ["podcast"]\n')
    notices = ("Mất điện xã Tân Lập từ 15 giờ.", "Cắt nước khu chợ huyện đến tối nay.")
    for notice in notices:
        assert main(["bulletin", notice, "--repeat", "1", "--config", str(toml)]) == 0
    capsys.readouterr()
    folders = sorted(p.name for p in config.episodes_dir.glob("*thong-bao-khan-luc-14-gio-05*"))
    scripts = [(config.episodes_dir / f / "script.txt").read_text("utf-8") for f in folders]
    assert len(folders) == 2, folders  # the second did not replace the first
    for script, notice in zip(scripts, notices, strict=True):
        assert f"[body] {notice}" in script
    base = "2026-11-26-1405-thong-bao-khan-luc-14-gio-05"  # its minute, then -2
    assert folders == [base, f"{base}-2"]
    items = etree.parse(str(config.feeds_dir / "podcast.xml")).findall("channel/item")
    urgent = [i for i in items if i.findtext("title") == "Thông báo khẩn lúc 14 giờ 05"]
    assert len(urgent) == 2  # each its own feed item: own guid, own file
    assert len({i.findtext("guid") for i in urgent}) == 2
    assert len({i.find("enclosure").get("url") for i in urgent}) == 2
    manifest = json.loads((config.feeds_dir / "loudspeaker.json").read_text("utf-8"))
    assert sum(e["priority"] == "khẩn cấp" for e in manifest["episodes"]) == 2


def _edge_config(config: Config, server: EdgeServer, engine: str) -> Config:
    from dataclasses import replace

    edge = replace(config.voices.edge, endpoint=server.endpoint, timeout_s=3.0)
    voices = replace(config.voices, engine=engine, edge=edge,
                     chain=("edge:vi-VN-HoaiMyNeural", "espeak"))  # fmt: skip
    return replace(config, voices=voices)


def test_stalled_online_voice_trips_the_breaker_once(
    first_build: BuildResult, tmp_path: Path
) -> None:
    config = copy_station(first_build, tmp_path)
    with EdgeServer(fault="stall") as server:
        config = _edge_config(config, server, "edge")
        result = build_bulletin(NOTICE, config, BulletinOptions(now=NOW, profiles=ONE))
        handshakes = server.handshakes
    record = result.record
    assert record.engine == "espeak-ng"
    assert record.voice_fallback is not None
    assert "edge-tts failed" in record.voice_fallback
    assert "circuit breaker switched to espeak-ng" in record.voice_fallback
    # one round of requests in flight, none retried: the breaker opened at the first failure
    assert 1 <= handshakes <= config.voices.edge.concurrency
    data = json.loads((result.episode_dir / "episode.json").read_text("utf-8"))
    assert data["voice_fallback"] == record.voice_fallback


def test_breaker_in_a_regular_build_records_the_switch(
    first_build: BuildResult, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A dropped stream in the middle of a normal episode: the rest of the build (the whole
    program, one voice) is read offline, and the log and episode.json say so."""
    from datetime import date

    from phatthanh.articles import expand_sources
    from phatthanh.pipeline import BuildOptions, build_episode

    config = copy_station(first_build, tmp_path)
    with EdgeServer(fault="drop") as server:
        server.fault_from = 5  # the first four segments are read online, then drops
        config = _edge_config(config, server, "auto")
        article = tmp_path / "tin.txt"
        article.write_text(
            "Xã Tân Lập khánh thành cầu mới\n\nSáng nay, xã Tân Lập khánh thành cây cầu bắc "
            "qua kênh Bảy. Cầu dài ba mươi mét. Người dân đi lại thuận tiện hơn. Xe máy qua "
            "cầu an toàn. Học sinh đến trường nhanh hơn. Chợ phiên đông vui hơn.\n",
            "utf-8",
        )
        lineup = expand_sources([str(article)], config.articles)
        options = BuildOptions("Bản tin trưa", date(2026, 11, 25), profiles=ONE)
        result = build_episode(lineup, config, options)
    assert result.record.engine == "espeak-ng"
    assert "circuit breaker switched to espeak-ng" in (result.record.voice_fallback or "")
    assert "circuit breaker switched to espeak-ng" in caplog.text
    data = json.loads((result.episode_dir / "episode.json").read_text("utf-8"))
    assert data["engine"] == "espeak-ng" and "circuit breaker" in data["voice_fallback"]


def test_strict_engine_keeps_the_online_voice_failure(
    first_build: BuildResult, tmp_path: Path
) -> None:
    from phatthanh.errors import VoiceError

    config = copy_station(first_build, tmp_path)
    with EdgeServer(fault="403") as server:
        config = _edge_config(config, server, "edge")
        with pytest.raises(VoiceError):
            build_bulletin(
                NOTICE, config, BulletinOptions(now=NOW, strict_engine=True, profiles=ONE)
            )
